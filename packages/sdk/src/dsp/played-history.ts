/**
 * The last samples played from the source, for the time stretcher's expands and the concealment.
 * @module
 */
import { INT16_SCALE } from './pcm.ts';

/** Samples kept: a power of two, more than any look-back (`CONCEALMENT_HISTORY`). */
const HISTORY = 1024;

/**
 * A ring of the source samples taken off the queue, as Float32 (full scale 1: what expands and the concealment
 * read) and as Int16 (what the silence checks read: Smis, so those allocate nothing even when they run
 * unoptimised, as rare accelerates and expands do, where every Float32 read is a boxed number).
 *
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class PlayedHistory {
  readonly samples = new Float32Array(HISTORY);
  readonly #int16 = new Int16Array(HISTORY);
  /** Where the next sample goes: the end of the history. */
  end = 0;

  /** Appends one sample (Int16). */
  write(value: number): void {
    this.samples[this.end] = value / INT16_SCALE;
    this.#int16[this.end] = value;
    this.end = (this.end + 1) & (HISTORY - 1);
  }

  /** The last `count` samples into `into[0 … count)` (zeros before the first). */
  load(into: Float32Array, count: number): void {
    let read = (this.end - count) & (HISTORY - 1);
    for (let n = 0; n < count; n++) {
      into[n] = this.samples[read]!;
      read = (read + 1) & (HISTORY - 1);
    }
  }

  /** Whether the last `count` samples stay within `silence` (an Int16 magnitude). */
  quiet(count: number, silence: number): boolean {
    let read = (this.end - count) & (HISTORY - 1);
    for (let n = 0; n < count; n++) {
      const v = this.#int16[read]!;
      if (v > silence || v < -silence) return false;
      read = (read + 1) & (HISTORY - 1);
    }
    return true;
  }
}
