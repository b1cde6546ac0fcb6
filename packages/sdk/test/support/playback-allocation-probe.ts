/**
 * Child-process probe for "the playback path allocates nothing per call", run by
 * test/dsp/jitter-buffer-allocation.test.ts as
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 playback-allocation-probe.ts <case>
 * printing one JSON line `{ case, bytesPerCall, steps }`. Same method as allocation-probe.ts: after a warm-up,
 * windows of `steps` calls between two `heapUsed` reads (each after a full GC, with a young generation too large
 * to scavenge inside a window), against empty windows; the median difference per call is the allocation.
 * `allocating-jitter-buffer` pushes a fresh subarray view per call on purpose, to show the probe notices.
 */
import { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { JitterRing } from '../../src/dsp/jitter-ring.ts';
import { TimeStretcher } from '../../src/dsp/time-stretcher.ts';

interface Workload {
  step(): void;
  /** Runs between windows, outside the measurement. */
  between?(): void;
  steps: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** Speech-like Int16: 200 ms of tone, 100 ms of ±1 (so drift slips and fades all get exercised). */
const speech = new Int16Array(16_000 * 4);
for (let i = 0; i < speech.length; i++) {
  const inTone = i % 4800 < 3200;
  speech[i] = inTone ? Math.round(8000 * Math.sin(i * 0.2)) || 1 : i & 1 ? 1 : -1;
}

/**
 * A buffer fed 20 ms chunks with jitter, a stall every second and a flush now and then, pulled 1 ms at a time on
 * a clock that runs a little faster than the sender's (so drift slips happen too).
 */
function jitterBuffer(allocate: boolean): Workload {
  const buffer = new JitterBuffer();
  const out = new Float32Array(16);
  // 20 ms views made up front: the push itself must not need one.
  const chunks = Array.from({ length: speech.length / 320 }, (_, k) => speech.subarray(k * 320, k * 320 + 320));
  let t = 0;
  let sent = 0;
  let step = 0;
  return {
    steps: 5_000,
    step: () => {
      // One call = one ms of receiver time: maybe a push, then a pull.
      const due = (sent + 320) / 16.0016;
      const stalled = t % 1000 > 900;
      if (t >= due && !stalled) {
        const k = (sent / 320) % chunks.length;
        if (allocate) buffer.push(speech.subarray(k * 320, k * 320 + 320), t);
        else buffer.push(chunks[k]!, t);
        sent += 320;
      }
      buffer.pull(out, 16, t);
      t += 1;
      if (++step % 20_000 === 0) buffer.flush();
    },
  };
}

/**
 * The time stretcher on its own: 1 ms of output per call, the speed asked for swinging between 0.85 and 1.15 every
 * 300 ms, and a dry spell every second (concealment, then re-entry): every kind of segment gets planned.
 */
function timeStretcher(): Workload {
  const ring = new JitterRing(16_000 * 4);
  const stretcher = new TimeStretcher(65);
  const sink = new Float32Array(16);
  const chunks = Array.from({ length: speech.length / 320 }, (_, k) => speech.subarray(k * 320, k * 320 + 320));
  let t = 0;
  let k = 0;
  return {
    steps: 5_000,
    step: () => {
      if (t % 1000 < 900 && ring.queued < 1600) ring.push(chunks[k++ % chunks.length]!);
      stretcher.desiredStretch = Math.floor(t / 300) % 2 ? -15_000 : 15_000; // 0.85× or 1.15×
      for (let n = 0; n < 16; n++) {
        if (stretcher.pending === 0) {
          if (ring.queued > 0) stretcher.plan(ring, true);
          else stretcher.conceal();
        }
        stretcher.write(sink, n);
      }
      t++;
    },
  };
}

/** The playback processor's process() with the worklet globals stubbed; audio is posted between windows. */
async function playbackWorklet(): Promise<Workload> {
  type Port = { onmessage: ((event: { data: unknown }) => void) | null; postMessage(message: unknown): void };
  type Processor = { process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean; port: Port };
  let registered: (new (options: unknown) => Processor) | undefined;
  const globals = { sampleRate: 48_000, currentTime: 0 };
  Object.assign(globalThis, globals, {
    AudioWorkletProcessor: class {
      readonly port: Port = { onmessage: null, postMessage: () => {} };
    },
    registerProcessor: (_name: string, ctor: new (options: unknown) => Processor) => {
      registered = ctor;
    },
  });
  // By URL, so the root tsconfig (without the worklet globals) does not type-check the worklet through this import.
  await import(new URL('../../../../worklets/playback.worklet.ts', import.meta.url).href);
  if (!registered) throw new Error('the playback worklet did not register a processor');
  const processor = new registered({ processorOptions: { volume: 0.8, levelIntervalMs: 40 } });
  const outputs = [[new Float32Array(128), new Float32Array(128)]];
  const inputs: Float32Array[][] = [];
  let frame = 0;
  return {
    steps: 200,
    step: () => {
      processor.process(inputs, outputs);
      frame += 128;
    },
    between: () => {
      // The context's clock moves on (the processor reads it only when a command arrives).
      (globalThis as unknown as { currentTime: number }).currentTime = frame / 48_000;
      // 300 ms of audio, then a volume change and, every other window, a flush: the commands the node sends.
      const pcm = speech.slice(0, 4800).buffer;
      processor.port.onmessage?.({ data: { type: 'audio', pcm } });
      processor.port.onmessage?.({ data: { type: 'volume', volume: frame % 2 ? 0.5 : 0.9 } });
      if ((frame / 128) % 400 === 0) processor.port.onmessage?.({ data: { type: 'flush', id: 1 } });
    },
  };
}

const cases: Record<string, () => Workload | Promise<Workload>> = {
  'jitter-buffer': () => jitterBuffer(false),
  'allocating-jitter-buffer': () => jitterBuffer(true),
  'time-stretcher': timeStretcher,
  'playback-worklet': playbackWorklet,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const name = process.argv[2] ?? '';
const make = cases[name];
if (!make) throw new Error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
const workload = await make();
for (let i = 0; i < 40; i++) {
  for (let s = 0; s < workload.steps; s++) workload.step();
  workload.between?.();
}
const working: number[] = [];
const empty: number[] = [];
for (let w = 0; w < 15; w++) {
  workload.between?.();
  gc();
  let before = process.memoryUsage().heapUsed;
  for (let s = 0; s < workload.steps; s++) workload.step();
  working.push(process.memoryUsage().heapUsed - before);
  gc();
  before = process.memoryUsage().heapUsed;
  empty.push(process.memoryUsage().heapUsed - before);
}
console.log(JSON.stringify({ case: name, bytesPerCall: (median(working) - median(empty)) / workload.steps, steps: workload.steps }));
