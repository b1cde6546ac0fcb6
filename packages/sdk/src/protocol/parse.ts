/**
 * Classifies a server text frame without ever throwing: what comes off the network is untrusted.
 * @module
 */
import {
  type ConnectedMessage,
  ConnectedMessageSchema,
  type ErrorFrame,
  ErrorFrameSchema,
  type ServerMessage,
  ServerMessageSchema,
} from './schemas.ts';

export type ServerText =
  | { kind: 'connected'; message: ConnectedMessage }
  | { kind: 'error'; message: ErrorFrame }
  | { kind: 'other'; message: ServerMessage }
  | { kind: 'invalid'; reason: 'not_json' | 'not_a_message' | 'bad_confirmation' | 'bad_error_frame'; raw: string };

/** Longest server text frame the client will try to parse; a longer one is reported as invalid. */
export const MAX_SERVER_TEXT_LENGTH = 64 * 1024;

export function parseServerText(raw: string): ServerText {
  if (raw.length > MAX_SERVER_TEXT_LENGTH) return { kind: 'invalid', reason: 'not_a_message', raw: raw.slice(0, 256) };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', reason: 'not_json', raw: raw.slice(0, 256) };
  }
  const base = ServerMessageSchema.safeParse(json);
  if (!base.success) return { kind: 'invalid', reason: 'not_a_message', raw: raw.slice(0, 256) };
  const type = base.data.type;
  if (type === 'savant_voice_connected' || type === 'vapi_connected') {
    const r = ConnectedMessageSchema.safeParse(json);
    return r.success ? { kind: 'connected', message: r.data } : { kind: 'invalid', reason: 'bad_confirmation', raw: raw.slice(0, 256) };
  }
  if (type === 'error') {
    const r = ErrorFrameSchema.safeParse(json);
    return r.success ? { kind: 'error', message: r.data } : { kind: 'invalid', reason: 'bad_error_frame', raw: raw.slice(0, 256) };
  }
  return { kind: 'other', message: base.data };
}
