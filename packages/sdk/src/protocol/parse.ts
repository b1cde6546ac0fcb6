/**
 * Classifies a server text frame without ever throwing: what comes off the network is untrusted.
 * @module
 */
import { CONFIRMATION_TYPES, type ConfirmationType } from './constants.ts';
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
  | { kind: 'invalid'; reason: 'not_json' | 'not_a_message'; raw: string };

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
    return { kind: 'connected', message: r.success ? r.data : looseConfirmation(base.data, type as ConfirmationType) };
  }
  if (type === 'error') {
    const r = ErrorFrameSchema.safeParse(json);
    return { kind: 'error', message: r.success ? r.data : looseErrorFrame(base.data) };
  }
  return { kind: 'other', message: base.data };
}

// Only `type` is promised (the docs show two confirmation spellings and no field list): a confirmation or an error
// frame whose other fields have another shape is still one. Fields are kept where they are text (a number is written
// out) and dropped otherwise; an error frame without a code is a PROTOCOL_ERROR, its other fields are dropped.

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function looseConfirmation(raw: ServerMessage, type: ConfirmationType): ConnectedMessage {
  return { ...raw, type, message: text(raw.message), timestamp: text(raw.timestamp), sessionId: text(raw.sessionId) };
}

function looseErrorFrame(raw: ServerMessage): ErrorFrame {
  const error = (raw.error ?? {}) as Record<string, unknown>;
  return { ...raw, type: 'error', error: { code: text(error.code) || 'PROTOCOL_ERROR', message: text(error.message) ?? '' } };
}
