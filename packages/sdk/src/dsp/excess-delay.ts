/**
 * The jitter buffer's excess-delay meter: how much of the queue was never needed, measured in windows of wall time.
 * @module
 */

/**
 * Wall time (16 kHz samples) of one measurement window: 4 of the turn's largest chunks (so its inflow is a fair
 * measure of the source's pace), within 1–2.5 s (a backlog released in one go is not a chunk size).
 */
const WINDOW_MIN_SAMPLES = 16_000;
const WINDOW_MAX_SAMPLES = 40_000;
/** Consecutive real-time-paced windows needed before giving back: a source ahead of real time is not excess. */
const STEADY_WINDOWS = 2;
/** Excess the queue must show before any is given back: max(20 ms, a quarter of the target). */
const HYSTERESIS_SAMPLES = 320;
/** "Not reached": a large Smi, so the fields stay small integers. */
const NO_MINIMUM = 0x3fffffff;

/**
 * While the buffer plays steadily, measures per window the least the queue held and how much audio came in. After
 * `STEADY_WINDOWS` windows in a row in which the source kept real-time pace (¾ to 4/3 of the window came in) and
 * the least queue exceeded target + max(20 ms, 25 %), it grants a `budget` of (least queue − target) samples to
 * give back, then measures afresh. The least queue is what was left just before arrivals, so the jitter cushion
 * the target bought stays; only what was never needed is given back.
 *
 * Integers only. Real-time use: allocates nothing.
 */
export class ExcessDelay {
  /** Samples the buffer may still give back. */
  budget = 0;
  #elapsed = 0;
  #leastQueued = NO_MINIMUM;
  #startReceived = 0;
  #given = 0;
  #steadyWindows = 0;

  /**
   * One pull of `length` output samples while playing steadily, with `queued` samples in the queue, `received`
   * so far, the source's `largestChunk` and the target, all in samples.
   */
  measure(length: number, queued: number, received: number, largestChunk: number, target: number): void {
    if (queued < this.#leastQueued) this.#leastQueued = queued;
    this.#elapsed += length;
    const window = Math.min(WINDOW_MAX_SAMPLES, Math.max(WINDOW_MIN_SAMPLES, 4 * largestChunk));
    if (this.#elapsed < window) return;
    const inflow = received - this.#startReceived;
    const elapsed = this.#elapsed;
    // Real-time pace: ¾ to 4/3 of the window's wall time came in as audio.
    const steady = 4 * inflow >= 3 * elapsed && 3 * inflow <= 4 * elapsed;
    this.#steadyWindows = steady ? this.#steadyWindows + 1 : 0;
    const hysteresis = Math.max(HYSTERESIS_SAMPLES, target >> 2);
    // The least queue was seen before some of this window's giving back: count that off it.
    const least = this.#leastQueued - this.#given;
    this.budget = this.#steadyWindows >= STEADY_WINDOWS && least > target + hysteresis ? least - target : 0;
    this.#elapsed = 0;
    this.#leastQueued = NO_MINIMUM;
    this.#startReceived = received;
    this.#given = 0;
  }

  /** `count` samples of the budget were given back. */
  take(count: number): void {
    this.budget -= count;
    this.#given += count;
  }

  /** Anything but steady playing (waiting, a dry spell, a flush) starts the measurement afresh. */
  restart(received: number): void {
    this.#elapsed = this.#given = this.#steadyWindows = this.budget = 0;
    this.#leastQueued = NO_MINIMUM;
    this.#startReceived = received;
  }
}
