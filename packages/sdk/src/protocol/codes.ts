/**
 * Every error code and close code of the protocol, with what a client should do about it.
 * The documented codes come from the public docs; the rest are this SDK's decisions for the docs' gaps
 * (see packages/server/README.md). Server and client both read this table: there is no second copy.
 * @module
 */

/** What a client does after an error: try again (with a fresh token), or stop and tell the app. */
export type RetryAdvice = 'retry' | 'stop';

/** Error codes of the HTTP token endpoint, with their HTTP status. */
export const HTTP_ERRORS = {
  /** A field is missing, empty or not a string, the body is not JSON, or the content type is wrong (`details.field`). Documented. */
  INVALID_REQUEST: { status: 400, retry: 'stop' },
  /** Unknown API key, or a device id the key is not bound to. Documented. */
  AUTHENTICATION_FAILED: { status: 401, retry: 'stop' },
  /** The device has been deactivated (`details.deviceId`, `details.deactivatedAt`). Documented. */
  DEVICE_INACTIVE: { status: 401, retry: 'stop' },
  /** No such path on the API. */
  NOT_FOUND: { status: 404, retry: 'stop' },
  /** The token endpoint takes `POST` only. */
  METHOD_NOT_ALLOWED: { status: 405, retry: 'stop' },
  /** The request body did not arrive in time. */
  REQUEST_TIMEOUT: { status: 408, retry: 'retry' },
  /** The request body is larger than a token request can be. */
  PAYLOAD_TOO_LARGE: { status: 413, retry: 'stop' },
  /** More than 60 token requests for one device in a rolling minute; wait `details.retryAfter` seconds. Documented. */
  RATE_LIMITED: { status: 429, retry: 'retry' },
  /**
   * Too many failed authentications from the client's address in a rolling minute; wait `details.retryAfter` seconds.
   * A key that already obtained a token from that address is not held back.
   */
  AUTH_THROTTLED: { status: 429, retry: 'retry' },
  /** The server is misconfigured; trying again will not help until it is fixed. Documented. */
  CONFIGURATION_ERROR: { status: 500, retry: 'stop' },
  /** The server failed while handling the request. */
  INTERNAL_ERROR: { status: 500, retry: 'retry' },
} as const satisfies Record<string, { status: number; retry: RetryAdvice }>;
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/**
 * Error codes sent in `{"type":"error"}` frames on the socket, each with the close code that follows it
 * (`null`: the session stays open).
 */
export const SOCKET_ERRORS = {
  /** The token's `exp` has passed. Documented. */
  TOKEN_EXPIRED: { close: 4001, retry: 'retry' },
  /** Not a JWT, bad signature, wrong algorithm, audience or issuer. */
  TOKEN_INVALID: { close: 4002, retry: 'stop' },
  /** The token already opened a socket: tokens are single use. */
  TOKEN_REUSED: { close: 4003, retry: 'retry' },
  /** No token arrived within the auth window (30 s). */
  AUTH_TIMEOUT: { close: 4004, retry: 'retry' },
  /** The token's device has been deactivated since the token was issued. */
  DEVICE_INACTIVE: { close: 4005, retry: 'stop' },
  /** A text frame after authentication: the client may send only audio. */
  UNEXPECTED_TEXT_FRAME: { close: 4101, retry: 'stop' },
  /** A binary frame before the confirmation. */
  BINARY_BEFORE_AUTH: { close: 4102, retry: 'stop' },
  /** An audio frame that is empty, of odd length or over 8,000 bytes. The frame is dropped; the session goes on. */
  INVALID_AUDIO_FRAME: { close: null, retry: 'retry' },
  /** The device already has 10 open sockets. */
  CONNECTION_LIMIT: { close: 4201, retry: 'retry' },
  /** The client's address already holds 32 sockets that have not sent a valid token yet. */
  PENDING_SOCKET_LIMIT: { close: 4202, retry: 'retry' },
  /** The server is shutting down. */
  SERVER_SHUTDOWN: { close: 1001, retry: 'retry' },
  /** The server failed. */
  INTERNAL_ERROR: { close: 1011, retry: 'retry' },
} as const satisfies Record<string, { close: number | null; retry: RetryAdvice }>;
export type SocketErrorCode = keyof typeof SOCKET_ERRORS;

/** Close codes the server uses, and what each tells the client. 1000 is a normal end. */
export const CLOSE_CODES = {
  1000: { name: 'NORMAL', retry: 'stop' },
  1001: { name: 'SERVER_SHUTDOWN', retry: 'retry' },
  1006: { name: 'ABNORMAL', retry: 'retry' },
  1009: { name: 'MESSAGE_TOO_BIG', retry: 'stop' },
  1011: { name: 'INTERNAL_ERROR', retry: 'retry' },
  4001: { name: 'TOKEN_EXPIRED', retry: 'retry' },
  4002: { name: 'TOKEN_INVALID', retry: 'stop' },
  4003: { name: 'TOKEN_REUSED', retry: 'retry' },
  4004: { name: 'AUTH_TIMEOUT', retry: 'retry' },
  4005: { name: 'DEVICE_INACTIVE', retry: 'stop' },
  4101: { name: 'UNEXPECTED_TEXT_FRAME', retry: 'stop' },
  4102: { name: 'BINARY_BEFORE_AUTH', retry: 'stop' },
  4201: { name: 'CONNECTION_LIMIT', retry: 'retry' },
  4202: { name: 'PENDING_SOCKET_LIMIT', retry: 'retry' },
} as const satisfies Record<number, { name: string; retry: RetryAdvice }>;
export type CloseCode = keyof typeof CLOSE_CODES;

/** What to do after a close code. Codes outside the table (proxies, browsers) are treated as network failures. */
export function closeCodeAdvice(code: number): RetryAdvice {
  return code in CLOSE_CODES ? CLOSE_CODES[code as CloseCode].retry : 'retry';
}

/**
 * Failures a client detects itself, with no server code to go by: whether a fresh attempt (new token, new socket)
 * can help. Kept here, beside the server's codes, so one table decides every retry.
 */
export const CLIENT_FAILURES = {
  /** The token request did not reach the server (network, DNS, CORS). */
  TOKEN_FETCH_FAILED: 'retry',
  /** The app's token callback threw or returned no token: its backend may be back next time. */
  TOKEN_PROVIDER_FAILED: 'retry',
  /** The socket did not open in time or failed before opening. */
  CONNECTION_FAILED: 'retry',
  /** The socket closed without a code the table knows. */
  CONNECTION_LOST: 'retry',
  /** The server never confirmed the token. */
  CONFIRMATION_TIMEOUT: 'retry',
  /** The server sent something the protocol does not allow. */
  PROTOCOL_ERROR: 'retry',
  /** Bad options, insecure URLs and a missing WebSocket do not get better by trying again. */
  INVALID_OPTIONS: 'stop',
  INSECURE_URL: 'stop',
  UNSUPPORTED_BROWSER: 'stop',
  /** The app hung up, or the policy gave up. */
  ABORTED: 'stop',
  RECONNECT_EXHAUSTED: 'stop',
  /** Microphone, speaker and Web Audio failures: a new token or socket cannot fix them; the user or the app must act. */
  MIC_PERMISSION_DENIED: 'stop',
  MIC_NOT_FOUND: 'stop',
  MIC_IN_USE: 'stop',
  MIC_ENDED: 'stop',
  AUDIO_CONTEXT_FAILED: 'stop',
  AUDIO_BLOCKED: 'stop',
  WORKLET_LOAD_FAILED: 'stop',
  WORKLET_FAILED: 'stop',
  OUTPUT_DEVICE_FAILED: 'stop',
} as const satisfies Record<string, RetryAdvice>;
export type ClientFailureCode = keyof typeof CLIENT_FAILURES;

/**
 * What to do after an HTTP status that came without an error envelope (a gateway or proxy page):
 * timeouts, rate limits and 5xx may pass; any other 4xx will not.
 */
export function httpStatusAdvice(status: number): RetryAdvice {
  return status === 408 || status === 429 || status >= 500 ? 'retry' : 'stop';
}

/**
 * What to do after an error code: a server code (HTTP or socket), a client failure, or a code the table does not
 * know. An unknown code that came with an HTTP status (an app's `tokenUrl` answering 401 `{error:{code:"UNAUTHORIZED"}}`,
 * or `HTTP_ERROR`) follows the status's advice; without a status it is passed on as retryable.
 */
export function errorCodeAdvice(code: string, httpStatus?: number): RetryAdvice {
  if (code in SOCKET_ERRORS) return SOCKET_ERRORS[code as SocketErrorCode].retry;
  if (code in HTTP_ERRORS) return HTTP_ERRORS[code as HttpErrorCode].retry;
  if (code in CLIENT_FAILURES) return CLIENT_FAILURES[code as ClientFailureCode];
  if (httpStatus !== undefined) return httpStatusAdvice(httpStatus);
  return 'retry';
}
