/**
 * The transport in real Chromium: the browser's own WebSocket and fetch (CORS preflight included), real IndexedDB,
 * against the reference server the browser global setup starts (`transportServer`: loopback agent, other agents
 * through `?agent=`, plus a small control endpoint to read its stats and cut its sockets). Real clock except where
 * a test waits on a client timer (the confirmation timeout), which uses the fake clock.
 */
import { createStore, del, get } from 'idb-keyval';
import { afterEach, describe, expect, inject, test, vi } from 'vitest';
import { VoiceError } from '../../src/errors.ts';
import type { ConnectionOptions } from '../../src/options.ts';
import { DEVICE_ID_KEY } from '../../src/persistence/device-id.ts';
import { IDB_DATABASE, IDB_STORE } from '../../src/persistence/key-value-store.ts';
import type { AudioSink } from '../../src/transport/incoming-audio.ts';
import { VoiceSocket } from '../../src/transport/voice-socket.ts';
import { jwtPayload, nextEvent, recordEvents, recordStates } from './helpers/events.ts';
import { FakeClock } from './helpers/fake-clock.ts';

const server = inject('transportServer');
let deviceCounter = 0;

function client(options: Partial<ConnectionOptions> & { agent?: string } = {}, onAudio?: AudioSink): VoiceSocket {
  const { agent, ...rest } = options;
  const deviceId = 'deviceId' in rest ? rest.deviceId : `browser-device-${Date.now()}-${++deviceCounter}`;
  const auth = rest.token || rest.tokenUrl ? {} : { apiKey: rest.apiKey ?? server.apiKey, deviceId };
  const socket = new VoiceSocket(
    { baseUrl: server.url, wsUrl: agent ? `${server.wsUrl}?agent=${agent}` : server.wsUrl, ...rest, ...auth },
    onAudio ? { onAudio } : {},
  );
  created.push(socket);
  return socket;
}
/** Every client of the current test, hung up after it even when it failed, so one failure does not cascade. */
const created: VoiceSocket[] = [];

async function serverStats(): Promise<{ sockets: number; sessions: number; pendingSockets: number }> {
  return (await fetch(`${server.controlUrl}/stats`)).json();
}

const frameOf = (seq: number) => new Int16Array(320).fill(seq).buffer;
const samplesOf = (chunks: Int16Array[]) => chunks.flatMap((c) => [...c]);
const sequenceOf = (chunks: Int16Array[]) => samplesOf(chunks).filter((_, i) => i % 320 === 0);

afterEach(async () => {
  for (const socket of created.splice(0)) socket.disconnect();
  await vi.waitFor(async () => expect(await serverStats()).toMatchObject({ sockets: 0, sessions: 0, pendingSockets: 0 }), {
    timeout: 5000,
  });
});

describe('VoiceSocket in Chromium', () => {
  test('happy path: token over CORS, JWT first, confirmation, audio back byte for byte', async () => {
    const received: Int16Array[] = [];
    const socket = client({}, (s) => received.push(s));
    const states = recordStates(socket);
    await socket.connect();
    expect(states).toEqual(['fetching-token', 'connecting', 'authenticating', 'connected']);
    // 15 frames (300 ms, the backpressure bound) in one burst: Chromium only lowers bufferedAmount between tasks,
    // so a longer burst would rightly start queueing.
    const sent = Array.from({ length: 15 }, (_, f) =>
      Int16Array.from({ length: 320 }, (_, i) => (((f * 320 + i) * 2654435761) % 65536) - 32768),
    );
    for (const frame of sent) expect(socket.send(frame.buffer)).toBe('sent');
    await vi.waitFor(() => expect(samplesOf(received)).toHaveLength(15 * 320));
    expect(samplesOf(received)).toEqual(sent.flatMap((f) => [...f]));
    socket.disconnect();
  });

  test('AUTHENTICATION_FAILED: one request, no retry loop', async () => {
    const socket = client({ apiKey: 'sk_wrong' });
    const events = recordEvents(socket, ['reconnecting']);
    const error = await socket.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VoiceError);
    expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED', status: 401 });
    expect(events).toEqual([]);
    expect(socket.stats.tokenRequests).toBe(1);
  });

  test('dropped mid-stream: a new token (new jti), outage audio arrives after it, in order', async () => {
    const tokens: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      tokens.push(((await response.clone().json()) as { token: string }).token);
      return response;
    };
    const received: Int16Array[] = [];
    const socket = client({ fetch: recordingFetch }, (s) => received.push(s));
    await socket.connect();
    for (let seq = 1; seq <= 5; seq++) socket.send(frameOf(seq));
    await vi.waitFor(() => expect(sequenceOf(received)).toHaveLength(5));
    const retry = nextEvent(socket, 'reconnecting');
    const back = nextEvent(socket, 'reconnected');
    await fetch(`${server.controlUrl}/drop`, { method: 'POST' });
    await retry;
    for (let seq = 6; seq <= 20; seq++) expect(socket.send(frameOf(seq))).toBe('buffered');
    await back; // the real backoff (about 0.5 s) elapses here
    for (let seq = 21; seq <= 25; seq++) socket.send(frameOf(seq));
    await vi.waitFor(() => expect(sequenceOf(received)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1)));
    expect(tokens).toHaveLength(2);
    expect(jwtPayload(tokens[0]!).jti).not.toBe(jwtPayload(tokens[1]!).jti);
    socket.disconnect();
  });

  test('garbage from the server: typed errors, the unknown message passed on, odd bytes carried', async () => {
    const received: Int16Array[] = [];
    const socket = client({ agent: 'garbage' }, (s) => received.push(s));
    const events = recordEvents(socket, ['error', 'message']);
    await socket.connect();
    await vi.waitFor(() => expect(samplesOf(received)).toHaveLength(36_289));
    expect(events.map(([type, d]) => (type === 'error' ? (d as VoiceError).code : (d as { type: string }).type))).toEqual([
      'PROTOCOL_ERROR',
      'savant_status',
      'PROTOCOL_ERROR',
      'PROTOCOL_ERROR',
      'PROTOCOL_ERROR',
      'SCRIPTED_UNKNOWN_CODE',
    ]);
    expect(socket.state).toBe('connected');
    socket.disconnect();
  });

  test('a confirmation that never comes: CONFIRMATION_TIMEOUT at 10 s on the fake clock', async () => {
    const clock = new FakeClock();
    const socket = client({ agent: 'silent-confirm', clock, reconnect: false });
    const authenticating = nextEvent(socket, 'statechange', (d: { state: string }) => d.state === 'authenticating');
    const result = socket.connect().catch((e: unknown) => e);
    await authenticating;
    clock.advance(9_999);
    expect(socket.state).toBe('authenticating');
    clock.advance(1);
    expect(await result).toMatchObject({ code: 'CONFIRMATION_TIMEOUT' });
    expect(clock.pending).toBe(0);
  });

  test.each(['fetching-token', 'connecting', 'authenticating', 'connected'])(
    'disconnect() during %s leaves nothing open',
    async (target) => {
      const clock = new FakeClock();
      const socket = client({ clock });
      const ended = recordEvents(socket, ['disconnected']);
      socket.addEventListener('statechange', (e) => {
        if (e.detail.state === target) socket.disconnect();
      });
      await socket.connect().catch(() => {});
      expect(socket.state).toBe('closed');
      expect(ended).toEqual([['disconnected', { reason: 'client' }]]);
      expect(clock.pending).toBe(0);
      // afterEach: the server holds no socket.
    },
  );

  test('ws:// to a host that is not loopback is refused before anything connects', () => {
    expect(() => new VoiceSocket({ apiKey: 'k', wsUrl: 'ws://voice.example.com/voice-stream' })).toThrow(
      expect.objectContaining({ code: 'INSECURE_URL' }),
    );
  });
});

describe('device identity in the browser', () => {
  const store = createStore(IDB_DATABASE, IDB_STORE);

  test('generated once, kept in IndexedDB (the SDK’s own store), reused by the next client and used as token subject', async () => {
    await del(DEVICE_ID_KEY, store);
    const fallbacks: unknown[] = [];
    const sentTokens: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      sentTokens.push(((await response.clone().json()) as { token: string }).token);
      return response;
    };
    const first = client({ deviceId: undefined, fetch: recordingFetch });
    first.addEventListener('storagefallback', (e) => fallbacks.push(e.detail));
    const id = await first.deviceId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await get(DEVICE_ID_KEY, store)).toBe(id);
    const second = client({ deviceId: undefined });
    expect(await second.deviceId()).toBe(id);
    await first.connect();
    expect(jwtPayload(sentTokens[0]!).sub).toBe(id);
    first.disconnect();
    expect(fallbacks).toEqual([]);
  });

  test('two clients asking at once in a new browser agree on one id', async () => {
    await del(DEVICE_ID_KEY, store);
    const ids = await Promise.all([client({ deviceId: undefined }).deviceId(), client({ deviceId: undefined }).deviceId()]);
    expect(ids[0]).toBe(ids[1]);
    expect(await get(DEVICE_ID_KEY, store)).toBe(ids[0]);
  });

  test('IndexedDB unavailable (injected: the global hidden): memory fallback, announced by an event', async () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
    try {
      const socket = client({ deviceId: undefined });
      const fallback = nextEvent(socket, 'storagefallback');
      const id = await socket.deviceId();
      expect(await fallback).toEqual({ reason: 'indexeddb-unavailable' });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const again = client({ deviceId: undefined });
      expect(await again.deviceId()).toBe(id); // one id per page even in memory
    } finally {
      if (original) Object.defineProperty(globalThis, 'indexedDB', original);
      else Reflect.deleteProperty(globalThis, 'indexedDB');
    }
  });

  test('a storage that fails (injected): memory fallback with the storage error', async () => {
    const broken = new Error('quota exceeded');
    const socket = client({ deviceId: undefined, storage: { get: () => Promise.reject(broken), set: () => Promise.reject(broken) } });
    const fallback = nextEvent<{ reason: string; error: unknown }>(socket, 'storagefallback');
    await socket.deviceId();
    expect(await fallback).toEqual({ reason: 'storage-failed', error: broken });
  });
});
