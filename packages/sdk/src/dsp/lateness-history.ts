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
  readonly #endedAtMs = new Float64Array(TURNS);
  readonly #halfLifeMs: number;
  #count = 0;
  #next = 0;

  constructor(halfLifeMs: number) {
    this.#halfLifeMs = halfLifeMs;
  }

  /** True until the first turn has been recorded. */
  get empty(): boolean {
    return this.#count === 0;
  }

  /** Records a finished turn: its worst lateness (ms, ≥ 0) and when it ended. */
  record(latenessMs: number, endedAtMs: number): void {
    this.#lateness[this.#next] = latenessMs;
    this.#endedAtMs[this.#next] = endedAtMs;
    this.#next = (this.#next + 1) % TURNS;
    if (this.#count < TURNS) this.#count++;
  }

  /** The largest remembered lateness at `nowMs`, each turn's weighted by its age (ms). */
  worstMs(nowMs: number): number {
    let worst = 0;
    for (let i = 0; i < this.#count; i++) {
      const age = Math.max(0, nowMs - this.#endedAtMs[i]!);
      worst = Math.max(worst, this.#lateness[i]! * 0.5 ** (age / this.#halfLifeMs));
    }
    return worst;
  }

  clear(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
