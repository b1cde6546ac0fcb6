/**
 * Plays a trace through a player on a simulated receiver clock and measures what a listener would get.
 * Shared by `bench/jitter.ts` and the jitter-buffer quality tests.
 *
 * Definitions (printed by the bench too):
 * - glitch: a run of output samples that are exactly 0 while the play position is inside a turn (source audio is
 *   never exactly 0, so every such run is silence the player made up: an underrun);
 * - click: an edge between such made-up silence and audio whose step |y[n] − y[n−1]| exceeds 0.06 full scale;
 *   a lone exact 0 (audio on both sides) is judged by its distance from the line through its two neighbours
 *   instead, since a cross-fade of two audio samples can pass through 0 exactly on a smooth slope (see
 *   {@link SilenceEdges});
 * - added latency of a sample: when it played minus when the play-on-arrival queue played it on the same trace
 *   (the least any gapless player can do), sampled every 10 ms of speech;
 * - first audio: first sample of a turn played minus arrival of the turn's first chunk;
 * - lost: samples received but never played (nor flushed) once everything has drained;
 * - drift (monologue only): median of (play − generation time) over the last minute minus over the first minute
 *   after warm-up.
 * @module
 */
import type { Trace } from './traces.ts';

export const BLOCK = 16; // 1 ms at 16 kHz
export const POSITION_STEP = 160; // latency is sampled every 10 ms of audio
export const CLICK_STEP = 0.06;

export interface Player {
  push(samples: Int16Array, arrivalMs: number): void;
  pull(out: Float32Array, length: number, nowMs: number): void;
  readonly playedSamples: number;
  readonly queuedSamples: number;
  /**
   * Output samples so far that were made up (silence, concealment), for a player whose made-up output is not
   * exactly 0 (a concealment): without it, made-up output is what is exactly 0.
   */
  readonly madeUpSamples?: number;
}

/** A gap: made-up output of at least this many samples (2 ms) inside a turn. */
export const GAP_MIN_SAMPLES = 32;

export interface Run {
  /** Play time (ms) of source sample k·POSITION_STEP; NaN if never played. */
  playTimes: Float64Array;
  /** Glitch start times (ms): gaps of any length (runs of made-up output inside a turn). */
  glitchTimes: number[];
  /** Gaps of ≥ 2 ms: start time and length, ms. */
  gaps: Array<[number, number]>;
  clicks: number;
  /** Largest step at an edge of made-up silence. */
  maxEdgeStep: number;
  firstAudioMs: number[];
  lost: number;
}

export function simulate(trace: Trace, player: Player): Run {
  const { source, chunks, turns } = trace;
  const playTimes = new Float64Array(Math.ceil(source.length / POSITION_STEP)).fill(Number.NaN);
  const glitchTimes: number[] = [];
  const firstAudioMs: number[] = [];
  const out = new Float32Array(BLOCK);
  let next = 0;
  const edges = new SilenceEdges();
  let madeUpBefore = player.madeUpSamples ?? 0;
  let runLength = 0;
  let runStart = 0;
  const gaps: Array<[number, number]> = [];
  let turn = 0;
  const endMs = trace.endMs + 60_000;
  /** A run of made-up output ended at play position `position`: a glitch if it was inside a turn. */
  const endRun = (position: number) => {
    while (turn < turns.length && turns[turn]!.end <= position) turn++;
    const current = turns[turn];
    // Slack of 5 ms at each end: the fades of turn start and end.
    if (current && position > current.start + 80 && position < current.end - 80) {
      glitchTimes.push(runStart);
      if (runLength >= GAP_MIN_SAMPLES) gaps.push([runStart, runLength / 16]);
    }
  };

  for (let t = 0; t < endMs; t += 1) {
    while (next < chunks.length && chunks[next]!.arrivalMs <= t) {
      const c = chunks[next++]!;
      player.push(source.subarray(c.start, c.start + c.length), c.arrivalMs);
    }
    if (next >= chunks.length && t > trace.endMs && player.queuedSamples === 0) break;
    const before = player.playedSamples;
    player.pull(out, BLOCK, t);
    const after = player.playedSamples;
    for (let k = Math.ceil(before / POSITION_STEP) * POSITION_STEP; k < after; k += POSITION_STEP) {
      playTimes[k / POSITION_STEP] = t + (k - before) / 16;
    }
    // Made-up output: exactly 0 for players without a count; for the others, the count's increase in this block
    // (a concealment's made-up samples come in runs at the block's start or end, as the player renders them).
    const madeUpAfter = player.madeUpSamples;
    const counted = madeUpAfter !== undefined;
    let madeUpInBlock = counted ? madeUpAfter - madeUpBefore : 0;
    madeUpBefore = madeUpAfter ?? 0;
    for (let i = 0; i < BLOCK; i++) {
      const y = out[i]!;
      const madeUp = counted ? madeUpInBlock > 0 && (runLength > 0 || madeUpInBlock === BLOCK - i) : y === 0;
      if (counted && madeUp) madeUpInBlock--;
      edges.next(y);
      if (madeUp) {
        if (runLength === 0) runStart = t + i / 16;
        runLength++;
      } else if (runLength > 0) {
        endRun(before);
        runLength = 0;
      }
    }
    // First sample of each turn: when the play position first passes the turn's start.
    while (firstAudioMs.length < turns.length && turns[firstAudioMs.length]!.start < after) {
      const k = firstAudioMs.length;
      firstAudioMs.push(t + Math.max(0, turns[k]!.start - before) / 16 - firstArrivalOf(trace, k));
    }
  }
  edges.end();
  return {
    playTimes,
    glitchTimes,
    gaps,
    clicks: edges.clicks,
    maxEdgeStep: edges.maxStep,
    firstAudioMs,
    lost: source.length - player.playedSamples - player.queuedSamples,
  };
}

/**
 * The click detector, fed the output one sample at a time: the edges between exactly-0 output (made-up silence)
 * and audio, each with its step; `clicks` counts those above CLICK_STEP. A lone 0 between two audio samples `a`
 * and `b` is not silence a player made up but, as far as the ear goes, a sample of the waveform: a cross-fade of
 * two audio samples passes through 0 exactly when their weighted sum cancels (an expand's fade weights are
 * fractions such as 159/348 and 189/348, and 1007 × 189 = 1197 × 159). So its two edges get one step, its
 * distance from the line through its neighbours, |a + b| / 2: ≈ 0 on a smooth zero-crossing, ≈ |a| for a
 * one-sample dropout in audio. Runs of two or more zeros are judged edge by edge, |y[n] − y[n−1]|.
 */
export class SilenceEdges {
  clicks = 0;
  /** Largest step at an edge. */
  maxStep = 0;
  #previous = 0;
  /** Inside a run of zeros (the output starts in silence). */
  #zero = true;
  /** Zeros in the current run. */
  #run = 0;
  /** The audio sample before the current run of zeros; NaN when it started in silence. */
  #before = Number.NaN;

  next(y: number): void {
    if (y === 0) {
      if (!this.#zero) {
        this.#zero = true;
        this.#run = 0;
        this.#before = this.#previous;
      }
      this.#run++;
    } else if (this.#zero) {
      this.#zero = false;
      if (this.#run === 1 && !Number.isNaN(this.#before)) {
        const off = Math.abs(this.#before + y) / 2;
        this.#edge(off);
        this.#edge(off);
      } else {
        this.#intoRun();
        this.#edge(Math.abs(y));
      }
    }
    this.#previous = y;
  }

  /** The output has ended: the edge into a run of zeros still open counts as it is. */
  end(): void {
    if (this.#zero) this.#intoRun();
    this.#before = Number.NaN;
  }

  #intoRun(): void {
    if (!Number.isNaN(this.#before)) this.#edge(Math.abs(this.#before));
  }

  #edge(step: number): void {
    if (step > this.maxStep) this.maxStep = step;
    if (step > CLICK_STEP) this.clicks++;
  }
}

const firstArrivalCache = new WeakMap<Trace, Float64Array>();
/** Arrival of each turn's first chunk. */
function firstArrivalOf(trace: Trace, turn: number): number {
  let arrivals = firstArrivalCache.get(trace);
  if (!arrivals) {
    arrivals = new Float64Array(trace.turns.length).fill(Number.NaN);
    let k = 0;
    for (const c of trace.chunks) {
      while (k + 1 < trace.turns.length && trace.turns[k + 1]!.start <= c.start) k++;
      if (Number.isNaN(arrivals[k]!)) arrivals[k] = c.arrivalMs;
    }
    firstArrivalCache.set(trace, arrivals);
  }
  return arrivals[turn]!;
}

export interface Summary {
  glitches: number;
  /** Speech played after the warm-up, minutes. */
  speechMinutes: number;
  glitchesPerMinute: number;
  latencyP50: number;
  latencyP95: number;
  /** Delay of each 10 ms of speech after warm-up, play − send (what a listener waits, network included). */
  delayP50: number;
  delayP95: number;
  firstAudioP50: number;
  firstAudioMax: number;
  clicks: number;
  maxEdgeStep: number;
  lost: number;
}

/**
 * Figures after `warmupMs` of the trace, with added latency against `reference` (the play-on-arrival run) and the
 * delay against the send times. Both, because play-on-arrival is no fixed yardstick: where arrivals come in bursts
 * (main-thread long tasks) it falls behind and stays behind too, and a player that does the same looks free.
 */
export function summarise(trace: Trace, run: Run, reference: Run, warmupMs: number): Summary {
  const latencies: number[] = [];
  const delays: number[] = [];
  const sendOf = sendTimes(trace, run);
  let speechPositions = 0;
  for (let k = 0; k < run.playTimes.length; k++) {
    const at = run.playTimes[k]!;
    if (!(at >= warmupMs)) continue;
    speechPositions++;
    const ref = reference.playTimes[k]!;
    if (!Number.isNaN(ref)) latencies.push(at - ref);
    if (!Number.isNaN(sendOf[k]!)) delays.push(at - sendOf[k]!);
  }
  latencies.sort((a, b) => a - b);
  delays.sort((a, b) => a - b);
  const firstAudio = [...run.firstAudioMs].sort((a, b) => a - b);
  const speechMinutes = (speechPositions * POSITION_STEP) / 16_000 / 60;
  const glitchesAfter = run.glitchTimes.filter((t) => t >= warmupMs).length;
  return {
    glitches: run.glitchTimes.length,
    speechMinutes,
    glitchesPerMinute: speechMinutes > 0 ? glitchesAfter / speechMinutes : 0,
    latencyP50: percentile(latencies, 0.5),
    latencyP95: percentile(latencies, 0.95),
    delayP50: percentile(delays, 0.5),
    delayP95: percentile(delays, 0.95),
    firstAudioP50: percentile(firstAudio, 0.5),
    firstAudioMax: firstAudio.length ? firstAudio[firstAudio.length - 1]! : Number.NaN,
    clicks: run.clicks,
    maxEdgeStep: run.maxEdgeStep,
    lost: run.lost,
  };
}

/** Drift of a monologue: median (play − generation) over its last minute minus over the first minute after warm-up. */
export function driftMs(trace: Trace, run: Run, warmupMs: number): number {
  const sendOf = sendTimes(trace, run);
  const delays: Array<[number, number]> = [];
  for (let k = 0; k < run.playTimes.length; k++) {
    const at = run.playTimes[k]!;
    if (at >= warmupMs) delays.push([at, at - sendOf[k]!]);
  }
  if (delays.length === 0) return Number.NaN;
  const first = delays[0]![0];
  const last = delays[delays.length - 1]![0];
  const early = delays.filter(([at]) => at < first + 60_000).map(([, d]) => d);
  const late = delays.filter(([at]) => at > last - 60_000).map(([, d]) => d);
  return median(late) - median(early);
}

/** When each 10 ms position of the source was generated, ms; NaN where no chunk carries it. */
function sendTimes(trace: Trace, run: Run): Float64Array {
  const sendOf = new Float64Array(run.playTimes.length).fill(Number.NaN);
  for (const c of trace.chunks) {
    // A chunk leaves when its last sample has been generated: sample n was generated (end − n)/16 ms earlier.
    for (let k = Math.ceil(c.start / POSITION_STEP); k * POSITION_STEP < c.start + c.length; k++) {
      sendOf[k] = c.sendMs - (c.start + c.length - k * POSITION_STEP) / 16;
    }
  }
  return sendOf;
}

/** The middle value (the upper of the two middle ones); NaN for none. Sorts `values` in place. */
export function median(values: number[]): number {
  return percentile(
    values.sort((a, b) => a - b),
    0.5,
  );
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}
