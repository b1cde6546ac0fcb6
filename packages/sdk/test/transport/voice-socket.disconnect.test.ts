/**
 * `disconnect()` in every state leaves nothing open: no socket on the server, no timer on the (fake) clock, no
 * token request in flight, exactly one terminal event. The fake clock is here to count pending timers; states
 * are reached through synchronous `statechange` listeners, so nothing depends on timing.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { VoiceError } from '../../src/errors.ts';
import type { ConnectionState } from '../../src/transport/voice-socket.ts';
import { clientFor } from './helpers/client.ts';
import { nextEvent, recordEvents } from './helpers/events.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { createVoiceServer, serverIdle, silentLogger, type VoiceServer } from './helpers/server.ts';

let server: VoiceServer;
beforeAll(async () => {
  server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
});
afterAll(() => server.close());
afterEach(() => serverIdle(server));

describe('disconnect() in each state', () => {
  test.each(['fetching-token', 'connecting', 'authenticating', 'connected'] as const)('during %s', async (target: ConnectionState) => {
    const clock = new FakeClock();
    const socket = clientFor(server, { clock });
    const events = recordEvents(socket, ['disconnected', 'reconnecting', 'connected']);
    socket.addEventListener('statechange', (e) => {
      if (e.detail.state === target) socket.disconnect();
    });
    const error = await socket.connect().then(
      () => null,
      (e: VoiceError) => e,
    );
    expect(socket.state).toBe('closed');
    expect(clock.pending).toBe(0);
    expect(events.filter(([t]) => t === 'disconnected')).toEqual([['disconnected', { reason: 'client' }]]);
    expect(events.some(([t]) => t === 'reconnecting')).toBe(false);
    if (target === 'connected') expect(error).toBeNull();
    else expect(error?.code).toBe('ABORTED');
    socket.disconnect(); // a second call is a no-op: still one terminal event
    expect(events.filter(([t]) => t === 'disconnected')).toHaveLength(1);
  });

  test('during reconnecting (waiting out the backoff)', async () => {
    const clock = new FakeClock();
    const socket = clientFor(server, { clock });
    await socket.connect();
    const retry = nextEvent(socket, 'reconnecting');
    server.dropAllSockets();
    await retry;
    expect(socket.state).toBe('reconnecting');
    expect(clock.pending).toBe(1);
    const ended = nextEvent(socket, 'disconnected');
    socket.disconnect();
    expect(await ended).toEqual({ reason: 'client' });
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(socket.state).toBe('closed');
    expect(socket.stats.tokenRequests).toBe(1);
  });

  test('in idle, closed and error it does nothing', async () => {
    const socket = clientFor(server, { token: () => 'not-a-jwt' });
    const events = recordEvents(socket, ['disconnected', 'statechange']);
    socket.disconnect();
    expect(events).toEqual([]);
    await socket.connect().catch(() => {});
    expect(socket.state).toBe('error');
    const before = events.length;
    socket.disconnect();
    expect(events).toHaveLength(before);
  });

  test('a token request in flight is aborted (the token server sees the request go away)', async () => {
    const clock = new FakeClock();
    const arrived: IncomingMessage[] = [];
    let requestGone!: () => void;
    const requestClosed = new Promise<void>((resolve) => {
      requestGone = resolve;
    });
    // A token endpoint that never answers: the client must give up on it.
    const hanging: Server = createServer((req) => {
      arrived.push(req);
      req.on('close', () => requestGone());
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
    const tokenUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/token`;
    const socket = clientFor(server, { clock, tokenUrl });
    const result = socket.connect().catch((e: VoiceError) => e);
    await vi.waitFor(() => expect(arrived).toHaveLength(1));
    expect(socket.state).toBe('fetching-token');
    socket.disconnect();
    expect(((await result) as VoiceError).code).toBe('ABORTED');
    await requestClosed;
    expect(clock.pending).toBe(0);
    hanging.close();
  });
});
