/**
 * Turns the answer of a token endpoint (the API's own or the app's `tokenUrl`) into a token or a typed error.
 * Every body is untrusted: parsed with zod, and a gateway's HTML page still yields a clear error with its status.
 * @module
 */
import { VoiceError } from '../errors.ts';
import { HttpErrorEnvelopeSchema, RateLimitDetailsSchema, TokenResponseSchema } from '../protocol/schemas.ts';

/** `Retry-After` is seconds or an HTTP date; returns ms from `now`, or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads a token endpoint's response: the token, or a `VoiceError` carrying the server's code, message, details and status. */
export async function readTokenResponse(response: Response, what: string): Promise<string> {
  const text = await response.text().catch(() => '');
  const body = parseJson(text);
  if (response.ok) {
    const parsed = TokenResponseSchema.safeParse(body);
    if (parsed.success) return parsed.data.token;
    throw new VoiceError('PROTOCOL_ERROR', `${what} answered ${response.status} without a token`, { status: response.status });
  }
  const envelope = HttpErrorEnvelopeSchema.safeParse(body);
  const details = envelope.success ? envelope.data.error.details : undefined;
  const rateLimit = RateLimitDetailsSchema.safeParse(details);
  const retryAfterMs = rateLimit.success
    ? rateLimit.data.retryAfter * 1000
    : parseRetryAfter(response.headers.get('Retry-After'), Date.now());
  if (envelope.success) {
    const { code, message } = envelope.data.error;
    throw new VoiceError(code, message, { status: response.status, details, retryAfterMs });
  }
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  throw new VoiceError('HTTP_ERROR', `${what} answered ${response.status}${statusText} without an error envelope`, {
    status: response.status,
    retryAfterMs,
  });
}
