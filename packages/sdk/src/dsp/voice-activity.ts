/**
 * A cheap voice-activity flag: block energy against two thresholds, with attack and hangover times.
 * @module
 */
import { CHECK_ARGUMENTS } from './argument-checks.ts';
export interface VoiceActivityOptions {
  /** Rate of the samples fed in, Hz. @default 16000 */
  sampleRate?: number;
  /** Energy is measured over blocks of this length, ms. @default 10 */
  blockMs?: number;
  /** A block at or above this RMS level (dBFS) counts as loud. @default -40 */
  openDb?: number;
  /** While speaking, a block below this RMS level (dBFS) counts as quiet. Lower than `openDb`: the hysteresis. @default -50 */
  closeDb?: number;
  /** Loud time needed, in consecutive blocks, before the flag opens (ignores clicks). @default 30 */
  attackMs?: number;
  /** Quiet time needed, in consecutive blocks, before the flag closes (bridges pauses between words). @default 300 */
  hangoverMs?: number;
}

export const VOICE_ACTIVITY_DEFAULTS: Required<VoiceActivityOptions> = {
  sampleRate: 16_000,
  blockMs: 10,
  openDb: -40,
  closeDb: -50,
  attackMs: 30,
  hangoverMs: 300,
};

/**
 * Decides speaking / not speaking from signal energy. It opens after `attackMs` of blocks at or above `openDb`
 * and closes after `hangoverMs` of blocks below `closeDb`; between the two thresholds it keeps its state.
 * It knows nothing of spectra, so loud steady noise counts as speech: it is a hint for barge-in, not a classifier.
 *
 * Allocates nothing after construction.
 */
export class VoiceActivityDetector {
  readonly #blockSamples: number;
  /** Thresholds as mean squares, so blocks need no logarithm. */
  readonly #openPower: number;
  readonly #closePower: number;
  readonly #attackBlocks: number;
  readonly #hangoverBlocks: number;
  #sumSquares = 0;
  #count = 0;
  #loudBlocks = 0;
  #quietBlocks = 0;
  #speaking = false;

  /** Throws a RangeError for non-positive rates or block lengths, or `closeDb` above `openDb`. */
  constructor(options: VoiceActivityOptions = {}) {
    const o = { ...VOICE_ACTIVITY_DEFAULTS, ...options };
    this.#blockSamples = Math.round((o.sampleRate * o.blockMs) / 1000);
    if (CHECK_ARGUMENTS && !(this.#blockSamples >= 1 && o.closeDb <= o.openDb))
      throw new RangeError('VoiceActivityDetector: need a block of at least one sample and closeDb <= openDb');
    this.#openPower = 10 ** (o.openDb / 10);
    this.#closePower = 10 ** (o.closeDb / 10);
    this.#attackBlocks = Math.max(1, Math.round(o.attackMs / o.blockMs));
    this.#hangoverBlocks = Math.max(1, Math.round(o.hangoverMs / o.blockMs));
  }

  /** Whether voice is active now. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds `count` samples from `samples[offset…]`; returns {@link speaking} after them. */
  push(samples: Float32Array, offset: number, count: number): boolean {
    let done = 0;
    while (done < count) {
      // Up to the end of the current block, then judge it: no branch on the block inside the sum.
      const take = Math.min(count - done, this.#blockSamples - this.#count);
      const start = offset + done;
      let sumSquares = this.#sumSquares;
      for (let i = start; i < start + take; i++) sumSquares += samples[i]! * samples[i]!;
      this.#sumSquares = sumSquares;
      this.#count += take;
      done += take;
      if (this.#count === this.#blockSamples) this.#endBlock();
    }
    return this.#speaking;
  }

  /** Back to not speaking, with no partial block. */
  reset(): void {
    this.#sumSquares = 0;
    this.#count = 0;
    this.#loudBlocks = 0;
    this.#quietBlocks = 0;
    this.#speaking = false;
  }

  #endBlock(): void {
    const power = this.#sumSquares / this.#count;
    this.#sumSquares = 0;
    this.#count = 0;
    if (this.#speaking) {
      this.#quietBlocks = power < this.#closePower ? this.#quietBlocks + 1 : 0;
      if (this.#quietBlocks >= this.#hangoverBlocks) {
        this.#speaking = false;
        this.#loudBlocks = 0;
      }
    } else {
      this.#loudBlocks = power >= this.#openPower ? this.#loudBlocks + 1 : 0;
      if (this.#loudBlocks >= this.#attackBlocks) {
        this.#speaking = true;
        this.#quietBlocks = 0;
      }
    }
  }
}
