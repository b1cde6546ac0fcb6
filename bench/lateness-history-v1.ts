/**
 * How late recent turns' audio arrived, and the playout delay that would have covered it.
 * @module
 */

/** Turns remembered; older ones have decayed away anyway at any sensible half-life. */
const TURNS = 16;

/**
 * The worst lateness of each of the last 16 turns (how far behind its own start an arrival was, see
 * `JitterBuffer`), forgotten with a half-life. The target delay for a new turn derives from the largest
 * remembered lateness, each weighted by 0.5^(age / half-life): one stall raises the next turns' delay at once,
 * and it sinks back when stalls stop, where a percentile would either ignore rare stalls or never forget them.
 *
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class LatenessHistory {
  readonly #lateness = new Float64Array(TURNS);
  readonly #endedAt = new Float64Array(TURNS);
  readonly #halfLifeTicks: number;
  #count = 0;
  #next = 0;

  /** `halfLifeTicks`: in 1/16 ms. */
  constructor(halfLifeTicks: number) {
    this.#halfLifeTicks = halfLifeTicks;
  }

  /** True until the first turn has been recorded. */
  get empty(): boolean {
    return this.#count === 0;
  }

  /**
   * Records a finished turn: its worst lateness and when it ended, in ticks of 1/16 ms (16 kHz samples). Integers
   * at the call boundary because V8 boxes a double argument of a call it does not inline: an allocation.
   */
  record(latenessTicks: number, endedAtTicks: number): void {
    this.#lateness[this.#next] = latenessTicks;
    this.#endedAt[this.#next] = endedAtTicks;
    this.#next = (this.#next + 1) % TURNS;
    if (this.#count < TURNS) this.#count++;
  }

  /** The largest remembered lateness at `nowTicks`, each turn's weighted by its age; in whole ticks. */
  worstTicks(nowTicks: number): number {
    let worst = 0;
    for (let i = 0; i < this.#count; i++) {
      const age = Math.max(0, nowTicks - this.#endedAt[i]!);
      worst = Math.max(worst, this.#lateness[i]! * 0.5 ** (age / this.#halfLifeTicks));
    }
    return Math.round(worst);
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
