/**
 * The capture worklet in real Chromium: OscillatorNode → capture processor (the bundled worklet, loaded from a
 * Blob URL as the SDK loads it) → frames on the port. OfflineAudioContext runs give exact, repeatable numbers;
 * one realtime AudioContext run checks the same path under a running clock.
 */
import { describe, expect, it } from 'vitest';
import code from '../../../../worklets/capture.worklet.ts?worklet-inline';
import { CAPTURE_PROCESSOR, type CaptureEvent, type CaptureOptions } from '../../src/audio/worklet-messages.ts';
import { gcd } from '../../src/dsp/sinc-filter.ts';
import { itWithOfflineSuspend } from '../support/engine.ts';
import { db, fitSine, rms, sinadDb, zeroCrossingFrequency } from '../support/signal.ts';

const WIRE_RATE = 16_000;
const moduleUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
const defaults: CaptureOptions = { frameSamples: 320, levelIntervalMs: 40, muted: false };

interface Capture {
  frames: ArrayBuffer[];
  endTimes: number[];
  levels: Extract<CaptureEvent, { type: 'level' }>[];
  /** All frames decoded to Float32 (Int16 / 32768). */
  samples: Float32Array;
}

function collect(node: AudioWorkletNode, recycle: boolean): Capture {
  const capture: Capture = { frames: [], endTimes: [], levels: [], samples: new Float32Array(0) };
  node.port.onmessage = (event: MessageEvent<CaptureEvent>) => {
    const message = event.data;
    if (message.type === 'frame') {
      capture.frames.push(message.pcm.slice(0));
      capture.endTimes.push(message.endTime);
      if (recycle) node.port.postMessage({ type: 'recycle', pcm: message.pcm }, [message.pcm]);
    } else {
      capture.levels.push(message);
    }
  };
  return capture;
}

function decode(frames: ArrayBuffer[]): Float32Array {
  const out = new Float32Array(frames.reduce((n, f) => n + f.byteLength / 2, 0));
  let at = 0;
  for (const frame of frames) {
    const view = new DataView(frame);
    for (let i = 0; i < frame.byteLength; i += 2) out[at++] = view.getInt16(i, true) / 32_768;
  }
  return out;
}

/** Port messages trail the rendering; wait until `count` frames are in (or give up after 3 s). */
async function waitForFrames(capture: Capture, count: number): Promise<void> {
  const deadline = performance.now() + 3_000;
  while (capture.frames.length < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  // A little longer, so an extra (wrong) frame would show up too.
  await new Promise((r) => setTimeout(r, 50));
}

/** 16 kHz samples the resampler makes from n inputs: floor((n·L − 1)/M) + 1 for the reduced ratio L/M. */
function wireSamplesFor(inputFrames: number, rate: number): number {
  const g = gcd(rate, WIRE_RATE);
  return Math.floor((inputFrames * (WIRE_RATE / g) - 1) / (rate / g)) + 1;
}

interface OfflineRun {
  rate: number;
  quanta: number;
  /** Builds the source graph into `input`. */
  source: (ctx: OfflineAudioContext, input: AudioNode) => void;
  options?: Partial<CaptureOptions>;
  channels?: number;
  recycle?: boolean;
  /** Called with the context and node before rendering (e.g. to schedule suspends). */
  prepare?: (ctx: OfflineAudioContext, node: AudioWorkletNode) => void;
}

async function runOffline(run: OfflineRun): Promise<Capture & { inputFrames: number }> {
  const inputFrames = run.quanta * 128;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: inputFrames, sampleRate: run.rate });
  await ctx.audioWorklet.addModule(moduleUrl);
  const node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    channelCount: run.channels ?? 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'discrete',
    processorOptions: { ...defaults, ...run.options },
  });
  const capture = collect(node, run.recycle ?? true);
  run.source(ctx, node);
  run.prepare?.(ctx, node);
  await ctx.startRendering();
  const frameSamples = run.options?.frameSamples ?? defaults.frameSamples;
  await waitForFrames(capture, Math.floor(wireSamplesFor(inputFrames, run.rate) / frameSamples));
  capture.samples = decode(capture.frames);
  return { ...capture, inputFrames };
}

function sineSource(frequency: number, gain: number) {
  return (ctx: BaseAudioContext, input: AudioNode) => {
    const osc = new OscillatorNode(ctx, { frequency });
    osc.connect(new GainNode(ctx, { gain })).connect(input);
    osc.start();
  };
}

describe.each([48_000, 44_100])('capture worklet, OfflineAudioContext at %i Hz', (rate) => {
  it('turns a 1 kHz tone into 640-byte frames of a 16 kHz tone, with exact counts, level and voice flag', async () => {
    const quanta = Math.ceil((2 * rate) / 128);
    const result = await runOffline({ rate, quanta, source: sineSource(1000, 0.5) });

    const expectedSamples = wireSamplesFor(result.inputFrames, rate);
    expect(result.frames.length).toBe(Math.floor(expectedSamples / 320));
    expect(new Set(result.frames.map((f) => f.byteLength))).toEqual(new Set([640]));

    // Skip the first 50 ms (the oscillator and filter start-up), analyse the rest.
    const start = 800;
    const length = result.samples.length - start;
    const hz = zeroCrossingFrequency(result.samples, WIRE_RATE, start, length);
    expect(Math.abs(hz - 1000) / 1000).toBeLessThan(0.005);
    const fit = fitSine(result.samples, WIRE_RATE, 1000, start, length);
    expect(Math.abs(db(fit.amplitude / 0.5))).toBeLessThan(0.05);

    // Frames are 20 ms apart; the last frame's end is its last sample's input time.
    for (let i = 1; i < result.endTimes.length; i++) expect(result.endTimes[i]! - result.endTimes[i - 1]!).toBeCloseTo(0.02, 9);
    const lastSample = result.frames.length * 320 - 1;
    expect(result.endTimes.at(-1)).toBeCloseTo(lastSample / WIRE_RATE - (rate === 48_000 ? 0.00299 : 0.002993), 5);

    // One level message per 40 ms window; a −6 dBFS-peak sine reads −6.02 dB peak and −9.03 dB RMS.
    expect(result.levels.length).toBe(Math.floor(expectedSamples / 640));
    const steady = result.levels.slice(2);
    for (const { level } of steady) {
      expect(level.rmsDb).toBeCloseTo(-9.03, 1);
      expect(level.peakDb).toBeCloseTo(-6.02, 1);
    }
    expect(steady.every((l) => l.speaking)).toBe(true);
  });

  it('keeps a precise −1 dBFS 997 Hz tone at 16-bit quality (SINAD ≥ 96.5 dB after the Int16 frames)', async () => {
    // OscillatorNode is a wavetable with spurs near −80 dB, so this tone is computed in double precision instead.
    const quanta = Math.ceil(rate / 128);
    const result = await runOffline({
      rate,
      quanta,
      source: (ctx, input) => {
        const buffer = new AudioBuffer({ length: quanta * 128, sampleRate: rate, numberOfChannels: 1 });
        const amplitude = 10 ** (-1 / 20);
        buffer.copyToChannel(
          Float32Array.from({ length: buffer.length }, (_, n) => amplitude * Math.sin((2 * Math.PI * 997 * n) / rate)),
          0,
        );
        const player = new AudioBufferSourceNode(ctx, { buffer });
        player.connect(input);
        player.start();
      },
    });
    const start = 160;
    expect(sinadDb(result.samples, WIRE_RATE, 997, start, result.samples.length - start)).toBeGreaterThanOrEqual(96.5);
  });

  it('keeps producing frames when the main thread never recycles (the pool runs dry and grows)', async () => {
    const quanta = Math.ceil((0.5 * rate) / 128);
    const result = await runOffline({ rate, quanta, source: sineSource(1000, 0.5), recycle: false });
    expect(result.frames.length).toBe(Math.floor(wireSamplesFor(result.inputFrames, rate) / 320));
    expect(result.frames.length).toBeGreaterThan(8);
    expect(zeroCrossingFrequency(result.samples, WIRE_RATE, 800)).toBeCloseTo(1000, 0);
  });
});

describe('capture worklet: filtering, mixing, muting, framing', () => {
  it('rejects a 12 kHz tone at 48 kHz to below −90 dBFS (linear interpolation lets it through at about −3 dB)', async () => {
    const result = await runOffline({ rate: 48_000, quanta: 375, source: sineSource(12_000, 0.9) });
    const level = db(rms(result.samples, 160));
    expect(level).toBeLessThan(-90);
  });

  it('rejects a swept tone from 8.5 to 23 kHz at 48 kHz to below −90 dBFS RMS, with no sample above 2 LSB', async () => {
    const seconds = 2;
    const result = await runOffline({
      rate: 48_000,
      quanta: (seconds * 48_000) / 128,
      source: (ctx, input) => {
        const osc = new OscillatorNode(ctx, { frequency: 8_500 });
        osc.frequency.linearRampToValueAtTime(23_000, seconds);
        osc.connect(new GainNode(ctx, { gain: 0.9 })).connect(input);
        osc.start();
      },
    });
    const tail = result.samples.subarray(160);
    expect(db(rms(tail))).toBeLessThan(-90);
    expect(Math.max(...tail.map(Math.abs))).toBeLessThanOrEqual(2 / 32_768);
  });

  it('mixes two channels to mono by averaging', async () => {
    const result = await runOffline({
      rate: 48_000,
      quanta: 375,
      channels: 2,
      source: (ctx, input) => {
        const merger = new ChannelMergerNode(ctx, { numberOfInputs: 2 });
        const osc = new OscillatorNode(ctx, { frequency: 1000 });
        osc.connect(new GainNode(ctx, { gain: 0.8 })).connect(merger, 0, 0);
        osc.start();
        merger.connect(input);
      },
    });
    const fit = fitSine(result.samples, WIRE_RATE, 1000, 800, result.samples.length - 800);
    expect(fit.amplitude).toBeCloseTo(0.4, 3);
  });

  itWithOfflineSuspend('sends silence at real-time pace while muted, and audio again after unmuting', async () => {
    const rate = 48_000;
    const result = await runOffline({
      rate,
      quanta: 750,
      options: { muted: true },
      source: sineSource(1000, 0.5),
      prepare: (ctx, node) => {
        // Suspending the offline render at 1 s lets the command land before the next quantum.
        void ctx.suspend(1).then(() => {
          node.port.postMessage({ type: 'mute', muted: false });
          setTimeout(() => void ctx.resume(), 50);
        });
      },
    });
    expect(result.frames.length).toBe(Math.floor(wireSamplesFor(result.inputFrames, rate) / 320));
    const muted = result.samples.subarray(0, WIRE_RATE);
    expect(muted.every((s) => s === 0)).toBe(true);
    const live = result.samples.subarray(WIRE_RATE + 160);
    expect(db(rms(live) * Math.SQRT2)).toBeCloseTo(db(0.5), 1);
    expect(result.levels.slice(0, 20).every((l) => l.level.rmsDb === Number.NEGATIVE_INFINITY && !l.speaking)).toBe(true);
  });

  itWithOfflineSuspend('sends nothing before its input is connected: a quantum with no input channels is not audio', async () => {
    // The microphone is wired after the node is built (audio-graph.ts); what the node renders before is not silence
    // the user made, and sent as such it would delay every later sample at the server.
    const rate = 48_000;
    // On a render quantum's boundary (192 × 128 frames), where the offline render suspends.
    const connectAt = (192 * 128) / rate;
    const result = await runOffline({
      rate,
      quanta: 750,
      source: () => {},
      prepare: (ctx, node) => {
        void ctx.suspend(connectAt).then(() => {
          sineSource(1000, 0.5)(ctx, node);
          void ctx.resume();
        });
      },
    });
    const connectedFrames = result.inputFrames - connectAt * rate;
    expect(result.frames.length).toBe(Math.floor(wireSamplesFor(connectedFrames, rate) / 320));
    // The tone from the first frame on (past the resampler's own start-up, a few ms), and frames stamped from the connection.
    expect(db(rms(result.samples.subarray(160, 320)) * Math.SQRT2)).toBeCloseTo(db(0.5), 0);
    expect(result.endTimes[0]).toBeGreaterThan(connectAt);
    expect(result.endTimes[0]).toBeLessThan(connectAt + 0.021);
  });

  it('honours frameSamples: 10 ms frames are 320 bytes', async () => {
    const result = await runOffline({ rate: 44_100, quanta: 345, options: { frameSamples: 160 }, source: sineSource(1000, 0.5) });
    expect(result.frames.length).toBe(Math.floor(wireSamplesFor(result.inputFrames, 44_100) / 160));
    expect(new Set(result.frames.map((f) => f.byteLength))).toEqual(new Set([320]));
  });
});

describe('capture worklet: message rate', () => {
  it('posts at most 100 level messages a second, however short levelIntervalMs is', async () => {
    const result = await runOffline({ rate: 48_000, quanta: 375, options: { levelIntervalMs: 1 }, source: sineSource(1000, 0.5) });
    // One second of input: 16,000 wire samples, one level message per 160 (10 ms).
    expect(wireSamplesFor(result.inputFrames, 48_000)).toBe(16_000);
    expect(result.levels.length).toBe(100);
  });
});

describe('capture worklet in a realtime AudioContext', () => {
  it('delivers 20 ms frames of the 1 kHz tone at real-time pace', async () => {
    const ctx = new AudioContext();
    try {
      await ctx.audioWorklet.addModule(moduleUrl);
      const node = new AudioWorkletNode(ctx, CAPTURE_PROCESSOR, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        processorOptions: defaults,
      });
      const capture = collect(node, true);
      sineSource(1000, 0.5)(ctx, node);
      await ctx.resume();
      const t0 = ctx.currentTime;
      await new Promise((r) => setTimeout(r, 1_000));
      const elapsed = ctx.currentTime - t0;
      node.port.onmessage = null;
      const samples = decode(capture.frames);
      // ±25% on the count: the clock runs in real time, the main thread's timer does not.
      expect(capture.frames.length).toBeGreaterThan((elapsed / 0.02) * 0.75);
      expect(capture.frames.length).toBeLessThan((elapsed / 0.02) * 1.25 + 5);
      expect(capture.frames.every((f) => f.byteLength === 640)).toBe(true);
      const hz = zeroCrossingFrequency(samples, WIRE_RATE, 800);
      expect(Math.abs(hz - 1000) / 1000).toBeLessThan(0.005);
      expect(capture.levels.length).toBeGreaterThan(10);
    } finally {
      await ctx.close();
    }
  });
});
