import { CLOSE_CODES, ConnectedMessageSchema, SOCKET_ERRORS, TOKEN_AUDIENCE, TOKEN_ISSUER } from '@savants/voice/protocol';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { closeServers, connectSession, eventually, fetchToken, openWithToken, startServer, TestClient } from './helpers.ts';

afterEach(closeServers);

const SECRET = 'test-secret-test-secret-test-secret';

/** A token signed by the test itself: to forge a signature or break one claim at a time. */
function craft(secret: string, edit: (jwt: SignJWT) => SignJWT = (j) => j, alg = 'HS256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const base = new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject('device-test')
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuer(TOKEN_ISSUER)
    .setJti(crypto.randomUUID());
  return edit(base).sign(new TextEncoder().encode(secret));
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectFailure(client: TestClient, code: keyof typeof SOCKET_ERRORS): Promise<void> {
  const error = await client.error(0);
  expect(error.error.code).toBe(code);
  expect(error.error.message.length).toBeGreaterThan(0);
  expect(Number.isNaN(Date.parse(error.error.timestamp ?? ''))).toBe(false);
  const closed = await client.closed;
  expect(closed.code).toBe(SOCKET_ERRORS[code].close);
  expect(CLOSE_CODES[closed.code as keyof typeof CLOSE_CODES].name).toBe(code);
}

describe('/voice-stream handshake', () => {
  it('confirms a valid token with savant_voice_connected, a timestamp and a sessionId', async () => {
    const server = await startServer({ agent: 'loopback' });
    const { client, confirmation } = await connectSession(server);
    expect(confirmation).toMatchObject({ type: 'savant_voice_connected', message: expect.any(String) });
    expect(confirmation.sessionId).toMatch(/^sess_[\w-]{12}$/);
    expect(Date.parse(confirmation.timestamp ?? '')).toBeGreaterThan(Date.now() - 5000);
    expect(server.stats()).toMatchObject({ sessions: 1, pendingSockets: 0 });
    client.ws.close(1000);
    expect((await client.closed).code).toBe(1000);
    await eventually(() => server.stats().sessions === 0 && server.stats().timers === 0, 2000, 'session released');
  });

  it('TOKEN_EXPIRED (4001) for a token past its short ttl', async () => {
    const server = await startServer({ tokenTtlSeconds: 1 });
    const token = await fetchToken(server);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expectFailure(await openWithToken(server, token), 'TOKEN_EXPIRED');
  });

  it('TOKEN_EXPIRED (4001) for a back-dated token', async () => {
    const server = await startServer();
    await expectFailure(
      await openWithToken(server, await server.mintToken('device-test', { ttlSeconds: 60, ageSeconds: 120 })),
      'TOKEN_EXPIRED',
    );
  });

  it.each([
    ['not a JWT', async () => 'hello'],
    ['a forged signature', async () => craft('some-other-secret-some-other-secret')],
    [
      'alg none',
      async () =>
        `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'device-test', aud: TOKEN_AUDIENCE, iss: TOKEN_ISSUER, jti: 'x', iat: 1, exp: 9e9 })}.`,
    ],
    ['a wrong audience', async () => craft(SECRET, (j) => j.setAudience('other-api'))],
    ['a wrong issuer', async () => craft(SECRET, (j) => j.setIssuer('evil.example'))],
    ['no jti', async () => craft(SECRET, (j) => j.setJti(''))],
    ['HS512 with the right secret', async () => craft(SECRET, (j) => j, 'HS512')],
  ])('TOKEN_INVALID (4002) for %s', async (_what, make) => {
    const server = await startServer({ jwtSecret: SECRET });
    await expectFailure(await openWithToken(server, await make()), 'TOKEN_INVALID');
  });

  it('accepts a token crafted with the configured secret (so the cases above fail for their one reason)', async () => {
    const server = await startServer({ jwtSecret: SECRET });
    const client = await openWithToken(server, await craft(SECRET));
    expect(ConnectedMessageSchema.parse(await client.text(0)).type).toBe('savant_voice_connected');
  });

  it('TOKEN_REUSED (4003) for a second socket with the same token', async () => {
    const server = await startServer();
    const token = await fetchToken(server);
    const first = await openWithToken(server, token);
    expect(ConnectedMessageSchema.safeParse(await first.text(0)).success).toBe(true);
    await expectFailure(await openWithToken(server, token), 'TOKEN_REUSED');
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('AUTH_TIMEOUT (4004) when no token arrives within the auth window; the pending socket leaves nothing behind', async () => {
    const server = await startServer({ authWindowMs: 150 });
    const client = new TestClient(server.wsUrl);
    await client.opened;
    await eventually(() => server.stats().pendingSockets === 1, 1000, 'pending socket');
    expect(server.stats().timers).toBe(1); // its auth timer, and nothing else
    await expectFailure(client, 'AUTH_TIMEOUT');
    await eventually(() => server.stats().sockets === 0, 1000, 'socket gone');
    expect(server.stats()).toMatchObject({ pendingSockets: 0, timers: 0 });
  });

  it('clears the auth timer of a socket closed by the client before authenticating', async () => {
    const server = await startServer();
    const clients = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const c = new TestClient(server.wsUrl);
        await c.opened;
        return c;
      }),
    );
    await eventually(() => server.stats().pendingSockets === 5);
    expect(server.stats().timers).toBe(5);
    for (const c of clients) c.ws.close();
    await eventually(() => server.stats().sockets === 0 && server.stats().timers === 0, 2000, 'timers cleared');
  });

  it('BINARY_BEFORE_AUTH (4102) for a binary first frame', async () => {
    const server = await startServer();
    const client = new TestClient(server.wsUrl);
    await client.opened;
    client.send(new Uint8Array(640));
    await expectFailure(client, 'BINARY_BEFORE_AUTH');
  });

  it('BINARY_BEFORE_AUTH (4102) for audio sent right behind the token, before the confirmation', async () => {
    const server = await startServer();
    const client = new TestClient(server.wsUrl);
    await client.opened;
    client.send(await fetchToken(server));
    client.send(new Uint8Array(640));
    await expectFailure(client, 'BINARY_BEFORE_AUTH');
  });

  it('UNEXPECTED_TEXT_FRAME (4101) for text after authentication', async () => {
    const server = await startServer();
    const { client } = await connectSession(server);
    client.send('{"type":"ping"}');
    const error = await client.error(1);
    expect(error.error.code).toBe('UNEXPECTED_TEXT_FRAME');
    expect((await client.closed).code).toBe(SOCKET_ERRORS.UNEXPECTED_TEXT_FRAME.close);
  });

  it('DEVICE_INACTIVE (4005) for a token issued before the device was deactivated', async () => {
    const server = await startServer();
    const token = await fetchToken(server, 'device-x');
    server.deactivateDevice('device-x');
    const client = await openWithToken(server, token);
    const error = await client.error(0);
    expect(error.error).toMatchObject({
      code: 'DEVICE_INACTIVE',
      details: { deviceId: 'device-x', deactivatedAt: expect.stringMatching(/Z$/) },
    });
    expect((await client.closed).code).toBe(4005);
  });

  it('CONNECTION_LIMIT (4201) for the 11th concurrent socket of a device; a slot frees up on close', async () => {
    const server = await startServer({ agent: 'loopback' });
    const ten = [];
    for (let i = 0; i < 10; i++) ten.push((await connectSession(server, 'device-busy')).client);
    const eleventh = await openWithToken(server, await fetchToken(server, 'device-busy'));
    await expectFailure(eleventh, 'CONNECTION_LIMIT');
    expect((await connectSession(server, 'device-other')).confirmation.type).toBe('savant_voice_connected');
    ten[0]!.ws.close();
    await eventually(() => server.stats().sessions === 10, 2000, 'slot freed');
    expect((await connectSession(server, 'device-busy')).confirmation.type).toBe('savant_voice_connected');
  });

  it('refuses upgrades on other paths with 404 and bad query overrides with 400', async () => {
    const server = await startServer();
    const status = (path: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => {});
      });
    expect(await status('/other')).toBe(404);
    expect(await status('/voice-stream?agent=nonsense')).toBe(400);
    expect(await status('/voice-stream?shape=mars')).toBe(400);
  });
});

describe('/voice-stream audio frames', () => {
  it('INVALID_AUDIO_FRAME is not fatal: odd, empty and oversized frames are refused with details, the session goes on', async () => {
    const server = await startServer({ agent: 'loopback' });
    const { client } = await connectSession(server);
    client.send(new Uint8Array(641));
    client.send(new Uint8Array(0));
    client.send(new Uint8Array(8002));
    client.send(new Uint8Array(8000).fill(7));
    await client.until(() => client.texts.length >= 4 && client.binaries.length >= 1, 3000, 'errors and echo');
    const errors = await Promise.all([1, 2, 3].map((n) => client.error(n)));
    expect(errors.map((e) => e.error.code)).toEqual(['INVALID_AUDIO_FRAME', 'INVALID_AUDIO_FRAME', 'INVALID_AUDIO_FRAME']);
    expect(errors.map((e) => e.error.details)).toEqual([
      { reason: 'odd_length', bytes: 641 },
      { reason: 'empty', bytes: 0 },
      { reason: 'too_large', bytes: 8002 },
    ]);
    expect(client.binaries.map((b) => b.byteLength)).toEqual([8000]); // only the valid frame came back
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('INTERNAL_ERROR (1011) when an agent throws; the server carries on', async () => {
    const server = await startServer({
      agent: {
        name: 'broken',
        start: () => ({
          onAudio() {
            throw new Error('scripted failure');
          },
        }),
      },
    });
    const { client } = await connectSession(server);
    client.send(new Uint8Array(640));
    expect((await client.error(1)).error.code).toBe('INTERNAL_ERROR');
    expect((await client.closed).code).toBe(SOCKET_ERRORS.INTERNAL_ERROR.close);
    expect((await connectSession(server, 'device-next')).confirmation.type).toBe('savant_voice_connected');
  });

  it('closes with 1009 for a message over maxPayloadBytes', async () => {
    const server = await startServer({ maxPayloadBytes: 64 * 1024 });
    const { client } = await connectSession(server);
    client.send(new Uint8Array(64 * 1024 + 2));
    expect((await client.closed).code).toBe(1009);
  });
});

describe('server lifecycle', () => {
  it('graceful shutdown sends SERVER_SHUTDOWN and closes every socket with 1001', async () => {
    const server = await startServer({ agent: 'tone' });
    const { client } = await connectSession(server);
    const pending = new TestClient(server.wsUrl);
    await pending.opened;
    await server.close();
    expect((await client.error(1)).error.code).toBe('SERVER_SHUTDOWN');
    expect((await client.closed).code).toBe(1001);
    expect((await pending.closed).code).toBe(1001);
    expect(server.stats()).toMatchObject({ sessions: 0, pendingSockets: 0, timers: 0 });
  });

  it('stops mid-call and comes back on the same port; a fresh token works again', async () => {
    const server = await startServer({ agent: 'loopback' });
    const port = server.port;
    const { client } = await connectSession(server);
    await server.stop();
    expect((await client.closed).code).toBe(1001);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    await server.start();
    expect(server.port).toBe(port);
    const again = await connectSession(server);
    again.client.send(new Uint8Array(640).fill(1));
    await again.client.until(() => again.client.binaries.length === 1);
  });

  it('dropAllSockets cuts connections without a close frame (the client sees 1006)', async () => {
    const server = await startServer({ agent: 'loopback' });
    const { client } = await connectSession(server);
    server.dropAllSockets();
    expect((await client.closed).code).toBe(1006);
    await eventually(() => server.stats().sessions === 0 && server.stats().timers === 0);
  });
});
