/**
 * Defects of the socket's lifecycle found in issue 11, each pinned by a test that failed before its fix: a listener
 * of the terminal event that connects again, a reconnect policy that throws, an error frame before the confirmation,
 * confirmations and error frames with fields the protocol does not promise, an unknown code from a token endpoint.
 * Real reference server unless said otherwise; the injected sockets and fetches are failure injection and say so.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { VoiceError } from '../../src/errors.ts';
import type { WebSocketConstructor } from '../../src/options.ts';
import { clientFor, recordingWebSocket } from './helpers/client.ts';
import { recordEvents } from './helpers/events.ts';
import { createVoiceServer, serverIdle, silentLogger, type VoiceServer } from './helpers/server.ts';

let server: VoiceServer;
beforeAll(async () => {
  server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
});
afterAll(() => server.close());
afterEach(() => serverIdle(server));

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved' as const,
    (error: VoiceError) => error,
  );

/** Settles within `ms`, or resolves to 'pending' (a hang). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

/**
 * Failure injection: a socket that opens, takes the token and answers with the given text frames, then stays silent
 * (no close), the way a server that forgets to close would behave.
 */
function scriptedSocket(frames: string[]): WebSocketConstructor {
  return class Scripted extends EventTarget {
    binaryType = 'arraybuffer' as BinaryType;
    readyState = 0;
    bufferedAmount = 0;
    constructor(_url: string) {
      super();
      setTimeout(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
      }, 0);
    }
    send(data: string | ArrayBuffer): void {
      if (typeof data !== 'string') return;
      for (const frame of frames) setTimeout(() => this.dispatchEvent(new MessageEvent('message', { data: frame })), 0);
    }
    close(): void {
      this.readyState = 3;
    }
  } as unknown as WebSocketConstructor;
}

describe('the terminal event', () => {
  test('a disconnected listener that calls connect() starts a new session (it used to get the old, rejected promise)', async () => {
    const tokens = ['not-a-jwt', await server.mintToken('device-relisten')];
    const socket = clientFor(server, { token: () => tokens.shift()! });
    let second: Promise<void> | undefined;
    socket.addEventListener('disconnected', () => {
      second ??= socket.connect();
    });
    const first = await outcome(socket.connect());
    expect(first).toMatchObject({ code: 'TOKEN_INVALID' });
    expect(await within(outcome(second!), 5000)).toBe('resolved');
    expect(socket.state).toBe('connected');
    socket.disconnect();
  });
});

describe('reconnect policy', () => {
  test('a policy that throws gives up with the failure: connect() rejects, state error, one disconnected', async () => {
    const socket = clientFor(server, {
      token: () => Promise.reject(new Error('backend down')),
      reconnect: () => {
        throw new Error('policy bug');
      },
    });
    const events = recordEvents(socket, ['disconnected']);
    const result = await within(outcome(socket.connect()), 3000);
    expect(result).toMatchObject({ code: 'TOKEN_PROVIDER_FAILED' });
    expect(socket.state).toBe('error');
    expect(events).toHaveLength(1);
  });
});

describe('frames before the confirmation', () => {
  test('an error frame without a close fails the attempt at once, not after the confirmation timeout', async () => {
    const frame = JSON.stringify({ type: 'error', error: { code: 'TOKEN_INVALID', message: 'bad token' } });
    const socket = clientFor(server, { WebSocket: scriptedSocket([frame]), confirmationTimeoutMs: 10_000 });
    const started = Date.now();
    const result = await within(outcome(socket.connect()), 2000);
    expect(result).toMatchObject({ code: 'TOKEN_INVALID', closeCode: 4002 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('an error frame without message or code still ends the attempt, as PROTOCOL_ERROR (retryable, then given up)', async () => {
    const socket = clientFor(server, { WebSocket: scriptedSocket(['{"type":"error"}']), reconnect: false });
    expect(await within(outcome(socket.connect()), 2000)).toMatchObject({ code: 'PROTOCOL_ERROR' });
  });

  test('a confirmation with a numeric sessionId and no message confirms (only `type` is promised)', async () => {
    const socket = clientFor(server, { WebSocket: scriptedSocket(['{"type":"savant_voice_connected","sessionId":42}']) });
    expect(await within(outcome(socket.connect()), 2000)).toBe('resolved');
    expect(socket.sessionId).toBe('42');
    socket.disconnect();
  });

  test('audio captured while connecting is held and sent in order right after the confirmation', async () => {
    const sent: Array<string | ArrayBuffer> = [];
    const socket = clientFor(server, { WebSocket: recordingWebSocket(sent) });
    const results: string[] = [];
    let seq = 0;
    const frame = () => new Int16Array(320).fill(++seq).buffer;
    socket.addEventListener('statechange', (e) => {
      if (e.detail.state !== 'connected') results.push(socket.send(frame()));
    });
    results.push(socket.send(frame()));
    await socket.connect();
    socket.disconnect();
    results.push(socket.send(frame()));
    // idle: dropped; fetching-token, connecting, authenticating: held; closed and after: dropped.
    expect(results).toEqual(['dropped', 'buffered', 'buffered', 'buffered', 'dropped', 'dropped']);
    expect(sent.filter((f) => typeof f !== 'string').map((f) => new Int16Array(f as ArrayBuffer)[0])).toEqual([2, 3, 4]);
    expect(typeof sent[0]).toBe('string');
    expect(socket.stats.droppedFrames.notConnected).toBe(3);
  });
});

describe('token endpoint codes', () => {
  test('an unknown code with HTTP 401 is not retried (the status decides), one request only', async () => {
    let requests = 0;
    // Failure injection: an app backend's own 401 envelope with a code the protocol table does not know.
    const fetch = async () => {
      requests++;
      return new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'log in first' } }), { status: 401 });
    };
    const socket = clientFor(server, { tokenUrl: `${server.url}/voice-token`, fetch });
    const result = await within(outcome(socket.connect()), 3000);
    expect(result).toMatchObject({ code: 'UNAUTHORIZED', status: 401, retryable: false });
    expect(requests).toBe(1);
  });

  test('an unknown code with HTTP 503 is retried', async () => {
    let requests = 0;
    const fetch = async () => {
      requests++;
      return new Response(JSON.stringify({ error: { code: 'UPSTREAM_DOWN', message: 'try later' } }), { status: 503 });
    };
    const socket = clientFor(server, {
      tokenUrl: `${server.url}/voice-token`,
      fetch,
      reconnect: { initialDelayMs: 1, maxAttempts: 2, jitter: 0 },
    });
    const result = await within(outcome(socket.connect()), 3000);
    expect(result).toMatchObject({ code: 'RECONNECT_EXHAUSTED' });
    expect(requests).toBe(3);
  });
});
