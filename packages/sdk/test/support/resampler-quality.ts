/**
 * Quality measurements of a streaming resampler with test tones, shared by the unit tests (which assert the
 * issue's limits) and `pnpm bench resampler` (which prints them beside the baselines). Every figure comes from
 * running real signals through `process()`; nothing is computed from filter coefficients.
 *
 * Conventions: tones are cosines of known phase; each measurement skips 20 ms of output (the filter's start-up)
 * and analyses the next 0.5 s with a least-squares sine fit (support/signal.ts).
 */
import type { ResamplerFactory, StreamResampler } from './baseline-resamplers.ts';
import { db, fitSine, quantizeInt16, rms, tone } from './signal.ts';

const SETTLE_SECONDS = 0.02;
const ANALYSIS_SECONDS = 0.5;

/** Runs `input` through `resampler` in chunks (a fixed size, or sizes drawn from a function) and returns all output. */
export function resampleAll(resampler: StreamResampler, input: Float32Array, chunk: number | (() => number) = 128): Float32Array {
  const out = new Float32Array(resampler.maxOutput(input.length) + 1);
  const scratch = new Float32Array(input.length);
  const buffer = new Float32Array(resampler.maxOutput(input.length));
  let written = 0;
  for (let read = 0; read < input.length; ) {
    const n = Math.min(input.length - read, typeof chunk === 'number' ? chunk : chunk());
    scratch.set(input.subarray(read, read + n));
    const produced = resampler.process(scratch, buffer, n);
    out.set(buffer.subarray(0, produced), written);
    written += produced;
    read += n;
  }
  return out.slice(0, written);
}

interface ToneRun {
  output: Float32Array;
  start: number;
  length: number;
}

/** Sends a tone (optionally Int16-quantised first) through a fresh resampler; returns the analysis window. */
function runTone(
  factory: ResamplerFactory,
  inputRate: number,
  outputRate: number,
  frequency: number,
  amplitude: number,
  phase = 0,
  quantizeInput = false,
): ToneRun {
  const resampler = factory(inputRate, outputRate);
  const inputLength = Math.ceil((SETTLE_SECONDS + ANALYSIS_SECONDS + 0.01) * inputRate);
  let input = tone({ frequency, sampleRate: inputRate, length: inputLength, amplitude, phase });
  if (quantizeInput) input = quantizeInt16(input);
  return {
    output: resampleAll(resampler, input),
    start: Math.round(SETTLE_SECONDS * outputRate),
    length: Math.round(ANALYSIS_SECONDS * outputRate),
  };
}

/** Gain in dB of a tone in the passband (fitted output amplitude over input amplitude). */
export function gainDb(factory: ResamplerFactory, inputRate: number, outputRate: number, frequency: number): number {
  const amplitude = 0.5;
  const run = runTone(factory, inputRate, outputRate, frequency, amplitude);
  return db(fitSine(run.output, outputRate, frequency, run.start, run.length).amplitude / amplitude);
}

export interface Extreme {
  /** The worst value found, dB. */
  db: number;
  /** The input frequency that produced it, Hz. */
  hz: number;
}

/** Largest |gain| in dB over the given tones (passband ripple, both directions). */
export function passbandDeviation(factory: ResamplerFactory, inputRate: number, outputRate: number, frequencies: number[]): Extreme {
  let worst: Extreme = { db: 0, hz: frequencies[0]! };
  for (const hz of frequencies) {
    const g = gainDb(factory, inputRate, outputRate, hz);
    if (Math.abs(g) > Math.abs(worst.db)) worst = { db: g, hz };
  }
  return worst;
}

/**
 * Downsampling: level of everything that comes out, relative to the input tone, in dB (e.g. −110). For a tone
 * above the output Nyquist frequency all output is alias, so this is the attenuation of that tone.
 */
export function aliasLevelDb(factory: ResamplerFactory, inputRate: number, outputRate: number, frequency: number): number {
  const amplitude = 0.5;
  const run = runTone(factory, inputRate, outputRate, frequency, amplitude);
  return db(rms(run.output, run.start, run.length) / (amplitude / Math.SQRT2));
}

/**
 * Upsampling: level of everything but the tone itself (images, plus any noise), relative to the input tone, dB.
 */
export function imageLevelDb(factory: ResamplerFactory, inputRate: number, outputRate: number, frequency: number): number {
  const amplitude = 0.5;
  const run = runTone(factory, inputRate, outputRate, frequency, amplitude);
  return db(fitSine(run.output, outputRate, frequency, run.start, run.length).residualRms / (amplitude / Math.SQRT2));
}

/** The highest of `measure(f)` over the frequencies. */
export function worstOver(frequencies: number[], measure: (hz: number) => number): Extreme {
  let worst: Extreme = { db: Number.NEGATIVE_INFINITY, hz: Number.NaN };
  for (const hz of frequencies) {
    const level = measure(hz);
    if (level > worst.db) worst = { db: level, hz };
  }
  return worst;
}

/**
 * SINAD in dB of a tone at `levelDbfs` through the resampler, with Int16 quantisation where the wire puts it:
 * on the output when converting to 16 kHz (capture), on the input when converting from it (playback).
 */
export function sinadAfterInt16Db(
  factory: ResamplerFactory,
  inputRate: number,
  outputRate: number,
  frequency: number,
  levelDbfs = -1,
  phase = 0.3,
): number {
  const amplitude = 10 ** (levelDbfs / 20);
  const toWire = outputRate <= inputRate;
  const run = runTone(factory, inputRate, outputRate, frequency, amplitude, phase, !toWire);
  const analysed = toWire ? quantizeInt16(run.output) : run.output;
  const fit = fitSine(analysed, outputRate, frequency, run.start, run.length);
  return db(fit.amplitude / Math.SQRT2 / Math.hypot(fit.residualRms, fit.offset));
}

/**
 * Group delay in seconds, from the phase lag of a tone (output m stands at time m / outputRate). A 100 Hz tone
 * has a 10 ms period, so any delay within ±5 ms is read unambiguously.
 */
export function measuredDelaySeconds(factory: ResamplerFactory, inputRate: number, outputRate: number, frequency = 100): number {
  const phase = 0.7;
  const run = runTone(factory, inputRate, outputRate, frequency, 0.5, phase);
  const lag = phase - fitSine(run.output, outputRate, frequency, run.start, run.length).phase;
  const wrapped = lag - 2 * Math.PI * Math.round(lag / (2 * Math.PI));
  return wrapped / (2 * Math.PI * frequency);
}

/** `from`, `from + step`, … up to `to` inclusive. */
export function frequencyGrid(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let f = from; f <= to + 1e-9; f += step) out.push(f);
  return out;
}
