/**
 * Signal generation and analysis for audio tests and the benchmark: a seeded PRNG, tones, least-squares sine
 * fits (level, phase, residual), SINAD and frequency estimates. DOM- and Node-free, so browser tests use it too.
 * Allocates freely: test code only.
 */
import { floatToInt16, INT16_SCALE } from '../../src/dsp/pcm.ts';

/** mulberry32: a small seeded PRNG with uniform output in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An integer in [min, max], uniform, from `random`. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export interface ToneOptions {
  frequency: number;
  sampleRate: number;
  length: number;
  /** Peak amplitude. @default 1 */
  amplitude?: number;
  /** Phase at sample 0 of a cosine, radians. @default 0 */
  phase?: number;
}

/** amplitude · cos(2π f n / rate + phase), computed in double precision and stored as Float32. */
export function tone({ frequency, sampleRate, length, amplitude = 1, phase = 0 }: ToneOptions): Float32Array {
  const out = new Float32Array(length);
  const w = (2 * Math.PI * frequency) / sampleRate;
  for (let n = 0; n < length; n++) out[n] = amplitude * Math.cos(w * n + phase);
  return out;
}

/** Uniform white noise in [-amplitude, amplitude), seeded. */
export function noise(length: number, seed: number, amplitude = 1): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(length);
  for (let n = 0; n < length; n++) out[n] = amplitude * (2 * random() - 1);
  return out;
}

/** Rounds every sample to the Int16 grid with the SDK's codec (what a trip over the wire does to it). */
export function quantizeInt16(signal: Float32Array): Float32Array {
  const out = new Float32Array(signal.length);
  for (let n = 0; n < signal.length; n++) out[n] = floatToInt16(signal[n]!) / INT16_SCALE;
  return out;
}

export function rms(signal: ArrayLike<number>, start = 0, length = signal.length - start): number {
  let sum = 0;
  for (let n = start; n < start + length; n++) sum += signal[n]! ** 2;
  return Math.sqrt(sum / length);
}

/** 20·log10 of an amplitude ratio. */
export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

export interface SineFit {
  /** Peak amplitude of the fitted cosine. */
  amplitude: number;
  /** Phase of the fitted cosine at sample 0 of the signal (not of the window), radians in (−π, π]. */
  phase: number;
  /** Mean of the window. */
  offset: number;
  /** RMS of what the fit leaves: noise, distortion, aliases, images. */
  residualRms: number;
}

/**
 * Least-squares fit of offset + a·cos(ωn) + b·sin(ωn) at a known frequency over `signal[start, start+length)`.
 * Exact for any window length (it solves the 3×3 normal equations, no coherence needed).
 */
export function fitSine(signal: ArrayLike<number>, sampleRate: number, frequency: number, start: number, length: number): SineFit {
  const w = (2 * Math.PI * frequency) / sampleRate;
  // Normal equations for the basis [1, cos, sin].
  let s11 = 0,
    s1c = 0,
    s1s = 0,
    scc = 0,
    scs = 0,
    sss = 0,
    y1 = 0,
    yc = 0,
    ys = 0;
  for (let n = start; n < start + length; n++) {
    const c = Math.cos(w * n);
    const s = Math.sin(w * n);
    const y = signal[n]!;
    s11 += 1;
    s1c += c;
    s1s += s;
    scc += c * c;
    scs += c * s;
    sss += s * s;
    y1 += y;
    yc += y * c;
    ys += y * s;
  }
  const [d, a, b] = solve3(
    [
      [s11, s1c, s1s],
      [s1c, scc, scs],
      [s1s, scs, sss],
    ],
    [y1, yc, ys],
  );
  let residual = 0;
  for (let n = start; n < start + length; n++) residual += (signal[n]! - d - a * Math.cos(w * n) - b * Math.sin(w * n)) ** 2;
  // a·cos + b·sin = A·cos(ωn + φ) with A cos φ = a, −A sin φ = b.
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(-b, a), offset: d, residualRms: Math.sqrt(residual / length) };
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const a = m.map((row, i) => [...row, v[i]!]);
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let k = col; k < 4; k++) a[r]![k]! -= f * a[col]![k]!;
    }
  }
  return [a[0]![3]! / a[0]![0]!, a[1]![3]! / a[1]![1]!, a[2]![3]! / a[2]![2]!];
}

/** Signal-to-noise-and-distortion of a tone in dB: fitted sine power over everything else (DC excluded). */
export function sinadDb(signal: ArrayLike<number>, sampleRate: number, frequency: number, start: number, length: number): number {
  const fit = fitSine(signal, sampleRate, frequency, start, length);
  return db(fit.amplitude / Math.SQRT2 / fit.residualRms);
}

/**
 * Frequency of a clean tone from its rising zero crossings (linearly interpolated) over the window: exact to
 * a small fraction of a percent over a few hundred periods.
 */
export function zeroCrossingFrequency(signal: ArrayLike<number>, sampleRate: number, start = 0, length = signal.length - start): number {
  let first = -1;
  let last = -1;
  let crossings = 0;
  for (let n = start + 1; n < start + length; n++) {
    const prev = signal[n - 1]!;
    const cur = signal[n]!;
    if (prev < 0 && cur >= 0) {
      const at = n - 1 + prev / (prev - cur);
      if (first < 0) first = at;
      else crossings++;
      last = at;
    }
  }
  return crossings > 0 ? (crossings * sampleRate) / (last - first) : 0;
}
