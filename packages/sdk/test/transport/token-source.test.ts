/**
 * Token requests against the real reference server's endpoint (every HTTP error code it can produce through a
 * client), plus small local HTTP servers standing in for a gateway and for an app's `tokenUrl` backend. Real clock:
 * nothing waits on a timer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VoiceError } from '../../src/errors.ts';
import { parseRetryAfter } from '../../src/transport/token-response.ts';
import { type FetchToken, tokenFetcher } from '../../src/transport/token-source.ts';
import { tokenEndpointFromBase } from '../../src/transport/url.ts';
import { uniqueDeviceId } from './helpers/client.ts';
import { jwtPayload } from './helpers/events.ts';
import { createVoiceServer, silentLogger, type VoiceServer } from './helpers/server.ts';

let server: VoiceServer;
beforeAll(async () => {
  server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger, rateLimit: { limit: 2, windowMs: 60_000 } });
});
afterAll(() => server.close());

function withApiKey(apiKey: string, deviceId: string, baseUrl = server.url): FetchToken {
  return tokenFetcher({ kind: 'apiKey', endpoint: tokenEndpointFromBase(baseUrl), apiKey, deviceId: async () => deviceId }, fetch);
}

async function failure(fetchToken: FetchToken): Promise<VoiceError> {
  const error = await fetchToken(new AbortController().signal).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VoiceError);
  return error as VoiceError;
}

/** A local HTTP server answering every request with `handler`; closed after the test file. */
const locals: Array<{ close(): void }> = [];
async function localServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  locals.push(s);
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
afterAll(() => {
  for (const s of locals) s.close();
});

describe('the API token endpoint', () => {
  test('200: a fresh JWT for the device on every call, never the same twice', async () => {
    const deviceId = uniqueDeviceId();
    const get = withApiKey(server.devApiKey, deviceId);
    const a = await get(new AbortController().signal);
    const b = await get(new AbortController().signal);
    expect(jwtPayload(a).sub).toBe(deviceId);
    expect(a).not.toBe(b);
    expect(jwtPayload(a).jti).not.toBe(jwtPayload(b).jti);
  });

  test('the API key travels only in the POST body: not in the URL, not in a header', async () => {
    const requests: Array<{ url: string; init: RequestInit | undefined }> = [];
    const spy: typeof fetch = (input, init) => {
      requests.push({ url: String(input), init });
      return fetch(input, init);
    };
    const apiKey = server.devApiKey;
    const get = tokenFetcher({ kind: 'apiKey', endpoint: tokenEndpointFromBase(server.url), apiKey, deviceId: async () => 'd-1' }, spy);
    await get(new AbortController().signal);
    expect(requests).toHaveLength(1);
    const { url, init } = requests[0]!;
    expect(url).toBe(`${server.url}/api/websocket-voice/token`);
    expect(init?.method).toBe('POST');
    expect(JSON.stringify(init?.headers)).not.toContain(apiKey);
    expect(JSON.parse(init?.body as string)).toEqual({ apiKey, deviceId: 'd-1' });
    expect(init?.cache).toBe('no-store');
  });

  test('400 INVALID_REQUEST carries the server details and the status; final', async () => {
    const error = await failure(withApiKey(server.devApiKey, ''));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', status: 400, retryable: false });
    expect(error.details).toMatchObject({ field: 'deviceId' });
  });

  test('401 AUTHENTICATION_FAILED; the key is in neither message nor details', async () => {
    const error = await failure(withApiKey('sk_not_a_key', uniqueDeviceId()));
    expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED', status: 401, retryable: false });
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('sk_not_a_key');
  });

  test('401 DEVICE_INACTIVE with deviceId and deactivatedAt', async () => {
    const deviceId = uniqueDeviceId();
    server.deactivateDevice(deviceId, new Date('2024-01-15T10:30:00Z'));
    const error = await failure(withApiKey(server.devApiKey, deviceId));
    expect(error).toMatchObject({
      code: 'DEVICE_INACTIVE',
      status: 401,
      retryable: false,
      details: { deviceId, deactivatedAt: '2024-01-15T10:30:00Z' },
    });
  });

  test('429 RATE_LIMITED: retryAfter from details, in ms on the error', async () => {
    const get = withApiKey(server.devApiKey, uniqueDeviceId());
    await get(new AbortController().signal);
    await get(new AbortController().signal);
    const error = await failure(get);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true, details: { limit: 2, window: '1 minute' } });
    expect(error.retryAfterMs).toBe((error.details!.retryAfter as number) * 1000);
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });

  test('429 AUTH_THROTTLED after failed authentications from this address: retryable, retryAfter in ms', async () => {
    // A server of its own: its throttle must not touch the other tests' requests from this address.
    const own = await createVoiceServer({ port: 0, logger: silentLogger, authFailureLimit: { limit: 1, windowMs: 60_000 } });
    try {
      expect((await failure(withApiKey('sk_wrong', uniqueDeviceId(), own.url))).code).toBe('AUTHENTICATION_FAILED');
      const error = await failure(withApiKey('sk_wrong_again', uniqueDeviceId(), own.url));
      expect(error).toMatchObject({ code: 'AUTH_THROTTLED', status: 429, retryable: true, details: { limit: 1, window: '1 minute' } });
      expect(error.retryAfterMs).toBeGreaterThan(58_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    } finally {
      await own.close();
    }
  });

  test('404 NOT_FOUND (a wrong base path) is final', async () => {
    const error = await failure(withApiKey(server.devApiKey, uniqueDeviceId(), `${server.url}/wrong-prefix`));
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
  });

  test('nothing listening: TOKEN_FETCH_FAILED, retryable, naming the URL but not the key', async () => {
    const closed = await createVoiceServer({ port: 0, logger: silentLogger });
    const url = closed.url;
    await closed.close();
    const error = await failure(withApiKey('sk_secret_key', uniqueDeviceId(), url));
    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: true });
    expect(error.message).toContain(url);
    expect(error.message).not.toContain('sk_secret_key');
  });
});

describe('gateways and app backends', () => {
  test('a gateway HTML page: HTTP_ERROR with the status; 502 retryable, 403 final; Retry-After honoured', async () => {
    const base = await localServer((req, res) => {
      const status = req.url?.startsWith('/bad-gateway') ? 502 : 403;
      res.writeHead(status, { 'Content-Type': 'text/html', 'Retry-After': '7' }).end('<html><h1>Gateway says no</h1></html>');
    });
    const bad = await failure(withApiKey('k', 'd', `${base}/bad-gateway`));
    expect(bad).toMatchObject({ code: 'HTTP_ERROR', status: 502, retryable: true, retryAfterMs: 7000 });
    expect(bad.message).toContain('502');
    const forbidden = await failure(withApiKey('k', 'd', `${base}/forbidden`));
    expect(forbidden).toMatchObject({ code: 'HTTP_ERROR', status: 403, retryable: false });
  });

  test('tokenUrl: POST, no body, the page’s cookies; {token} back', async () => {
    const seen: Array<{ method?: string; body: string }> = [];
    const base = await localServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, body });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: 'app.minted.token' }));
      });
    });
    const get = tokenFetcher({ kind: 'tokenUrl', url: `${base}/voice-token` }, fetch);
    expect(await get(new AbortController().signal)).toBe('app.minted.token');
    expect(seen).toEqual([{ method: 'POST', body: '' }]);
  });

  test('tokenUrl answering 200 without a token is a PROTOCOL_ERROR', async () => {
    const base = await localServer((_req, res) => res.writeHead(200).end('{"tok":1}'));
    expect(await failure(tokenFetcher({ kind: 'tokenUrl', url: base }, fetch))).toMatchObject({ code: 'PROTOCOL_ERROR', status: 200 });
  });

  test('the app callback: thrown errors become TOKEN_PROVIDER_FAILED (retryable), a VoiceError passes through', async () => {
    const thrown = await failure(
      tokenFetcher(
        {
          kind: 'callback',
          callback: () => {
            throw new Error('backend down');
          },
        },
        fetch,
      ),
    );
    expect(thrown).toMatchObject({ code: 'TOKEN_PROVIDER_FAILED', retryable: true });
    expect((thrown.cause as Error).message).toBe('backend down');
    const own = new VoiceError('AUTHENTICATION_FAILED', 'nope');
    expect(await failure(tokenFetcher({ kind: 'callback', callback: () => Promise.reject(own) }, fetch))).toBe(own);
    const empty = await failure(tokenFetcher({ kind: 'callback', callback: () => '' }, fetch));
    expect(empty.code).toBe('TOKEN_PROVIDER_FAILED');
  });
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  expect(parseRetryAfter('60', 0)).toBe(60_000);
  expect(parseRetryAfter('0', 0)).toBe(0);
  expect(parseRetryAfter(null, 0)).toBeUndefined();
  expect(parseRetryAfter('soon', 0)).toBeUndefined();
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
});
