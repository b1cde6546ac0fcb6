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

/** The server's confirmation after a valid token, in its documented shape (`parseServerText` accepts any with a known `type`). */
export const ConnectedMessageSchema = z.looseObject({
  type: z.literal(CONFIRMATION_TYPES),
  message: z.optional(z.string()),
  timestamp: z.optional(z.string()),
  sessionId: z.optional(z.string()),
});
export type ConnectedMessage = z.infer<typeof ConnectedMessageSchema>;

/** A socket error frame: `{type:"error", error:{code,message,details?,timestamp?}}` (`parseServerText` accepts any with that `type`). */
export const ErrorFrameSchema = z.looseObject({
  type: z.literal('error'),
  error: z.looseObject({ code: nonEmpty(), message: z.string(), details, timestamp: z.optional(z.string()) }),
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
