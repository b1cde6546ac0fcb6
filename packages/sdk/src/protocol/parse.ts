/**
 * Classifies a server text frame without ever throwing: what comes off the network is untrusted.
 * @module
 */
import { CONFIRMATION_TYPES } from './constants.ts';
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
  // A short excerpt only: enough to recognise the frame, never a whole (possibly huge) payload.
  const invalid = (reason: Extract<ServerText, { kind: 'invalid' }>['reason']): ServerText => ({
    kind: 'invalid',
    reason,
    raw: raw.slice(0, 256),
  });
  if (raw.length > MAX_SERVER_TEXT_LENGTH) return invalid('not_a_message');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return invalid('not_json');
  }
  const base = ServerMessageSchema.safeParse(json);
  if (!base.success) return invalid('not_a_message');
  const type = base.data.type;
  if ((CONFIRMATION_TYPES as readonly string[]).includes(type)) {
    const r = ConnectedMessageSchema.safeParse(json);
    return r.success ? { kind: 'connected', message: r.data } : invalid('bad_confirmation');
  }
  if (type === 'error') {
    const r = ErrorFrameSchema.safeParse(json);
    return r.success ? { kind: 'error', message: r.data } : invalid('bad_error_frame');
  }
  return { kind: 'other', message: base.data };
}
