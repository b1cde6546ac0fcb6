/**
 * Wire constants of the Savants Voice protocol v1. One place to change if the service ever adds versioned paths.
 * @module
 */

export const PROTOCOL_VERSION = '1';

/** HTTP path of the token endpoint, relative to the API base URL. */
export const TOKEN_PATH = '/api/websocket-voice/token';
/** Path of the streaming socket, relative to the socket base URL. */
export const STREAM_PATH = '/voice-stream';
/** Production API base URL. */
export const DEFAULT_BASE_URL = 'https://api.thesavants.ai';

/** Audio on the wire, both directions: 16 kHz, signed 16-bit little-endian, mono, no header. */
export const WIRE_SAMPLE_RATE = 16_000;
export const WIRE_BYTES_PER_SAMPLE = 2;
/** Docs say "8 KB"; 8,000 is the smaller reading, so both sides stay under it. */
export const MAX_AUDIO_FRAME_BYTES = 8_000;

/** Tokens live 60 s and open one socket each. */
export const TOKEN_TTL_SECONDS = 60;
export const TOKEN_AUDIENCE = 'voice-api';
export const TOKEN_ISSUER = 'thesavants.ai';

/** The server closes a socket that has not sent its token within this window. */
export const AUTH_WINDOW_MS = 30_000;
/** Token requests allowed per device in a rolling minute. */
export const TOKEN_REQUESTS_PER_MINUTE = 60;
/** Concurrent sockets allowed per device. */
export const MAX_SOCKETS_PER_DEVICE = 10;

/** Both spellings of the confirmation appear in the docs; accept either. */
export const CONFIRMATION_TYPES = ['savant_voice_connected', 'vapi_connected'] as const;
export type ConfirmationType = (typeof CONFIRMATION_TYPES)[number];
