/**
 * Time-scale modification of 16 kHz speech with the pitch kept: whole pitch periods are cross-faded out (play
 * faster) or in (play slower), as WSOLA does with a period-long window, plus concealment and re-entry segments.
 * @module
 */
import { CONCEALMENT_HISTORY, Concealment } from './concealment.ts';
import type { JitterRing } from './jitter-ring.ts';
import { INT16_SCALE } from './pcm.ts';
import { bestPeriod, MATCH_LENGTH, MAX_PERIOD } from './pitch-period.ts';
import { PlayedHistory } from './played-history.ts';

/**
 * Stretches (speed − 1) are integers, in units of 1 / SPEED_ONE (15 000: 15 % faster): the planning runs in every
 * JIT tier, and V8 boxes (allocates) a fractional double in unoptimised code, while small integers stay unboxed.
 */
export const SPEED_ONE = 100_000;
/** Largest stretch: the speed stays within 1 ± 0.15. */
export const MAX_STRETCH = 0.15;
/** MAX_STRETCH in units of 1 / SPEED_ONE: 15 000 (exactly: 0.15 × 100 000 rounds to it). */
export const STRETCH = MAX_STRETCH * SPEED_ONE;
/** A plain copy segment: 2 ms, so a change of plan waits at most that long. */
const COPY = 32;
/** Concealment segment: 2 ms. */
const CONCEAL = 32;
/** Re-entry cross-fade from concealment (or silence) into returned audio: 5 ms. */
export const REENTRY = 80;
/** Queue needed for an accelerate: the search (MATCH_LENGTH + MAX_PERIOD) and two periods. */
export const ACCELERATE_LOOKAHEAD = Math.max(MATCH_LENGTH + MAX_PERIOD, 2 * MAX_PERIOD);
/** The period used in silence, where any lag matches: 5 ms. */
const SILENT_PERIOD = 80;
/** Speed-up in silence once accelerating: silence plays at up to 2× (only pauses, never speech). */
const SILENT_SPEED = 2;
const SEGMENT = 1024;

/**
 * Turns the queue (a `JitterRing`) into output one segment at a time. `desiredStretch` is the change of speed asked
 * for, in units of 1 / SPEED_ONE (10 000: play 10 % faster); the actual `stretch` follows it at most MAX_STRETCH per
 * 250 ms and stays within ± MAX_STRETCH. The difference accrues as a credit of samples (× SPEED_ONE); once it
 * reaches a pitch period, the next segment is an
 * *accelerate* (two periods cross-faded into one, consuming 2P, playing P) or an *expand* (one period cross-faded
 * with the period before it, playing P, consuming 0). Periods come from `bestPeriod`, so the waveform is
 * continuous and the pitch unchanged; in silence any 5 ms is a period, and accelerating silence goes up to 2×.
 * When the queue is empty, `conceal()` plays a `Concealment`; the next `plan()` cross-fades out of it.
 *
 * Accounting (16 kHz samples): `fasterSamples` source samples not played because of accelerates,
 * `slowerSamples` output samples added by expands, `concealedSamples` output samples of audible concealment.
 *
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class TimeStretcher {
  readonly #segment = new Float32Array(SEGMENT);
  #length = 0;
  #read = 0;
  /**
   * Source samples the current segment consumed per sample it plays: 1 (a copy, a re-entry), 2 (an accelerate) or
   * 0 (an expand, concealment). An integer, so the play position needs no division: the flush that reads it runs
   * unoptimised, where a fractional intermediate is a boxed (allocated) number.
   */
  #ratio = 0;
  readonly #window = new Float32Array(CONCEALMENT_HISTORY + ACCELERATE_LOOKAHEAD);
  readonly #history = new PlayedHistory();
  readonly #concealment = new Concealment(this.#history.samples);
  #concealing = false;
  readonly #silenceInt16: number;
  /** Asked-for speed − 1, in units of 1 / SPEED_ONE; `stretch` ramps towards it. */
  desiredStretch = 0;
  stretch = 0;
  /** Samples (× SPEED_ONE) to play faster (positive) or slower than the source, settled by accelerates and expands. */
  credit = 0;
  #silentSegment = false;
  fasterSamples = 0;
  slowerSamples = 0;
  concealedSamples = 0;

  /** `silence`: Int16 magnitude at or below which a sample is silence. */
  constructor(silence: number) {
    this.#silenceInt16 = silence;
  }

  /** Output samples left in the current segment. */
  get pending(): number {
    return this.#length - this.#read;
  }

  /** Source samples the current segment consumed that have not been heard yet (in proportion). */
  get unheard(): number {
    return this.#ratio * this.pending;
  }

  /** Whether output is concealment (or silence waiting for audio), not the source. */
  get concealing(): boolean {
    return this.#concealing;
  }

  /** Writes the next output sample (full scale 1) into `out[i]`. Call only while `pending > 0`. */
  write(out: Float32Array, i: number): void {
    out[i] = this.#segment[this.#read++]!;
  }

  /**
   * Plans the next segment from `ring` (not empty). `stretching`: whether speed changes are allowed now (false in a
   * flush's fade, for instance: then the speed snaps to 1).
   */
  plan(ring: JitterRing, stretching: boolean): void {
    const produced = this.#length;
    if (stretching) {
      // STRETCH per 4000 output samples (250 ms): no audible jump in tempo. 15 000 / 4000 is 15 / 4.
      const step = (15 * produced) >> 2;
      const wanted = Math.min(STRETCH, Math.max(-STRETCH, this.desiredStretch));
      this.stretch = wanted > this.stretch ? Math.min(wanted, this.stretch + step) : Math.max(wanted, this.stretch - step);
      const rate = this.#silentSegment && wanted > 0 ? (SILENT_SPEED - 1) * SPEED_ONE : this.stretch;
      const bound = 2 * MAX_PERIOD * SPEED_ONE;
      this.credit = Math.min(bound, Math.max(-bound, this.credit + rate * produced));
    } else {
      this.stretch = 0;
      this.credit = 0;
    }
    this.#read = 0;
    const queued = ring.queued;
    const period = SILENT_PERIOD * SPEED_ONE;
    if (this.#concealing) this.#reenter(ring);
    else if (this.credit >= period && queued >= ACCELERATE_LOOKAHEAD) this.credit -= this.#accelerate(ring) * SPEED_ONE;
    else if (this.credit <= -period && queued >= MAX_PERIOD) this.credit += this.#expand(ring) * SPEED_ONE;
    else this.#copySegment(ring, Math.min(COPY, queued), false);
  }

  /** Plans a concealment segment (the queue is empty). */
  conceal(): void {
    if (!this.#concealing) {
      this.#concealing = true;
      this.#history.load(this.#window, CONCEALMENT_HISTORY);
      const silent = this.#history.quiet(MATCH_LENGTH, this.#silenceInt16);
      this.#concealment.begin(this.#window, this.#history.end, silent);
    }
    // Counted while audible: after the fade, the rest of a dry spell is silence, not concealment.
    if (!this.#concealment.silent) this.concealedSamples += CONCEAL;
    this.#concealment.fill(this.#segment, 0, CONCEAL);
    this.#length = CONCEAL;
    this.#read = 0;
    this.#ratio = 0;
  }

  /** From silence (a turn's start, after a flush): the next segment fades in. */
  mute(): void {
    this.#concealing = true;
    this.#concealment.mute();
    this.#length = this.#read = this.#ratio = 0;
    this.credit = 0;
    this.stretch = this.desiredStretch = 0;
  }

  /** Cuts the current segment to `keep` more output samples; returns the source samples that will not be heard. */
  truncate(keep: number): number {
    if (this.pending <= keep) return 0;
    const before = this.unheard;
    this.#length = this.#read + keep;
    return before - this.unheard;
  }

  /** Plans a plain copy of the next `count` queued samples (no stretch, no cross-fade). */
  copy(ring: JitterRing, count: number): void {
    this.#read = 0;
    this.#copySegment(ring, count, false);
  }

  /**
   * Plans the next `count` queued samples as they are; with `fadeIn`, cross-faded from `window[0 … count)` (the
   * concealment, or silence) into them. One loop for both, with the fade a select that always runs: re-entry is
   * rare, and rarely run code runs unoptimised, where every double is a boxed (allocated) number; a plain copy
   * (weight 1, and `w × 0 + x × 1` is `x` exactly) keeps this loop hot.
   */
  #copySegment(ring: JitterRing, count: number, fadeIn: boolean): void {
    const w = this.#window;
    let peak = 0;
    for (let n = 0; n < count; n++) {
      const value = ring.peek(n);
      const fade = fadeIn ? (n + 0.5) / count : 1;
      this.#segment[n] = w[n]! * (1 - fade) + (value / INT16_SCALE) * fade;
      if (value > peak) peak = value;
      else if (-value > peak) peak = -value;
    }
    this.#silentSegment = peak <= this.#silenceInt16;
    this.#consume(ring, count, count);
  }

  /** Two periods cross-faded into one: consumes 2P, plays P. Returns P. */
  #accelerate(ring: JitterRing): number {
    const w = this.#window;
    this.#loadAhead(ring, 0, ACCELERATE_LOOKAHEAD);
    const silent = ring.quiet(2 * SILENT_PERIOD, this.#silenceInt16);
    const period = silent ? SILENT_PERIOD : bestPeriod(w, 0, 1);
    // A silent first period is dropped outright: a cross-fade of ±1 LSB noise can cancel to an exact 0, and the
    // source's own onset after it would then be an edge.
    this.#crossfade(ring.quiet(period, this.#silenceInt16) ? period : 0, period, period);
    this.#silentSegment = silent;
    this.fasterSamples += period;
    this.#consume(ring, 2 * period, period);
    return period;
  }

  /** One period cross-faded with the period played before it: plays P, consumes nothing. Returns P. */
  #expand(ring: JitterRing): number {
    const w = this.#window;
    const h = CONCEALMENT_HISTORY;
    this.#history.load(w, h);
    this.#loadAhead(ring, h, MAX_PERIOD);
    const silent = this.#history.quiet(MATCH_LENGTH, this.#silenceInt16) && ring.quiet(SILENT_PERIOD, this.#silenceInt16);
    const period = silent ? SILENT_PERIOD : bestPeriod(w, h - MATCH_LENGTH, -1);
    this.#crossfade(h, h - period, period);
    this.#silentSegment = silent;
    this.slowerSamples += period;
    this.#length = period;
    this.#ratio = 0;
    return period;
  }

  /** Cross-fades out of the concealment into the returned audio (in the copy loop: see #copySegment). */
  #reenter(ring: JitterRing): void {
    const count = Math.min(REENTRY, ring.queued);
    this.#concealment.fill(this.#window, 0, count);
    this.#concealing = false;
    this.#copySegment(ring, count, true);
  }

  /**
   * segment[n] = window[from + n] fading out, plus window[to + n] fading in, over `count` samples. One routine for
   * the cross-fades of accelerates and expands.
   */
  #crossfade(from: number, to: number, count: number): void {
    const w = this.#window;
    for (let n = 0; n < count; n++) {
      const fade = (n + 0.5) / count;
      this.#segment[n] = w[from + n]! * (1 - fade) + w[to + n]! * fade;
    }
  }

  /** Takes `consumed` samples off the ring into the history; the segment plays `length`. */
  #consume(ring: JitterRing, consumed: number, length: number): void {
    for (let n = 0; n < consumed; n++) this.#history.write(ring.peek(n));
    ring.advance(consumed);
    this.#ratio = consumed > length ? 2 : 1; // 2P for P, or a copy
    this.#length = length;
  }

  /** The next `count` queued samples into `window[at …)`. Shared by every plan, so it is hot (see #crossfade). */
  #loadAhead(ring: JitterRing, at: number, count: number): void {
    const w = this.#window;
    for (let n = 0; n < count; n++) w[at + n] = ring.peek(n) / INT16_SCALE;
  }
}
