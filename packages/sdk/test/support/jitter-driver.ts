/**
 * Test driver for the jitter buffer: plays a schedule of arrivals on a simulated receiver clock, one output sample
 * per pull, and records for every output sample which received sample (if any) it came from. Timing is simulated
 * (no real clock), so runs are exact and repeatable.
 */
import { SilenceEdges } from '../../../../bench/jitter-simulation.ts';
import type { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { seededRandom } from './signal.ts';

export const RATE = 16_000;

export interface Arrival {
  atMs: number;
  samples: Int16Array;
}

export interface Playout {
  out: Float32Array;
  /** Play position (index among the samples taken from the queue) of the sample heard at each output sample, or -1. */
  consumed: Int32Array;
  /** `speaking` after each output sample. */
  speaking: Uint8Array;
}

/** Output sample n plays at `startMs + n / 16`. `onSample` runs after each pull (e.g. to flush). */
export function play(
  buffer: JitterBuffer,
  arrivals: Arrival[],
  durationMs: number,
  onSample?: (n: number, tMs: number) => void,
  startMs = 0,
): Playout {
  const length = Math.round((durationMs * RATE) / 1000);
  const out = new Float32Array(length);
  const consumed = new Int32Array(length).fill(-1);
  const speaking = new Uint8Array(length);
  const one = new Float32Array(1);
  let next = 0;
  for (let n = 0; n < length; n++) {
    const t = startMs + (n * 1000) / RATE;
    while (next < arrivals.length && arrivals[next]!.atMs <= t) {
      buffer.push(arrivals[next]!.samples, arrivals[next]!.atMs);
      next++;
    }
    const before = buffer.playedSamples;
    buffer.pull(one, 1, t);
    out[n] = one[0]!;
    // A drift slip that drops a sample consumes two in one pull; the one heard is the last.
    if (buffer.playedSamples > before) consumed[n] = buffer.playedSamples - 1;
    speaking[n] = buffer.speaking ? 1 : 0;
    onSample?.(n, t);
  }
  return { out, consumed, speaking };
}

/** A tone as Int16, never exactly 0 and never 32 samples of silence in a row (so no drift slip applies). */
export function toneInt16(length: number, frequency = 440, amplitude = 0.8): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const v = Math.round(Math.sin((2 * Math.PI * frequency * i) / RATE + 0.3) * amplitude * 32_767);
    out[i] = v === 0 ? 1 : v;
  }
  return out;
}

/**
 * Cuts `signal` into chunks of 10–`maxChunkMs` ms, each arriving when its last sample has been generated at real
 * time from `startMs`, plus a seeded jitter of 0–`jitterMs`, in order; `stalls` hold arrivals back.
 */
export function schedule(
  signal: Int16Array,
  { seed = 1, startMs = 0, maxChunkMs = 60, jitterMs = 5, stalls = [] as Array<{ atMs: number; lengthMs: number }> } = {},
): Arrival[] {
  const random = seededRandom(seed);
  const arrivals: Arrival[] = [];
  let previous = 0;
  for (let at = 0; at < signal.length; ) {
    const length = Math.min(signal.length - at, Math.round((10 + random() * (maxChunkMs - 10)) * 16));
    let t = startMs + ((at + length) * 1000) / RATE + random() * jitterMs;
    for (const stall of stalls) if (t >= stall.atMs && t < stall.atMs + stall.lengthMs) t = stall.atMs + stall.lengthMs;
    t = Math.max(previous, t);
    arrivals.push({ atMs: t, samples: signal.subarray(at, at + length) });
    previous = t;
    at += length;
  }
  return arrivals;
}

/**
 * Largest step at an edge between made-up silence (exactly 0) and audio, by the bench's rule (`SilenceEdges`: a
 * lone 0 inside audio is judged against the line through its neighbours, as a cross-fade can pass through 0).
 */
export function maxEdgeStep(out: Float32Array): number {
  const edges = new SilenceEdges();
  for (let n = 0; n < out.length; n++) edges.next(out[n]!);
  edges.end();
  return edges.maxStep;
}
