/** LevelMeter: RMS and peak in dBFS over windows, whatever the push sizes. */
import { describe, expect, it } from 'vitest';
import { LevelMeter } from '../../src/dsp/level-meter.ts';
import { randomInt, seededRandom, tone } from '../support/signal.ts';

describe('LevelMeter', () => {
  it('reads a full-scale sine as −3.01 dB RMS and 0 dB peak, and a −20 dB sine 20 dB lower', () => {
    for (const [amplitude, rmsDb, peakDb] of [
      [1, -3.0103, 0],
      [0.1, -23.0103, -20],
    ] as const) {
      const meter = new LevelMeter(640);
      // 1 kHz at 16 kHz: 40 whole periods per window, so RMS is exact; phase chosen so a peak lands on a sample.
      expect(meter.push(tone({ frequency: 1_000, sampleRate: 16_000, length: 640, amplitude }), 0, 640)).toBe(true);
      expect(meter.rmsDb).toBeCloseTo(rmsDb, 3);
      expect(meter.peakDb).toBeCloseTo(peakDb, 5);
    }
  });

  it('gives the same windows for seeded random push sizes as for one push, reporting each completed window', () => {
    const signal = tone({ frequency: 440, sampleRate: 16_000, length: 16_000, amplitude: 0.5 });
    for (let i = 0; i < signal.length; i++) signal[i]! *= i / signal.length; // a rising level, so windows differ
    const reference: number[] = [];
    const single = new LevelMeter(500);
    for (let at = 0; at < signal.length; at += 500) {
      single.push(signal, at, 500);
      reference.push(single.rmsDb, single.peakDb);
    }
    const random = seededRandom(3);
    const meter = new LevelMeter(500);
    const seen: number[] = [];
    let windows = 0;
    for (let at = 0; at < signal.length; ) {
      const n = Math.min(signal.length - at, randomInt(random, 1, 499));
      const before = Math.floor(at / 500);
      const completed = meter.push(signal, at, n);
      at += n;
      expect(completed).toBe(Math.floor(at / 500) > before);
      if (completed) {
        windows++;
        seen.push(meter.rmsDb, meter.peakDb);
      }
    }
    expect(windows).toBe(32);
    expect(seen).toEqual(reference);
  });

  it('reads −Infinity for digital silence and before the first window', () => {
    const meter = new LevelMeter(100);
    expect(meter.rmsDb).toBe(Number.NEGATIVE_INFINITY);
    meter.push(new Float32Array(100), 0, 100);
    expect(meter.rmsDb).toBe(Number.NEGATIVE_INFINITY);
    expect(meter.peakDb).toBe(Number.NEGATIVE_INFINITY);
    expect(() => new LevelMeter(0)).toThrow(RangeError);
  });
});
