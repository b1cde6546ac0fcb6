/**
 * Resampler correctness: exact output counts, bit-identical output whatever the chunking, no writes outside
 * the returned range, reset, and argument errors. Quality figures are in resampler-quality.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/dsp/resampler.ts';
import { gcd } from '../../src/dsp/sinc-filter.ts';
import { resampleAll } from '../support/resampler-quality.ts';
import { noise, randomInt, seededRandom } from '../support/signal.ts';

const INPUT_RATES = [8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 88_200, 96_000];
const PAIRS: [number, number][] = [
  ...INPUT_RATES.map((rate): [number, number] => [rate, 16_000]),
  [16_000, 44_100],
  [16_000, 48_000],
  [8_000, 16_000],
];

/** Outputs for n inputs: every m ≥ 0 whose position m·M/L has an input at or before it, floor((nL − 1)/M) + 1. */
function expectedCount(inputRate: number, outputRate: number, n: number): number {
  if (n === 0) return 0;
  const g = gcd(inputRate, outputRate);
  const up = outputRate / g;
  const down = inputRate / g;
  return Math.floor((n * up - 1) / down) + 1;
}

describe.each(PAIRS)('Resampler %i → %i Hz', (inputRate, outputRate) => {
  const input = noise(inputRate, 7 + inputRate); // one second of white noise

  it('gives bit-identical output for 128-frame quanta, seeded random chunks, single samples and one block', () => {
    const block = resampleAll(new Resampler(inputRate, outputRate), input, input.length);
    const quanta = resampleAll(new Resampler(inputRate, outputRate), input, 128);
    // One sample per call: consecutive outputs can never share a pass, unlike in one block.
    const single = resampleAll(new Resampler(inputRate, outputRate), input, 1);
    const random = seededRandom(inputRate);
    const chunks = resampleAll(new Resampler(inputRate, outputRate), input, () => randomInt(random, 0, 3_000));
    expect(block.length).toBe(expectedCount(inputRate, outputRate, input.length));
    expect(quanta).toEqual(block);
    expect(chunks).toEqual(block);
    expect(Buffer.from(single.buffer).equals(Buffer.from(block.buffer))).toBe(true);
    // Bit-identical, not merely close: compare the bit patterns.
    expect(Buffer.from(chunks.buffer).equals(Buffer.from(block.buffer))).toBe(true);
  });

  it('produces exactly floor((nL − 1)/M) + 1 samples after every call, never more than maxOutput', () => {
    const resampler = new Resampler(inputRate, outputRate);
    const random = seededRandom(99);
    const output = new Float32Array(resampler.maxOutput(5_000));
    let consumed = 0;
    let produced = 0;
    while (consumed < input.length) {
      const n = Math.min(input.length - consumed, randomInt(random, 0, 5_000));
      const chunk = input.slice(consumed, consumed + n);
      const count = resampler.process(chunk, output);
      expect(count).toBeLessThanOrEqual(resampler.maxOutput(n));
      consumed += n;
      produced += count;
      expect(produced).toBe(expectedCount(inputRate, outputRate, consumed));
    }
  });
});

describe('Resampler', () => {
  it('writes only output[0, returned count): canaries around and after the written range stay intact', () => {
    const resampler = new Resampler(44_100, 16_000);
    const random = seededRandom(5);
    const guard = 16;
    const canary = -12_345.5;
    for (let round = 0; round < 200; round++) {
      const n = randomInt(random, 0, 700);
      const max = resampler.maxOutput(n);
      const backing = new Float32Array(max + 2 * guard).fill(canary);
      const output = backing.subarray(guard, guard + max);
      const count = resampler.process(noise(n, round), output);
      for (let i = 0; i < guard; i++) expect(backing[i]).toBe(canary);
      for (let i = guard + count; i < backing.length; i++) expect(backing[i]).toBe(canary);
      for (let i = 0; i < count; i++) expect(output[i]).not.toBe(canary);
    }
  });

  it('reads only input[0, inputLength): what lies beyond it does not change the output', () => {
    const a = new Resampler(48_000, 16_000);
    const b = new Resampler(48_000, 16_000);
    const input = noise(1_000, 3);
    const withJunk = new Float32Array(2_000).fill(Number.NaN);
    withJunk.set(input);
    const outA = new Float32Array(a.maxOutput(1_000));
    const outB = new Float32Array(b.maxOutput(1_000));
    expect(b.process(withJunk, outB, 1_000)).toBe(a.process(input, outA));
    expect(outB).toEqual(outA);
  });

  it('reset() returns to the initial state', () => {
    const input = noise(10_000, 11);
    const fresh = resampleAll(new Resampler(16_000, 44_100), input, 333);
    const reused = new Resampler(16_000, 44_100);
    resampleAll(reused, noise(5_555, 12), 100);
    reused.reset();
    expect(resampleAll(reused, input, 333)).toEqual(fresh);
  });

  it('passes 16 → 16 kHz through unchanged with zero delay', () => {
    const resampler = new Resampler(16_000, 16_000);
    const input = noise(1_000, 1);
    expect(resampler.delaySeconds).toBe(0);
    expect(resampleAll(resampler, input, 77)).toEqual(input);
  });

  it('declares a group delay of at most 3 ms for every supported pair', () => {
    for (const [inputRate, outputRate] of PAIRS) {
      const resampler = new Resampler(inputRate, outputRate);
      expect(resampler.delaySeconds).toBeLessThanOrEqual(0.003);
      expect(resampler.delaySeconds).toBeGreaterThan(inputRate === outputRate ? -1 : 0.0029);
    }
  });

  it('refuses rates that are not positive integers, and pairs whose filter would be huge', () => {
    expect(() => new Resampler(44_100.5, 16_000)).toThrow(RangeError);
    expect(() => new Resampler(0, 16_000)).toThrow(RangeError);
    expect(() => new Resampler(48_000, -16_000)).toThrow(RangeError);
    // 44,101 and 16,000 share no factor: 16,000 phases × 264 taps.
    expect(() => new Resampler(44_101, 16_000)).toThrow(/unsupported rate pair/);
    // Every rate a browser's AudioContext offers works, 11.025 and 192 kHz included.
    expect(() => new Resampler(11_025, 16_000)).not.toThrow();
    expect(() => new Resampler(192_000, 16_000)).not.toThrow();
    expect(() => new Resampler(176_400, 16_000)).not.toThrow();
  });

  it('refuses an output buffer shorter than maxOutput instead of losing samples silently', () => {
    const resampler = new Resampler(16_000, 48_000);
    expect(() => resampler.process(new Float32Array(128), new Float32Array(128 * 3))).toThrow(RangeError);
    expect(resampler.process(new Float32Array(128), new Float32Array(resampler.maxOutput(128)))).toBe(expectedCount(16_000, 48_000, 128));
  });
});
