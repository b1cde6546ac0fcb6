/**
 * Options of the reference server, with one `DEFAULTS` object. The README's option table is checked against it.
 * @module
 */

import type { IncomingMessage } from 'node:http';
import { AUTH_WINDOW_MS, MAX_SOCKETS_PER_DEVICE, TOKEN_REQUESTS_PER_MINUTE, TOKEN_TTL_SECONDS } from '@savants/voice/protocol';
import type { Agent } from './agents/agent.ts';
import type { AgentName, AgentOptions } from './agents/registry.ts';
import type { Logger } from './logger.ts';
import type { NetworkModel, ShapeName } from './network-model.ts';

/** An API key, optionally bound to device ids (omitted: any device id is accepted with this key). */
export interface ApiKeyEntry {
  key: string;
  deviceIds?: readonly string[];
}

/** Token requests allowed per device in a rolling window. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** The documented development key: works out of the box, with any device id. Printed by the CLI; not a secret. */
export const DEV_API_KEY = 'sk_dev_savants_local';

export interface VoiceServerOptions {
  /** TCP port; 0 picks a free one. @default 8787 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The agent for every session: a built-in name or your own {@link Agent}. @default 'echo' */
  agent?: AgentName | Agent;
  /** Options of the built-in agents. @default {} */
  agentOptions?: AgentOptions;
  /**
   * Let the socket URL's query pick `agent`, `shape` and `seed` (and agent knobs) per session: `'loopback'` for
   * clients on a loopback address only, `true` for every client, `false` for none. Other clients' queries are
   * ignored. Reference server only: the real API takes no query. @default 'loopback'
   */
  allowQueryOverrides?: boolean | 'loopback';
  /** Token lifetime in seconds. @default 60 */
  tokenTtlSeconds?: number;
  /** How long a socket may stay open without sending its token. @default 30000 */
  authWindowMs?: number;
  /**
   * Accepted API keys. When omitted: keys from `SAVANTS_API_KEYS` (comma-separated) or `apiKeysFile`, else the
   * development key {@link DEV_API_KEY}. @default [{ key: DEV_API_KEY }]
   */
  apiKeys?: readonly ApiKeyEntry[];
  /** A JSON file holding `ApiKeyEntry[]` (or an array of key strings). @default undefined */
  apiKeysFile?: string;
  /** Environment read for `SAVANTS_API_KEYS`. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Deactivated devices: device id → ISO-8601 time of deactivation. @default {} */
  inactiveDevices?: Readonly<Record<string, string>>;
  /** Token requests per device in a rolling window; `false` disables the limit (fuzzing). @default { limit: 60, windowMs: 60000 } */
  rateLimit?: RateLimit | false;
  /**
   * Failed authentications (wrong key, or a key not bound to the device) per client address in a rolling window;
   * beyond it the address gets 429 `AUTH_THROTTLED`. `false` disables the throttle. @default { limit: 20, windowMs: 60000 }
   */
  authFailureLimit?: RateLimit | false;
  /** Sockets per client address that have not sent a valid token yet; more are closed at once with 4202. @default 32 */
  maxPendingSocketsPerAddress?: number;
  /**
   * The client's address, which the per-address limits and the loopback check go by. Behind a reverse proxy, return
   * the address your proxy forwards (and trust that header from your proxy only). @default the socket's remote address
   */
  clientAddress?: (req: IncomingMessage) => string;
  /** Concurrent authenticated sockets per device. @default 10 */
  maxSocketsPerDevice?: number;
  /** Directory for per-session WAV recordings and JSON sidecars; omitted: nothing is recorded. @default undefined */
  recordDir?: string;
  /** Network shape applied to what the server sends. @default 'none' */
  shape?: ShapeName;
  /** Seed of the network shape; each session uses `shapeSeed + session index`. @default 1 */
  shapeSeed?: number;
  /** Replaces `createNetworkModel` (tests inject a fake model to control timing). @default undefined */
  networkModel?: (shape: ShapeName, seed: number) => NetworkModel;
  /** Browser origins allowed to call the token endpoint; `'*'` allows any. Loopback origins are always allowed. @default [] */
  corsOrigins?: readonly string[];
  /** Largest token request body; a larger one is refused with 413 as soon as it is seen. @default 4096 */
  maxBodyBytes?: number;
  /** Time allowed for a whole request body; a slower one gets 408. @default 10000 */
  bodyTimeoutMs?: number;
  /**
   * Largest socket message, enforced by `ws` while the frame arrives: a larger one closes the socket with 1009.
   * Twice the largest audio frame (8,000 bytes) and the largest token (8,192 characters). @default 16384
   */
  maxPayloadBytes?: number;
  /** Outgoing messages queued per session; more are dropped. @default 3000 */
  maxQueuedMessages?: number;
  /** How long shutdown waits for clients to answer the close frame before cutting them. @default 1000 */
  shutdownGraceMs?: number;
  /** Structured logs. @default JSON lines on stdout */
  logger?: Logger;
  /** HS256 secret; random per process by default, so tokens do not survive a restart of the process. @default random */
  jwtSecret?: string | Uint8Array;
}

/** Every default in one place. */
export const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  agent: 'echo',
  agentOptions: {},
  allowQueryOverrides: 'loopback',
  tokenTtlSeconds: TOKEN_TTL_SECONDS,
  authWindowMs: AUTH_WINDOW_MS,
  inactiveDevices: {},
  rateLimit: { limit: TOKEN_REQUESTS_PER_MINUTE, windowMs: 60_000 },
  authFailureLimit: { limit: 20, windowMs: 60_000 },
  maxPendingSocketsPerAddress: 32,
  maxSocketsPerDevice: MAX_SOCKETS_PER_DEVICE,
  shape: 'none',
  shapeSeed: 1,
  corsOrigins: [],
  maxBodyBytes: 4096,
  bodyTimeoutMs: 10_000,
  maxPayloadBytes: 16_384,
  maxQueuedMessages: 3000,
  shutdownGraceMs: 1000,
} as const satisfies Partial<VoiceServerOptions>;
