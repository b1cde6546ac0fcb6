/**
 * `POST /api/websocket-voice/token`: `{apiKey, deviceId}` → `200 {"token"}`, or the documented error envelope.
 * Order of checks: content type, body size and time, JSON, fields (the shared `TokenRequestSchema`), the failed-auth
 * throttle of the client's address, API key (compared in constant time), the device's rate limit (after the key
 * check: only requests with a valid key spend a device's budget, so nobody can lock a device out with wrong keys),
 * device state.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpErrorCode, type InvalidRequestDetails, TokenRequestSchema } from '@savants/voice/protocol';
import { type KeyDigestEntry, keyAllows, keyDigest } from './api-keys.ts';
import type { AuthThrottle } from './auth-throttle.ts';
import { readBody } from './body-reader.ts';
import { corsHeaders, sendHttpError, sendJson } from './http-io.ts';
import { type Logger, redact } from './logger.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { TimerScope } from './timers.ts';
import type { TokenService } from './tokens.ts';

export interface TokenEndpointDeps {
  apiKeys: readonly KeyDigestEntry[];
  /** Null when the throttle is off. */
  authThrottle: AuthThrottle | null;
  /** The client's address, which the throttle counts by. */
  clientAddress: (req: IncomingMessage) => string;
  inactiveDevices: ReadonlyMap<string, string>;
  /** Null when the limit is off. */
  rateLimiter: RateLimiter | null;
  tokens: TokenService;
  tokenTtlSeconds: number;
  corsOrigins: readonly string[];
  maxBodyBytes: number;
  bodyTimeoutMs: number;
  timers: TimerScope;
  log: Logger;
}

export const TOKEN_CACHE_CONTROL = 'no-cache, no-store, must-revalidate';

export async function handleTokenRequest(req: IncomingMessage, res: ServerResponse, deps: TokenEndpointDeps): Promise<void> {
  const cors = corsHeaders(req, deps.corsOrigins);
  // Any refusal before the body is read closes the connection: the unread body is never drained.
  const refuse = (code: HttpErrorCode, options: { message?: string; details?: Record<string, unknown> } = {}) => {
    sendHttpError(res, code, { ...options, headers: { ...cors, Connection: 'close' } });
    res.once('finish', () => req.socket.destroy());
  };

  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    return refuse('INVALID_REQUEST', {
      message: 'Content-Type must be application/json',
      details: { field: 'Content-Type', expected: 'application/json' } satisfies InvalidRequestDetails,
    });
  }
  const body = await readBody(req, deps.maxBodyBytes, deps.bodyTimeoutMs, deps.timers);
  if (!body.ok) {
    if (body.reason === 'too_large') return refuse('PAYLOAD_TOO_LARGE', { details: { limit: deps.maxBodyBytes } });
    if (body.reason === 'timeout') return refuse('REQUEST_TIMEOUT', { details: { timeoutMs: deps.bodyTimeoutMs } });
    return; // the client went away
  }

  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return sendHttpError(res, 'INVALID_REQUEST', {
      message: 'Malformed JSON body',
      details: { field: 'body', expected: 'JSON object' },
      headers: cors,
    });
  }
  const parsed = TokenRequestSchema.safeParse(json);
  if (!parsed.success) {
    const invalid = describeInvalidField(json, parsed.error.issues[0]?.path[0]);
    return sendHttpError(res, 'INVALID_REQUEST', { message: invalid.message, details: invalid.details, headers: cors });
  }
  const { apiKey, deviceId } = parsed.data;

  const address = deps.clientAddress(req);
  const presented = keyDigest(apiKey);
  const valid = keyAllows(deps.apiKeys, presented, deviceId);
  const now = Date.now();
  const throttle = deps.authThrottle;
  if (throttle) {
    const retryAfter = throttle.retryAfterSeconds(address, now);
    // A blocked address gets the same answer whatever its key, unless this very key already worked from there.
    if (retryAfter > 0 && !(valid && throttle.trusts(address, presented.toString('base64'), now))) {
      deps.log('warn', 'token.auth_throttled', { address, deviceId });
      const { limit, windowMs } = throttle.limit;
      return sendHttpError(res, 'AUTH_THROTTLED', {
        details: { retryAfter, limit, window: describeWindow(windowMs) },
        headers: { ...cors, 'Retry-After': String(retryAfter) },
      });
    }
  }
  if (!valid) {
    throttle?.recordFailure(address, now);
    deps.log('warn', 'token.auth_failed', { address, deviceId, apiKey: redact(apiKey) });
    return sendHttpError(res, 'AUTHENTICATION_FAILED', { headers: cors });
  }
  if (deps.rateLimiter) {
    const { limit, windowMs } = deps.rateLimiter.limit;
    const decision = deps.rateLimiter.hit(deviceId, now);
    if (!decision.allowed) {
      deps.log('warn', 'token.rate_limited', { deviceId });
      return sendHttpError(res, 'RATE_LIMITED', {
        details: { retryAfter: decision.retryAfterSeconds, limit, window: describeWindow(windowMs) },
        headers: { ...cors, 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
  }
  const deactivatedAt = deps.inactiveDevices.get(deviceId);
  if (deactivatedAt !== undefined) {
    return sendHttpError(res, 'DEVICE_INACTIVE', { details: { deviceId, deactivatedAt }, headers: cors });
  }
  const token = await deps.tokens.mint(deviceId, { ttlSeconds: deps.tokenTtlSeconds });
  throttle?.recordSuccess(address, presented.toString('base64'), now);
  deps.log('info', 'token.issued', { deviceId, apiKey: redact(apiKey), token: redact(token) });
  sendJson(res, 200, { token }, { ...cors, 'Cache-Control': TOKEN_CACHE_CONTROL, Pragma: 'no-cache' });
}

/** The docs' wording for the invalid field: "Missing required field: apiKey", with `details.field` and `expected`. */
function describeInvalidField(json: unknown, pathHead: PropertyKey | undefined): { message: string; details: InvalidRequestDetails } {
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof pathHead !== 'string') {
    return { message: 'The body must be a JSON object', details: { field: 'body', expected: 'JSON object' } };
  }
  const value = (json as Record<string, unknown>)[pathHead];
  if (value === undefined) return { message: `Missing required field: ${pathHead}`, details: { field: pathHead, expected: 'string' } };
  if (typeof value !== 'string') return { message: `Field ${pathHead} must be a string`, details: { field: pathHead, expected: 'string' } };
  return { message: `Field ${pathHead} must not be empty`, details: { field: pathHead, expected: 'non-empty string' } };
}

/** `60000` → `"1 minute"` (the docs' wording), other windows in seconds. */
function describeWindow(ms: number): string {
  return ms === 60_000 ? '1 minute' : `${Math.round(ms / 1000)} seconds`;
}
