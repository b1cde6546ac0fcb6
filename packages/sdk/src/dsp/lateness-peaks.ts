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
 * back), but stalls that repeat — each within `windowMs` of the one before — are part of the stream, and the
 * target must cover them. {@link heightMs} is the mean of the repeating peaks (the last {@link PEAKS}) from the
 * second on, until `windowMs` passes with none; a peak after such a quiet spell starts afresh.
 *
 * Held from the last peak, not counted in a window: with stalls every 20–40 s, two of them rarely fell in a 60 s
 * window when the next came, and some fall where nothing is sent (the user's turn), so the target had dropped
 * just before most of them. The mean, not the highest: the highest holds the delay at the worst stall seen for as
 * long as stalls go on (Wi-Fi, the bench's tuning seeds: 9 gaps instead of 11, for p95 345 ms instead of 317).
 *
 * Integers (whole ms) in and out: V8 boxes doubles across calls it does not inline. Real-time use: the constructor
 * allocates; the methods allocate nothing.
 */
export class LatenessPeaks {
  readonly #height = new Int32Array(PEAKS);
  readonly #at = new Int32Array(PEAKS);
  readonly #windowMs: number;
  #last = 0;
  #count = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** An arrival `heightMs` late at `atMs` (whole ms) counted as a peak. */
  record(heightMs: number, atMs: number): void {
    const last = this.#last;
    const since = atMs - this.#at[last]!;
    if (this.#count && since < SAME_STALL_MS) {
      if (heightMs > this.#height[last]!) this.#height[last] = heightMs;
      return;
    }
    // Slots fill from 0 after a fresh start, so the first `count` are the peaks remembered.
    if (since > this.#windowMs) this.#count = 0;
    this.#last = this.#count ? (last + 1) % PEAKS : 0;
    this.#height[this.#last] = heightMs;
    this.#at[this.#last] = atMs;
    if (this.#count < PEAKS) this.#count++;
  }

  /** The lateness the target must cover at `nowMs` (whole ms): see the class comment. */
  heightMs(nowMs: number): number {
    const count = this.#count;
    if (count < 2 || nowMs - this.#at[this.#last]! > this.#windowMs) return 0;
    let sum = 0;
    for (let k = 0; k < count; k++) sum += this.#height[k]!;
    return (sum / count) | 0;
  }
}
