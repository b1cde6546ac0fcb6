/**
 * The plain adaptive reference: the textbook playout-delay estimator (Ramjee, Kurose, Towsley, Schulzrinne 1994,
 * "algorithm 1": exponentially weighted mean and mean deviation of each packet's delay, playout delay = mean +
 * 4 × deviation, fixed per talkspurt), with no time stretching and no concealment: what a careful SDK does
 * without NetEq. Delay per packet is its lateness against the turn's clock (first arrival + media time).
 * After an underrun it rebuffers to the same delay. Benchmark baseline only.
 * @module
 */
const ALPHA = 0.998;

export class AdaptiveReference {
  readonly #ring = new Int16Array(120 * 16_000);
  #read = 0;
  #queued = 0;
  #playing = false;
  #mean = 0;
  #deviation = 0;
  #turnOpen = false;
  #turnFirstArrivalMs = 0;
  #turnMedia = 0;
  #lastArrivalMs = -1e9;
  #delayMs = 40;
  #startAtMs = 0;
  playedSamples = 0;

  get queuedSamples(): number {
    return this.#queued;
  }

  push(samples: Int16Array, arrivalMs: number): void {
    if (!this.#turnOpen) {
      this.#turnOpen = true;
      this.#turnFirstArrivalMs = arrivalMs;
      this.#turnMedia = 0;
      this.#delayMs = this.#mean + 4 * this.#deviation;
      if (!this.#playing) this.#startAtMs = arrivalMs + this.#delayMs;
    } else {
      const lateness = arrivalMs - this.#turnFirstArrivalMs - this.#turnMedia / 16;
      this.#mean = ALPHA * this.#mean + (1 - ALPHA) * lateness;
      this.#deviation = ALPHA * this.#deviation + (1 - ALPHA) * Math.abs(lateness - this.#mean);
    }
    if (!this.#playing && this.#queued === 0 && this.#turnMedia > 0) this.#startAtMs = arrivalMs + this.#delayMs;
    for (let i = 0; i < samples.length; i++) this.#ring[(this.#read + this.#queued + i) % this.#ring.length] = samples[i]!;
    this.#queued += samples.length;
    this.#turnMedia += samples.length;
    this.#lastArrivalMs = arrivalMs;
  }

  pull(out: Float32Array, length: number, nowMs: number): void {
    if (!this.#playing && this.#queued > 0 && nowMs >= this.#startAtMs) this.#playing = true;
    for (let i = 0; i < length; i++) {
      if (this.#playing && this.#queued > 0) {
        out[i] = this.#ring[this.#read]! / 32_768;
        this.#read = (this.#read + 1) % this.#ring.length;
        this.#queued--;
        this.playedSamples++;
      } else {
        out[i] = 0;
        if (this.#playing) {
          this.#playing = false;
          this.#startAtMs = Number.POSITIVE_INFINITY; // rebuffer: set by the next arrival
        }
      }
    }
    if (this.#queued === 0 && nowMs - this.#lastArrivalMs > 300) this.#turnOpen = false; // the talkspurt ended
  }
}
