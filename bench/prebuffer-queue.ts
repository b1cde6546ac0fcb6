/**
 * The baselines the jitter buffer is measured against: what browser voice SDKs do today.
 * - prebuffer 0 ("play on arrival"): play whatever is queued; silence when empty (a hard cut, no fade).
 * - prebuffer P ms: wait until P ms are queued (or nothing new came for P ms: a short last sentence), play, and
 *   after running dry wait for P ms again.
 * @module
 */
export class PrebufferQueue {
  readonly #prebufferSamples: number;
  readonly #ring: Int16Array;
  #read = 0;
  #queued = 0;
  #playing = false;
  #lastArrivalMs = 0;
  playedSamples = 0;
  received = 0;

  constructor(prebufferMs: number, capacitySeconds = 120) {
    this.#prebufferSamples = Math.round(prebufferMs * 16);
    this.#ring = new Int16Array(capacitySeconds * 16_000);
  }

  get queuedSamples(): number {
    return this.#queued;
  }

  push(samples: Int16Array, arrivalMs: number): void {
    const capacity = this.#ring.length;
    let write = (this.#read + this.#queued) % capacity;
    for (let i = 0; i < samples.length; i++) {
      this.#ring[write] = samples[i]!;
      write = write + 1 === capacity ? 0 : write + 1;
    }
    this.#queued += samples.length;
    this.received += samples.length;
    this.#lastArrivalMs = arrivalMs;
  }

  pull(out: Float32Array, length: number, nowMs: number): void {
    if (!this.#playing && this.#queued > 0) {
      const waitedOut = nowMs - this.#lastArrivalMs >= this.#prebufferSamples / 16;
      this.#playing = this.#queued >= this.#prebufferSamples || waitedOut;
    }
    for (let i = 0; i < length; i++) {
      if (this.#playing && this.#queued > 0) {
        out[i] = this.#ring[this.#read]! / 32_768;
        this.#read = this.#read + 1 === this.#ring.length ? 0 : this.#read + 1;
        this.#queued--;
        this.playedSamples++;
      } else {
        out[i] = 0;
        this.#playing = false;
      }
    }
  }
}
