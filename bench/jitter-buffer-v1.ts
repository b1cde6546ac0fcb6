/**
 * Baseline copy of the playback jitter buffer before time-scale modification (commit f9f1af3), kept so `pnpm bench jitter` measures the new buffer beside it in the same run. The playback jitter buffer: agent audio in (Int16 at 16 kHz, in chunks of any size, at any time), a steady
 * Float32 stream out, with an adaptive start delay, click-free concealment, barge-in flush and drift slipping.
 * @module
 */

import { JITTER_BUFFER_RATE, type JitterBufferStats } from '../packages/sdk/src/dsp/jitter-buffer-options.ts';
import { INT16_SCALE } from '../packages/sdk/src/dsp/pcm.ts';
import { DriftEstimator } from './drift-estimator-v1.ts';
import { LatenessHistory } from './lateness-history-v1.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;

/** That buffer's options and defaults, frozen here so later changes to the SDK's defaults do not move the baseline. */
interface JitterBufferOptions {
  capacitySeconds: number;
  initialTargetMs: number;
  minTargetMs: number;
  maxTargetMs: number;
  marginMs: number;
  headroom: number;
  latenessHalfLifeMs: number;
  fadeMs: number;
  turnGapMs: number;
  maxLatenessMs: number;
  silenceThreshold: number;
  shedExcessDelay: boolean;
}
const JITTER_BUFFER_DEFAULTS: Readonly<JitterBufferOptions> = {
  capacitySeconds: 120,
  initialTargetMs: 40,
  minTargetMs: 10,
  maxTargetMs: 420,
  marginMs: 10,
  headroom: 0.35,
  latenessHalfLifeMs: 120_000,
  fadeMs: 4,
  turnGapMs: 300,
  maxLatenessMs: 800,
  silenceThreshold: 0.002,
  shedExcessDelay: true,
};

const IDLE = 0;
const WAITING = 1;
const PLAYING = 2;
const FLUSHING = 3;
type State = typeof IDLE | typeof WAITING | typeof PLAYING | typeof FLUSHING;

/** Silent samples that must have been played before a drift slip: the slip never lands next to speech. */
const SILENT_RUN_BEFORE_SLIP = 32;
/** Drift (in samples) tolerated before slipping; below it, estimator noise would make slips for nothing. */
const SLIP_DEADBAND = 16;

/**
 * Giving back excess delay: silence that must have been played (100 ms) before any of it is shed. Syllable gaps
 * are shorter, so only pauses between sentences and longer silences are ever shortened.
 */
const SILENT_RUN_BEFORE_SHED = 1600;
/**
 * Wall time (16 kHz samples) of one excess-delay measurement window: 4 of the turn's largest chunks (so its inflow
 * is a fair measure of the source's pace), within 1–2.5 s (a backlog released in one go is not a chunk size).
 */
const SHED_WINDOW_MIN_SAMPLES = 16_000;
const SHED_WINDOW_MAX_SAMPLES = 40_000;
/** Consecutive real-time-paced windows needed before shedding: a source ahead of real time is not excess delay. */
const STEADY_WINDOWS_BEFORE_SHED = 2;
/** Excess the queue must show before shedding starts: max(20 ms, a quarter of the target). */
const SHED_HYSTERESIS_SAMPLES = 320;
/** "Not reached": a large Smi, so the fields stay small integers. */
const NO_MINIMUM = 0x3fffffff;

/**
 * An adaptive jitter buffer for one stream of agent speech.
 *
 * **Turns.** The audio carries no markers. A turn starts with the first audio after the buffer was idle; it ends
 * when the queue has stayed empty for `turnGapMs` (or on {@link flush}). Audio that comes back after that, no more
 * than `maxLatenessMs` behind the old turn's clock, counts as that turn's lateness (a stall) but still starts a
 * new turn.
 *
 * **Target delay, per turn.** A turn starts playing `target` ms after its first audio arrived (or at once when
 * the source is clearly ahead of real time: queued audio ≥ target + the largest chunk seen). Within a turn, the
 * lateness of each arrival is `arrival − (turnFirstArrival + mediaTimeOfItsFirstSample)`: how much later than a
 * perfectly paced, instant network it came. The turn's worst lateness goes into `LatenessHistory`, and the
 * next turn's target is the decayed worst of recent turns × (1 + `headroom`) + `marginMs`, at most
 * `maxTargetMs`. This covers cumulative lateness (a source slower than real time, a stall) as well as jitter,
 * which a percentile of inter-arrival jitter cannot without time-stretching.
 *
 * **Concealment.** When the queue runs dry mid-turn the last `fadeMs` of audio fade out (the gain follows the
 * queue down), silence plays, and the audio fades back in when data returns, after rebuffering up to `target`.
 * Every start and end is faded, so no edge is ever a step.
 *
 * **Drift.** A `DriftEstimator` follows the sender's clock; the buffer drops or repeats single samples
 * only inside silence (after `SILENT_RUN_BEFORE_SLIP` silent samples) to keep the delay where it started.
 *
 * **Giving back excess delay** (`shedExcessDelay`). An underrun's concealment, or a backlog released at once (a
 * stall, a reconnect that sends held audio), leaves the queue deeper than the target for as long as the turn
 * lasts, and a continuous stream (silence included) is one endless turn. So, while playing, the buffer measures in
 * windows of wall time (4 of the turn's largest chunks, within 1–2.5 s) the least the queue held and how much
 * audio came in. After `STEADY_WINDOWS_BEFORE_SHED` windows in a row in which the source kept real-time pace (¾
 * to 4/3 of the window came in: a reply sent ahead of real time drains by itself) and the least queue exceeded
 * target + max(20 ms, 25 %), it sheds the excess (least queue − target), then measures afresh. Shedding skips
 * every other sample of silence (silence plays at 2×), only inside a silent run that has played for
 * `SILENT_RUN_BEFORE_SHED` (100 ms) and only where the next sample is silent too (the drift rule): speech is never
 * cut or stretched and syllable gaps are never touched (a 50 ms excess is gone 150 ms into a pause). The least
 * queue is what was left just before arrivals, so the jitter cushion the target bought stays; only what was never
 * needed is given back (`pnpm bench jitter` prints the recovery beside `shedExcessDelay: false`).
 *
 * **Speaking.** `speaking` follows sound, not buffer activity: it rises at the first played sample above
 * `silenceThreshold` and falls after `turnGapMs` with none (silence playing or the queue empty) or at a flush.
 *
 * Real-time use: the constructor allocates everything; `push`, `pull`, `flush`, `readStats` allocate nothing.
 * Not thread-safe: one owner (the playback worklet) calls everything.
 */
export class JitterBufferV1 {
  readonly #options: JitterBufferOptions;
  readonly #ring: Int16Array;
  readonly #history: LatenessHistory;
  readonly #drift = new DriftEstimator();
  readonly #fadeSamples: number;
  readonly #silence: number;

  #read = 0;
  #queued = 0;
  #state: State = IDLE;
  #speaking = false;
  #gain = 0;

  // The open turn (its clock: first arrival + media received), if any.
  #turnOpen = false;
  #turnFirstArrivalMs = 0;
  #turnMedia = 0;
  #turnWorstLateness = 0;
  #turnLargestChunk = 0;
  #previousLargestChunk = 0;
  #lastArrivalMs = 0;
  /** The arrival time of the push being handled. */
  #arrivalMs = 0;
  /** Starts as a number, not undefined: V8 keeps the field unboxed-in-place only if it never held a non-number. */
  #targetMs = 0;

  // Playout.
  /** Play time of output sample 0 of the pull being rendered. */
  #clockMs = 0;
  #startAtMs = 0;
  /** Output samples of silence still owed after a flush. */
  #holdSamples = 0;
  #dry = false;
  #dryStartMs = 0;
  #drySamples = 0;
  #flushTail = 0;
  #silentRun = 0;
  #slipped = 0;
  /** Position (played samples) where `speaking` last changed. */
  #speakingSince = 0;
  /** Output samples since the last one above the silence threshold, while speaking. */
  #quietSamples = 0;
  /** `turnGapMs` in samples: the quiet that ends `speaking`, and the dry spell that ends a turn. */
  readonly #turnGapSamples: number;

  // Excess delay (see the class comment): the current window and what it allows.
  #windowElapsed = 0;
  #windowLeastQueued = NO_MINIMUM;
  #windowStartReceived = 0;
  #windowShed = 0;
  #steadyWindows = 0;
  /** Silent samples still to shed. */
  #shedBudget = 0;

  // Figures.
  #received = 0;
  #played = 0;
  #flushed = 0;
  #overflow = 0;
  #underruns = 0;
  /** Concealment time, in 1/16 ms (integer: see readStats). */
  #lateTicks = 0;
  #shed = 0;

  constructor(options: Partial<JitterBufferOptions> = {}) {
    this.#options = { ...JITTER_BUFFER_DEFAULTS, ...options };
    const o = this.#options;
    if (!(o.fadeMs > 0 && o.fadeMs <= 5)) throw new RangeError('JitterBuffer: fadeMs must be in (0, 5]');
    this.#ring = new Int16Array(Math.ceil(o.capacitySeconds * JITTER_BUFFER_RATE));
    this.#history = new LatenessHistory(o.latenessHalfLifeMs * SAMPLES_PER_MS);
    this.#fadeSamples = Math.round(o.fadeMs * SAMPLES_PER_MS);
    this.#silence = Math.floor(o.silenceThreshold * INT16_SCALE);
    this.#targetMs = Math.round(o.initialTargetMs);
    this.#turnGapSamples = Math.max(1, Math.round(o.turnGapMs * SAMPLES_PER_MS));
  }

  /**
   * Whether the agent is audible: true from the first played sample above `silenceThreshold`, false once
   * `turnGapMs` has passed with nothing above it (silence played or the queue empty), or at a flush. Silent audio
   * (a pre-roll, a stream's silent frames) never makes it true.
   */
  get speaking(): boolean {
    return this.#speaking;
  }

  /**
   * The play position (see {@link playedSamples}) where `speaking` last changed: for a rise, the position of its
   * first audible sample (so `playedSamples − speakingSince` is exactly how much audible turn has been played).
   */
  get speakingSince(): number {
    return this.#speakingSince;
  }

  /** Samples queued (including a flush's fade tail). */
  get queuedSamples(): number {
    return this.#queued;
  }

  /** Samples taken from the queue so far (see {@link JitterBufferStats.playedSamples}). */
  get playedSamples(): number {
    return this.#played;
  }

  /**
   * Queues `samples` (16 kHz Int16) that arrived at `arrivalMs` (the clock `pull` uses). The array is copied and
   * may be reused at once. Returns how many samples were accepted (fewer only if the buffer is full).
   */
  push(samples: Int16Array, arrivalMs: number): number {
    const length = samples.length;
    if (length === 0) return 0;
    this.#received += length;
    this.#arrivalMs = arrivalMs;
    this.#noteArrival(length);

    const capacity = this.#ring.length;
    const accepted = Math.min(length, capacity - this.#queued);
    this.#overflow += length - accepted;
    const write = (this.#read + this.#queued) % capacity;
    if (accepted === length && write + length <= capacity) this.#ring.set(samples, write);
    else {
      // Wraps or overflows: copy by hand, since `subarray` would allocate a view.
      for (let i = 0, w = write; i < accepted; i++, w = w + 1 === capacity ? 0 : w + 1) this.#ring[w] = samples[i]!;
    }
    this.#queued += accepted;
    return accepted;
  }

  /**
   * Writes `length` samples of output (Float32, 16 kHz) into `out[0…length)`, the first of which plays at `nowMs`.
   * Call it with consecutive blocks; `nowMs` must not go backwards.
   */
  pull(out: Float32Array, length: number, nowMs: number): void {
    this.#clockMs = nowMs;
    this.#measureExcess(length);
    for (let i = 0; i < length; i++) {
      this.#render(out, i);
      if (this.#speaking && ++this.#quietSamples >= this.#turnGapSamples) this.#stopSpeaking();
    }
  }

  /**
   * Barge-in: drops everything queued except a fade of `fadeMs` (so the output reaches 0 within it) and ends the
   * turn. Returns the samples dropped. The final play position of the flushed audio is
   * `playedSamples + queuedSamples` right after this call (the fade tail still plays).
   */
  flush(): number {
    let dropped: number;
    if (this.#state === PLAYING && !this.#dry && this.#queued > 0) {
      this.#flushTail = Math.min(this.#queued, this.#fadeSamples);
      dropped = this.#queued - this.#flushTail;
      this.#queued = this.#flushTail;
      this.#state = FLUSHING;
    } else if (this.#state === FLUSHING) {
      dropped = this.#queued - this.#flushTail;
      this.#queued = this.#flushTail;
    } else {
      dropped = this.#queued;
      this.#queued = 0;
      this.#state = IDLE;
      this.#gain = 0;
    }
    this.#flushed += dropped;
    if (this.#speaking) this.#stopSpeaking();
    this.#dry = false;
    this.#restartExcessWindow();
    this.#closeTurn(Math.round(this.#lastArrivalMs * SAMPLES_PER_MS));
    return dropped;
  }

  /**
   * Copies the figures into `into`. Allocates nothing, even when V8 runs it unoptimised (it is called rarely):
   * every figure is a small integer, which is why the ms figures are whole ms (rounded down).
   */
  readStats(into: JitterBufferStats): void {
    into.queuedMs = this.#queued >> 4; // 16 samples a ms
    into.targetMs = this.#targetMs;
    into.underruns = this.#underruns;
    into.lateMs = into.concealedMs = this.#lateTicks >> 4;
    into.playedSamples = this.#played;
    into.receivedSamples = this.#received;
    into.flushedSamples = this.#flushed;
    into.overflowSamples = this.#overflow;
    into.shedMs = this.#shed >> 4;
  }

  /** Forgets everything, figures included (a new session). */
  reset(): void {
    this.#read = this.#queued = 0;
    this.#state = IDLE;
    this.#speaking = this.#dry = this.#turnOpen = false;
    this.#gain = this.#flushTail = this.#silentRun = this.#slipped = this.#drySamples = 0;
    this.#previousLargestChunk = this.#holdSamples = 0;
    this.#received = this.#played = this.#flushed = this.#overflow = this.#underruns = this.#lateTicks = this.#shed = 0;
    this.#speakingSince = this.#quietSamples = 0;
    this.#restartExcessWindow();
    this.#history.clear();
    this.#targetMs = Math.round(this.#options.initialTargetMs);
  }

  // ---- arrivals -----------------------------------------------------------------------------------------------
  // Private helpers take and return only integers, booleans and objects: V8 boxes (allocates) a double passed to
  // or returned from a call it does not inline. Times travel in fields (#arrivalMs, #clockMs) instead.

  /** Turn bookkeeping for `length` samples arriving at #arrivalMs. */
  #noteArrival(length: number): void {
    const arrivalMs = this.#arrivalMs;
    if (this.#turnOpen && this.#state === IDLE) {
      // The last turn ended (the queue stayed empty for turnGapMs). If this audio is only a little behind that
      // turn's clock it was a stall: learn from it, then start afresh either way.
      const lateness = arrivalMs - this.#turnFirstArrivalMs - this.#turnMedia / SAMPLES_PER_MS;
      if (lateness <= this.#options.maxLatenessMs) this.#turnWorstLateness = Math.max(this.#turnWorstLateness, lateness);
      this.#closeTurn(Math.round(arrivalMs * SAMPLES_PER_MS));
    }
    if (!this.#turnOpen) this.#openTurn();
    else {
      const lateness = arrivalMs - this.#turnFirstArrivalMs - this.#turnMedia / SAMPLES_PER_MS;
      if (lateness > this.#turnWorstLateness) this.#turnWorstLateness = lateness;
      this.#drift.observe(Math.round(lateness * SAMPLES_PER_MS), this.#turnMedia);
    }
    this.#turnMedia += length;
    if (length > this.#turnLargestChunk) this.#turnLargestChunk = length;
    this.#lastArrivalMs = arrivalMs;

    if (this.#state === IDLE) {
      this.#state = WAITING;
      this.#startAtMs = arrivalMs + this.#targetMs;
    } else if (this.#state === FLUSHING && this.#turnMedia === length) {
      // The first audio of the next reply, during a flush's fade: it plays after the fade, on its own turn's clock.
      this.#startAtMs = arrivalMs + this.#targetMs;
    } else if (this.#state === PLAYING && this.#dry) {
      // Audio came back mid-turn: an underrun. Rebuffer up to the target before fading back in.
      this.#underruns++;
      this.#lateTicks += Math.round((arrivalMs - this.#dryStartMs) * SAMPLES_PER_MS);
      this.#dry = false;
      this.#state = WAITING;
      this.#startAtMs = arrivalMs + this.#targetMs;
    }
  }

  /** Opens a turn at #arrivalMs, with its target from the lateness of recent turns. */
  #openTurn(): void {
    const o = this.#options;
    const arrivalMs = this.#arrivalMs;
    this.#turnOpen = true;
    this.#turnFirstArrivalMs = arrivalMs;
    this.#turnMedia = 0;
    this.#turnWorstLateness = 0;
    this.#turnLargestChunk = 0;
    this.#slipped = 0;
    this.#restartExcessWindow();
    this.#drift.reset();
    this.#drift.observe(0, 0);
    const worst = this.#history.worstTicks(Math.round(arrivalMs * SAMPLES_PER_MS)) / SAMPLES_PER_MS;
    const learned = this.#history.empty ? o.initialTargetMs : worst * (1 + o.headroom) + o.marginMs;
    // Whole ms: plenty for a start delay, and a small integer for readStats.
    this.#targetMs = Math.round(Math.min(o.maxTargetMs, Math.max(o.minTargetMs, learned)));
  }

  /** Closes the open turn (if any), recording its worst lateness as of `endTicks` (1/16 ms). */
  #closeTurn(endTicks: number): void {
    if (!this.#turnOpen) return;
    this.#turnOpen = false;
    this.#history.record(Math.round(Math.max(0, this.#turnWorstLateness) * SAMPLES_PER_MS), endTicks);
    this.#previousLargestChunk = this.#turnLargestChunk;
  }

  // ---- playout ------------------------------------------------------------------------------------------------

  /** Writes output sample `i` of the current pull (played at #clockMs + i / 16). */
  #render(out: Float32Array, i: number): void {
    if (this.#holdSamples > 0) {
      this.#holdSamples--;
      out[i] = 0;
      return;
    }
    if (this.#state === WAITING) {
      if (this.#clockMs + i / SAMPLES_PER_MS < this.#startAtMs && !this.#clearlyAhead()) {
        out[i] = 0;
        return;
      }
      this.#state = PLAYING;
    }
    if (this.#state === IDLE) {
      out[i] = 0;
      return;
    }
    if (this.#queued === 0) {
      this.#conceal(i);
      out[i] = 0;
      return;
    }

    let value = this.#ring[this.#read]!;
    let consume = true;
    if (value <= this.#silence && value >= -this.#silence) {
      if (this.#state === PLAYING && ++this.#silentRun > SILENT_RUN_BEFORE_SLIP) {
        const wanted = this.#drift.driftSamples - this.#slipped;
        if (wanted > SLIP_DEADBAND) {
          // Repeat this silent sample: it stays queued for the next output sample.
          this.#slipped++;
          this.#silentRun = 0;
          consume = false;
        } else if (wanted < -SLIP_DEADBAND && this.#skipSilentSample()) {
          this.#slipped--;
          this.#silentRun = 0;
          value = this.#ring[this.#read]!;
        } else if (this.#shedBudget > 0 && this.#silentRun > SILENT_RUN_BEFORE_SHED && this.#skipSilentSample()) {
          // Excess delay: this silent sample is skipped; the next (silent too) plays in its place.
          this.#shedBudget--;
          this.#windowShed++;
          this.#shed++;
          value = this.#ring[this.#read]!;
        }
      }
    } else {
      this.#silentRun = 0;
      if (this.#state === PLAYING) {
        this.#quietSamples = 0;
        if (!this.#speaking) {
          this.#speaking = true;
          this.#speakingSince = this.#played;
        }
      }
    }

    if (consume) {
      this.#read = this.#read + 1 === this.#ring.length ? 0 : this.#read + 1;
      this.#queued--;
      this.#played++;
    }

    // The gain rises by one fade step a sample and never exceeds what is left to play over the fade length, so
    // it reaches exactly 0 on the last queued sample, whatever happens next.
    const left = this.#state === FLUSHING ? --this.#flushTail : this.#queued;
    let gain = this.#gain + 1 / this.#fadeSamples;
    if (gain > 1) gain = 1;
    const ceiling = left / this.#fadeSamples;
    if (gain > ceiling) gain = ceiling;
    this.#gain = gain;
    out[i] = (value * gain) / INT16_SCALE;
    if (this.#state === FLUSHING && this.#flushTail === 0) this.#endFlush();
  }

  /** The queue is empty at output sample `i`: silence, and perhaps the end of the turn. */
  #conceal(i: number): void {
    this.#gain = 0;
    this.#silentRun = 0;
    if (this.#state === FLUSHING) {
      this.#endFlush();
      return;
    }
    if (!this.#dry) {
      this.#dry = true;
      this.#dryStartMs = this.#clockMs + i / SAMPLES_PER_MS;
      this.#drySamples = 0;
    }
    if (++this.#drySamples >= this.#turnGapSamples) {
      this.#dry = false;
      this.#state = IDLE;
    }
  }

  #stopSpeaking(): void {
    this.#speaking = false;
    this.#speakingSince = this.#played;
    this.#quietSamples = 0;
  }

  /**
   * One pull of `length` output samples: the excess-delay window (see the class comment). Counted in samples of
   * wall time, integers only. Anything but steady playing (waiting, a dry spell, a flush) starts it afresh.
   */
  #measureExcess(length: number): void {
    if (this.#state !== PLAYING || this.#dry || !this.#options.shedExcessDelay) {
      this.#restartExcessWindow();
      return;
    }
    if (this.#queued < this.#windowLeastQueued) this.#windowLeastQueued = this.#queued;
    this.#windowElapsed += length;
    const largestChunk = Math.max(this.#turnLargestChunk, this.#previousLargestChunk);
    const window = Math.min(SHED_WINDOW_MAX_SAMPLES, Math.max(SHED_WINDOW_MIN_SAMPLES, 4 * largestChunk));
    if (this.#windowElapsed < window) return;
    const inflow = this.#received - this.#windowStartReceived;
    const elapsed = this.#windowElapsed;
    // Real-time pace: ¾ to 4/3 of the window's wall time came in as audio.
    const steady = 4 * inflow >= 3 * elapsed && 3 * inflow <= 4 * elapsed;
    this.#steadyWindows = steady ? this.#steadyWindows + 1 : 0;
    const target = this.#targetMs * SAMPLES_PER_MS;
    const hysteresis = Math.max(SHED_HYSTERESIS_SAMPLES, target >> 2);
    // The least queue was seen before some of this window's shedding: count that shedding off it.
    const least = this.#windowLeastQueued - this.#windowShed;
    this.#shedBudget = this.#steadyWindows >= STEADY_WINDOWS_BEFORE_SHED && least > target + hysteresis ? least - target : 0;
    this.#windowElapsed = 0;
    this.#windowLeastQueued = NO_MINIMUM;
    this.#windowStartReceived = this.#received;
    this.#windowShed = 0;
  }

  #restartExcessWindow(): void {
    this.#windowElapsed = this.#windowShed = this.#steadyWindows = this.#shedBudget = 0;
    this.#windowLeastQueued = NO_MINIMUM;
    this.#windowStartReceived = this.#received;
  }

  /** The flush's fade tail has played. */
  #endFlush(): void {
    this.#gain = 0;
    // One fade length of silence before anything else plays, so a player that fades its own output on a flush
    // (the playback worklet, behind its resampler) never cuts into the next reply. Counted in samples: this path
    // is rare, so V8 may run it unoptimised, where any fractional arithmetic allocates.
    this.#holdSamples = this.#fadeSamples;
    // Audio of the next reply that arrived during the fade waits for its own turn's start (set on arrival).
    this.#state = this.#queued > 0 ? WAITING : IDLE;
  }

  /** A source this far ahead of real time cannot be late for the next `target` ms: start now. */
  #clearlyAhead(): boolean {
    const largestChunk = Math.max(this.#turnLargestChunk, this.#previousLargestChunk);
    return this.#queued >= this.#targetMs * SAMPLES_PER_MS + largestChunk;
  }

  /**
   * Drops the silent sample at the read position if the next one is silent too (consumed, counted as played), so
   * a drop never lands next to speech. Returns whether it did. Used by drift slips and by excess-delay shedding.
   */
  #skipSilentSample(): boolean {
    if (this.#queued < 2) return false;
    const next = this.#read + 1 === this.#ring.length ? 0 : this.#read + 1;
    const value = this.#ring[next]!;
    if (value > this.#silence || value < -this.#silence) return false;
    this.#read = next;
    this.#queued--;
    this.#played++;
    return true;
  }
}
