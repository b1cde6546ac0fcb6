/**
 * The JSON text frames the server sends on the socket, built to the shared schemas' types, and the checks on the
 * client's audio frames.
 * @module
 */
import {
  type ConnectedMessage,
  type ErrorFrame,
  type InvalidAudioFrameDetails,
  MAX_AUDIO_FRAME_BYTES,
  type SocketErrorCode,
  WIRE_BYTES_PER_SAMPLE,
} from '@savants/voice/protocol';

/** Human text of each socket error code (the shared table holds the close codes; this holds the words). */
export const SOCKET_ERROR_MESSAGES: Record<SocketErrorCode, string> = {
  TOKEN_EXPIRED: 'JWT token has expired',
  TOKEN_INVALID: 'The token is not a valid voice token',
  TOKEN_REUSED: 'This token has already opened a connection; request a new one',
  AUTH_TIMEOUT: 'No token was received within the authentication window',
  DEVICE_INACTIVE: 'Device has been deactivated',
  UNEXPECTED_TEXT_FRAME: 'Only binary audio frames are allowed after authentication',
  BINARY_BEFORE_AUTH: 'The first message must be the token, as a text frame',
  INVALID_AUDIO_FRAME: 'Audio frame rejected: frames must be non-empty, of even length and at most 8000 bytes',
  CONNECTION_LIMIT: 'Too many concurrent connections for this device',
  PENDING_SOCKET_LIMIT: 'Too many connections from this address are waiting for their token',
  SERVER_SHUTDOWN: 'The server is shutting down',
  INTERNAL_ERROR: 'Internal server error',
};

export function errorFrame(code: SocketErrorCode, details?: Record<string, unknown>): string {
  const frame: ErrorFrame = {
    type: 'error',
    error: { code, message: SOCKET_ERROR_MESSAGES[code], ...(details ? { details } : {}), timestamp: new Date().toISOString() },
  };
  return JSON.stringify(frame);
}

export function confirmationFrame(sessionId: string): string {
  const frame: ConnectedMessage = {
    type: 'savant_voice_connected',
    message: 'Voice API connection established successfully',
    timestamp: new Date().toISOString(),
    sessionId,
  };
  return JSON.stringify(frame);
}

/** Why an audio frame is refused, or null when it is fine. */
export function checkAudioFrame(bytes: number): InvalidAudioFrameDetails | null {
  if (bytes === 0) return { reason: 'empty', bytes };
  if (bytes % WIRE_BYTES_PER_SAMPLE !== 0) return { reason: 'odd_length', bytes };
  if (bytes > MAX_AUDIO_FRAME_BYTES) return { reason: 'too_large', bytes };
  return null;
}
