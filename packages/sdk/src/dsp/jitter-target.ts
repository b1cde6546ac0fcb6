/**
 * The jitter buffer's target policy: turns, the lateness of their arrivals, and the delay learned from it.
 * @module
 */
import { DriftEstimator } from './drift-estimator.ts';
import { JITTER_BUFFER_RATE, type JitterBufferOptions } from './jitter-buffer-options.ts';
import { LatenessQuantile } from './lateness-quantile.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;
/** Media (samples) the lateness quantile must have seen before it sets the target: 1 s. */
const MIN_MEDIA = JITTER_BUFFER_RATE;

/**
 * Turns and their clocks (see `JitterBuffer`). A turn's clock is its first arrival plus the media received; the
 * lateness of an arrival is how far behind that clock it came (0 if early). Every arrival's lateness, weighted by its length,
 * goes into a `LatenessQuantile` that forgets with `latenessHalfLifeMs` of media; the target is its
 * `latenessQuantile` × (1 + `headroom`) + `marginMs`, within [`minTargetMs`, `maxTargetMs`] (the conversational
 * budget, not a figure tuned to a bench), updated at every arrival. A `DriftEstimator` follows the sender's clock.
 *
 * Times cross calls in fields (`arrivalMs`), not arguments: V8 boxes a double passed to a call it does not inline.
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class JitterTarget {
  readonly #options: JitterBufferOptions;
  readonly #lateness: LatenessQuantile;
  readonly #permille: number;
  readonly #floorPermille: number;
  readonly drift = new DriftEstimator();

  /** The arrival time of the push being handled; set before {@link arrive}. */
  arrivalMs = 0;
  /** The target delay, whole ms. */
  targetMs = 0;
  /**
   * The delay the speed policy gives back down to, whole ms: the same formula at the `giveBackQuantile` — a stall
   * that is rare in the stream raises the start delay of later turns, but within a turn it is played back out.
   */
  floorMs = 0;
  turnOpen = false;
  /** The open turn's first arrival, ms. Starts as a number: see the class comment. */
  turnFirstArrivalMs = 0;
  /** The same in 1/16 ms, rounded: an integer for the playout's arithmetic. */
  turnFirstArrivalTicks = 0;
  /** Media received in the open turn, samples. */
  turnMedia = 0;
  /** The play position (played samples) of the open turn's first sample. */
  turnStartPosition = 0;
  lastArrivalMs = 0;
  #turnLargestChunk = 0;
  #previousLargestChunk = 0;

  constructor(options: JitterBufferOptions) {
    this.#options = options;
    this.#lateness = new LatenessQuantile(options.latenessHalfLifeMs * SAMPLES_PER_MS);
    this.#permille = Math.round(options.latenessQuantile * 1000);
    this.#floorPermille = Math.round(options.giveBackQuantile * 1000);
    this.targetMs = this.floorMs = Math.round(options.initialTargetMs);
  }

  /** The largest chunk of this turn or the last one, samples: the size of the source's bursts. */
  get largestChunk(): number {
    return Math.max(this.#turnLargestChunk, this.#previousLargestChunk);
  }

  /**
   * `length` samples arrived at `arrivalMs`; `idle`: the buffer has nothing to play (the last turn, if any, is
   * over); `position`: the play position the first of them will have. Returns true when a new turn opened.
   */
  arrive(length: number, idle: boolean, position: number): boolean {
    const arrivalMs = this.arrivalMs;
    if (this.turnOpen && idle) {
      // The last turn ended (the queue stayed empty for turnGapMs). If this audio is only a little behind that
      // turn's clock it was a stall: learn from it, then start afresh either way.
      const lateness = arrivalMs - this.turnFirstArrivalMs - this.turnMedia / SAMPLES_PER_MS;
      if (lateness <= this.#options.maxLatenessMs) this.#learn(Math.round(lateness * SAMPLES_PER_MS), length);
      this.closeTurn();
    }
    const opened = !this.turnOpen;
    if (opened) {
      this.#openTurn(position);
      this.#learn(0, length);
    } else {
      const lateness = arrivalMs - this.turnFirstArrivalMs - this.turnMedia / SAMPLES_PER_MS;
      // Early audio (a source ahead of real time) counts as on time.
      this.#learn(Math.max(0, Math.round(lateness * SAMPLES_PER_MS)), length);
      this.drift.observe(Math.round(lateness * SAMPLES_PER_MS), this.turnMedia);
    }
    this.turnMedia += length;
    if (length > this.#turnLargestChunk) this.#turnLargestChunk = length;
    this.lastArrivalMs = arrivalMs;
    return opened;
  }

  closeTurn(): void {
    if (!this.turnOpen) return;
    this.turnOpen = false;
    this.#previousLargestChunk = this.#turnLargestChunk;
  }

  reset(): void {
    this.turnOpen = false;
    this.#previousLargestChunk = 0;
    this.#lateness.clear();
    this.targetMs = this.floorMs = Math.round(this.#options.initialTargetMs);
  }

  /** One arrival's lateness (16 kHz samples, the turn's least taken off) weighted by its `length`. */
  #learn(latenessSamples: number, length: number): void {
    const o = this.#options;
    this.#lateness.record(latenessSamples, length);
    // A quantile of less than a second of audio says little: the initial target holds until then.
    if (this.#lateness.recorded < MIN_MEDIA) return;
    const quantile = this.#lateness.quantile(this.#permille) / SAMPLES_PER_MS;
    // Whole ms: plenty for a delay, and a small integer for readStats.
    this.targetMs = Math.round(Math.min(o.maxTargetMs, Math.max(o.minTargetMs, quantile * (1 + o.headroom) + o.marginMs)));
    const floor = this.#lateness.quantile(this.#floorPermille) / SAMPLES_PER_MS;
    this.floorMs = Math.round(Math.min(this.targetMs, Math.max(o.minTargetMs, floor * (1 + o.headroom) + o.marginMs)));
  }

  #openTurn(position: number): void {
    this.turnOpen = true;
    this.turnFirstArrivalMs = this.arrivalMs;
    this.turnFirstArrivalTicks = Math.round(this.arrivalMs * SAMPLES_PER_MS);
    this.turnMedia = 0;
    this.turnStartPosition = position;
    this.#turnLargestChunk = 0;
    this.drift.reset();
    this.drift.observe(0, 0);
  }
}
