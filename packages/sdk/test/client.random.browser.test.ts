/**
 * Randomized lifecycle test (issue 11), in real Chromium against the real reference server (loopback agent):
 * seeded sequences of 3–12 operations fired without awaiting (connect, disconnect, interrupt, mute, unmute, setVolume
 * with odd values, setInputDevice / setOutputDevice with valid and bogus ids, waits of 0–300 ms) mixed with faults
 * from outside (the server killed and started again, every socket cut, the token endpoint answering 401, 429, 500 or
 * slowly; see `lifecycleControl` in browser-global-setup.ts). After each sequence:
 *   - every promise the SDK returned has settled (and only INVALID_OPTIONS was thrown synchronously);
 *   - every statechange is a documented transition, and its `previous` is the state before it;
 *   - exactly one `disconnected` per `connect()` that started a call;
 *   - no AudioContext, microphone track, socket, worklet node or transport timer is alive;
 *   - a fresh `connect()` works, with audio both ways (frames sent, agent frames received and played).
 *
 *   pnpm exec vitest run --project browser packages/sdk/test/client.random.browser.test.ts      # CI: 100 sequences
 *   SEQUENCES=5000 SEED=1 pnpm exec vitest run --project browser packages/sdk/test/client.random.browser.test.ts
 *   SEED=<seed printed by a failure> SEQUENCES=1 …                                                  # replays one
 *
 * Observation only: AudioContext, AudioWorkletNode and getUserMedia are wrapped to keep a list of what the SDK
 * created (every object is the browser's real one); sockets and timers are counted through the client's own
 * `WebSocket` and `clock` options.
 */
import { expect, inject } from 'vitest';
import { VoiceClient } from '../src/client.ts';
import type { VoiceClientState } from '../src/index.ts';
import type { Clock, TimerHandle } from '../src/options.ts';
import { itExceptIn } from './support/engine.ts';
import { seededRandom } from './support/signal.ts';

const { wsUrl, controlUrl, sequences, seed } = inject('lifecycleServer');

// ─── What the SDK created, observed ─────────────────────────────────────────────────────────────────────────

const created = {
  contexts: [] as AudioContext[],
  nodes: [] as AudioWorkletNode[],
  tracks: [] as MediaStreamTrack[],
  sockets: [] as WebSocket[],
};
const NativeAudioContext = window.AudioContext;
window.AudioContext = class extends NativeAudioContext {
  constructor(options?: AudioContextOptions) {
    super(options);
    created.contexts.push(this);
  }
};
const NativeWorkletNode = window.AudioWorkletNode;
window.AudioWorkletNode = class extends NativeWorkletNode {
  constructor(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    super(context, name, options);
    created.nodes.push(this);
  }
};
const media = navigator.mediaDevices;
const nativeGetUserMedia = media.getUserMedia.bind(media);
media.getUserMedia = async (constraints) => {
  const stream = await nativeGetUserMedia(constraints);
  created.tracks.push(...stream.getTracks());
  return stream;
};
class CountedWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    created.sockets.push(this);
  }
}
const timers = new Set<TimerHandle>();
const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle: TimerHandle = setTimeout(() => {
      timers.delete(handle);
      callback();
    }, ms);
    timers.add(handle);
    return handle;
  },
  clearTimeout: (handle) => {
    timers.delete(handle);
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

function alive(): string[] {
  const out: string[] = [];
  const contexts = created.contexts.filter((c) => c.state !== 'closed').length;
  const nodes = created.nodes.filter((n) => n.context.state !== 'closed').length;
  const tracks = created.tracks.filter((t) => t.readyState !== 'ended').length;
  const sockets = created.sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length;
  if (contexts) out.push(`${contexts} AudioContext(s)`);
  if (nodes) out.push(`${nodes} worklet node(s)`);
  if (tracks) out.push(`${tracks} microphone track(s)`);
  if (sockets) out.push(`${sockets} socket(s)`);
  if (timers.size) out.push(`${timers.size} transport timer(s)`);
  return out;
}

// ─── Sequences ──────────────────────────────────────────────────────────────────────────────────────────────

type Op =
  | { op: 'connect' | 'disconnect' | 'interrupt' | 'mute' | 'unmute' }
  | { op: 'setVolume'; value: unknown }
  | { op: 'setInputDevice'; id: string | undefined }
  | { op: 'setOutputDevice'; id: string }
  | { op: 'wait'; ms: number }
  | { op: 'fault'; fault: 'restart' | 'drop' | '401' | '429' | '500' | 'slow'; downMs?: number };

const VOLUMES: unknown[] = [0, 1, 0.5, 1e-9, -1, 2, Number.NaN, Number.POSITIVE_INFINITY, undefined, null, '0.3'];
const FAULTS = ['restart', 'drop', '401', '429', '500', 'slow'] as const;

function makeSequence(next: () => number, inputs: string[], outputs: string[]): Op[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const length = 3 + Math.floor(next() * 10);
  const ops: Op[] = [];
  for (let i = 0; i < length; i++) {
    const r = next();
    if (r < 0.22) ops.push({ op: 'connect' });
    else if (r < 0.34) ops.push({ op: 'disconnect' });
    else if (r < 0.4) ops.push({ op: 'interrupt' });
    else if (r < 0.45) ops.push({ op: 'mute' });
    else if (r < 0.5) ops.push({ op: 'unmute' });
    else if (r < 0.56) ops.push({ op: 'setVolume', value: pick(VOLUMES) });
    else if (r < 0.62) ops.push({ op: 'setInputDevice', id: pick([undefined, 'bogus-mic', ...inputs]) });
    else if (r < 0.67) ops.push({ op: 'setOutputDevice', id: pick(['', 'bogus-speaker', ...outputs]) });
    else if (r < 0.9) ops.push({ op: 'wait', ms: Math.floor(next() * 301) });
    else {
      const fault = pick(FAULTS);
      ops.push(fault === 'restart' ? { op: 'fault', fault, downMs: Math.floor(next() * 301) } : { op: 'fault', fault });
    }
  }
  return ops;
}

const ALLOWED: Record<VoiceClientState, readonly VoiceClientState[]> = {
  idle: ['fetching-token', 'closed', 'error'],
  'fetching-token': ['connecting', 'reconnecting', 'closed', 'error'],
  connecting: ['authenticating', 'reconnecting', 'closed', 'error'],
  authenticating: ['connected', 'reconnecting', 'closed', 'error'],
  connected: ['reconnecting', 'closed', 'error'],
  reconnecting: ['fetching-token', 'closed', 'error'],
  closed: ['fetching-token', 'error'],
  error: ['fetching-token', 'closed'],
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const control = (path: string) => fetch(`${controlUrl}${path}`, { method: 'POST' }).then((r) => r.json());

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Runs one sequence; returns its violations (empty: it passed). */
async function runSequence(ops: Op[]): Promise<string[]> {
  const violations: string[] = [];
  const client = new VoiceClient({
    wsUrl,
    tokenUrl: `${controlUrl}/token`,
    WebSocket: CountedWebSocket,
    clock,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 3, jitter: 0 },
    connectTimeoutMs: 2000,
    confirmationTimeoutMs: 2000,
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
  });
  let state: VoiceClientState = 'idle';
  let disconnected = 0;
  client.addEventListener('statechange', ({ detail }) => {
    if (detail.previous !== state) violations.push(`statechange from ${detail.previous} while the state was ${state}`);
    if (!ALLOWED[detail.previous].includes(detail.state)) violations.push(`undocumented transition ${detail.previous} → ${detail.state}`);
    state = detail.state;
  });
  client.addEventListener('disconnected', () => disconnected++);
  // The client's promise: which call it belongs to is the model's business below.
  const pending = new Map<number, string>();
  let promiseCount = 0;
  const track = (label: string, promise: Promise<unknown>) => {
    const id = ++promiseCount;
    pending.set(id, label);
    const done = () => pending.delete(id);
    promise.then(done, done);
  };
  // A connect() starts a call when none is live: none yet, or the last one was hung up or reached closed/error.
  let live = false;
  let started = 0;
  client.addEventListener('statechange', ({ detail }) => {
    if (detail.state === 'closed' || detail.state === 'error') live = false;
  });
  const faults: Promise<unknown>[] = [];
  const sync = (label: string, action: () => void) => {
    try {
      action();
    } catch (error) {
      if ((error as { code?: string }).code !== 'INVALID_OPTIONS') violations.push(`${label} threw ${String(error)}`);
    }
  };

  for (const step of ops) {
    switch (step.op) {
      case 'connect':
        if (!live) started++;
        live = true;
        track('connect', client.connect());
        break;
      case 'disconnect':
        live = false;
        track('disconnect', client.disconnect());
        break;
      case 'interrupt':
        track('interrupt', client.interrupt());
        break;
      case 'mute':
        sync('mute', () => client.mute());
        break;
      case 'unmute':
        sync('unmute', () => client.unmute());
        break;
      case 'setVolume':
        sync(`setVolume(${String(step.value)})`, () => client.setVolume(step.value as number));
        break;
      case 'setInputDevice':
        track(`setInputDevice(${step.id})`, client.setInputDevice(step.id));
        break;
      case 'setOutputDevice':
        track(`setOutputDevice(${step.id})`, client.setOutputDevice(step.id));
        break;
      case 'wait':
        await sleep(step.ms);
        break;
      case 'fault':
        // Fired without waiting, like the other operations; awaited before the reset, which must come after them.
        if (step.fault === 'restart') faults.push(control(`/restart?downMs=${step.downMs}`));
        else if (step.fault === 'drop') faults.push(control('/drop'));
        else faults.push(control(`/token-mode?mode=${step.fault}`));
        break;
    }
  }

  // Hang up, then everything must settle and be released.
  live = false;
  track('final disconnect', client.disconnect());
  if (!(await waitFor(() => pending.size === 0, 5000))) violations.push(`promises never settled: ${[...pending.values()].join(', ')}`);
  if (disconnected !== started) violations.push(`${disconnected} disconnected events for ${started} connect() calls that started a call`);
  if (!(await waitFor(() => alive().length === 0, 3000))) violations.push(`still alive after disconnect: ${alive().join(', ')}`);

  // Faults off; a fresh connect() works with audio both ways.
  await Promise.allSettled(faults);
  await control('/reset');
  const fresh = client.connect();
  track('fresh connect', fresh);
  // Generous bounds: at a load of 25+ on two cores one handshake was seen taking a second, and playback stalling for
  // seconds (seeds 500067 and 500068 failed so, then passed when replayed).
  const connected = await Promise.race([fresh.then(() => true), sleep(10_000).then(() => false)]).catch(() => false);
  if (!connected) violations.push(`a fresh connect() did not connect (state ${client.state})`);
  else {
    const before = client.stats.transport;
    const both = await waitFor(() => {
      const now = client.stats;
      return (
        now.transport.framesSent - before.framesSent >= 5 &&
        now.transport.framesReceived - before.framesReceived >= 5 &&
        (now.jitterBuffer?.playedSamples ?? 0) > 0
      );
    }, 8000);
    if (!both) violations.push(`no audio both ways after a fresh connect(): ${JSON.stringify(client.stats.transport)}`);
  }
  await client.disconnect();
  if (disconnected !== started + 1) violations.push(`${disconnected} disconnected events for ${started + 1} calls (fresh one included)`);
  if (!(await waitFor(() => alive().length === 0, 3000))) violations.push(`still alive after the fresh call: ${alive().join(', ')}`);
  return violations;
}

// WebKitGTK: its WebProcess crashed within 40 s of these sequences in 3 of 3 runs (MiniBrowser logs "WebProcess
// CRASHED" after GStreamer warnings), which ends the whole tier; its e2e runs 30 connect/disconnect cycles instead.
itExceptIn(['webkit'], 'its WebProcess crashes within 40 s of rapid call sequences (3 of 3 runs), ending the tier')(
  `${sequences} random call sequences keep every lifecycle invariant (seed ${seed})`,
  { timeout: 0 },
  async () => {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const inputs = devices.filter((d) => d.kind === 'audioinput' && d.deviceId).map((d) => d.deviceId);
    const outputs = devices.filter((d) => d.kind === 'audiooutput' && d.deviceId).map((d) => d.deviceId);
    const failures: string[] = [];
    const started = performance.now();
    for (let i = 0; i < sequences; i++) {
      const sequenceSeed = seed + i;
      const ops = makeSequence(seededRandom(sequenceSeed), inputs, outputs);
      const violations = await runSequence(ops);
      if (violations.length > 0) {
        const report = `SEED=${sequenceSeed} SEQUENCES=1: ${JSON.stringify(ops)}\n  ${violations.join('\n  ')}`;
        console.error(`lifecycle violation\n${report}`);
        failures.push(report);
        await control('/reset');
        // Start the next sequence from a clean page: wait out whatever the failed one left.
        await waitFor(() => alive().length === 0, 3000);
      }
      if ((i + 1) % 100 === 0) console.log(`lifecycle: ${i + 1} sequences run, ${failures.length} with violations`);
    }
    console.log(
      `lifecycle: ${sequences} sequences from seed ${seed}, ${sequences - failures.length} with 0 violations, ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(failures).toEqual([]);
  },
);
