/**
 * Cuts a stream of 16 kHz Float32 samples into wire frames of Int16 LE PCM.
 * @module
 */
import { CHECK_ARGUMENTS } from './argument-checks.ts';
import { encodeInt16Le } from './pcm.ts';

/** 20 ms at 16 kHz: 640 bytes on the wire. */
export const DEFAULT_FRAME_SAMPLES = 320;
/** 10 ms at 16 kHz. */
export const MIN_FRAME_SAMPLES = 160;
/** 100 ms at 16 kHz (3,200 bytes, well under the protocol's 8,000-byte cap). */
export const MAX_FRAME_SAMPLES = 1_600;

/**
 * Accumulates samples and hands out complete frames of `frameSamples` Int16 LE samples. Samples are encoded
 * as they arrive into an internal frame; `takeFrame` copies a complete frame into a buffer the caller owns
 * (in the capture worklet, a pooled buffer that is then transferred), so no call allocates.
 *
 * Use: `used = push(…)`; while `frameReady`, `takeFrame(target)`; push the rest.
 */
export class FrameAssembler {
  /** Samples per frame. */
  readonly frameSamples: number;
  /** Bytes per frame (2 × frameSamples). */
  readonly frameBytes: number;
  readonly #frame: Uint8Array;
  #filled = 0;

  /**
   * @param frameSamples Samples per frame at 16 kHz, an integer from {@link MIN_FRAME_SAMPLES} (10 ms) to
   *   {@link MAX_FRAME_SAMPLES} (100 ms). Throws a RangeError otherwise.
   * @default 320 (20 ms, 640 bytes)
   */
  constructor(frameSamples: number = DEFAULT_FRAME_SAMPLES) {
    if (CHECK_ARGUMENTS && !(Number.isInteger(frameSamples) && frameSamples >= MIN_FRAME_SAMPLES && frameSamples <= MAX_FRAME_SAMPLES)) {
      throw new RangeError(
        `frameSamples must be an integer from ${MIN_FRAME_SAMPLES} to ${MAX_FRAME_SAMPLES} (10–100 ms at 16 kHz), got ${frameSamples}`,
      );
    }
    this.frameSamples = frameSamples;
    this.frameBytes = 2 * frameSamples;
    this.#frame = new Uint8Array(this.frameBytes);
  }

  /** Whether a complete frame waits for {@link takeFrame}. */
  get frameReady(): boolean {
    return this.#filled === this.frameSamples;
  }

  /** Samples in the frame being assembled. */
  get pendingSamples(): number {
    return this.#filled;
  }

  /**
   * Encodes up to `count` samples from `samples[offset…]` and returns how many it took. It stops when the frame is
   * complete, so a return value below `count` means: take the frame, then push the rest. Takes nothing while a
   * complete frame waits.
   */
  push(samples: Float32Array, offset: number, count: number): number {
    const take = Math.min(count, this.frameSamples - this.#filled);
    encodeInt16Le(samples, offset, take, this.#frame, 2 * this.#filled);
    this.#filled += take;
    return take;
  }

  /**
   * Copies the complete frame into `target[0, frameBytes)` and starts the next one. Throws a RangeError if no
   * frame is complete or `target` is shorter than {@link frameBytes}.
   */
  takeFrame(target: Uint8Array): void {
    if (CHECK_ARGUMENTS && (!this.frameReady || target.length < this.frameBytes))
      throw new RangeError('FrameAssembler.takeFrame: no complete frame, or target too short');
    target.set(this.#frame);
    this.#filled = 0;
  }

  /** Drops the partial frame. */
  reset(): void {
    this.#filled = 0;
  }
}
