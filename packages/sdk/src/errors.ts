/**
 * The one error type of the SDK. Every failure the app can see is a `VoiceError` with a string `code` from
 * {@link VoiceErrorCode}; codes the server sends are passed on unchanged, so a new server code needs no SDK update.
 * @module
 */
import { errorCodeAdvice, type HttpErrorCode, type SocketErrorCode } from './protocol/codes.ts';

/**
 * Codes the client itself raises, each mapped to itself (`CLIENT_ERROR_CODES.MIC_NOT_FOUND`), so an app can compare
 * against a constant. The meaning of each is its TSDoc, which the README's error table is generated from: the text
 * stays out of the bundle.
 */
export const CLIENT_ERROR_CODES = {
  /** An option is missing, of the wrong type or out of range. */
  INVALID_OPTIONS: 'INVALID_OPTIONS',
  /** A ws:// or http:// URL to a host that is not loopback: only wss:// and https:// are allowed there. */
  INSECURE_URL: 'INSECURE_URL',
  /** The app’s token callback threw, rejected or returned something that is not a token. */
  TOKEN_PROVIDER_FAILED: 'TOKEN_PROVIDER_FAILED',
  /** The token request could not reach the server (network, CORS, DNS). */
  TOKEN_FETCH_FAILED: 'TOKEN_FETCH_FAILED',
  /** The token endpoint answered with an error status and no error envelope (a gateway or proxy page). */
  HTTP_ERROR: 'HTTP_ERROR',
  /** The socket could not be opened. */
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  /** The socket closed without the server saying why. */
  CONNECTION_LOST: 'CONNECTION_LOST',
  /** The server accepted the socket but never confirmed the token. */
  CONFIRMATION_TIMEOUT: 'CONFIRMATION_TIMEOUT',
  /** The server sent something the protocol does not allow (bad JSON, a message of the wrong shape). */
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  /** The reconnect policy gave up. */
  RECONNECT_EXHAUSTED: 'RECONNECT_EXHAUSTED',
  /** disconnect() was called while connecting. */
  ABORTED: 'ABORTED',
  /** The user or the browser refused microphone access. */
  MIC_PERMISSION_DENIED: 'MIC_PERMISSION_DENIED',
  /** No microphone is available. */
  MIC_NOT_FOUND: 'MIC_NOT_FOUND',
  /** The microphone exists but could not be opened (another app has it, or the OS refused). */
  MIC_IN_USE: 'MIC_IN_USE',
  /** The microphone went away during the call and no other could be opened. */
  MIC_ENDED: 'MIC_ENDED',
  /** The AudioContext could not be created or started. */
  AUDIO_CONTEXT_FAILED: 'AUDIO_CONTEXT_FAILED',
  /** The browser will not start audio without a user gesture. */
  AUDIO_BLOCKED: 'AUDIO_BLOCKED',
  /** An AudioWorklet module could not be loaded (CSP without data:, wrong workletBaseUrl). */
  WORKLET_LOAD_FAILED: 'WORKLET_LOAD_FAILED',
  /** An audio worklet stopped with an error while running. */
  WORKLET_FAILED: 'WORKLET_FAILED',
  /** The output device could not be selected. */
  OUTPUT_DEVICE_FAILED: 'OUTPUT_DEVICE_FAILED',
  /** The browser lacks AudioWorklet, getUserMedia or WebSocket. */
  UNSUPPORTED_BROWSER: 'UNSUPPORTED_BROWSER',
} as const;
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/** Every code a `VoiceError` can carry. Unknown server codes arrive as plain strings. */
export type VoiceErrorCode = ClientErrorCode | HttpErrorCode | SocketErrorCode | (string & {});

export interface VoiceErrorInit {
  /** HTTP status, for errors from the token endpoint. */
  status?: number;
  /** The server's `details` object, unchanged. */
  details?: Record<string, unknown>;
  /** WebSocket close code, for errors that ended a socket. */
  closeCode?: number;
  /** Whether trying again (with a fresh token) can help. Defaults to the protocol table's advice for the code. */
  retryable?: boolean;
  /** How long the server asked the client to wait before trying again (429 `details.retryAfter` or `Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
}

export class VoiceError extends Error {
  override readonly name = 'VoiceError';
  readonly code: VoiceErrorCode;
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly closeCode: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: VoiceErrorCode, message: string, init: VoiceErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.details = init.details;
    this.closeCode = init.closeCode;
    this.retryable = init.retryable ?? errorCodeAdvice(code, init.status) === 'retry';
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** True for a `VoiceError`, also one from another copy of the SDK (another bundle or realm). */
export function isVoiceError(value: unknown): value is VoiceError {
  return (
    value instanceof VoiceError ||
    (value instanceof Error && value.name === 'VoiceError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
