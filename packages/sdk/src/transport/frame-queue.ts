/**
 * A FIFO of audio frames bounded in bytes that drops its oldest frames when full. Used twice: for audio held while
 * reconnecting, and for audio waiting out backpressure. For real-time audio the newest frames matter most, so the
 * oldest go first; the caller counts what was dropped.
 * @module
 */

export class BoundedFrameQueue {
  #frames: ArrayBuffer[] = [];
  /** Index of the oldest frame: shifting an array is O(n), so removal moves this and compacts now and then. */
  #head = 0;
  #bytes = 0;
  readonly capacityBytes: number;

  /** @param capacityBytes bound of the queued audio; 0 queues nothing. */
  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get length(): number {
    return this.#frames.length - this.#head;
  }

  /**
   * Queues a frame. Returns how many older frames were dropped to make room, or -1 when the frame itself cannot be
   * queued (it is larger than the capacity, e.g. any frame at capacity 0).
   */
  push(frame: ArrayBuffer): number {
    if (frame.byteLength > this.capacityBytes) return -1;
    let dropped = 0;
    while (this.#bytes + frame.byteLength > this.capacityBytes) {
      this.shift();
      dropped++;
    }
    this.#frames.push(frame);
    this.#bytes += frame.byteLength;
    return dropped;
  }

  /** Removes and returns the oldest frame. */
  shift(): ArrayBuffer | undefined {
    if (this.#head >= this.#frames.length) return undefined;
    const frame = this.#frames[this.#head]!;
    this.#head++;
    this.#bytes -= frame.byteLength;
    if (this.#head > 64 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
    return frame;
  }

  /** Removes and returns every frame, oldest first. */
  drain(): ArrayBuffer[] {
    const out = this.#frames.slice(this.#head);
    this.clear();
    return out;
  }

  clear(): void {
    this.#frames = [];
    this.#head = 0;
    this.#bytes = 0;
  }
}
