/**
 * The jitter buffer's target policy: turns, the lateness of their arrivals, and the delay learned from it.
 * @module
 */
import { JITTER_BUFFER_RATE, type JitterBufferOptions } from './jitter-buffer-options.ts';
import { LatenessPeaks } from './lateness-peaks.ts';
import { LatenessQuantile } from './lateness-quantile.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;
/** Media (samples) the lateness quantile must have seen before it sets the target: 1 s. */
const MIN_MEDIA = JITTER_BUFFER_RATE;
/** An arrival is a peak (a stall) when later than PEAK_FACTOR × the jitter quantile + PEAK_ABOVE_MS. */
const PEAK_FACTOR = 2;
const PEAK_ABOVE_MS = 60;
/** Windows of arrival time in which the least lateness is taken, ms; "early", and "as early", in ms. */
const EARLY_WINDOW_MS = 500;
const EARLY_MS = 20;
const EARLY_SPREAD_MS = 20;
/** Early windows per drift window (≥ 5 s), in which the clock follows the arrivals' floor by at most 1 ms. */
const DRIFT_WINDOWS = 10;
/** "None yet": a large Smi (below V8's largest, 2^30 − 1, so a few ms added or taken stay Smis), short in the bundle. */
const NONE = 1e9;

/**
 * Turns and their clocks (see `JitterBuffer`). A turn's clock is its first arrival plus the media received; the
 * lateness of an arrival is how far behind that clock it came (0 if early). Every arrival's lateness, weighted by its length,
 * goes into a `LatenessQuantile` that forgets with `latenessHalfLifeMs` of media; the target is its
 * `latenessQuantile` × (1 + `headroom`) + `marginMs`, within [`minTargetMs`, `maxTargetMs`] (the conversational
 * budget, not a figure tuned to a bench), updated at every arrival.
 *
 * Times cross calls in fields (`arrivalMs`), not arguments: V8 boxes a double passed to a call it does not inline.
 * Real-time use: the constructor allocates; the methods allocate nothing.
 */
export class JitterTarget {
  readonly #options: JitterBufferOptions;
  readonly #lateness: LatenessQuantile;
  readonly #peaks: LatenessPeaks;
  readonly #permille: number;
  /** The jitter quantile, whole ms (peaks left out). */
  #jitterMs = 0;

  /** The arrival time of the push being handled; set before {@link arrive}. */
  arrivalMs = 0;
  /** The target delay, whole ms. */
  targetMs = 0;
  turnOpen = false;
  /**
   * The open turn's first arrival (moved back by any re-anchoring) in 1/16 ms, rounded: an integer, so the rare
   * re-anchoring (unoptimised code) moves it without boxing a double.
   */
  turnFirstArrivalTicks = 0;
  /** Media received in the open turn, samples. */
  turnMedia = 0;
  /** The play position (played samples) of the open turn's first sample. */
  turnStartPosition = 0;
  /**
   * The clock's move at the last arrival, ms, that followed drift (±1 or 0): the buffer plays that much faster or
   * slower at once (`TimeStretcher.credit`), so the delay against the clock stays as it was.
   */
  driftMs = 0;
  #windowStartMs = 0;
  #windowLeast = NONE;
  #previousLeast = NONE;
  #windows = 0;
  #driftLeast = NONE;
  /** The least lateness of the turn's first drift window: the floor the clock keeps the arrivals at. */
  #floor = 0;
  #turnLargestChunk = 0;
  #previousLargestChunk = 0;
  /** After a peak: its burst of held-back chunks is arriving (until one comes within the jitter quantile). */
  #inStall = false;

  constructor(options: JitterBufferOptions) {
    this.#options = options;
    this.#lateness = new LatenessQuantile(options.latenessHalfLifeMs * SAMPLES_PER_MS);
    this.#peaks = new LatenessPeaks(options.peakWindowMs);
    this.#permille = Math.round(options.latenessQuantile * 1000);
    this.targetMs = Math.round(options.initialTargetMs);
  }

  /** The largest chunk of this turn or the last one, samples: the size of the source's bursts. */
  get largestChunk(): number {
    return Math.max(this.#turnLargestChunk, this.#previousLargestChunk);
  }

  /**
   * `length` samples arrived at `arrivalMs`; `idle`: the buffer has nothing to play (the last turn, if any, is
   * over); `position`: the play position the first of them will have.
   */
  arrive(length: number, idle: boolean, position: number): void {
    // Behind the open turn's clock (if any), ms.
    let lateness = this.arrivalMs - (this.turnFirstArrivalTicks + this.turnMedia) / SAMPLES_PER_MS;
    if (this.turnOpen && idle) {
      // The last turn ended (the queue stayed empty for turnGapMs). If this audio is only a little behind that
      // turn's clock it was a stall: learn from it, then start afresh either way.
      if (lateness <= this.#options.maxLatenessMs) this.#learn(Math.round(lateness * SAMPLES_PER_MS), length);
      this.closeTurn();
    }
    if (this.turnOpen) {
      lateness -= this.#reanchor(Math.round(lateness));
      // Early audio (a source ahead of real time) counts as on time.
      this.#learn(Math.max(0, Math.round(lateness * SAMPLES_PER_MS)), length);
    } else {
      this.#openTurn(position);
      this.#learn(0, length);
    }
    this.turnMedia += length;
    if (length > this.#turnLargestChunk) this.#turnLargestChunk = length;
  }

  closeTurn(): void {
    if (!this.turnOpen) return;
    this.turnOpen = false;
    this.#previousLargestChunk = this.#turnLargestChunk;
  }

  /**
   * One arrival's lateness (16 kHz samples, ≥ 0) weighted by its `length`: a peak (far beyond the jitter quantile)
   * goes to the peaks, anything else to the quantile; then the target is the larger of the two.
   */
  #learn(latenessSamples: number, length: number): void {
    const o = this.#options;
    const nowMs = Math.round(this.arrivalMs);
    const latenessMs = Math.round(latenessSamples / SAMPLES_PER_MS);
    const learned = this.#lateness.recorded >= MIN_MEDIA;
    const peak = learned && latenessMs > PEAK_FACTOR * this.#jitterMs + PEAK_ABOVE_MS;
    if (peak) this.#peaks.record(latenessMs, nowMs);
    // The rest of a single stall's burst (arrivals after a peak still far beyond the jitter: over 2× it + 30 ms) is
    // the stall's, not the jitter's: left out, so one stall ridden out does not raise the target for a minute after
    // it. Once stalls repeat (the peaks cover them), their bursts are learned whole, as before.
    const tail = this.#inStall && latenessMs > PEAK_FACTOR * this.#jitterMs + PEAK_ABOVE_MS / 2;
    this.#inStall = (peak || tail) && this.#peaks.heightMs(nowMs) === 0;
    if (!peak && !this.#inStall) {
      this.#lateness.record(latenessSamples, length);
      // A quantile of less than a second of audio says little: the initial target holds until then.
      if (this.#lateness.recorded < MIN_MEDIA) return;
      this.#jitterMs = Math.round(this.#lateness.quantile(this.#permille) / SAMPLES_PER_MS);
    }
    const covered = Math.max(this.#jitterMs, this.#peaks.heightMs(nowMs));
    // Whole ms: plenty for a delay, and a small integer for readStats.
    this.targetMs = Math.round(Math.min(o.maxTargetMs, Math.max(o.minTargetMs, covered * (1 + o.headroom) + o.marginMs)));
  }

  /**
   * A turn's clock starts at its first arrival, which may itself have been late: audio held back by a stall, a
   * main-thread long task or a reconnect, that opened a turn. When the least lateness of two consecutive windows of
   * arrivals (`EARLY_WINDOW_MS` each) is as early (within `EARLY_SPREAD_MS`) and earlier than `EARLY_MS`, the source
   * is at real time and the clock was late: it moves back by that much, and the delay it shows is given back. A
   * source ahead of real time is left alone: its arrivals grow ever earlier, or come all at once (no window ends).
   *
   * A sender clock that runs fast or slow moves the arrivals' floor by 0.1 ms a second at 100 ppm. Moving the clock
   * only once that reaches `EARLY_MS` (to the floor, giving back the first arrival's own lateness too) let the delay
   * swing by tens of ms; instead, every drift window (`DRIFT_WINDOWS` early windows) the clock moves by up to 1 ms
   * towards keeping the floor where the turn's first drift window found it, and the buffer plays that 1 ms faster or
   * slower at once (`driftMs`). At most 1 ms a window: 200 ppm, so a source ahead of or behind real time is barely
   * followed. Returns the shift, whole ms.
   */
  #reanchor(latenessMs: number): number {
    const nowMs = Math.round(this.arrivalMs);
    let drift = 0;
    if (nowMs - this.#windowStartMs >= EARLY_WINDOW_MS) {
      this.#previousLeast = this.#windowLeast;
      this.#windowLeast = NONE;
      this.#windowStartMs = nowMs;
      if (++this.#windows % DRIFT_WINDOWS === 0) {
        if (this.#windows === DRIFT_WINDOWS) this.#floor = this.#driftLeast;
        const off = this.#driftLeast - this.#floor;
        drift = off > 1 ? 1 : off < -1 ? -1 : 0;
        this.#driftLeast = NONE;
      }
    }
    if (latenessMs < this.#windowLeast) this.#windowLeast = latenessMs;
    if (latenessMs < this.#driftLeast) this.#driftLeast = latenessMs;
    const a = this.#previousLeast;
    const b = this.#windowLeast;
    const early = Math.max(a, b);
    // Applied as a select and arithmetic that always run: a rarely taken branch would run unoptimised and box.
    const held = a !== NONE && early <= -EARLY_MS && Math.abs(a - b) <= EARLY_SPREAD_MS ? early : 0;
    const shift = held + drift;
    this.driftMs = drift;
    this.turnFirstArrivalTicks += shift * SAMPLES_PER_MS;
    this.#windowLeast -= shift;
    this.#driftLeast -= shift;
    if (held < 0) {
      this.#previousLeast = NONE;
      this.#windows = 0;
    }
    return shift;
  }

  #openTurn(position: number): void {
    this.#windowStartMs = Math.round(this.arrivalMs);
    this.#windowLeast = this.#previousLeast = this.#driftLeast = NONE;
    this.#windows = this.driftMs = 0;
    this.turnOpen = true;
    this.turnFirstArrivalTicks = Math.round(this.arrivalMs * SAMPLES_PER_MS);
    this.turnMedia = 0;
    this.turnStartPosition = position;
    this.#turnLargestChunk = 0;
  }
}
