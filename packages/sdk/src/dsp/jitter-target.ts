/**
 * The jitter buffer's target policy: turns, the lateness of their arrivals, and the start delay learned from it.
 * @module
 */
import { DriftEstimator } from './drift-estimator.ts';
import { JITTER_BUFFER_RATE, type JitterBufferOptions } from './jitter-buffer-options.ts';
import { LatenessHistory } from './lateness-history.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;

/**
 * Turns and their clocks (see `JitterBuffer`). A turn's clock is its first arrival plus the media received; the
 * lateness of an arrival is how far behind that clock it came. A turn's worst lateness goes into a
 * `LatenessHistory`, and each new turn's target is the decayed worst of recent turns × (1 + `headroom`) +
 * `marginMs`, within [`minTargetMs`, `maxTargetMs`]. A `DriftEstimator` follows the sender's clock within a turn.
 *
 * Times cross calls in fields (`arrivalMs`), not arguments: V8 boxes a double passed to a call it does not inline.
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class JitterTarget {
  readonly #options: JitterBufferOptions;
  readonly #history: LatenessHistory;
  readonly drift = new DriftEstimator();

  /** The arrival time of the push being handled; set before {@link arrive}. */
  arrivalMs = 0;
  /** The current (or next) turn's start delay, whole ms. Starts as a number: see the class comment. */
  targetMs = 0;
  turnOpen = false;
  /** Media received in the open turn, samples. */
  turnMedia = 0;
  lastArrivalMs = 0;
  #turnFirstArrivalMs = 0;
  #turnWorstLateness = 0;
  #turnLargestChunk = 0;
  #previousLargestChunk = 0;

  constructor(options: JitterBufferOptions) {
    this.#options = options;
    this.#history = new LatenessHistory(options.latenessHalfLifeMs * SAMPLES_PER_MS);
    this.targetMs = Math.round(options.initialTargetMs);
  }

  /** The largest chunk of this turn or the last one, samples: the size of the source's bursts. */
  get largestChunk(): number {
    return Math.max(this.#turnLargestChunk, this.#previousLargestChunk);
  }

  /**
   * `length` samples arrived at `arrivalMs`; `idle`: the buffer has nothing to play (the last turn, if any, is
   * over). Returns true when this arrival opened a new turn.
   */
  arrive(length: number, idle: boolean): boolean {
    const arrivalMs = this.arrivalMs;
    if (this.turnOpen && idle) {
      // The last turn ended (the queue stayed empty for turnGapMs). If this audio is only a little behind that
      // turn's clock it was a stall: learn from it, then start afresh either way.
      const lateness = arrivalMs - this.#turnFirstArrivalMs - this.turnMedia / SAMPLES_PER_MS;
      if (lateness <= this.#options.maxLatenessMs) this.#turnWorstLateness = Math.max(this.#turnWorstLateness, lateness);
      this.closeTurn(Math.round(arrivalMs * SAMPLES_PER_MS));
    }
    const opened = !this.turnOpen;
    if (opened) this.#openTurn();
    else {
      const lateness = arrivalMs - this.#turnFirstArrivalMs - this.turnMedia / SAMPLES_PER_MS;
      if (lateness > this.#turnWorstLateness) this.#turnWorstLateness = lateness;
      this.drift.observe(Math.round(lateness * SAMPLES_PER_MS), this.turnMedia);
    }
    this.turnMedia += length;
    if (length > this.#turnLargestChunk) this.#turnLargestChunk = length;
    this.lastArrivalMs = arrivalMs;
    return opened;
  }

  /** Closes the open turn (if any), recording its worst lateness as of `endTicks` (1/16 ms). */
  closeTurn(endTicks: number): void {
    if (!this.turnOpen) return;
    this.turnOpen = false;
    this.#history.record(Math.round(Math.max(0, this.#turnWorstLateness) * SAMPLES_PER_MS), endTicks);
    this.#previousLargestChunk = this.#turnLargestChunk;
  }

  reset(): void {
    this.turnOpen = false;
    this.#previousLargestChunk = 0;
    this.#history.clear();
    this.targetMs = Math.round(this.#options.initialTargetMs);
  }

  /** Opens a turn at `arrivalMs`, with its target from the lateness of recent turns. */
  #openTurn(): void {
    const o = this.#options;
    const arrivalMs = this.arrivalMs;
    this.turnOpen = true;
    this.#turnFirstArrivalMs = arrivalMs;
    this.turnMedia = 0;
    this.#turnWorstLateness = 0;
    this.#turnLargestChunk = 0;
    this.drift.reset();
    this.drift.observe(0, 0);
    const worst = this.#history.worstTicks(Math.round(arrivalMs * SAMPLES_PER_MS)) / SAMPLES_PER_MS;
    const learned = this.#history.empty ? o.initialTargetMs : worst * (1 + o.headroom) + o.marginMs;
    // Whole ms: plenty for a start delay, and a small integer for readStats.
    this.targetMs = Math.round(Math.min(o.maxTargetMs, Math.max(o.minTargetMs, learned)));
  }
}
