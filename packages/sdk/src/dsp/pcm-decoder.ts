/**
 * Int16 LE byte stream → Int16 samples, for audio that arrives in messages of any length.
 * @module
 */
import { decodeInt16Le } from './pcm.ts';

/**
 * Decodes a stream of Int16 little-endian bytes split at arbitrary points. A message of odd length leaves its
 * last byte pending; it becomes the low byte of the first sample of the next message. Nothing is dropped or
 * duplicated: after any split, the samples out equal the whole stream decoded at once.
 *
 * Allocates nothing after construction.
 */
export class PcmDecoder {
  #pendingByte = 0;
  #hasPending = false;

  /** Whether a byte is waiting for its partner from the next chunk. */
  get hasPendingByte(): boolean {
    return this.#hasPending;
  }

  /** Samples that decoding a chunk of `byteLength` bytes will produce, given the pending byte (for sizing output). */
  samplesFor(byteLength: number): number {
    return (byteLength + (this.#hasPending ? 1 : 0)) >> 1;
  }

  /**
   * Decodes `bytes` (with the pending byte of the previous chunk in front) into `output[outputOffset…]` and
   * returns the number of samples written, {@link samplesFor}(bytes.length). Throws a RangeError, before
   * consuming anything, if `output` has no room for them.
   */
  decode(bytes: Uint8Array, output: Int16Array, outputOffset = 0): number {
    const count = this.samplesFor(bytes.length);
    if (outputOffset + count > output.length) throw new RangeError('PcmDecoder.decode: output too short');
    let read = 0;
    let written = 0;
    if (this.#hasPending && bytes.length > 0) {
      output[outputOffset] = ((this.#pendingByte | (bytes[0]! << 8)) << 16) >> 16;
      this.#hasPending = false;
      read = 1;
      written = 1;
    }
    const whole = (bytes.length - read) >> 1;
    decodeInt16Le(bytes, read, whole, output, outputOffset + written);
    read += 2 * whole;
    written += whole;
    if (read < bytes.length) {
      this.#pendingByte = bytes[read]!;
      this.#hasPending = true;
    }
    return written;
  }

  /** Drops the pending byte (at the start of a new stream). */
  reset(): void {
    this.#hasPending = false;
    this.#pendingByte = 0;
  }
}
