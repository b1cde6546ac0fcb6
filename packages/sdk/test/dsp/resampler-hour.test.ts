/**
 * No drift over an hour: one hour of a 100 Hz tone through the Resampler in seeded random chunk sizes gives
 * exactly floor((nL − 1)/M) + 1 samples, and the tone at the end still sits where exact timing puts it.
 * Runs the real filter over 3,600 s of audio per direction, so it takes several seconds.
 */
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/dsp/resampler.ts';
import { fitSine, randomInt, seededRandom, tone } from '../support/signal.ts';

const HOUR = 3_600;
const TONE_HZ = 100;

describe.each([
  [44_100, 16_000],
  [16_000, 44_100],
])('Resampler %i → %i Hz over one hour', (inputRate, outputRate) => {
  it('counts every sample exactly and keeps the phase of a tone to within a nanosecond', { timeout: 240_000 }, () => {
    // 100 Hz has a whole number of samples per period at both rates, so a short buffer repeats seamlessly.
    const period = inputRate / TONE_HZ;
    const source = tone({ frequency: TONE_HZ, sampleRate: inputRate, length: period * 50, amplitude: 0.5 });
    const resampler = new Resampler(inputRate, outputRate);
    const chunk = new Float32Array(8_192);
    const output = new Float32Array(resampler.maxOutput(chunk.length));
    const tail = new Float32Array(outputRate); // the last second of output
    const random = seededRandom(2024);
    const total = HOUR * inputRate;
    let consumed = 0;
    let produced = 0;
    let at = 0; // position in `source`
    while (consumed < total) {
      const n = Math.min(total - consumed, randomInt(random, 1, chunk.length));
      for (let i = 0; i < n; i++) {
        chunk[i] = source[at]!;
        if (++at === source.length) at = 0;
      }
      const count = resampler.process(chunk, output, n);
      // Keep a rolling copy of the last second.
      for (let i = 0; i < count; i++) tail[(produced + i) % tail.length] = output[i]!;
      consumed += n;
      produced += count;
    }
    const up = outputRate / 100;
    const down = inputRate / 100;
    expect(produced).toBe(Math.floor((total * up - 1) / down) + 1);

    // Unroll the rolling tail so index k holds output sample produced − tail.length + k.
    const first = produced - tail.length;
    const last = Float32Array.from({ length: tail.length }, (_, k) => tail[(first + k) % tail.length]!);
    // Output m stands for input time m / outputRate − delay, where the input was cos(2π·100·t).
    const fit = fitSine(last, outputRate, TONE_HZ, 0, last.length);
    const expectedPhase = 2 * Math.PI * TONE_HZ * (first / outputRate - resampler.delaySeconds);
    const error = Math.atan2(Math.sin(fit.phase - expectedPhase), Math.cos(fit.phase - expectedPhase));
    expect(Math.abs(error / (2 * Math.PI * TONE_HZ))).toBeLessThan(1e-9);
    expect(fit.amplitude).toBeCloseTo(0.5, 4);
  });
});
