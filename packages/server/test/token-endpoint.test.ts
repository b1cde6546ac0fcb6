import { request } from 'node:http';
import {
  HttpErrorEnvelopeSchema,
  RateLimitDetailsSchema,
  TOKEN_PATH,
  TokenClaimsSchema,
  TokenResponseSchema,
} from '@savants/voice/protocol';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, TOKEN_CACHE_CONTROL, type VoiceServer } from '../src/index.ts';
import { closeServers, postToken, startServer } from './helpers.ts';

const good = { apiKey: DEV_API_KEY, deviceId: 'device-a' };

function envelope(json: unknown) {
  return HttpErrorEnvelopeSchema.parse(json).error;
}

/** A raw request, so the test controls Content-Length, chunking and timing. */
function rawPost(
  server: VoiceServer,
  headers: Record<string, string>,
  write: (req: ReturnType<typeof request>) => void,
): Promise<{ status: number; json: unknown; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${TOKEN_PATH}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), headers: res.headers }));
    });
    // The server may cut the connection once it has answered; the answer is what the test checks.
    req.on('error', (error) => (String(error).includes('ECONNRESET') || String(error).includes('EPIPE') ? undefined : reject(error)));
    write(req);
  });
}

describe('POST /api/websocket-voice/token', () => {
  let server: VoiceServer;
  beforeAll(async () => {
    server = await startServer({
      apiKeys: [{ key: DEV_API_KEY }, { key: 'sk_bound', deviceIds: ['kiosk-1'] }],
      inactiveDevices: { 'device-old': '2024-01-15T10:30:00Z' },
      rateLimit: { limit: 3, windowMs: 60_000 },
      corsOrigins: ['https://app.example'],
      maxBodyBytes: 1024,
      bodyTimeoutMs: 300,
    });
  });
  afterAll(closeServers);

  it('issues an HS256 token with the documented claims and no-store caching', async () => {
    const before = Math.floor(Date.now() / 1000);
    const answer = await postToken(server, good);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe(TOKEN_CACHE_CONTROL);
    expect(answer.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const { token } = TokenResponseSchema.parse(answer.json);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = TokenClaimsSchema.parse(decodeJwt(token));
    expect(claims).toMatchObject({ sub: 'device-a', aud: 'voice-api', iss: 'thesavants.ai' });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp - claims.iat).toBe(60);
    const again = TokenResponseSchema.parse((await postToken(server, good)).json).token;
    expect(decodeJwt(again).jti).not.toBe(claims.jti);
  });

  it.each([
    ['malformed JSON', '{"apiKey":', 'body'],
    ['a JSON array', '[1,2]', 'body'],
    ['missing apiKey', { deviceId: 'd' }, 'apiKey'],
    ['missing deviceId', { apiKey: DEV_API_KEY }, 'deviceId'],
    ['empty apiKey', { apiKey: '', deviceId: 'd' }, 'apiKey'],
    ['empty deviceId', { apiKey: DEV_API_KEY, deviceId: '' }, 'deviceId'],
    ['non-string deviceId', { apiKey: DEV_API_KEY, deviceId: 42 }, 'deviceId'],
  ])('400 INVALID_REQUEST for %s, naming the field', async (_what, body, field) => {
    const answer = await postToken(server, body);
    expect(answer.status).toBe(400);
    const error = envelope(answer.json);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details?.field).toBe(field);
  });

  it('uses the docs wording for a missing field', async () => {
    const error = envelope((await postToken(server, { deviceId: 'd' })).json);
    expect(error.message).toBe('Missing required field: apiKey');
    expect(error.details).toEqual({ field: 'apiKey', expected: 'string' });
  });

  it('400 INVALID_REQUEST for a wrong content type', async () => {
    const answer = await postToken(server, JSON.stringify(good), { 'Content-Type': 'text/plain' });
    expect(answer.status).toBe(400);
    expect(envelope(answer.json)).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { field: 'Content-Type', expected: 'application/json' },
    });
  });

  it('401 AUTHENTICATION_FAILED for a wrong key, and for a key bound to another device', async () => {
    const wrong = await postToken(server, { apiKey: 'sk_nope', deviceId: 'device-a' });
    expect(wrong.status).toBe(401);
    expect(envelope(wrong.json)).toMatchObject({ code: 'AUTHENTICATION_FAILED', message: 'Invalid API key or device ID' });
    const otherDevice = await postToken(server, { apiKey: 'sk_bound', deviceId: 'kiosk-2' });
    expect(envelope(otherDevice.json).code).toBe('AUTHENTICATION_FAILED');
    expect((await postToken(server, { apiKey: 'sk_bound', deviceId: 'kiosk-1' })).status).toBe(200);
  });

  it('401 DEVICE_INACTIVE with deviceId and deactivatedAt', async () => {
    const answer = await postToken(server, { apiKey: DEV_API_KEY, deviceId: 'device-old' });
    expect(answer.status).toBe(401);
    expect(envelope(answer.json)).toMatchObject({
      code: 'DEVICE_INACTIVE',
      details: { deviceId: 'device-old', deactivatedAt: '2024-01-15T10:30:00Z' },
    });
    server.deactivateDevice('device-late', new Date('2025-02-03T04:05:06.789Z'));
    const late = envelope((await postToken(server, { apiKey: DEV_API_KEY, deviceId: 'device-late' })).json);
    expect(late.details).toEqual({ deviceId: 'device-late', deactivatedAt: '2025-02-03T04:05:06Z' });
  });

  it('429 RATE_LIMITED past the limit per device, with Retry-After and details; other devices unaffected', async () => {
    const body = { apiKey: DEV_API_KEY, deviceId: 'device-rl' };
    for (let i = 0; i < 3; i++) expect((await postToken(server, body)).status).toBe(200);
    const limited = await postToken(server, body);
    expect(limited.status).toBe(429);
    const error = envelope(limited.json);
    expect(error.code).toBe('RATE_LIMITED');
    const details = RateLimitDetailsSchema.parse(error.details);
    expect(details).toMatchObject({ limit: 3, window: '1 minute' });
    expect(details.retryAfter).toBeGreaterThanOrEqual(59);
    expect(details.retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('retry-after')).toBe(String(details.retryAfter));
    expect((await postToken(server, { apiKey: DEV_API_KEY, deviceId: 'device-rl-2' })).status).toBe(200);
  });

  it('404 NOT_FOUND for other paths, 405 METHOD_NOT_ALLOWED for other methods', async () => {
    const notFound = await fetch(`${server.url}/api/nope`, { method: 'POST' });
    expect(notFound.status).toBe(404);
    expect(envelope(await notFound.json()).code).toBe('NOT_FOUND');
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await fetch(`${server.url}${TOKEN_PATH}`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST, OPTIONS');
      expect(envelope(await res.json()).code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('answers CORS preflights for loopback and listed origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}${TOKEN_PATH}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:4173', 'https://app.example']) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    }
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const post = await postToken(server, { apiKey: DEV_API_KEY, deviceId: 'device-cors' }, { Origin: 'https://app.example' });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(post.headers.get('vary')).toContain('Origin');
    const error = await postToken(server, { deviceId: 'x' }, { Origin: 'http://localhost:5173' });
    expect(error.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('413 PAYLOAD_TOO_LARGE on the declared length, before reading the body', async () => {
    const answer = await rawPost(server, { 'Content-Type': 'application/json', 'Content-Length': '100000' }, (req) =>
      req.write('{"apiKey":'),
    );
    expect(answer.status).toBe(413);
    expect(envelope(answer.json)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 1024 } });
  });

  it('413 PAYLOAD_TOO_LARGE as soon as a chunked body passes the limit (never buffered whole)', async () => {
    let written = 0;
    const answer = await rawPost(server, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, (req) => {
      // 64 chunks of 512 bytes would be 32 KB; the server answers after the limit (1 KB) and cuts the connection.
      const pump = () => {
        if (written >= 64 || req.destroyed) return req.end();
        written++;
        req.write('x'.repeat(512), () => setTimeout(pump, 5));
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(written).toBeLessThan(64);
  });

  it('408 REQUEST_TIMEOUT for a body that does not arrive in time', async () => {
    const started = Date.now();
    const answer = await rawPost(server, { 'Content-Type': 'application/json', 'Content-Length': '40' }, (req) => req.write('{"apiKey":"'));
    expect(answer.status).toBe(408);
    expect(envelope(answer.json).code).toBe('REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('leaves no body timers behind', () => {
    expect(server.stats().timers).toBe(0);
  });
});
