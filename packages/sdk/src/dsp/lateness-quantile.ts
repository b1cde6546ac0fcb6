/**
 * How late a stream's audio arrives: a forgetting histogram of per-arrival lateness, weighted by media length, and
 * its quantiles. The jitter buffer's target delay is a high quantile of it.
 * @module
 */

/** Bin width, 16 kHz samples (5 ms). */
const BIN = 80;
/** Bins: 0–10 s of lateness; anything later lands in the last bin. */
const BINS = 2000;
/** Weights are rescaled before they could overflow a double. */
const RESCALE_AT = 1e200;

/**
 * Lateness values (16 kHz samples) each weighted by the media length that arrived that late, forgotten with a
 * half-life in media time: rather than decaying every bin at each arrival, each new weight grows by
 * 2^(length / half-life) (the histogram is rescaled now and then), so an update costs one bin. The quantile is the
 * least lateness at or above which `1 − q` of the remembered media arrived: no ceiling, so a stream that is
 * always 700 ms late gets a 700 ms target, and a stream whose stalls stop sees its target sink.
 *
 * Integers across calls (V8 boxes doubles across calls it does not inline). Real-time use: the constructor
 * allocates; the methods allocate nothing.
 */
export class LatenessQuantile {
  readonly #bins = new Float64Array(BINS);
  readonly #halfLifeSamples: number;
  #scale = 1;
  #total = 0;
  /** Media recorded, samples, unweighted. */
  recorded = 0;

  /** `halfLifeSamples`: media time (16 kHz samples) after which a lateness weighs half. */
  constructor(halfLifeSamples: number) {
    this.#halfLifeSamples = halfLifeSamples;
  }

  /** `length` samples of media arrived `latenessSamples` late (negative counts as 0). */
  record(latenessSamples: number, length: number): void {
    this.recorded += length;
    this.#scale *= 2 ** (length / this.#halfLifeSamples);
    const bin = latenessSamples <= 0 ? 0 : Math.min(BINS - 1, Math.floor(latenessSamples / BIN));
    const weight = length * this.#scale;
    this.#bins[bin]! += weight;
    this.#total += weight;
    if (this.#scale > RESCALE_AT) this.#rescale();
  }

  /** The `q`-quantile (0 < q ≤ 1, in thousandths to stay an integer: 970 = 0.97), in samples (a bin's upper edge). */
  quantile(permille: number): number {
    const wanted = (this.#total * permille) / 1000;
    let sum = 0;
    for (let b = 0; b < BINS; b++) {
      sum += this.#bins[b]!;
      if (sum >= wanted) return (b + 1) * BIN;
    }
    return BINS * BIN;
  }

  #rescale(): void {
    const f = 1 / this.#scale;
    for (let b = 0; b < BINS; b++) this.#bins[b]! *= f;
    this.#total *= f;
    this.#scale = 1;
  }
}
