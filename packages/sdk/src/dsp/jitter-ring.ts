/**
 * The jitter buffer's queue: a preallocated ring of 16 kHz Int16 samples and the sample accounting around it.
 * @module
 */

/**
 * A FIFO of Int16 samples in a ring allocated once, with the counts every figure of the buffer derives from:
 * received, played (taken from the queue, in order), flushed and overflowed. Every received sample ends in exactly
 * one of played, flushed, overflowed or still queued.
 *
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class JitterRing {
  readonly #ring: Int16Array;
  #read = 0;
  #queued = 0;
  received = 0;
  played = 0;
  flushed = 0;
  overflow = 0;

  constructor(capacitySamples: number) {
    this.#ring = new Int16Array(capacitySamples);
  }

  get queued(): number {
    return this.#queued;
  }

  /** Copies `samples` in (the array may be reused at once); returns how many fitted. The rest count as overflow. */
  push(samples: Int16Array): number {
    const length = samples.length;
    this.received += length;
    const capacity = this.#ring.length;
    const accepted = Math.min(length, capacity - this.#queued);
    this.overflow += length - accepted;
    const write = (this.#read + this.#queued) % capacity;
    // By hand, wrapping (`subarray` would allocate a view): a chunk is at most a few thousand samples.
    for (let i = 0, w = write; i < accepted; i++, w = w + 1 === capacity ? 0 : w + 1) this.#ring[w] = samples[i]!;
    this.#queued += accepted;
    return accepted;
  }

  /** The sample `offset` places after the read position (0: the next to play). The caller checks `queued`. */
  peek(offset: number): number {
    let index = this.#read + offset;
    if (index >= this.#ring.length) index -= this.#ring.length;
    return this.#ring[index]!;
  }

  /**
   * Whether the next `count` queued samples stay within `silence` (an Int16 magnitude). Int16 reads are Smis: the
   * rare accelerates and expands that ask run unoptimised, where a Float32 read would be a boxed number.
   */
  quiet(count: number, silence: number): boolean {
    for (let n = 0; n < count; n++) {
      const v = this.peek(n);
      if (v > silence || v < -silence) return false;
    }
    return true;
  }

  /** Takes `count` samples off the front as played. */
  advance(count: number): void {
    this.#read += count;
    if (this.#read >= this.#ring.length) this.#read -= this.#ring.length;
    this.#queued -= count;
    this.played += count;
  }

  /** Drops everything queued after the first `keep` samples (counted as flushed); returns how many. */
  truncate(keep: number): number {
    const dropped = this.#queued - keep;
    this.#queued = keep;
    this.flushed += dropped;
    return dropped;
  }

  /** `count` samples counted as played will not be heard after all (a flush cut them): counted as flushed. */
  unplay(count: number): void {
    this.played -= count;
    this.flushed += count;
  }
}
