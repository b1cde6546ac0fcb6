/**
 * The jitter buffer's speed policy: how fast to play so that the delay settles at the target.
 * @module
 */
import { JITTER_BUFFER_RATE } from './jitter-buffer-options.ts';
import type { JitterTarget } from './jitter-target.ts';
import { STRETCH } from './time-stretcher.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;
/** "Not reached": a large Smi (below V8's largest, 2^30 − 1), so the fields stay small integers; short in the bundle. */
const NO_MINIMUM = 1e9;
/** Queue kept under the least recent level when giving delay back: 10 ms. */
const CUSHION = 160;
/** Excess (16 kHz samples) that starts giving back (20 ms), and where it stops (5 ms). */
const START_ABOVE = 320;
const STOP_BELOW = 80;
/** Excess at which the speed-up is full (100 ms); below it, proportional. */
const FULL_AT = 1600;
/** Least-queue window bounds: 300 ms – 2 s, otherwise two of the source's largest chunks. */
const WINDOW_MIN = 4800;
const WINDOW_MAX = 32_000;
/** Low water (where slowing down starts): half the target, at least 10 ms. */
const LOW_WATER_MIN = 160;

/**
 * Decides the speed asked of the `TimeStretcher` once per pull, from two views of the excess delay:
 * - the delay of what is playing against its turn's clock, minus the target (`delayExcessSamples`, set by the
 *   buffer): how much later than needed the listener hears it;
 * - the least the queue held over a recent window (two of the source's largest chunks, 0.3–2 s), beyond the
 *   target (at least a 10 ms cushion): how much of the queue was never needed.
 * Only when both exceed 20 ms is delay given back (up to 15 % faster, full at 100 ms of excess, until 5 ms are
 * left): a source ahead of real time fills the queue without being late, and a slow one is late with a short
 * queue, and neither is excess. When the queue falls under low water (half the target, at least 10 ms) it asks
 * for up to 15 % slower (full at a quarter of the target), so the queue lasts until the late chunk comes, and a
 * source slower than real time (TTS at 0.9×) is met half way instead of running dry.
 *
 * Integers in, a field out (V8 boxes doubles across calls it does not inline). Allocates nothing.
 */
export class PlayoutSpeed {
  /** The change of speed to ask for, as the stretcher's `desiredStretch` (1 / SPEED_ONE units). */
  desiredStretch = 0;
  #elapsed = 0;
  #least = NO_MINIMUM;
  #leastBefore = NO_MINIMUM;
  #givingBack = false;

  /**
   * Sets {@link desiredStretch} for the pull of `length` samples at `nowMs` (whole ms: an integer across the call),
   * `played` and `queued` the buffer's positions; `steady`: playing a turn with time stretch on (anything else
   * starts afresh, at 1). A field out, not a return value: V8 boxes a double returned by a call it does not inline.
   */
  steer(steady: boolean, target: JitterTarget, played: number, queued: number, length: number, nowMs: number): void {
    if (!steady) {
      // Anything but steady playing (waiting, a dry spell, a flush) starts afresh.
      this.#elapsed = 0;
      this.#least = this.#leastBefore = NO_MINIMUM;
      this.#givingBack = false;
      this.desiredStretch = 0;
      return;
    }
    // In samples, integers when the clock is whole ms (as the worklet's is): the target, and the delay of the
    // sample playing now against its turn's clock (which follows a sender clock that runs fast: see JitterTarget).
    const targetSamples = target.targetMs * SAMPLES_PER_MS;
    const delay = nowMs * SAMPLES_PER_MS - target.turnFirstArrivalTicks - (played - target.turnStartPosition);
    if (queued < this.#least) this.#least = queued;
    this.#elapsed += length;
    const window = Math.min(WINDOW_MAX, Math.max(WINDOW_MIN, 2 * target.largestChunk));
    if (2 * this.#elapsed >= window) {
      this.#leastBefore = this.#least;
      this.#least = queued;
      this.#elapsed = 0;
    }
    const least = Math.min(this.#least, this.#leastBefore);
    const excess = Math.min(delay - targetSamples, least - Math.max(CUSHION, targetSamples));
    this.#givingBack = excess > (this.#givingBack ? STOP_BELOW : START_ABOVE);
    const lowWater = Math.max(LOW_WATER_MIN, targetSamples >> 1);
    // Integer selects, then one formula that always runs: a branch taken rarely would run unoptimised and box.
    const faster = this.#givingBack ? Math.min(FULL_AT, excess) : 0;
    const slower = !this.#givingBack && queued < lowWater ? Math.min(lowWater, 2 * (lowWater - queued)) : 0;
    this.desiredStretch = Math.round(STRETCH * (faster / FULL_AT - slower / lowWater));
  }
}
