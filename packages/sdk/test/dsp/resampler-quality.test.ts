/**
 * Resampler quality against the limits, measured with tones through `process()` (support/resampler-quality.ts).
 * Coarser frequency grids than `pnpm bench resampler`, which sweeps finely and prints the figures.
 * Each limit is also run against linear interpolation, to show the measurement catches what it should.
 */
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/dsp/resampler.ts';
import { LinearResampler } from '../support/baseline-resamplers.ts';
import {
  aliasLevelDb,
  frequencyGrid,
  gainDb,
  imageLevelDb,
  measuredDelaySeconds,
  passbandDeviation,
  sinadAfterInt16Db,
  worstOver,
} from '../support/resampler-quality.ts';

const ours = (inputRate: number, outputRate: number) => new Resampler(inputRate, outputRate);
const linear = (inputRate: number, outputRate: number) => new LinearResampler(inputRate, outputRate);

describe.each([44_100, 48_000])('downsampling %i → 16000 Hz', (rate) => {
  it('is flat within ±0.1 dB from 50 Hz to 7 kHz', () => {
    const worst = passbandDeviation(ours, rate, 16_000, [50, 100, ...frequencyGrid(250, 7_000, 250)]);
    expect(Math.abs(worst.db)).toBeLessThan(0.1);
  });

  it('attenuates tones from 8 to 9 kHz by ≥ 90 dB and tones from 9 kHz up (aliasing into 0–7 kHz) by ≥ 100 dB', () => {
    expect(worstOver(frequencyGrid(8_000, 8_900, 100), (hz) => aliasLevelDb(ours, rate, 16_000, hz)).db).toBeLessThan(-90);
    expect(worstOver(frequencyGrid(9_000, rate / 2 - 100, 500), (hz) => aliasLevelDb(ours, rate, 16_000, hz)).db).toBeLessThan(-100);
  });

  it('keeps 16-bit quality: SINAD ≥ 96.5 dB for 997 Hz at −1 dBFS after Int16 quantisation', () => {
    expect(sinadAfterInt16Db(ours, rate, 16_000, 997)).toBeGreaterThanOrEqual(96.5);
  });

  it('delays by what it declares, at most 3 ms', () => {
    const resampler = ours(rate, 16_000);
    expect(measuredDelaySeconds(ours, rate, 16_000)).toBeCloseTo(resampler.delaySeconds, 6);
    expect(resampler.delaySeconds).toBeLessThanOrEqual(0.003);
  });

  it('(the same measurements fail linear interpolation: aliases near 0 dB, 7 kHz rolled off)', () => {
    expect(aliasLevelDb(linear, rate, 16_000, 12_000)).toBeGreaterThan(-20);
    if (rate === 44_100) expect(gainDb(linear, rate, 16_000, 7_000)).toBeLessThan(-0.1);
  });
});

describe.each([44_100, 48_000])('upsampling 16000 → %i Hz', (rate) => {
  it('is flat within ±0.1 dB from 50 Hz to 7 kHz', () => {
    const worst = passbandDeviation(ours, 16_000, rate, [50, 100, ...frequencyGrid(250, 7_000, 250)]);
    expect(Math.abs(worst.db)).toBeLessThan(0.1);
  });

  it('leaves images above 8 kHz ≥ 90 dB below the tone', () => {
    expect(worstOver([...frequencyGrid(100, 7_000, 700), 7_500, 7_900], (hz) => imageLevelDb(ours, 16_000, rate, hz)).db).toBeLessThan(-90);
  });

  it('keeps 16-bit quality: SINAD ≥ 96.5 dB for an Int16 997 Hz tone at −1 dBFS', () => {
    expect(sinadAfterInt16Db(ours, 16_000, rate, 997)).toBeGreaterThanOrEqual(96.5);
  });

  it('delays by what it declares, at most 3 ms', () => {
    expect(measuredDelaySeconds(ours, 16_000, rate)).toBeCloseTo(ours(16_000, rate).delaySeconds, 6);
  });

  it('(the same measurements fail linear interpolation: images above −50 dB)', () => {
    expect(imageLevelDb(linear, 16_000, rate, 5_000)).toBeGreaterThan(-50);
  });
});

describe.each([8_000, 22_050, 24_000, 32_000, 88_200, 96_000])('every other input rate: %i → 16000 Hz', (rate) => {
  it('passes 1 kHz at unity gain and rejects a tone above its passband', () => {
    expect(Math.abs(gainDb(ours, rate, 16_000, 1_000))).toBeLessThan(0.1);
    // A tone the lower Nyquist frequency would fold: 0.45 of the input rate when downsampling.
    if (rate > 16_000) expect(aliasLevelDb(ours, rate, 16_000, Math.round(rate * 0.45))).toBeLessThan(-100);
    else expect(imageLevelDb(ours, rate, 16_000, 1_000)).toBeLessThan(-90);
  });
});
