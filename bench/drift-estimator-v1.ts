/**
 * Clock drift between the sender and us, seen in the arrival times of one turn.
 * @module
 */

/** "No value yet": a large Smi rather than Infinity, so the fields stay small integers (no boxed doubles). */
const NONE = 0x3fffffff;
/** Media the baseline is taken over, and the length of each later window, in 16 kHz samples (10 s, 5 s). */
const BASELINE_SAMPLES = 160_000;
const WINDOW_SAMPLES = 80_000;

/**
 * If the sender's clock runs ε fast, its audio arrives ε·t earlier than its media time says, and the queue grows
 * by ε·t (100 ppm: 60 ms in 10 minutes). Jitter only ever makes a chunk later, so the least lateness in a window
 * is the clean signal: drift = least lateness of the last ~5–10 s − least lateness of the turn's first 10 s.
 * Negative: audio comes early (drop silence); positive: it comes late (insert silence). Stalls and jitter raise
 * single arrivals, not a window's minimum, so they do not move the estimate.
 *
 * Lateness and drift are in 16 kHz samples (integers): V8 boxes double arguments of calls it does not inline.
 *
 * Real-time use: allocates nothing.
 */
export class DriftEstimator {
  #baseline = NONE;
  #windowMin = NONE;
  #previousWindowMin = NONE;
  #windowEnd = BASELINE_SAMPLES + WINDOW_SAMPLES;

  /** Starts a new turn: its media clock is unrelated to the last one's. */
  reset(): void {
    this.#baseline = NONE;
    this.#windowMin = NONE;
    this.#previousWindowMin = NONE;
    this.#windowEnd = BASELINE_SAMPLES + WINDOW_SAMPLES;
  }

  /** One arrival: its lateness and the turn's media position of its first sample, both in 16 kHz samples. */
  observe(lateness: number, mediaSamples: number): void {
    if (mediaSamples < BASELINE_SAMPLES) {
      this.#baseline = Math.min(this.#baseline, lateness);
      return;
    }
    while (mediaSamples >= this.#windowEnd) {
      if (this.#windowMin !== NONE) this.#previousWindowMin = this.#windowMin;
      this.#windowMin = NONE;
      this.#windowEnd += WINDOW_SAMPLES;
    }
    this.#windowMin = Math.min(this.#windowMin, lateness);
  }

  /** The drift so far in samples; 0 until the baseline and one full window have been seen. */
  get driftSamples(): number {
    if (this.#previousWindowMin === NONE || this.#baseline === NONE) return 0;
    return Math.min(this.#previousWindowMin, this.#windowMin) - this.#baseline;
  }
}
