/**
 * The SDK's public options and their one `DEFAULTS` object. Each concern has its own section, an interface of
 * options and a block of `DEFAULTS`; {@link VoiceClientOptions} joins the sections. Validation lives with the code
 * that reads each section (`transport/resolve-options.ts` for the connection section).
 *
 * The platform seams (WebSocket constructor, clock, storage, fetch) are typed here, not in the layers that use
 * them, because this file may not import those layers: it is the contract they are built against.
 * @module
 */
import type { VoiceError } from './errors.ts';
import { DEFAULT_BASE_URL } from './protocol/constants.ts';

// ─── Platform seams ─────────────────────────────────────────────────────────────────────────────────────────────

/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Time as the SDK sees it. Injected so tests can move time forward without sleeping; the default is the
 * platform's `Date.now`, `setTimeout` and `clearTimeout`.
 */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale; only differences are used. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The part of a WebSocket the SDK uses: the browser's `WebSocket` and the `ws` package's both fit.
 * Methods (not function-valued properties) on purpose: their parameters compare bivariantly, so `ws`'s richer
 * event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: (event: unknown) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/** A WebSocket constructor: `WebSocket` in browsers, `ws`'s `WebSocket` in Node. Called with the URL only. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * Where the generated device id is kept. The default is IndexedDB through idb-keyval, in a store of the SDK's own
 * (`savants-voice` / `kv`), falling back to memory when IndexedDB is unavailable.
 */
export interface DeviceIdStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<void>;
}

/** The app's own token source: resolves to a fresh JWT minted by the app's backend. */
export type TokenCallback = (context: { signal: AbortSignal }) => Promise<string> | string;

/**
 * Decides whether and when to try again after a failed or lost connection.
 * @param attempt the attempt about to be made, from 1; it starts again at 1 once a connection stayed up
 *   {@link ConnectionOptions.minUptimeMs}.
 * @param lastError why the previous attempt failed or the connection was lost.
 * @returns the delay in ms before the attempt, or `null` to give up. A policy that throws, or returns anything but a
 *   finite number ≥ 0, gives up too (with the failure that asked it).
 */
export type ReconnectPolicy = (attempt: number, lastError: VoiceError) => number | null;

/** Parameters of the built-in jittered exponential backoff. */
export interface BackoffOptions {
  /** Delay before the first retry. @default 500 */
  initialDelayMs: number;
  /** Ceiling of the delay. @default 10000 */
  maxDelayMs: number;
  /** Retries before giving up with `RECONNECT_EXHAUSTED`. @default 6 */
  maxAttempts: number;
  /** Each delay is multiplied by a random factor in `[1 - jitter, 1 + jitter]`, so clients dropped together do not return together. @default 0.2 */
  jitter: number;
}

// ─── Connection and authentication (transport) ──────────────────────────────────────────────────────────────────

/**
 * How the client authenticates and keeps its socket. Exactly one of `apiKey`, `token` and `tokenUrl` is required.
 */
export interface ConnectionOptions {
  /**
   * The device API key: the SDK trades it for a token at `{baseUrl}/api/websocket-voice/token` itself.
   * For prototypes only: a key in a web page is public. Production apps use `token` or `tokenUrl`.
   * Never put in a URL, an event, a log line or a socket frame.
   * @default undefined (one of `apiKey`, `token`, `tokenUrl` is required)
   */
  apiKey?: string;
  /**
   * Lets `apiKey` be used in a web page that is not served from a loopback host. Without it, such a page gets
   * `INVALID_OPTIONS`: everyone who opens the page can read the key, so production pages use `token` or `tokenUrl`.
   * Set it only for a prototype whose key you are ready to lose.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean;
  /**
   * The registered device id sent with `apiKey`. Without it the SDK generates one (`crypto.randomUUID()`) and keeps
   * it in `storage`. Ignored with `token` and `tokenUrl` (the app's backend owns the device id then).
   * @default generated once per browser and kept in `storage`
   */
  deviceId?: string;
  /**
   * Returns a fresh token minted by the app's backend. Called once per connection attempt, right before the socket
   * opens; never cached. The `signal` aborts when `disconnect()` is called.
   * @example `token: async () => (await (await fetch('/voice-token', { method: 'POST' })).json()).token`
   * @default undefined (one of `apiKey`, `token`, `tokenUrl` is required)
   */
  token?: TokenCallback;
  /**
   * A URL on the app's backend that answers `POST` (no body, cookies of the page's origin) with `{ "token": "…" }`,
   * or with the API's error envelope. Relative URLs resolve against the page.
   * @default undefined (one of `apiKey`, `token`, `tokenUrl` is required)
   */
  tokenUrl?: string;
  /** HTTP base of the Voice API; the socket URL derives from it (`https` → `wss`, plus `/voice-stream`). @default 'https://api.thesavants.ai' */
  baseUrl?: string;
  /** Socket URL, when it does not derive from `baseUrl`. `ws://` is accepted for loopback hosts only. @default derived from `baseUrl` */
  wsUrl?: string;
  /** How long the socket may take to open before the attempt fails with `CONNECTION_FAILED`. @default 10000 */
  connectTimeoutMs?: number;
  /** How long to wait for the server's confirmation after sending the token (`CONFIRMATION_TIMEOUT`). @default 10000 */
  confirmationTimeoutMs?: number;
  /**
   * Retry policy for lost or failed connections: `false` never retries, an object tunes the built-in jittered
   * exponential backoff, a function replaces it. Codes the protocol table marks as final (e.g.
   * `AUTHENTICATION_FAILED`, `DEVICE_INACTIVE`, `INVALID_REQUEST`) never retry, whatever the policy says.
   * @default { initialDelayMs: 500, maxDelayMs: 10000, maxAttempts: 6, jitter: 0.2 }
   */
  reconnect?: false | Partial<BackoffOptions> | ReconnectPolicy;
  /** A connection must stay up this long before the backoff starts again from its first step. @default 5000 */
  minUptimeMs?: number;
  /**
   * Backpressure bound, in ms of 16 kHz audio: while more than this is waiting in the socket's send buffer,
   * new audio waits in a queue of the same size whose oldest frames are dropped (and counted) when it is full.
   * @default 300
   */
  maxBufferedAmountMs?: number;
  /**
   * Microphone audio kept until the server confirms, in ms: while the first connection is being made (so the first
   * words are not lost) and while reconnecting. It is sent in order, at once, right after the confirmation; the
   * oldest is dropped (and counted) beyond it. `0` drops audio until confirmed.
   * @default 2000
   */
  reconnectBufferMs?: number;
  /** WebSocket constructor. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
  /** `fetch` used for token requests. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Time source for every timer of the transport. @default the platform's Date.now / setTimeout / clearTimeout */
  clock?: Clock;
  /** Where a generated device id is kept. @default IndexedDB (idb-keyval store 'savants-voice'/'kv'), memory where unavailable */
  storage?: DeviceIdStorage;
}

// ─── Audio (microphone, speaker, worklets) ──────────────────────────────────────────────────────────────────────

/** How audio is captured and played. Read by `audio/` through the client. */
export interface AudioOptions {
  /** Browser echo cancellation on the microphone. Keep it on unless the user wears headphones. @default true */
  echoCancellation?: boolean;
  /** Browser noise suppression on the microphone. @default true */
  noiseSuppression?: boolean;
  /** Browser automatic gain control on the microphone. @default true */
  autoGainControl?: boolean;
  /** Microphone to open (a `MediaDeviceInfo.deviceId`). @default the system default microphone */
  inputDeviceId?: string;
  /** Speaker to play to, where the browser can choose (`AudioContext.setSinkId`). @default the system default output */
  outputDeviceId?: string;
  /** Playback volume of the agent, 0 to 1. @default 1 */
  volume?: number;
  /** Start the call muted (silence is sent at real-time pace, so the server's timing holds). @default false */
  muted?: boolean;
  /** Duration of each outgoing audio frame, 10 to 100 ms (20 ms = 640 bytes). @default 20 */
  frameDurationMs?: number;
  /**
   * Period of `level` events and of jitter-buffer stats, in ms. The worklets cap the rate whatever is asked: microphone
   * levels at 100 per second, agent levels and stats at about 30 per second (a message per render quantum would flood the page).
   * @default 50
   */
  levelIntervalMs?: number;
  /**
   * Where a self-hosted copy of `dist/worklets/voice.worklet.js` (one module, both processors) is served from.
   * Without it the worklets load from a `data:` URL built from code the SDK carries (the ESM build imports it at the
   * first `connect()`), which a Content-Security-Policy must allow (`script-src data:`); with it, `script-src 'self'`
   * is enough.
   * @default undefined (inlined data: URLs)
   * @example `workletBaseUrl: '/static/savants-voice/worklets/'`
   */
  workletBaseUrl?: string;
  /** `latencyHint` of the AudioContext. @default 'interactive' */
  latencyHint?: 'interactive' | 'balanced' | 'playback' | number;
  /**
   * How long the AudioContext may take to run, counted once the microphone is open (a capturing page may play audio
   * in Safari and Firefox), before the audio counts as blocked by the autoplay policy: the client then fires
   * `audioblocked` and resumes on the next click or key press in the page.
   * @default 1000
   */
  audioResumeTimeoutMs?: number;
}

// ─── All options ────────────────────────────────────────────────────────────────────────────────────────────────

/** Everything `VoiceClient` accepts. Each section is documented on its own interface; add a section with `&`. */
export type VoiceClientOptions = ConnectionOptions & AudioOptions;

/**
 * The default of every option that has one. The only copy: code reads defaults from here, the README's options
 * table is checked against it. Options without an entry (credentials, platform seams) have no default value.
 */
export const DEFAULTS = {
  // Connection and authentication
  baseUrl: DEFAULT_BASE_URL,
  connectTimeoutMs: 10_000,
  confirmationTimeoutMs: 10_000,
  reconnect: { initialDelayMs: 500, maxDelayMs: 10_000, maxAttempts: 6, jitter: 0.2 },
  minUptimeMs: 5_000,
  maxBufferedAmountMs: 300,
  reconnectBufferMs: 2_000,
  dangerouslyAllowBrowser: false,
  // Audio
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  volume: 1,
  muted: false,
  frameDurationMs: 20,
  levelIntervalMs: 50,
  latencyHint: 'interactive',
  audioResumeTimeoutMs: 1_000,
} as const satisfies Partial<Record<keyof VoiceClientOptions, unknown>>;
