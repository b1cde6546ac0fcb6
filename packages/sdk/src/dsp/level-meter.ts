/**
 * RMS and peak level over fixed windows, in dBFS.
 * @module
 */
import { CHECK_ARGUMENTS } from './argument-checks.ts';

/** A linear amplitude in dB relative to full scale (−Infinity for 0). */
export function toDbfs(amplitude: number): number {
  return 20 * Math.log10(amplitude);
}

/**
 * Measures consecutive windows of `windowSamples` samples. After each complete window, {@link rmsDb} and
 * {@link peakDb} hold that window's levels: RMS relative to a full-scale square wave (a full-scale sine reads
 * −3.01 dB) and the largest |sample|. Both are −Infinity for digital silence, and before the first window.
 *
 * Allocates nothing after construction.
 */
export class LevelMeter {
  readonly windowSamples: number;
  #sumSquares = 0;
  #peak = 0;
  #count = 0;
  #rmsDb = Number.NEGATIVE_INFINITY;
  #peakDb = Number.NEGATIVE_INFINITY;

  /** Throws a RangeError unless `windowSamples` is a positive integer. */
  constructor(windowSamples: number) {
    if (CHECK_ARGUMENTS && !(Number.isInteger(windowSamples) && windowSamples > 0))
      throw new RangeError(`windowSamples must be a positive integer, got ${windowSamples}`);
    this.windowSamples = windowSamples;
  }

  /** RMS level of the last complete window, dBFS. */
  get rmsDb(): number {
    return this.#rmsDb;
  }

  /** Peak level of the last complete window, dBFS. */
  get peakDb(): number {
    return this.#peakDb;
  }

  /** Measures `count` samples from `samples[offset…]`; returns true if at least one window completed. */
  push(samples: Float32Array, offset: number, count: number): boolean {
    let completed = false;
    let done = 0;
    while (done < count) {
      // Measure up to the end of the current window, then close it: the inner loop has no branch on the window.
      const take = Math.min(count - done, this.windowSamples - this.#count);
      const start = offset + done;
      let sumSquares = this.#sumSquares;
      let peak = this.#peak;
      for (let i = start; i < start + take; i++) {
        const x = samples[i]!;
        sumSquares += x * x;
        const magnitude = Math.abs(x);
        if (magnitude > peak) peak = magnitude;
      }
      this.#sumSquares = sumSquares;
      this.#peak = peak;
      this.#count += take;
      done += take;
      if (this.#count === this.windowSamples) {
        this.#closeWindow();
        completed = true;
      }
    }
    return completed;
  }

  #closeWindow(): void {
    // `toDbfs` written out, as in the playback worklet: the same text twice in the worklet bundle, no function.
    this.#rmsDb = 20 * Math.log10(Math.sqrt(this.#sumSquares / this.#count));
    this.#peakDb = 20 * Math.log10(this.#peak);
    this.#sumSquares = 0;
    this.#peak = 0;
    this.#count = 0;
  }

  /** Forgets the partial window and the last levels. */
  reset(): void {
    this.#sumSquares = 0;
    this.#peak = 0;
    this.#count = 0;
    this.#rmsDb = Number.NEGATIVE_INFINITY;
    this.#peakDb = Number.NEGATIVE_INFINITY;
  }
}
