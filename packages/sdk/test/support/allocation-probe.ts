/**
 * Child-process probe for "allocates nothing per call", run by test/dsp/allocation.test.ts as
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 allocation-probe.ts <case>
 * and printing one JSON line: `{ case, bytesPerCall, steps }` (plus `allocatedBuffers` for the capture worklet).
 *
 * Method: after a warm-up (so the JIT has settled), it runs windows of `steps` calls between two reads of
 * `heapUsed`, each window after a full GC, and the same number of empty windows. The young generation is large
 * enough that no scavenge runs inside a window, so anything a call allocates stays counted. The median
 * difference between working and empty windows, divided by the calls, is the allocation per call.
 * The `allocating-*` cases allocate on purpose, to show the probe notices.
 */
import { FrameAssembler } from '../../src/dsp/frame-assembler.ts';
import { LevelMeter } from '../../src/dsp/level-meter.ts';
import { decodeInt16, decodeInt16Le, encodeInt16, encodeInt16Le } from '../../src/dsp/pcm.ts';
import { PcmDecoder } from '../../src/dsp/pcm-decoder.ts';
import { Resampler } from '../../src/dsp/resampler.ts';
import { VoiceActivityDetector } from '../../src/dsp/voice-activity.ts';
import { noise } from './signal.ts';

interface Workload {
  /** One call of the code under test. */
  step(): void;
  /** Runs between windows, outside the measurement (e.g. the main thread handing buffers back). */
  between?(): void;
  /** Calls per window. @default 5000 */
  steps?: number;
  /** Extra figures to report beside the allocation. */
  report?(): Record<string, number>;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function resampler(inputRate: number, outputRate: number, allocate: boolean): Workload {
  const r = new Resampler(inputRate, outputRate);
  const n = Math.max(1, Math.round((128 * inputRate) / Math.max(inputRate, outputRate)));
  const input = noise(4 * n, 1);
  const output = new Float32Array(r.maxOutput(4 * n));
  let at = 0;
  return {
    step: allocate
      ? () => {
          // The deliberate mistake: a subarray view per call (an object on the heap each time).
          r.process(input.subarray(at, at + n), output);
          at = (at + n) % (3 * n);
        }
      : () => {
          r.process(input, output, n);
        },
  };
}

const signal = noise(1_024, 2, 0.5);
const cases: Record<string, () => Workload | Promise<Workload>> = {
  'resampler-44100-16000': () => resampler(44_100, 16_000, false),
  'resampler-48000-16000': () => resampler(48_000, 16_000, false),
  'resampler-16000-44100': () => resampler(16_000, 44_100, false),
  'resampler-16000-48000': () => resampler(16_000, 48_000, false),
  'allocating-resampler': () => resampler(44_100, 16_000, true),
  'frame-assembler': () => {
    const assembler = new FrameAssembler(320);
    const target = new Uint8Array(assembler.frameBytes);
    return {
      step: () => {
        let used = 0;
        while (used < 43) {
          used += assembler.push(signal, used, 43 - used);
          if (assembler.frameReady) assembler.takeFrame(target);
        }
      },
    };
  },
  'pcm-decoder': () => {
    const decoder = new PcmDecoder();
    const bytes = new Uint8Array(641).fill(7);
    const out = new Int16Array(400);
    return { step: () => void decoder.decode(bytes, out) };
  },
  'pcm-codec': () => {
    const bytes = new Uint8Array(1_024);
    const ints = new Int16Array(512);
    const floats = new Float32Array(512);
    return {
      step: () => {
        encodeInt16Le(signal, 0, 320, bytes, 0);
        decodeInt16Le(bytes, 0, 320, ints, 0);
        encodeInt16(signal, 0, 320, ints, 0);
        decodeInt16(ints, 0, 320, floats, 0);
      },
    };
  },
  'level-meter': () => {
    const meter = new LevelMeter(640);
    return { step: () => void meter.push(signal, 0, 43) };
  },
  'voice-activity': () => {
    const vad = new VoiceActivityDetector();
    return { step: () => void vad.push(signal, 0, 43) };
  },
  'capture-worklet': () => captureWorklet(true),
  'allocating-capture-worklet': () => captureWorklet(false),
};

/**
 * The capture processor's process() with the worklet globals stubbed: the port records transferred frames
 * and, between windows, hands them back with `recycle` as the main thread does. Without recycling (the
 * `allocating-` case) the pool runs dry and process() must allocate frame buffers.
 */
async function captureWorklet(recycle: boolean): Promise<Workload> {
  type Port = { onmessage: ((event: { data: unknown }) => void) | null; postMessage(message: { type: string; pcm?: ArrayBuffer }): void };
  type Processor = { process(inputs: Float32Array[][]): boolean; port: Port; allocatedBuffers: number };
  // Preallocated, so the stub itself allocates nothing inside a window.
  const sent: ArrayBuffer[] = new Array(64).fill(null);
  let sentCount = 0;
  let registered: (new (options: unknown) => Processor) | undefined;
  // The worklet registers itself when imported, so the globals go in first.
  Object.assign(globalThis, {
    sampleRate: 48_000,
    currentTime: 0,
    AudioWorkletProcessor: class {
      readonly port: Port = {
        onmessage: null,
        postMessage: (message) => {
          if (message.type === 'frame' && message.pcm) sent[sentCount++] = message.pcm;
        },
      };
    },
    registerProcessor: (_name: string, ctor: new (options: unknown) => Processor) => {
      registered = ctor;
    },
  });
  // Imported by URL: the worklet compiles under worklets/tsconfig.json with its own globals, not with the tests.
  await import(new URL('../../../../worklets/capture.worklet.ts', import.meta.url).href);
  if (!registered) throw new Error('the capture worklet did not register a processor');
  const processor = new registered({ processorOptions: { frameSamples: 320, levelIntervalMs: 40, muted: false } });
  const inputs = [[signal.subarray(0, 128)]];
  return {
    step: () => void processor.process(inputs),
    between: () => {
      for (let i = 0; i < sentCount; i++) if (recycle) processor.port.onmessage?.({ data: { type: 'recycle', pcm: sent[i] } });
      sentCount = 0;
    },
    // Fewer calls than it takes to empty the pool of 8 frames (60 quanta at 48 kHz).
    steps: 50,
    report: () => ({ allocatedBuffers: processor.allocatedBuffers }),
  };
}

function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const make = cases[name];
  if (!make) throw new Error(`unknown case ${name}; known: ${Object.keys(cases).join(', ')}`);
  const workload = await make();
  const steps = workload.steps ?? 5_000;
  // Warm-up: 100k calls, so every branch has feedback and the optimising compiler has run.
  for (let done = 0; done < 100_000; done += steps) {
    for (let s = 0; s < steps; s++) workload.step();
    workload.between?.();
  }
  const working: number[] = [];
  const empty: number[] = [];
  for (let w = 0; w < 21; w++) {
    workload.between?.();
    gc!();
    let before = heapUsed();
    for (let s = 0; s < steps; s++) workload.step();
    working.push(heapUsed() - before);
    gc!();
    before = heapUsed();
    empty.push(heapUsed() - before);
  }
  const bytesPerCall = (median(working) - median(empty)) / steps;
  console.log(JSON.stringify({ case: name, bytesPerCall, steps, ...workload.report?.() }));
}

await main();
