/**
 * Surviving the network, against the real reference server. The fake clock drives backoff delays, Retry-After
 * waits and the backpressure pump, so no test sleeps; sockets and HTTP are real.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { WebSocket as WS } from 'ws';
import type { VoiceError } from '../../src/errors.ts';
import type { WebSocketConstructor } from '../../src/options.ts';
import { clientFor, numberedFrame, recordingWebSocket, sequenceOf, uniqueDeviceId } from './helpers/client.ts';
import { jwtPayload, nextEvent } from './helpers/events.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { createVoiceServer, serverIdle, silentLogger, type VoiceServer } from './helpers/server.ts';

let server: VoiceServer;
beforeAll(async () => {
  server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
});
afterAll(() => server.close());
afterEach(() => serverIdle(server));

type Reconnecting = { attempt: number; delayMs: number; cause: VoiceError };

describe('reconnect', () => {
  test('dropped mid-stream: a new token (new jti), and the audio spoken during the outage arrives after it, in order', async () => {
    const clock = new FakeClock();
    const sent: Array<string | ArrayBuffer> = [];
    const received: Int16Array[] = [];
    const socket = clientFor(server, { clock, WebSocket: recordingWebSocket(sent) }, (s) => received.push(s));
    await socket.connect();
    const firstSession = socket.sessionId;

    for (let seq = 1; seq <= 10; seq++) expect(socket.send(numberedFrame(seq))).toBe('sent');
    await vi.waitFor(() => expect(sequenceOf(received)).toHaveLength(10));

    const retry = nextEvent<Reconnecting>(socket, 'reconnecting');
    server.dropAllSockets(); // a network failure: TCP cut, no close frame
    const { attempt, delayMs, cause } = await retry;
    expect(cause).toMatchObject({ code: 'CONNECTION_LOST', closeCode: 1006 });
    expect(attempt).toBe(1);
    expect(delayMs).toBeGreaterThanOrEqual(400);
    expect(delayMs).toBeLessThanOrEqual(600);

    // The user keeps talking through the outage: 1 s of audio is held.
    for (let seq = 11; seq <= 60; seq++) expect(socket.send(numberedFrame(seq))).toBe('buffered');
    expect(socket.stats.heldFrames).toBe(50);

    const back = nextEvent<{ sessionId: string; attempts: number; outageMs: number }>(socket, 'reconnected');
    clock.advance(delayMs);
    const reconnected = await back;
    expect(reconnected.attempts).toBe(1);
    expect(reconnected.outageMs).toBe(delayMs);
    expect(reconnected.sessionId).not.toBe(firstSession);
    for (let seq = 61; seq <= 70; seq++) expect(socket.send(numberedFrame(seq))).toBe('sent');

    await vi.waitFor(() => expect(sequenceOf(received)).toHaveLength(70));
    expect(sequenceOf(received)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(socket.stats).toMatchObject({ reconnects: 1, tokenRequests: 2, heldFrames: 0 });
    expect(socket.stats.droppedFrames.reconnectOverflow).toBe(0);

    const tokens = sent.filter((f): f is string => typeof f === 'string');
    expect(tokens).toHaveLength(2);
    expect(jwtPayload(tokens[0]!).jti).not.toBe(jwtPayload(tokens[1]!).jti);
    socket.disconnect();
    expect(clock.pending).toBe(0);
  });

  test('an outage longer than reconnectBufferMs keeps the newest audio and counts what it dropped', async () => {
    const clock = new FakeClock();
    const received: Int16Array[] = [];
    const socket = clientFor(server, { clock, reconnectBufferMs: 200 }, (s) => received.push(s));
    await socket.connect();
    const retry = nextEvent<Reconnecting>(socket, 'reconnecting');
    server.dropAllSockets();
    const { delayMs } = await retry;
    for (let seq = 1; seq <= 25; seq++) expect(socket.send(numberedFrame(seq))).toBe('buffered');
    expect(socket.stats.heldFrames).toBe(10); // 200 ms = 10 frames of 20 ms
    expect(socket.stats.droppedFrames.reconnectOverflow).toBe(15);
    const back = nextEvent(socket, 'reconnected');
    clock.advance(delayMs);
    await back;
    await vi.waitFor(() => expect(sequenceOf(received)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]));
    socket.disconnect();
  });

  test('reconnectBufferMs 0 drops audio while away', async () => {
    const clock = new FakeClock();
    const socket = clientFor(server, { clock, reconnectBufferMs: 0 });
    await socket.connect();
    const retry = nextEvent<Reconnecting>(socket, 'reconnecting');
    server.dropAllSockets();
    await retry;
    expect(socket.send(numberedFrame(1))).toBe('dropped');
    expect(socket.stats.droppedFrames.reconnectOverflow).toBe(1);
    socket.disconnect();
  });

  test('backoff doubles per failed attempt, gives up after maxAttempts with RECONNECT_EXHAUSTED', async () => {
    const clock = new FakeClock();
    const own = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
    const socket = clientFor(own, { clock, reconnect: { initialDelayMs: 500, maxDelayMs: 4000, maxAttempts: 4, jitter: 0 } });
    await socket.connect();
    const delays: number[] = [];
    socket.addEventListener('reconnecting', (e) => delays.push(e.detail.delayMs));
    const ended = nextEvent<{ reason: string; error: VoiceError }>(socket, 'disconnected');
    await own.stop(); // nothing listens: every attempt fails at the token request
    for (let i = 1; i <= 4; i++) {
      await vi.waitFor(() => expect(delays).toHaveLength(i));
      clock.advance(delays[i - 1]!);
    }
    const { reason, error } = await ended;
    expect(delays).toEqual([500, 1000, 2000, 4000]); // then the policy's null: 4 retries were the limit
    expect(reason).toBe('error');
    expect(error.code).toBe('RECONNECT_EXHAUSTED');
    expect((error.cause as VoiceError).code).toBe('TOKEN_FETCH_FAILED');
    expect(socket.state).toBe('error');
    expect(clock.pending).toBe(0);
    await own.close();
  });

  test('the backoff starts again from its first step only after minUptimeMs connected', async () => {
    const clock = new FakeClock();
    const socket = clientFor(server, { clock, minUptimeMs: 5000, reconnect: { jitter: 0 } });
    await socket.connect();
    const attempts: number[] = [];
    socket.addEventListener('reconnecting', (e) => attempts.push(e.detail.attempt));

    const cycle = async (uptimeMs: number) => {
      clock.advance(uptimeMs);
      const retry = nextEvent<Reconnecting>(socket, 'reconnecting');
      server.dropAllSockets();
      const { delayMs } = await retry;
      const back = nextEvent(socket, 'reconnected');
      clock.advance(delayMs);
      await back;
    };
    await cycle(100); // short-lived: attempt 1
    await cycle(100); // still short: attempt 2
    await cycle(5000); // stayed up: back to attempt 1
    expect(attempts).toEqual([1, 2, 1]);
    socket.disconnect();
  });

  test('429 RATE_LIMITED: the next attempt waits details.retryAfter, not the shorter backoff', async () => {
    const clock = new FakeClock();
    const own = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger, rateLimit: { limit: 1, windowMs: 45_000 } });
    const deviceId = uniqueDeviceId();
    // Spend the device's budget outside the client.
    const spent = await fetch(`${own.url}/api/websocket-voice/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiKey: own.devApiKey, deviceId }),
    });
    expect(spent.status).toBe(200);
    let tokenRequests = 0;
    const countingFetch: typeof fetch = (input, init) => {
      tokenRequests++;
      return fetch(input, init);
    };
    const socket = clientFor(own, { clock, deviceId, fetch: countingFetch });
    const retry = nextEvent<Reconnecting>(socket, 'reconnecting');
    const connecting = socket.connect().catch((e: unknown) => e);
    const { delayMs, cause } = await retry;
    expect(cause).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true });
    expect(cause.details).toMatchObject({ retryAfter: 45, limit: 1 });
    expect(cause.retryAfterMs).toBe(45_000);
    expect(delayMs).toBe(45_000);
    expect(clock.pendingDelays).toEqual([45_000]);
    clock.advance(44_999);
    expect(tokenRequests).toBe(1);
    socket.disconnect();
    expect(((await connecting) as VoiceError).code).toBe('ABORTED');
    await own.close();
  });

  test('never more than 60 token requests per minute, whatever the policy says', async () => {
    const clock = new FakeClock();
    const own = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
    await own.stop(); // every attempt fails fast: the socket cannot connect
    let calls = 0;
    const socket = clientFor(own, {
      clock,
      token: () => {
        calls++;
        return 'x.y.z';
      },
      reconnect: () => 0, // an aggressive custom policy: retry at once, for ever
    });
    // Let each zero delay elapse as soon as it is scheduled.
    socket.addEventListener('reconnecting', (e) => queueMicrotask(() => clock.advance(e.detail.delayMs)));
    socket.connect().catch(() => {});
    await vi.waitFor(() => expect(calls).toBe(60), { timeout: 10_000 });
    // The 61st request waits for the oldest to leave the rolling minute, on the (fake) clock.
    await vi.waitFor(() => expect(socket.state).toBe('fetching-token'));
    expect(clock.pendingDelays).toEqual([60_000]);
    expect(calls).toBe(60);
    clock.advance(60_000);
    await vi.waitFor(() => expect(calls).toBe(61));
    socket.disconnect();
    expect(clock.pending).toBe(0);
    await own.close();
  });
});

describe('backpressure', () => {
  test('over the bound, the newest audio waits and the oldest is dropped; all of it counted (injected bufferedAmount)', async () => {
    const clock = new FakeClock();
    const received: Int16Array[] = [];
    // Failure injection: a real socket whose bufferedAmount the test controls, since loopback never congests.
    let congestion = 0;
    const Congested: WebSocketConstructor = class extends WS {
      constructor(url: string) {
        super(url);
        Object.defineProperty(this, 'bufferedAmount', { get: () => congestion });
      }
    };
    const socket = clientFor(server, { clock, WebSocket: Congested, maxBufferedAmountMs: 100 }, (s) => received.push(s));
    await socket.connect();
    expect(socket.send(numberedFrame(1))).toBe('sent');
    congestion = 3201; // just over 100 ms of audio
    const results = Array.from({ length: 8 }, (_, i) => socket.send(numberedFrame(i + 2)));
    expect(results).toEqual(Array(8).fill('buffered'));
    expect(socket.stats.queuedFrames).toBe(5); // 100 ms = 5 frames wait; frames 2–4 were dropped
    expect(socket.stats.droppedFrames.backpressure).toBe(3);
    expect(clock.pendingDelays).toEqual([20]);
    clock.advance(20);
    expect(socket.stats.queuedFrames).toBe(5); // still congested: nothing moves
    congestion = 0;
    clock.advance(20);
    expect(socket.stats.queuedFrames).toBe(0);
    expect(clock.pending).toBe(0);
    await vi.waitFor(() => expect(sequenceOf(received)).toEqual([1, 5, 6, 7, 8, 9]));
    expect(socket.stats.framesSent).toBe(6);
    socket.disconnect();
  });
  test('audio held until the confirmation does not count against the bound: the frames after it are sent, none dropped (injected bufferedAmount)', async () => {
    const clock = new FakeClock();
    const received: Int16Array[] = [];
    // Failure injection: the socket sends nothing on (bufferedAmount = every audio byte handed to it, minus what the
    // test drains), as a busy machine's socket did with a second of held audio.
    let handed = 0;
    let drained = 0;
    const Slow: WebSocketConstructor = class extends WS {
      constructor(url: string) {
        super(url);
        Object.defineProperty(this, 'bufferedAmount', { get: () => handed - drained });
      }
      override send(data: string | ArrayBuffer): void {
        if (typeof data !== 'string') handed += data.byteLength;
        super.send(data);
      }
    };
    const socket = clientFor(server, { clock, WebSocket: Slow, maxBufferedAmountMs: 100 }, (s) => received.push(s));
    const connecting = socket.connect();
    // 1 s spoken before the confirmation: held, then sent at once after it.
    for (let seq = 1; seq <= 50; seq++) expect(socket.send(numberedFrame(seq))).toBe('buffered');
    await connecting;
    expect(handed).toBe(50 * 640);
    // The live frames that follow go out while the burst drains: within the bound on top of the burst.
    // (The bound is inclusive, as for any send: 100 ms lets a sixth frame go while 5 are in the socket.)
    const results = Array.from({ length: 7 }, (_, i) => socket.send(numberedFrame(51 + i)));
    expect(results).toEqual([...Array(6).fill('sent'), 'buffered']);
    expect(socket.stats.droppedFrames.backpressure).toBe(0);
    // Drained: the burst is forgotten and the bound alone applies again.
    drained = handed;
    clock.advance(20);
    expect(socket.stats.queuedFrames).toBe(0);
    await vi.waitFor(() => expect(sequenceOf(received)).toEqual(Array.from({ length: 57 }, (_, i) => i + 1)));
    expect(socket.stats.droppedFrames.backpressure).toBe(0);
    socket.disconnect();
  });
});
