/**
 * The happy path against the real reference server over real sockets (Node, `ws`): token → socket → JWT first →
 * confirmation → audio both ways through the loopback agent. Real clock: nothing here waits on a timer.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { clientFor, concat, recordingWebSocket, uniqueDeviceId } from './helpers/client.ts';
import { jwtPayload, recordEvents, recordStates } from './helpers/events.ts';
import { createVoiceServer, silentLogger, type VoiceServer } from './helpers/server.ts';

let server: VoiceServer;
beforeAll(async () => {
  server = await createVoiceServer({ port: 0, agent: 'loopback', logger: silentLogger });
});
afterAll(() => server.close());

describe('VoiceSocket happy path', () => {
  test('connects through every documented state and exposes the session id', async () => {
    const socket = clientFor(server);
    const states = recordStates(socket);
    const events = recordEvents(socket, ['connected', 'error', 'disconnected']);
    expect(socket.state).toBe('idle');
    await socket.connect();
    expect(states).toEqual(['fetching-token', 'connecting', 'authenticating', 'connected']);
    expect(socket.sessionId).toMatch(/\S+/);
    expect(events).toEqual([['connected', { sessionId: socket.sessionId }]]);
    expect(socket.stats.tokenRequests).toBe(1);
    expect(socket.stats.handshakeMs).toBeGreaterThanOrEqual(0);
    socket.disconnect();
    expect(states.at(-1)).toBe('closed');
    expect(events.at(-1)).toEqual(['disconnected', { reason: 'client' }]);
  });

  test('the first and only text frame is the raw JWT; audio goes out and comes back byte for byte', async () => {
    const sent: Array<string | ArrayBuffer> = [];
    const received: Int16Array[] = [];
    const apiKey = server.devApiKey;
    const socket = clientFor(server, { WebSocket: recordingWebSocket(sent) }, (samples) => received.push(samples));
    const events = recordEvents(socket, ['statechange', 'connected', 'error', 'message', 'disconnected']);
    await socket.connect();

    // 50 frames of a deterministic pseudo-random signal: a mismatch anywhere shows up.
    const frames: ArrayBuffer[] = [];
    let seed = 12345;
    for (let f = 0; f < 50; f++) {
      const pcm = new Int16Array(320);
      for (let i = 0; i < pcm.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        pcm[i] = (seed >>> 16) - 32768;
      }
      frames.push(pcm.buffer);
      expect(socket.send(pcm.buffer)).toBe('sent');
    }
    await vi.waitFor(() => expect(concat(received).length).toBe(50 * 320), { timeout: 5000 });
    expect(concat(received)).toEqual(concat(frames.map((f) => new Int16Array(f))));
    expect(socket.stats).toMatchObject({ framesSent: 50, bytesSent: 32_000, bytesReceived: 32_000 });

    // The socket carried one text frame, first, holding a JWT whose subject is our device; everything else is binary.
    const texts = sent.filter((f) => typeof f === 'string');
    expect(texts).toHaveLength(1);
    expect(sent[0]).toBe(texts[0]);
    const token = texts[0] as string;
    expect(token.split('.')).toHaveLength(3);
    expect(jwtPayload(token)).toMatchObject({ sub: await socket.deviceId(), aud: 'voice-api', iss: 'thesavants.ai' });
    socket.disconnect();

    // The API key appears in no event and no frame; the full token appears in no event.
    const eventText = JSON.stringify(events, (_k, v) => (v instanceof Error ? { ...v, message: v.message } : v));
    expect(eventText).not.toContain(apiKey);
    expect(eventText).not.toContain(token);
    expect(sent.some((f) => typeof f === 'string' && f.includes(apiKey))).toBe(false);
  });

  test('invalid frames are refused locally and counted, never sent', async () => {
    const sent: Array<string | ArrayBuffer> = [];
    const socket = clientFor(server, { WebSocket: recordingWebSocket(sent) });
    await socket.connect();
    expect(socket.send(new ArrayBuffer(0))).toBe('dropped');
    expect(socket.send(new ArrayBuffer(641))).toBe('dropped');
    expect(socket.send(new ArrayBuffer(8002))).toBe('dropped');
    expect(socket.send(new ArrayBuffer(8000))).toBe('sent');
    expect(socket.stats.droppedFrames.invalid).toBe(3);
    expect(sent.filter((f) => typeof f !== 'string').map((f) => (f as ArrayBuffer).byteLength)).toEqual([8000]);
    socket.disconnect();
  });

  test('after disconnect() or a final error, connect() starts a new session', async () => {
    const socket = clientFor(server);
    await socket.connect();
    const first = socket.sessionId;
    socket.disconnect();
    await socket.connect();
    expect(socket.state).toBe('connected');
    expect(socket.sessionId).not.toBe(first);
    expect(socket.stats.tokenRequests).toBe(2);
    socket.disconnect();
  });

  test('a generated device id is reused by the next client (memory fallback in Node, announced)', async () => {
    const fallbacks: unknown[] = [];
    const first = clientFor(server, { deviceId: undefined });
    const second = clientFor(server, { deviceId: undefined });
    for (const s of [first, second]) s.addEventListener('storagefallback', (e) => fallbacks.push(e.detail));
    const a = await first.deviceId();
    const b = await second.deviceId();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toBe(a);
    expect(fallbacks).toEqual([{ reason: 'indexeddb-unavailable' }, { reason: 'indexeddb-unavailable' }]);
  });

  test('the given deviceId is the token subject', async () => {
    const deviceId = uniqueDeviceId();
    const sent: Array<string | ArrayBuffer> = [];
    const socket = clientFor(server, { deviceId, WebSocket: recordingWebSocket(sent) });
    await socket.connect();
    expect(jwtPayload(sent[0] as string).sub).toBe(deviceId);
    socket.disconnect();
  });
});
