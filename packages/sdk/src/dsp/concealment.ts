/**
 * Concealment of a gap in speech: the last pitch period played on, then faded, instead of a cut to silence.
 * @module
 */
import { bestPeriod, MATCH_LENGTH, MAX_PERIOD } from './pitch-period.ts';

/** Output samples at full level before the fade (15 ms): a short gap is bridged with no dip at all. */
const HOLD = 240;
/** Output samples of the fade to silence after that (50 ms): a longer gap sounds like a pause, not a buzz. */
const FADE = 800;
/** The longest a concealment plays (hold + fade, 65 ms): also the tail after a stream's last sample, which the buffer cannot tell from a late packet. */
export const CONCEALMENT_SAMPLES = HOLD + FADE;
/** History the period is searched in: the last MAX_PERIOD + MATCH_LENGTH samples played. */
export const CONCEALMENT_HISTORY = MAX_PERIOD + MATCH_LENGTH;

/**
 * When the queue runs dry mid-speech, repeats the last pitch period of what was played (found by correlation, so
 * the repetition is in phase and the pitch stays), at full level for 15 ms, then fading to 0 over 50 ms. The
 * caller cross-fades out of it when audio returns (`TimeStretcher`). Voiceless or silent history gives silence
 * quickly enough anyway: its period is arbitrary, its level low.
 *
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class Concealment {
  /** The played-audio ring the cycle is read from (nothing is played, so nothing is written to it, meanwhile). */
  readonly #history: Float32Array;
  readonly #mask: number;
  #start = 0;
  #period = 1;
  #phase = 0;
  #age = 0;

  /** `history`: a ring of the samples played, its length a power of two. */
  constructor(history: Float32Array) {
    this.#history = history;
    this.#mask = history.length - 1;
  }

  /**
   * Starts concealing after `window[0 … CONCEALMENT_HISTORY)`, a copy of the last samples played (full scale 1),
   * which end at `historyEnd` in the history ring; with silence when `silent`. No copy: the cycle is read from the
   * ring (cold code that moves doubles would allocate).
   */
  begin(window: Float32Array, historyEnd: number, silent: boolean): void {
    this.#phase = 0;
    if (silent) {
      this.mute();
      return;
    }
    const period = bestPeriod(window, CONCEALMENT_HISTORY - MATCH_LENGTH, -1);
    this.#start = (historyEnd - period) & this.#mask;
    this.#period = period;
    this.#age = 0;
  }

  /** Conceals from silence (a turn's start): `next()` gives 0 until the next `begin`. */
  mute(): void {
    this.#period = 1;
    this.#phase = 0;
    this.#age = HOLD + FADE;
  }

  /** Whether the concealment has faded out completely. */
  get silent(): boolean {
    return this.#age >= HOLD + FADE;
  }

  /** Writes the next `count` concealment samples into `out[start …)`. */
  fill(out: Float32Array, start: number, count: number): void {
    for (let n = start; n < start + count; n++) {
      const age = this.#age;
      if (age >= HOLD + FADE) {
        out[n] = 0;
        continue;
      }
      this.#age = age + 1;
      const value = this.#history[(this.#start + this.#phase) & this.#mask]!;
      this.#phase = this.#phase + 1 === this.#period ? 0 : this.#phase + 1;
      out[n] = age < HOLD ? value : (value * (HOLD + FADE - age)) / FADE;
    }
  }
}
