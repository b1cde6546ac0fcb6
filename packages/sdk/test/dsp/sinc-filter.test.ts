/** The polyphase filter design: Bessel function, unit DC gain per phase, linear phase, sizes and delay. */
import { describe, expect, it } from 'vitest';
import { besselI0, designPolyphaseFilter, gcd, MAX_DELAY_SECONDS } from '../../src/dsp/sinc-filter.ts';

describe('besselI0', () => {
  it('matches reference values', () => {
    expect(besselI0(0)).toBe(1);
    expect(besselI0(1)).toBeCloseTo(1.2660658777520082, 15);
    expect(besselI0(10) / 2_815.716_628_466_254).toBeCloseTo(1, 12); // exact series sum in rational arithmetic
  });
});

describe('designPolyphaseFilter', () => {
  it.each([
    [44_100, 16_000],
    [48_000, 16_000],
    [16_000, 44_100],
    [16_000, 48_000],
  ])('%i → %i Hz: L phases of 6 ms of input, unit DC gain each, delay under 3 ms', (inputRate, outputRate) => {
    const filter = designPolyphaseFilter(inputRate, outputRate);
    expect(filter.phases).toBe(outputRate / gcd(inputRate, outputRate));
    expect(filter.taps).toBe(Math.floor(2 * MAX_DELAY_SECONDS * inputRate));
    expect(filter.coefficients.length).toBe(filter.phases * filter.taps);
    expect(filter.delaySeconds).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
    for (let p = 0; p < filter.phases; p++) {
      let sum = 0;
      for (let j = 0; j < filter.taps; j++) sum += filter.coefficients[p * filter.taps + j]!;
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('is linear phase: phase p read backwards is phase L − 1 − p', () => {
    const { phases, taps, coefficients } = designPolyphaseFilter(16_000, 44_100);
    for (const p of [0, 1, 100, 220]) {
      for (let j = 0; j < taps; j++) {
        expect(coefficients[p * taps + j]).toBeCloseTo(coefficients[(phases - 1 - p) * taps + (taps - 1 - j)]!, 7);
      }
    }
  });
});
