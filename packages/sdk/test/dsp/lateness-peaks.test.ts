/** Stall peaks: a single stall is ignored, repeating ones are covered at their mean while they keep coming. */
import { describe, expect, it } from 'vitest';
import { LatenessPeaks } from '../../src/dsp/lateness-peaks.ts';

describe('LatenessPeaks', () => {
  it('covers nothing for one stall, the mean from the second, held from the last one for a window', () => {
    const peaks = new LatenessPeaks(60_000);
    peaks.record(200, 10_000);
    expect(peaks.heightMs(10_500)).toBe(0);
    // The rest of the same stall's burst raises its height, not the count.
    peaks.record(250, 10_400);
    expect(peaks.heightMs(10_500)).toBe(0);
    peaks.record(450, 50_000);
    expect(peaks.heightMs(50_000)).toBe(350);
    // Held a window after the last peak, though the first has long left it.
    expect(peaks.heightMs(110_000)).toBe(350);
    expect(peaks.heightMs(110_001)).toBe(0);
    peaks.record(300, 100_000);
    expect(peaks.heightMs(150_000)).toBe(333);
  });

  it('starts afresh after a window with no stall', () => {
    const peaks = new LatenessPeaks(60_000);
    peaks.record(400, 10_000);
    peaks.record(400, 40_000);
    expect(peaks.heightMs(40_000)).toBe(400);
    peaks.record(200, 100_001);
    expect(peaks.heightMs(100_001)).toBe(0);
    peaks.record(300, 120_000);
    expect(peaks.heightMs(120_000)).toBe(250);
  });

  it('remembers the last 8 peaks', () => {
    const peaks = new LatenessPeaks(60_000);
    for (let k = 0; k < 8; k++) peaks.record(1000, 10_000 * (k + 1));
    for (let k = 8; k < 16; k++) peaks.record(200, 10_000 * (k + 1));
    expect(peaks.heightMs(160_000)).toBe(200);
  });
});
