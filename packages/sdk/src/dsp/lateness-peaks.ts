/**
 * Stalls in a stream's lateness: arrivals far later than its usual jitter, remembered by when they happened.
 * @module
 */

/** Peaks remembered: more than can fall in any sensible window. */
const PEAKS = 8;
/** Late arrivals within this many ms of a peak are the same stall (its burst of held-back chunks). */
const SAME_STALL_MS = 1000;

/**
 * The idea of WebRTC NetEq's `DelayPeakDetector`: one stall is an outlier to ride out (conceal, then give the delay
 * back), but stalls that repeat — two or more within `windowMs` of each other — are part of the stream, and the
 * target must cover them. {@link heightMs} is the highest peak of the window while at least two peaks fall in
 * it, else 0; once the stalls stop, it drops to 0 a window after the last but one.
 *
 * Integers (whole ms) in and out: V8 boxes doubles across calls it does not inline. Real-time use: the constructor
 * allocates; the methods allocate nothing.
 */
export class LatenessPeaks {
  readonly #height = new Int32Array(PEAKS);
  readonly #at = new Int32Array(PEAKS);
  readonly #windowMs: number;
  #last = -1;
  #count = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** An arrival `heightMs` late at `atMs` (whole ms) counted as a peak. */
  record(heightMs: number, atMs: number): void {
    const last = this.#last;
    if (last >= 0 && atMs - this.#at[last]! < SAME_STALL_MS) {
      if (heightMs > this.#height[last]!) this.#height[last] = heightMs;
      return;
    }
    this.#last = (last + 1) % PEAKS;
    this.#height[this.#last] = heightMs;
    this.#at[this.#last] = atMs;
    if (this.#count < PEAKS) this.#count++;
  }

  /** The lateness the target must cover at `nowMs` (whole ms): see the class comment. */
  heightMs(nowMs: number): number {
    let found = 0;
    let highest = 0;
    for (let k = 0; k < this.#count; k++) {
      if (nowMs - this.#at[k]! > this.#windowMs) continue;
      found++;
      if (this.#height[k]! > highest) highest = this.#height[k]!;
    }
    return found >= 2 ? highest : 0;
  }
}
