/**
 * zod schemas of every JSON message of the protocol. The tree-shakable `zod/mini` keeps the client small.
 * Parsing is lenient where the docs disagree with themselves (optional `message`, `timestamp`, `details`;
 * unknown fields kept) and strict where a wrong value would break the client.
 * @module
 */
import * as z from 'zod/mini';
import { CONFIRMATION_TYPES, TOKEN_AUDIENCE, TOKEN_ISSUER } from './constants.ts';

// The client ships what these schemas pull from zod, so they use few of its building blocks (measured: -1 kB gzip):
// one custom check serves strings and numbers (not the minLength and nonnegative check classes); `details` (any
// object) is a loose object with no known fields, which checks the same as `z.record(z.string(), z.unknown())` on
// JSON; sets of strings are `z.literal([…])`, the same check as `z.enum` with code `z.literal` already brings.
const nonEmpty = () => z.string().check(z.refine((s) => s.length > 0));
const nonNegative = () => z.number().check(z.refine((n) => n >= 0));
const details = z.optional(z.looseObject({}));

/** Body of `POST /api/websocket-voice/token`. */
export const TokenRequestSchema = z.object({ apiKey: nonEmpty(), deviceId: nonEmpty() });
export type TokenRequest = z.infer<typeof TokenRequestSchema>;

/** 200 body of the token endpoint (also what an app's own `tokenUrl` returns). */
export const TokenResponseSchema = z.looseObject({ token: nonEmpty() });
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** HTTP error body: `{error:{code,message,details?}}`. */
export const HttpErrorEnvelopeSchema = z.looseObject({
  error: z.looseObject({ code: nonEmpty(), message: z.string(), details }),
});
export type HttpErrorEnvelope = z.infer<typeof HttpErrorEnvelopeSchema>;

/** `details` of a 429 `RATE_LIMITED`. `retryAfter` is in seconds. */
export const RateLimitDetailsSchema = z.looseObject({
  retryAfter: nonNegative(),
  limit: z.optional(z.number()),
  window: z.optional(z.string()),
});

/** A field the protocol does not promise: kept when it is a string (a number is written out), dropped otherwise. */
const looseText = () =>
  z.pipe(
    z.optional(z.unknown()),
    z.transform((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined)),
  );

/**
 * The server's confirmation after a valid token. Only `type` is reliable (the docs show two spellings and no
 * field list), so the other fields never make a confirmation invalid: a numeric `sessionId` becomes a string, any
 * other shape is dropped.
 */
export const ConnectedMessageSchema = z.looseObject({
  type: z.literal(CONFIRMATION_TYPES),
  message: looseText(),
  timestamp: looseText(),
  sessionId: looseText(),
});
export type ConnectedMessage = z.infer<typeof ConnectedMessageSchema>;

/**
 * A socket error frame: `{type:"error", error:{code,message,details?,timestamp?}}`. Only `type` is reliable: a
 * frame without a usable `code` is still an error (`PROTOCOL_ERROR`), a missing `message` is empty, `details` that
 * are not an object are dropped.
 */
export const ErrorFrameSchema = z.looseObject({
  type: z.literal('error'),
  error: z.pipe(
    z.optional(z.unknown()),
    z.transform((raw): { code: string; message: string; details?: Record<string, unknown>; timestamp?: string } => {
      const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const code = typeof e.code === 'string' && e.code.length > 0 ? e.code : 'PROTOCOL_ERROR';
      const message =
        typeof e.message === 'string' ? e.message : code === 'PROTOCOL_ERROR' ? 'The server sent an error frame without a code' : '';
      const details =
        typeof e.details === 'object' && e.details !== null && !Array.isArray(e.details)
          ? (e.details as Record<string, unknown>)
          : undefined;
      const timestamp = typeof e.timestamp === 'string' ? e.timestamp : undefined;
      return { ...e, code, message, ...(details ? { details } : {}), ...(timestamp === undefined ? {} : { timestamp }) };
    }),
  ),
});
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;

/** Any other server text message: status messages the docs mention but do not describe. */
export const ServerMessageSchema = z.looseObject({ type: nonEmpty() });
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** `details` of a 400 `INVALID_REQUEST`: the offending field and what was expected there. */
export const InvalidRequestDetailsSchema = z.looseObject({ field: nonEmpty(), expected: z.optional(z.string()) });
export type InvalidRequestDetails = z.infer<typeof InvalidRequestDetailsSchema>;

/** `details` of a `DEVICE_INACTIVE` (HTTP 401 or socket error): `deactivatedAt` is ISO-8601 UTC. */
export const DeviceInactiveDetailsSchema = z.looseObject({ deviceId: nonEmpty(), deactivatedAt: z.string() });
export type DeviceInactiveDetails = z.infer<typeof DeviceInactiveDetailsSchema>;

/** Why an audio frame was rejected: `details` of the non-fatal socket error `INVALID_AUDIO_FRAME`. */
export const INVALID_AUDIO_FRAME_REASONS = ['empty', 'odd_length', 'too_large'] as const;
export type InvalidAudioFrameReason = (typeof INVALID_AUDIO_FRAME_REASONS)[number];
export const InvalidAudioFrameDetailsSchema = z.looseObject({
  reason: z.literal(INVALID_AUDIO_FRAME_REASONS),
  bytes: nonNegative(),
});
export type InvalidAudioFrameDetails = z.infer<typeof InvalidAudioFrameDetailsSchema>;

/**
 * Claims of a voice token (HS256 JWT). Clients treat tokens as opaque and must not rely on this (the docs' own sample
 * lacks `aud` and `iss`); the reference server checks it after verifying the signature.
 */
export const TokenClaimsSchema = z.looseObject({
  sub: nonEmpty(),
  iat: z.number(),
  exp: z.number(),
  aud: z.union([z.literal(TOKEN_AUDIENCE), z.array(z.string())]),
  iss: z.literal(TOKEN_ISSUER),
  jti: nonEmpty(),
});
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;
