/**
 * Time-scale modification of 16 kHz speech-like signals (harmonic tones, 8 partials at 1/k): measured pitch
 * before and after, the speed actually achieved, its ramp, steps at the joins (clicks) and the exact sample
 * accounting. Driven directly on a JitterRing, no clock involved.
 */
import { describe, expect, it } from 'vitest';
import { CONCEALMENT_SAMPLES } from '../../src/dsp/concealment.ts';
import { JitterRing } from '../../src/dsp/jitter-ring.ts';
import { INT16_SCALE } from '../../src/dsp/pcm.ts';
import { MAX_STRETCH, SPEED_ONE, TimeStretcher } from '../../src/dsp/time-stretcher.ts';

const RATE = 16_000;
const one = new Float32Array(1);

/** A voiced, speech-like Int16 signal: 8 harmonics at 1/k, fundamental `f0` (optionally gliding to `f1`). */
function voiced(seconds: number, f0: number, f1 = f0, amplitude = 0.5): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE));
  let phase = 0;
  for (let n = 0; n < out.length; n++) {
    phase += (f0 + ((f1 - f0) * n) / out.length) / RATE;
    let v = 0;
    for (let k = 1; k <= 8; k++) v += Math.sin(2 * Math.PI * k * phase + k * 0.7) / k;
    out[n] = Math.round(v * 0.45 * amplitude * INT16_SCALE) || 1;
  }
  return out;
}

/** Fundamental by autocorrelation (lags 40–320) with parabolic interpolation, Hz. */
function fundamental(signal: ArrayLike<number>, start: number, length: number): number {
  const r = (lag: number) => {
    let s = 0;
    for (let n = start; n < start + length; n++) s += signal[n]! * signal[n + lag]!;
    return s;
  };
  // The first lag whose correlation is within 10 % of the best is the period (not a multiple of it).
  const scores: number[] = [];
  for (let lag = 40; lag <= 320; lag++) scores.push(r(lag));
  const best = Math.max(...scores);
  let i = scores.findIndex(
    (s, k) => s >= 0.9 * best && (k === 0 || s >= scores[k - 1]!) && (k + 1 >= scores.length || s >= scores[k + 1]!),
  );
  if (i <= 0) i = 1;
  const [a, b, c] = [scores[i - 1]!, scores[i]!, scores[i + 1] ?? scores[i]!];
  const shift = (a - c) / (2 * (a - 2 * b + c));
  return RATE / (40 + i + (Number.isFinite(shift) ? shift : 0));
}

/** Plays `signal` through a stretcher asking for `desired`, one output sample at a time. */
function stretch(signal: Int16Array, desired: number | ((n: number) => number)) {
  const ring = new JitterRing(signal.length + 16);
  ring.push(signal);
  const stretcher = new TimeStretcher(Math.floor(0.002 * INT16_SCALE));
  const out: number[] = [];
  const speeds: number[] = [];
  while (ring.queued > 0 || stretcher.pending > 0) {
    stretcher.desiredStretch = Math.round(SPEED_ONE * ((typeof desired === 'number' ? desired : desired(out.length)) - 1));
    if (stretcher.pending === 0) stretcher.plan(ring, true);
    stretcher.write(one, 0);
    out.push(one[0]!);
    speeds.push(1 + stretcher.stretch / SPEED_ONE);
  }
  return { out: Float32Array.from(out), speeds, stretcher, ring };
}

function rmsOf(signal: ArrayLike<number>, start: number, length: number): number {
  let sum = 0;
  for (let n = start; n < start + length; n++) sum += signal[n]! ** 2;
  return Math.sqrt(sum / length);
}

function maxStep(signal: ArrayLike<number>, from = 1): number {
  let worst = 0;
  for (let n = from; n < signal.length; n++) worst = Math.max(worst, Math.abs(signal[n]! - signal[n - 1]!));
  return worst;
}

const asFloat = (s: Int16Array) => Float32Array.from(s, (v) => v / INT16_SCALE);

describe('TimeStretcher: pitch kept, speed bounded and ramped', { timeout: 30_000 }, () => {
  for (const [f0, desired] of [
    [110, 1.15],
    [150, 1.15],
    [220, 1.15],
    [110, 0.85],
    [150, 0.85],
    [220, 0.85],
  ] as const) {
    it(`${f0} Hz at ${desired}×: fundamental within 1 %, speed reaches ${desired} and never passes 1 ± ${MAX_STRETCH}`, () => {
      const source = voiced(4, f0);
      const { out, speeds, stretcher } = stretch(source, desired);
      const before = fundamental(asFloat(source), 8000, 1024);
      expect(Math.abs(before / f0 - 1)).toBeLessThan(0.002);
      // Every 100 ms after the ramp: the fundamental of the stretched output.
      for (let at = 6000; at + 1400 < out.length; at += 1600) {
        expect(Math.abs(fundamental(out, at, 1024) / before - 1), `at ${at}`).toBeLessThan(0.01);
      }
      // No dips where periods were cross-faded out of phase: the level of every 10 ms of output stays within
      // 1 dB of the range the source's own 10 ms windows span (a window is not a whole number of periods).
      const levels = Array.from({ length: 100 }, (_, k) => rmsOf(asFloat(source), 160 * k, 160));
      const [low, high] = [Math.min(...levels), Math.max(...levels)];
      let quietest = Number.POSITIVE_INFINITY;
      let loudest = 0;
      for (let at = 0; at + 160 < out.length; at += 160) {
        const level = rmsOf(out, at, 160);
        quietest = Math.min(quietest, level);
        loudest = Math.max(loudest, level);
      }
      expect(20 * Math.log10(quietest / low)).toBeGreaterThan(-1);
      expect(20 * Math.log10(loudest / high)).toBeLessThan(1);
      // Speed achieved over the whole signal: consumed / played, within the bound and near the ask.
      const achieved = source.length / out.length;
      expect(Math.abs(achieved - 1)).toBeLessThanOrEqual(MAX_STRETCH + 0.005);
      expect(Math.abs(achieved - desired)).toBeLessThan(0.04); // the 250 ms ramp costs a little
      expect(Math.max(...speeds.map((s) => Math.abs(s - 1)))).toBeLessThanOrEqual(MAX_STRETCH + 1e-9);
      // Ramped: no faster than MAX_STRETCH per 250 ms (4000 samples), measured over every 160-sample step.
      let steepest = 0;
      for (let n = 160; n < speeds.length; n += 160) steepest = Math.max(steepest, Math.abs(speeds[n]! - speeds[n - 160]!));
      expect(steepest).toBeLessThanOrEqual((MAX_STRETCH * (160 + 1024)) / 4000);
      // Exact accounting: output = consumed − removed + added.
      expect(out.length).toBe(source.length - stretcher.fasterSamples + stretcher.slowerSamples);
    });
  }

  it('keeps a gliding speech-like fundamental (120 → 180 Hz) within 1 % of the source at the same point', () => {
    const source = voiced(3, 120, 180);
    const { out } = stretch(source, 1.12);
    // Output sample n plays source position ≈ n · achieved speed once ramped; compare there.
    const ratio = source.length / out.length;
    const src = asFloat(source);
    for (let at = 8000; at + 1400 < out.length; at += 2400) {
      const expected = fundamental(src, Math.round(at * ratio), 512);
      expect(Math.abs(fundamental(out, at, 512) / expected - 1), `at ${at}`).toBeLessThan(0.02);
    }
  });
});

describe('TimeStretcher: no clicks', () => {
  it.each([1.15, 0.85])('at %s×, no sample step exceeds 1.1× the largest step of the source itself', (desired) => {
    for (const f0 of [110, 170, 240]) {
      const source = voiced(2, f0);
      const { out } = stretch(source, desired);
      expect(maxStep(out)).toBeLessThan(1.1 * maxStep(asFloat(source)));
    }
  });

  it('switching between faster and slower every 300 ms adds no step either, and the accounting stays exact', () => {
    const source = voiced(4, 140, 200);
    const { out, stretcher } = stretch(source, (n) => (Math.floor(n / 4800) % 2 ? 0.85 : 1.15));
    expect(maxStep(out)).toBeLessThan(1.1 * maxStep(asFloat(source)));
    expect(stretcher.fasterSamples).toBeGreaterThan(1000);
    expect(stretcher.slowerSamples).toBeGreaterThan(1000);
    expect(out.length).toBe(source.length - stretcher.fasterSamples + stretcher.slowerSamples);
  });
});

describe('TimeStretcher: concealment and re-entry', () => {
  it('continues the waveform at the same pitch when the queue runs dry, fades it, and re-enters without a step', () => {
    const f0 = 160;
    const source = voiced(1, f0);
    const ring = new JitterRing(RATE * 2);
    const stretcher = new TimeStretcher(Math.floor(0.002 * INT16_SCALE));
    ring.push(source.subarray(0, 8000));
    const out: number[] = [];
    let concealed = 0;
    while (out.length < 8000 + 1600) {
      if (stretcher.pending === 0) {
        if (ring.queued > 0) stretcher.plan(ring, false);
        else stretcher.conceal();
      }
      if (stretcher.concealing) concealed++;
      stretcher.write(one, 0);
      out.push(one[0]!);
    }
    // 100 ms concealed: the first 15 ms at the source's pitch and level, then a fade to 0.
    const y = Float32Array.from(out);
    expect(Math.abs(fundamental(y, 8000, 200) / f0 - 1)).toBeLessThan(0.01);
    expect(Math.max(...y.subarray(8000 + 1200, 8000 + 1600).map(Math.abs))).toBe(0);
    // Counted while audible: the hold and fade (CONCEALMENT_SAMPLES), in whole 2 ms segments; not the silence after.
    expect(stretcher.concealedSamples).toBe(Math.ceil(CONCEALMENT_SAMPLES / 32) * 32);
    expect(concealed).toBe(1600);
    // The rest arrives: cross-faded back in.
    ring.push(source.subarray(8000));
    while (ring.queued > 0 || stretcher.pending > 0) {
      if (stretcher.pending === 0) stretcher.plan(ring, false);
      stretcher.write(one, 0);
      out.push(one[0]!);
    }
    const all = Float32Array.from(out);
    expect(maxStep(all)).toBeLessThan(1.1 * maxStep(asFloat(source)));
    expect(all.length).toBe(source.length + 1600);
    expect(ring.played).toBe(source.length);
  });
});
