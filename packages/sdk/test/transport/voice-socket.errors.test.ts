/**
 * Every socket error code and the server's scripted misbehaviour, against the real reference server.
 * Tests that wait on a client timer (confirmation timeout, backoff) use the fake clock so they take no real time;
 * protocol violations the SDK never commits itself are injected through a wrapping WebSocket, and say so.
 */
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { VoiceError } from '../../src/errors.ts';
import { SOCKET_ERRORS } from '../../src/protocol/codes.ts';
import { decideRetry } from '../../src/transport/retry-decision.ts';
import { clientFor, concat, recordingWebSocket, uniqueDeviceId } from './helpers/client.ts';
import { nextEvent, recordEvents } from './helpers/events.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { createVoiceServer, serverIdle, silentLogger, type VoiceServer } from './helpers/server.ts';

let server: VoiceServer;
beforeAll(async () => {
  server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger, authWindowMs: 300 });
});
afterAll(() => server.close());
// Every test must leave the server with no socket: a leak in one shows up in it, not in a later test.
afterEach(() => serverIdle(server));

async function rejection(promise: Promise<unknown>): Promise<VoiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VoiceError);
  return error as VoiceError;
}

describe('socket error codes', () => {
  test('TOKEN_INVALID (4002) stops at once: no retry, state error', async () => {
    let calls = 0;
    const socket = clientFor(server, {
      token: () => {
        calls++;
        return 'not-a-jwt';
      },
    });
    const events = recordEvents(socket, ['reconnecting', 'disconnected']);
    const error = await rejection(socket.connect());
    expect(error).toMatchObject({ code: 'TOKEN_INVALID', closeCode: 4002, retryable: false });
    expect(socket.state).toBe('error');
    expect(calls).toBe(1);
    expect(events).toEqual([['disconnected', { reason: 'error', error, closeCode: 4002 }]]);
    await serverIdle(server);
  });

  test('TOKEN_EXPIRED (4001): a fresh token on the next attempt connects', async () => {
    const clock = new FakeClock();
    const deviceId = uniqueDeviceId();
    // A 1-second token issued 2 s ago (the server's minting hook), so the test need not wait for it to expire.
    const tokens = [await server.mintToken(deviceId, { ttlSeconds: 1, ageSeconds: 2 }), await server.mintToken(deviceId)];
    const socket = clientFor(server, { clock, token: () => tokens.shift()! });
    const retry = nextEvent<{ attempt: number; delayMs: number; cause: VoiceError }>(socket, 'reconnecting');
    const connected = socket.connect();
    const { attempt, delayMs, cause } = await retry;
    expect(cause).toMatchObject({ code: 'TOKEN_EXPIRED', retryable: true });
    expect(attempt).toBe(1);
    expect(clock.pendingDelays).toEqual([delayMs]);
    clock.advance(delayMs);
    await connected;
    expect(socket.state).toBe('connected');
    socket.disconnect();
  });

  test('TOKEN_REUSED (4003): a token is single use, the retry fetches another', async () => {
    const clock = new FakeClock();
    const deviceId = uniqueDeviceId();
    const once = await server.mintToken(deviceId);
    const first = clientFor(server, { token: () => once });
    await first.connect();
    first.disconnect();
    let calls = 0;
    const second = clientFor(server, {
      clock,
      token: async () => (++calls === 1 ? once : server.mintToken(deviceId)),
    });
    const retry = nextEvent<{ delayMs: number; cause: VoiceError }>(second, 'reconnecting');
    const connected = second.connect();
    const { delayMs, cause } = await retry;
    expect(cause.code).toBe('TOKEN_REUSED');
    clock.advance(delayMs);
    await connected;
    expect(calls).toBe(2);
    second.disconnect();
  });

  test('AUTH_TIMEOUT (4004) when no token arrives in the window (injected: a socket that swallows the token)', async () => {
    const Silent = recordingWebSocket([], {});
    class SwallowingWebSocket extends Silent {
      override send(): void {}
    }
    const socket = clientFor(server, { WebSocket: SwallowingWebSocket, reconnect: false });
    const error = await rejection(socket.connect());
    expect(error).toMatchObject({ code: 'AUTH_TIMEOUT', closeCode: 4004 });
    await serverIdle(server);
  });

  test('DEVICE_INACTIVE over HTTP (401) stops with the server details', async () => {
    const deviceId = uniqueDeviceId();
    server.deactivateDevice(deviceId, new Date('2024-01-15T10:30:00Z'));
    const socket = clientFor(server, { deviceId });
    const error = await rejection(socket.connect());
    expect(error).toMatchObject({ code: 'DEVICE_INACTIVE', status: 401, retryable: false });
    expect(error.details).toMatchObject({ deviceId, deactivatedAt: '2024-01-15T10:30:00Z' });
    expect(socket.stats.tokenRequests).toBe(1);
  });

  test('DEVICE_INACTIVE on the socket (4005): deactivated between token and socket', async () => {
    const deviceId = uniqueDeviceId();
    const socket = clientFor(server, { deviceId });
    socket.addEventListener('statechange', (e) => {
      if (e.detail.state === 'connecting') server.deactivateDevice(deviceId);
    });
    const error = await rejection(socket.connect());
    expect(error).toMatchObject({ code: 'DEVICE_INACTIVE', closeCode: 4005, retryable: false });
    expect(socket.state).toBe('error');
  });

  test('AUTHENTICATION_FAILED (401) stops: one token request, no retry loop', async () => {
    const socket = clientFor(server, { apiKey: 'sk_wrong_key' });
    const error = await rejection(socket.connect());
    expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED', status: 401, retryable: false });
    expect(error.message).not.toContain('sk_wrong_key');
    expect(socket.stats.tokenRequests).toBe(1);
  });

  test('BINARY_BEFORE_AUTH (4102) and UNEXPECTED_TEXT_FRAME (4101) map to final errors (injected: the SDK never sends these)', async () => {
    const early = clientFor(server, { WebSocket: recordingWebSocket([], { onOpen: (ws) => ws.send(new Uint8Array(640)) }) });
    expect(await rejection(early.connect())).toMatchObject({ code: 'BINARY_BEFORE_AUTH', closeCode: 4102, retryable: false });

    const chatty = clientFor(server);
    await chatty.connect();
    const ended = nextEvent<{ error: VoiceError }>(chatty, 'disconnected');
    // Reach the raw socket the way a buggy wrapper would: a second text frame after the token.
    const sent: Array<string | ArrayBuffer> = [];
    const rogue = clientFor(server, {
      WebSocket: recordingWebSocket(sent, { onOpen: (ws) => ws.addEventListener('message', () => ws.send('{"type":"hello"}')) }),
    });
    chatty.disconnect();
    await ended;
    const lost = nextEvent<{ error: VoiceError }>(rogue, 'disconnected');
    await rogue.connect().catch(() => {});
    const { error } = await lost;
    expect(error).toMatchObject({ code: 'UNEXPECTED_TEXT_FRAME', closeCode: 4101, retryable: false });
  });

  test('INVALID_AUDIO_FRAME is reported and the session goes on (injected: the SDK refuses such frames itself)', async () => {
    let raw: { send(data: Uint8Array): void } | undefined;
    const socket = clientFor(server, { WebSocket: recordingWebSocket([], { onOpen: (ws) => (raw = ws) }) });
    const received: Int16Array[] = [];
    socket.setAudioSink((s) => received.push(s));
    await socket.connect();
    const reported = nextEvent<VoiceError>(socket, 'error');
    raw!.send(new Uint8Array(641));
    const error = await reported;
    expect(error).toMatchObject({ code: 'INVALID_AUDIO_FRAME', retryable: true });
    expect(socket.state).toBe('connected');
    expect(socket.send(new Int16Array(320).fill(7).buffer)).toBe('sent');
    await vi.waitFor(() => expect(concat(received).length).toBe(320));
    socket.disconnect();
  });

  test('the 11th concurrent socket of a device gets CONNECTION_LIMIT (4201); it connects once a slot frees', async () => {
    const clock = new FakeClock();
    const deviceId = uniqueDeviceId();
    const ten = Array.from({ length: 10 }, () => clientFor(server, { deviceId }));
    await Promise.all(ten.map((s) => s.connect()));
    expect(server.stats().sessions).toBeGreaterThanOrEqual(10);

    const strict = clientFor(server, { deviceId, reconnect: false });
    expect(await rejection(strict.connect())).toMatchObject({ code: 'CONNECTION_LIMIT', closeCode: 4201, retryable: true });

    const patient = clientFor(server, { deviceId, clock });
    const retry = nextEvent<{ delayMs: number; cause: VoiceError }>(patient, 'reconnecting');
    const connected = patient.connect();
    const { delayMs, cause } = await retry;
    expect(cause.code).toBe('CONNECTION_LIMIT');
    ten[0]!.disconnect();
    await vi.waitFor(() => expect(server.stats().sessions).toBeLessThan(10));
    clock.advance(delayMs);
    await connected;
    for (const s of [...ten, patient]) s.disconnect();
    await serverIdle(server);
  });

  test('SERVER_SHUTDOWN (1001): the client waits and comes back when the server does', async () => {
    const clock = new FakeClock();
    const own = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
    const socket = clientFor(own, { clock });
    await socket.connect();
    const retry = nextEvent<{ delayMs: number; cause: VoiceError }>(socket, 'reconnecting');
    await own.stop();
    const { cause } = await retry;
    expect(cause).toMatchObject({ code: 'SERVER_SHUTDOWN', retryable: true });
    await own.start();
    const back = nextEvent(socket, 'reconnected');
    clock.runNext();
    await back;
    expect(socket.state).toBe('connected');
    socket.disconnect();
    await own.close();
  });

  test('a normal close (1000) by the server ends the session without a retry; 1011 is retried', async () => {
    const clock = new FakeClock();
    const socket = clientFor(server, { clock });
    await socket.connect();
    const ended = nextEvent(socket, 'disconnected');
    server.dropAllSockets(1000);
    expect(await ended).toEqual({ reason: 'server', closeCode: 1000 });
    expect(socket.state).toBe('closed');
    expect(clock.pending).toBe(0);

    await socket.connect();
    const retry = nextEvent<{ cause: VoiceError }>(socket, 'reconnecting');
    server.dropAllSockets(1011);
    expect((await retry).cause).toMatchObject({ code: 'CONNECTION_LOST', closeCode: 1011, retryable: true });
    socket.disconnect();
  });

  test('every socket error code of the table has a retry decision the client follows', () => {
    // Through the decision VoiceSocket makes (decideRetry), with a policy that always retries: the table alone decides.
    const always = () => 0;
    for (const [code, entry] of Object.entries(SOCKET_ERRORS)) {
      const error = new VoiceError(code, code, entry.close === null ? {} : { closeCode: entry.close });
      expect(decideRetry(error, 1, always), code).toEqual(entry.retry === 'retry' ? { retry: true, delayMs: 0 } : { retry: false, error });
    }
  });
});

describe('scripted server failures', () => {
  test('a confirmation that never comes: CONFIRMATION_TIMEOUT after exactly 10 s (fake clock)', async () => {
    const clock = new FakeClock();
    const socket = clientFor(server, { agent: 'silent-confirm', clock, reconnect: false });
    const authenticating = nextEvent(socket, 'statechange', (d: { state: string }) => d.state === 'authenticating');
    const result = rejection(socket.connect());
    await authenticating;
    // The server has the socket and has verified the token by the time we look; only our timer is pending.
    await vi.waitFor(() => expect(server.stats().sessions).toBeGreaterThanOrEqual(1));
    expect(clock.pendingDelays).toEqual([10_000]);
    clock.advance(9_999);
    expect(socket.state).toBe('authenticating');
    clock.advance(1);
    expect(await result).toMatchObject({ code: 'CONFIRMATION_TIMEOUT', retryable: true });
    expect(clock.pending).toBe(0);
    await serverIdle(server);
  });

  test('a socket that never opens: CONNECTION_FAILED after connectTimeoutMs (fake clock), the TCP connection closed', async () => {
    // A TCP server that accepts and never answers the upgrade request: the socket stays in CONNECTING.
    const held: Socket[] = [];
    const tcp = createNetServer((s) => {
      held.push(s);
      s.resume(); // read (and ignore) the upgrade request, so the end of the connection is noticed
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
    const closed = new Promise<void>((resolve) => tcp.on('connection', (s) => s.on('close', () => resolve())));
    const clock = new FakeClock();
    const socket = clientFor(server, {
      clock,
      reconnect: false,
      wsUrl: `ws://127.0.0.1:${(tcp.address() as AddressInfo).port}/voice-stream`,
    });
    const connecting = nextEvent(socket, 'statechange', (d: { state: string }) => d.state === 'connecting');
    const result = rejection(socket.connect());
    await connecting;
    await vi.waitFor(() => expect(held).toHaveLength(1));
    expect(clock.pendingDelays).toEqual([10_000]);
    clock.advance(10_000);
    expect(await result).toMatchObject({ code: 'CONNECTION_FAILED', retryable: true });
    expect((await result).message).toContain('did not open within 10000 ms');
    await closed;
    expect(clock.pending).toBe(0);
    tcp.close();
  });

  test('garbage from the server: typed errors and message events, nothing thrown, audio decoded with the odd byte carried', async () => {
    const received: Int16Array[] = [];
    const socket = clientFor(server, { agent: 'garbage' }, (s) => received.push(s));
    const events = recordEvents(socket, ['error', 'message', 'disconnected']);
    await socket.connect();
    // 641 + 0 + 65,538 bytes of scripted binary, then 10 tone frames of 640 bytes: 72,579 bytes = 36,289 samples + 1 byte.
    await vi.waitFor(() => expect(concat(received).length).toBe(36_289), { timeout: 5000 });
    expect(socket.state).toBe('connected');
    const errors = events.filter(([t]) => t === 'error').map(([, e]) => e as VoiceError);
    expect(errors.map((e) => e.code)).toEqual([
      'PROTOCOL_ERROR',
      'PROTOCOL_ERROR',
      'PROTOCOL_ERROR',
      'PROTOCOL_ERROR',
      'SCRIPTED_UNKNOWN_CODE',
    ]);
    expect(errors.map((e) => e.details?.reason)).toEqual(['not_json', 'not_a_message', 'not_a_message', 'not_a_message', undefined]);
    expect(events.filter(([t]) => t === 'message').map(([, m]) => m)).toEqual([{ type: 'savant_status', state: 'thinking' }]);
    expect(socket.stats.bytesReceived).toBe(72_579);
    expect(socket.stats.framesReceived).toBe(13); // 641, 0 (an empty frame is still a frame), 65,538, then 10 tone frames
    socket.disconnect();
  });

  test('the server cutting the connection mid-stream is a retryable CONNECTION_LOST (1006)', async () => {
    const clock = new FakeClock();
    const socket = clientFor(server, { agent: 'drop', clock });
    const retry = nextEvent<{ cause: VoiceError }>(socket, 'reconnecting');
    await socket.connect();
    server.dropAllSockets();
    const { cause } = await retry;
    expect(cause).toMatchObject({ code: 'CONNECTION_LOST', closeCode: 1006, retryable: true });
    socket.disconnect();
  });
});
