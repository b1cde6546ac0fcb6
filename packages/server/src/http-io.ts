/**
 * Writing HTTP answers: JSON bodies, the error envelope with the status from the shared `HTTP_ERRORS` table, CORS.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTP_ERRORS, type HttpErrorCode, type HttpErrorEnvelope } from '@savants/voice/protocol';

/** Human text of each HTTP error code (the table holds the status; this holds the words). */
export const HTTP_ERROR_MESSAGES: Record<HttpErrorCode, string> = {
  INVALID_REQUEST: 'Invalid request',
  AUTHENTICATION_FAILED: 'Invalid API key or device ID',
  DEVICE_INACTIVE: 'Device has been deactivated',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  REQUEST_TIMEOUT: 'The request body did not arrive in time',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  RATE_LIMITED: 'Too many requests. Try again later.',
  AUTH_THROTTLED: 'Too many failed authentications from this address. Try again later.',
  CONFIGURATION_ERROR: 'Server configuration error',
  INTERNAL_ERROR: 'Internal server error',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendHttpError(
  res: ServerResponse,
  code: HttpErrorCode,
  options: { message?: string; details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): void {
  const envelope: HttpErrorEnvelope = {
    error: { code, message: options.message ?? HTTP_ERROR_MESSAGES[code], ...(options.details ? { details: options.details } : {}) },
  };
  sendJson(res, HTTP_ERRORS[code].status, envelope, options.headers);
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Whether a browser page at `origin` may call the token endpoint. Loopback origins, any port, always may. */
export function originAllowed(origin: string, allowList: readonly string[]): boolean {
  return LOOPBACK_ORIGIN.test(origin) || allowList.includes('*') || allowList.includes(origin);
}

/** CORS headers for `req`'s origin, or none when it has no origin or is not allowed (the browser then blocks). */
export function corsHeaders(req: IncomingMessage, allowList: readonly string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !originAllowed(origin, allowList)) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'Retry-After' };
}

/** Answer to a CORS preflight on the token endpoint. */
export function sendPreflight(req: IncomingMessage, res: ServerResponse, allowList: readonly string[]): void {
  const headers = corsHeaders(req, allowList);
  if ('Access-Control-Allow-Origin' in headers) {
    Object.assign(headers, {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, Accept',
      'Access-Control-Max-Age': '600',
    });
  }
  res.writeHead(204, headers);
  res.end();
}
