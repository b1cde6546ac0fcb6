/**
 * Checks the connection section of the options and fills in the defaults, once, in the constructor: a mistake is a
 * `VoiceError('INVALID_OPTIONS')` (or `INSECURE_URL`) thrown before anything connects.
 * @module
 */

import { flagOption, invalidOption, nonEmptyString, numberIn, numberOption } from '../option-checks.ts';
import {
  type BackoffOptions,
  type Clock,
  type ConnectionOptions,
  DEFAULTS,
  type DeviceIdStorage,
  type ReconnectPolicy,
  type WebSocketConstructor,
} from '../options.ts';
import { WIRE_BYTES_PER_SAMPLE, WIRE_SAMPLE_RATE } from '../protocol/constants.ts';
import { systemClock } from './clock.ts';
import { exponentialBackoff, neverReconnect } from './reconnect-policy.ts';
import type { TokenMode } from './token-source.ts';
import { checkSocketUrl, checkTokenUrl, isLoopbackHost, socketUrlFromBase, tokenEndpointFromBase } from './url.ts';

/** Bytes of 16 kHz Int16 mono audio per millisecond. */
const BYTES_PER_MS = (WIRE_SAMPLE_RATE * WIRE_BYTES_PER_SAMPLE) / 1000;

/** Token mode without the device id, which is resolved (maybe from storage) when first needed. */
export type TokenModeOption =
  | { kind: 'apiKey'; endpoint: string; apiKey: string; deviceId: string | undefined }
  | Exclude<TokenMode, { kind: 'apiKey' }>;

export interface ResolvedConnectionOptions {
  token: TokenModeOption;
  wsUrl: string;
  connectTimeoutMs: number;
  confirmationTimeoutMs: number;
  reconnect: ReconnectPolicy;
  minUptimeMs: number;
  /** Backpressure bound in bytes. */
  maxBufferedBytes: number;
  /** Reconnect buffer in bytes. */
  reconnectBufferBytes: number;
  WebSocket: WebSocketConstructor | undefined;
  fetch: typeof fetch | undefined;
  clock: Clock;
  storage: DeviceIdStorage | undefined;
}

function resolveReconnect(option: ConnectionOptions['reconnect']): ReconnectPolicy {
  if (option === undefined) return exponentialBackoff();
  if (option === false) return neverReconnect;
  if (typeof option === 'function') return option;
  if (typeof option !== 'object' || option === null) throw invalidOption('reconnect must be false, a backoff object or a policy function');
  // Each field from numberIn, not from spreading the option over the defaults: a key present but undefined
  // (`{ maxDelayMs: undefined }`, which the types allow) must mean its default, not NaN delays.
  const backoff = {} as BackoffOptions;
  for (const name of Object.keys(DEFAULTS.reconnect) as Array<keyof BackoffOptions>) {
    backoff[name] = numberIn(`reconnect.${name}`, option[name], DEFAULTS.reconnect[name], 0, Number.MAX_SAFE_INTEGER);
  }
  if (backoff.jitter > 1) throw invalidOption('reconnect.jitter must be from 0 to 1');
  if (backoff.initialDelayMs > backoff.maxDelayMs) throw invalidOption('reconnect.initialDelayMs must not exceed reconnect.maxDelayMs');
  return exponentialBackoff(backoff);
}

function resolveToken(options: ConnectionOptions, baseUrl: string): TokenModeOption {
  const given = (['apiKey', 'token', 'tokenUrl'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw invalidOption(`Exactly one of apiKey, token and tokenUrl is required, got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  }
  if (options.token !== undefined) {
    if (typeof options.token !== 'function') throw invalidOption('token must be a function returning a token');
    return { kind: 'callback', callback: options.token };
  }
  if (options.tokenUrl !== undefined) return { kind: 'tokenUrl', url: checkTokenUrl(nonEmptyString('tokenUrl', options.tokenUrl)) };
  const apiKey = nonEmptyString('apiKey', options.apiKey);
  checkApiKeyPage(globalThis.location, flagOption(options, 'dangerouslyAllowBrowser'));
  const deviceId = options.deviceId === undefined ? undefined : nonEmptyString('deviceId', options.deviceId);
  return { kind: 'apiKey', endpoint: tokenEndpointFromBase(baseUrl), apiKey, deviceId };
}

/**
 * `apiKey` in a page that other people open publishes the key, so it needs the loud opt-in there. Pages on a loopback
 * host or from a file are the developer's own; outside a page (Node, no `location`) there is no one to read it.
 */
export function checkApiKeyPage(page: Pick<Location, 'hostname' | 'protocol'> | undefined, allowed: boolean): void {
  if (allowed || page === undefined || page.protocol === 'file:' || isLoopbackHost(page.hostname)) return;
  throw invalidOption(
    `apiKey in a web page served from ${page.hostname} gives the key to everyone who opens the page. ` +
      'Mint tokens on your backend and use token or tokenUrl; for a throwaway prototype, set dangerouslyAllowBrowser: true.',
  );
}

/** Validates the connection options and applies `DEFAULTS`. Throws `VoiceError` `INVALID_OPTIONS` or `INSECURE_URL`. */
export function resolveConnectionOptions(options: ConnectionOptions): ResolvedConnectionOptions {
  if (typeof options !== 'object' || options === null) throw invalidOption('options must be an object');
  const baseUrl = options.baseUrl === undefined ? DEFAULTS.baseUrl : nonEmptyString('baseUrl', options.baseUrl);
  const token = resolveToken(options, baseUrl);
  const wsUrl = options.wsUrl === undefined ? socketUrlFromBase(baseUrl) : checkSocketUrl(nonEmptyString('wsUrl', options.wsUrl));
  for (const seam of ['WebSocket', 'fetch'] as const) {
    if (options[seam] !== undefined && typeof options[seam] !== 'function')
      throw invalidOption(`${seam} must be a constructor or function`);
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw invalidOption('clock must have now(), setTimeout() and clearTimeout()');
  }
  if (options.storage !== undefined && (typeof options.storage.get !== 'function' || typeof options.storage.set !== 'function')) {
    throw invalidOption('storage must have get() and set()');
  }
  const hour = 3_600_000;
  return {
    token,
    wsUrl,
    connectTimeoutMs: numberOption(options, 'connectTimeoutMs', 0, hour),
    confirmationTimeoutMs: numberOption(options, 'confirmationTimeoutMs', 0, hour),
    reconnect: resolveReconnect(options.reconnect),
    minUptimeMs: numberOption(options, 'minUptimeMs', 0, hour),
    maxBufferedBytes: Math.round(numberOption(options, 'maxBufferedAmountMs', 0, 60_000) * BYTES_PER_MS),
    reconnectBufferBytes: Math.round(numberOption(options, 'reconnectBufferMs', 0, 60_000) * BYTES_PER_MS),
    WebSocket: options.WebSocket,
    fetch: options.fetch,
    clock,
    storage: options.storage,
  };
}
