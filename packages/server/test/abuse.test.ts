/**
 * The reference server resists abuse (issue 12), each limit over real HTTP and real sockets. A second client address
 * is a real one too: Linux routes all of 127.0.0.0/8 to loopback, so a client bound to 127.0.0.2 is another address
 * to the server. The one non-loopback client is a real interface of the machine (skipped where there is none).
 */
import { performance } from 'node:perf_hooks';
import { CLOSE_CODES, HTTP_ERRORS, HttpErrorEnvelopeSchema, RateLimitDetailsSchema, SOCKET_ERRORS } from '@savants/voice/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { digestKeys, keyAllows, keyDigest } from '../src/api-keys.ts';
import { DEFAULTS, DEV_API_KEY } from '../src/index.ts';
import { isLoopbackAddress } from '../src/server.ts';
import { closeServers, connectSession, fetchToken, openWithToken, postToken, postTokenFrom, startServer, TestClient } from './helpers.ts';

afterEach(closeServers);

const envelope = (json: unknown) => HttpErrorEnvelopeSchema.parse(json).error;

describe('token endpoint: lock-out and key guessing', () => {
  it('wrong-key requests never spend a device’s budget: 60 of them, then the device still gets its tokens', async () => {
    const server = await startServer({ rateLimit: { limit: 3, windowMs: 60_000 }, authFailureLimit: false });
    for (let i = 0; i < 60; i++) {
      const answer = await postToken(server, { apiKey: `sk_guess_${i}`, deviceId: 'victim' });
      expect(answer.status, `wrong key #${i}`).toBe(401);
    }
    for (let i = 0; i < 3; i++) expect((await postToken(server, { apiKey: DEV_API_KEY, deviceId: 'victim' })).status).toBe(200);
    // The budget is real: the valid requests spent it.
    const fourth = await postToken(server, { apiKey: DEV_API_KEY, deviceId: 'victim' });
    expect(fourth.status).toBe(429);
    expect(envelope(fourth.json).code).toBe('RATE_LIMITED');
  });

  it('throttles failed authentications per address (429 AUTH_THROTTLED, Retry-After) without holding back a key that works', async () => {
    const server = await startServer({
      apiKeys: [{ key: 'sk_backend' }, { key: 'sk_other_valid' }],
      authFailureLimit: { limit: 5, windowMs: 60_000 },
      rateLimit: false,
    });
    // The app's backend gets tokens all day: successes never count against its address.
    for (let i = 0; i < 30; i++) expect((await postToken(server, { apiKey: 'sk_backend', deviceId: `user-${i}` })).status).toBe(200);

    // A guesser on the same address, rotating device ids: 5 failures, then the address is blocked.
    for (let i = 0; i < 5; i++) expect((await postToken(server, { apiKey: `sk_guess_${i}`, deviceId: `dev-${i}` })).status).toBe(401);
    const blocked = await postToken(server, { apiKey: 'sk_guess_5', deviceId: 'dev-5' });
    expect(blocked.status).toBe(HTTP_ERRORS.AUTH_THROTTLED.status);
    const error = envelope(blocked.json);
    expect(error.code).toBe('AUTH_THROTTLED');
    const details = RateLimitDetailsSchema.parse(error.details);
    expect(details.limit).toBe(5);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBe(details.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // While blocked, a valid key that never worked from here gets the very same answer as a wrong one: no oracle.
    const untried = await postToken(server, { apiKey: 'sk_other_valid', deviceId: 'dev-x' });
    expect(untried.status).toBe(429);
    expect(envelope(untried.json).code).toBe('AUTH_THROTTLED');
    // The backend, whose key already worked from this address, is not held back.
    expect((await postToken(server, { apiKey: 'sk_backend', deviceId: 'user-after' })).status).toBe(200);
    // Another address is not affected by this one's failures.
    expect((await postTokenFrom(server, '127.0.0.2', { apiKey: 'sk_guess_x', deviceId: 'dev-y' })).status).toBe(401);
    expect((await postTokenFrom(server, '127.0.0.2', { apiKey: 'sk_other_valid', deviceId: 'dev-y' })).status).toBe(200);
  });

  it('compares keys as digests in constant time: near misses are refused, and timing does not follow the shared prefix', async () => {
    const server = await startServer({ apiKeys: [{ key: 'sk_live_abcdefghijklmnop' }], authFailureLimit: false });
    for (const near of [
      'sk_live_abcdefghijklmnoq',
      'sk_live_abcdefghijklmno',
      'sk_live_abcdefghijklmnopq',
      'SK_LIVE_ABCDEFGHIJKLMNOP',
      ' sk_live_abcdefghijklmnop',
    ]) {
      expect((await postToken(server, { apiKey: near, deviceId: 'd' })).status, near).toBe(401);
    }
    expect((await postToken(server, { apiKey: 'sk_live_abcdefghijklmnop', deviceId: 'd' })).status).toBe(200);

    // Timing, measured on the comparison itself (HTTP jitter would drown it). With a 1 MB key a plain `===` takes far
    // longer for a guess that differs in its last character than for one that differs in its first; digests do not.
    const secret = 'k'.repeat(1 << 20);
    const keys = digestKeys([{ key: secret }]);
    const firstDiffers = `x${secret.slice(1)}`;
    const lastDiffers = `${secret.slice(0, -1)}x`;
    const time = (guess: string) => {
      const t0 = performance.now();
      keyAllows(keys, keyDigest(guess), 'd');
      return performance.now() - t0;
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 40; i++) {
      a.push(time(firstDiffers));
      b.push(time(lastDiffers));
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1]!;
    const ratio = median(b) / median(a);
    expect(ratio, `median ${median(b).toFixed(3)} ms vs ${median(a).toFixed(3)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('sockets: unauthenticated cap, frame size, query overrides, future iat', () => {
  const open = async (url: string, localAddress?: string) => {
    const client = new TestClient(url, localAddress ? { localAddress } : undefined);
    await client.opened;
    return client;
  };

  it(`caps unauthenticated sockets per address at ${DEFAULTS.maxPendingSocketsPerAddress}: the next gets PENDING_SOCKET_LIMIT and 4202 at once`, async () => {
    const server = await startServer();
    const limit = DEFAULTS.maxPendingSocketsPerAddress;
    expect(limit).toBe(32);
    const idle = await Promise.all(Array.from({ length: limit }, () => open(server.wsUrl)));
    expect(server.stats().pendingSockets).toBe(limit);

    const t0 = performance.now();
    const refused = await open(server.wsUrl);
    const frame = await refused.error(0);
    expect(frame.error.code).toBe('PENDING_SOCKET_LIMIT');
    expect(frame.error.details).toEqual({ limit });
    expect((await refused.closed).code).toBe(SOCKET_ERRORS.PENDING_SOCKET_LIMIT.close);
    expect(CLOSE_CODES[4202].name).toBe('PENDING_SOCKET_LIMIT');
    expect(performance.now() - t0).toBeLessThan(1500); // not the 30 s auth window

    // Another address is not affected.
    const other = await open(server.wsUrl, '127.0.0.2');
    other.send(await fetchToken(server, 'other-address'));
    expect(((await other.text(0)) as { type: string }).type).toBe('savant_voice_connected');

    // Authenticated sockets do not count: once one of the idle ones authenticates, there is room for one more.
    idle[0]!.send(await fetchToken(server, 'was-idle'));
    expect(((await idle[0]!.text(0)) as { type: string }).type).toBe('savant_voice_connected');
    const next = await open(server.wsUrl);
    next.send(await fetchToken(server, 'next'));
    expect(((await next.text(0)) as { type: string }).type).toBe('savant_voice_connected');
    for (const c of [...idle, next, other]) c.ws.close(1000);
  });

  it('refuses frames over 16 KiB at the socket layer (1009), before and after authentication', async () => {
    const server = await startServer({ agent: 'loopback' });
    expect(DEFAULTS.maxPayloadBytes).toBe(16 * 1024);
    const { client } = await connectSession(server);
    client.send(new Uint8Array(16 * 1024)); // at the limit: a non-fatal INVALID_AUDIO_FRAME (over 8,000 bytes)
    expect((await client.error(1)).error.code).toBe('INVALID_AUDIO_FRAME');
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.send(new Uint8Array(16 * 1024 + 2));
    expect((await client.closed).code).toBe(1009);

    const early = await open(server.wsUrl);
    early.send('x'.repeat(16 * 1024 + 1));
    expect((await early.closed).code).toBe(1009);
  });

  it('a token whose iat lies in the future is refused (TOKEN_INVALID, 4002)', async () => {
    const server = await startServer();
    const client = await openWithToken(server, await server.mintToken('time-traveller', { ageSeconds: -120 }));
    expect((await client.error(0)).error.code).toBe('TOKEN_INVALID');
    expect((await client.closed).code).toBe(SOCKET_ERRORS.TOKEN_INVALID.close);
    // The same device with an honest token is fine.
    expect((await connectSession(server, 'time-traveller')).confirmation.type).toBe('savant_voice_connected');
  });

  it('recognises loopback addresses, and nothing else, as loopback', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '127.255.0.9', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', '1.127.0.0', 'fd00::2', '', '127.0.0.1.evil']) {
      expect(isLoopbackAddress(a), a).toBe(false);
    }
  });

  const toneArrives = async (client: TestClient) => {
    await client.until(() => client.binaries.length > 0, 600, 'tone').catch(() => {});
    return client.binaries.length > 0;
  };

  // Remote clients are simulated through the injectable address (a documentation-range address in a header): tests
  // only ever connect over loopback, never to the machine's LAN interfaces.
  const remoteAddress = (req: { headers: Record<string, unknown>; socket: { remoteAddress?: string } }) =>
    String(req.headers['x-client-address'] ?? req.socket.remoteAddress);
  const openAs = async (server: Awaited<ReturnType<typeof startServer>>, device: string, query: string, address: string) => {
    const client = new TestClient(`${server.wsUrl}${query}`, { headers: { 'x-client-address': address } });
    await client.opened;
    client.send(await fetchToken(server, device));
    return client;
  };

  it('honours ?agent= only for loopback clients by default; a flag allows every client', async () => {
    const server = await startServer({ clientAddress: remoteAddress, rateLimit: false });
    // From a non-loopback address, ?agent=tone is ignored (the default echo agent stays silent)…
    const remote = await openAs(server, 'remote', '?agent=tone', '198.51.100.20');
    expect(((await remote.text(0)) as { type: string }).type).toBe('savant_voice_connected');
    expect(await toneArrives(remote)).toBe(false);
    // …and a bad override is not even looked at.
    const bogus = await openAs(server, 'remote-2', '?agent=nonsense', '198.51.100.20');
    expect(((await bogus.text(0)) as { type: string }).type).toBe('savant_voice_connected');
    // A loopback client gets its agent.
    const local = await openAs(server, 'local', '?agent=tone', '127.0.0.1');
    expect(await toneArrives(local)).toBe(true);
    // With the flag, the remote client gets it too.
    const flagged = await startServer({ clientAddress: remoteAddress, allowQueryOverrides: true, rateLimit: false });
    const allowed = await openAs(flagged, 'remote-3', '?agent=tone', '198.51.100.20');
    expect(await toneArrives(allowed)).toBe(true);
    for (const c of [remote, bogus, local, allowed]) c.ws.close(1000);
  });

  it('the address check is injectable (a reverse proxy’s forwarded address), and `false` turns overrides off for all', async () => {
    const behindProxy = await startServer({ clientAddress: remoteAddress });
    const remote = new TestClient(`${behindProxy.wsUrl}?agent=tone`, { headers: { 'x-client-address': '203.0.113.7' } });
    await remote.opened;
    remote.send(await fetchToken(behindProxy, 'proxied'));
    expect(((await remote.text(0)) as { type: string }).type).toBe('savant_voice_connected');
    expect(await toneArrives(remote)).toBe(false);

    const off = await startServer({ allowQueryOverrides: false });
    const local = await openWithToken(off, await fetchToken(off, 'local-off'), '?agent=tone');
    expect(((await local.text(0)) as { type: string }).type).toBe('savant_voice_connected');
    expect(await toneArrives(local)).toBe(false);
    for (const c of [remote, local]) c.ws.close(1000);
  });
});
