/**
 * The playback jitter buffer: agent audio in (Int16 at 16 kHz, in chunks of any size, at any time), a steady
 * Float32 stream out, with an adaptive start delay, click-free concealment, barge-in flush and drift slipping.
 * The pieces: `JitterRing` (queue and sample accounting), `JitterTarget` (turns and target delay), `ExcessDelay`
 * (what of the queue was never needed); this file is the playout state machine that joins them.
 * @module
 */
import { ExcessDelay } from './excess-delay.ts';
import { JITTER_BUFFER_DEFAULTS, JITTER_BUFFER_RATE, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer-options.ts';
import { JitterRing } from './jitter-ring.ts';
import { JitterTarget } from './jitter-target.ts';
import { INT16_SCALE } from './pcm.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;

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
export class JitterBuffer {
  readonly #options: JitterBufferOptions;
  readonly #ring: JitterRing;
  readonly #target: JitterTarget;
  readonly #excess = new ExcessDelay();
  readonly #fadeSamples: number;
  readonly #silence: number;

  #state: State = IDLE;
  #speaking = false;
  #gain = 0;
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
  #underruns = 0;
  /** Concealment time, in 1/16 ms (integer: see readStats). */
  #lateTicks = 0;
  #shed = 0;

  constructor(options: Partial<JitterBufferOptions> = {}) {
    this.#options = { ...JITTER_BUFFER_DEFAULTS, ...options };
    const o = this.#options;
    if (!(o.fadeMs > 0 && o.fadeMs <= 5)) throw new RangeError('JitterBuffer: fadeMs must be in (0, 5]');
    this.#ring = new JitterRing(Math.ceil(o.capacitySeconds * JITTER_BUFFER_RATE));
    this.#target = new JitterTarget(o);
    this.#fadeSamples = Math.round(o.fadeMs * SAMPLES_PER_MS);
    this.#silence = Math.floor(o.silenceThreshold * INT16_SCALE);
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
    return this.#ring.queued;
  }

  /** Samples taken from the queue so far (see {@link JitterBufferStats.playedSamples}). */
  get playedSamples(): number {
    return this.#ring.played;
  }

  /**
   * Queues `samples` (16 kHz Int16) that arrived at `arrivalMs` (the clock `pull` uses). The array is copied and
   * may be reused at once. Returns how many samples were accepted (fewer only if the buffer is full).
   */
  push(samples: Int16Array, arrivalMs: number): number {
    const length = samples.length;
    if (length === 0) return 0;
    // Into the ring first: a turn that opens here counts this audio in its received figure.
    const accepted = this.#ring.push(samples);
    this.#target.arrivalMs = arrivalMs;
    this.#noteArrival(length);
    return accepted;
  }

  /**
   * Writes `length` samples of output (Float32, 16 kHz) into `out[0…length)`, the first of which plays at `nowMs`.
   * Call it with consecutive blocks; `nowMs` must not go backwards.
   */
  pull(out: Float32Array, length: number, nowMs: number): void {
    this.#clockMs = nowMs;
    const ring = this.#ring;
    if (this.#state !== PLAYING || this.#dry || !this.#options.shedExcessDelay) this.#excess.restart(ring.received);
    else this.#excess.measure(length, ring.queued, ring.received, this.#target.largestChunk, this.#target.targetMs * SAMPLES_PER_MS);
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
    const queued = this.#ring.queued;
    let dropped: number;
    if (this.#state === PLAYING && !this.#dry && queued > 0) {
      this.#flushTail = Math.min(queued, this.#fadeSamples);
      dropped = this.#ring.truncate(this.#flushTail);
      this.#state = FLUSHING;
    } else if (this.#state === FLUSHING) {
      dropped = this.#ring.truncate(this.#flushTail);
    } else {
      dropped = this.#ring.truncate(0);
      this.#state = IDLE;
      this.#gain = 0;
    }
    if (this.#speaking) this.#stopSpeaking();
    this.#dry = false;
    this.#excess.restart(this.#ring.received);
    this.#target.closeTurn(Math.round(this.#target.lastArrivalMs * SAMPLES_PER_MS));
    return dropped;
  }

  /**
   * Copies the figures into `into`. Allocates nothing, even when V8 runs it unoptimised (it is called rarely):
   * every figure is a small integer, which is why the ms figures are whole ms (rounded down).
   */
  readStats(into: JitterBufferStats): void {
    const ring = this.#ring;
    into.queuedMs = ring.queued >> 4; // 16 samples a ms
    into.targetMs = this.#target.targetMs;
    into.underruns = this.#underruns;
    into.lateMs = this.#lateTicks >> 4;
    into.playedSamples = ring.played;
    into.receivedSamples = ring.received;
    into.flushedSamples = ring.flushed;
    into.overflowSamples = ring.overflow;
    into.shedMs = this.#shed >> 4;
  }

  /** Forgets everything, figures included (a new session). */
  reset(): void {
    this.#ring.reset();
    this.#target.reset();
    this.#state = IDLE;
    this.#speaking = this.#dry = false;
    this.#gain = this.#flushTail = this.#silentRun = this.#slipped = this.#drySamples = 0;
    this.#holdSamples = this.#underruns = this.#lateTicks = this.#shed = 0;
    this.#speakingSince = this.#quietSamples = 0;
    this.#excess.restart(0);
  }

  /** Turn and state bookkeeping for `length` samples arriving at the target's `arrivalMs`. */
  #noteArrival(length: number): void {
    const target = this.#target;
    if (target.arrive(length, this.#state === IDLE)) {
      this.#slipped = 0;
      this.#excess.restart(this.#ring.received);
    }
    const arrivalMs = target.arrivalMs;
    if (this.#state === IDLE) {
      this.#state = WAITING;
      this.#startAtMs = arrivalMs + target.targetMs;
    } else if (this.#state === FLUSHING && target.turnMedia === length) {
      // The first audio of the next reply, during a flush's fade: it plays after the fade, on its own turn's clock.
      this.#startAtMs = arrivalMs + target.targetMs;
    } else if (this.#state === PLAYING && this.#dry) {
      // Audio came back mid-turn: an underrun. Rebuffer up to the target before fading back in.
      this.#underruns++;
      this.#lateTicks += Math.round((arrivalMs - this.#dryStartMs) * SAMPLES_PER_MS);
      this.#dry = false;
      this.#state = WAITING;
      this.#startAtMs = arrivalMs + target.targetMs;
    }
  }

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
    const ring = this.#ring;
    if (ring.queued === 0) {
      this.#conceal(i);
      out[i] = 0;
      return;
    }

    let value = ring.peek(0);
    let consume = true;
    if (value <= this.#silence && value >= -this.#silence) {
      if (this.#state === PLAYING && ++this.#silentRun > SILENT_RUN_BEFORE_SLIP) {
        const wanted = this.#target.drift.driftSamples - this.#slipped;
        if (wanted > SLIP_DEADBAND) {
          // Repeat this silent sample: it stays queued for the next output sample.
          this.#slipped++;
          this.#silentRun = 0;
          consume = false;
        } else if (wanted < -SLIP_DEADBAND && this.#skipSilentSample()) {
          this.#slipped--;
          this.#silentRun = 0;
          value = ring.peek(0);
        } else if (this.#excess.budget > 0 && this.#silentRun > SILENT_RUN_BEFORE_SHED && this.#skipSilentSample()) {
          // Excess delay: this silent sample is skipped; the next (silent too) plays in its place.
          this.#excess.take(1);
          this.#shed++;
          value = ring.peek(0);
        }
      }
    } else {
      this.#silentRun = 0;
      if (this.#state === PLAYING) {
        this.#quietSamples = 0;
        if (!this.#speaking) {
          this.#speaking = true;
          this.#speakingSince = ring.played;
        }
      }
    }

    if (consume) ring.advance(1);

    // The gain rises by one fade step a sample and never exceeds what is left to play over the fade length, so
    // it reaches exactly 0 on the last queued sample, whatever happens next.
    const left = this.#state === FLUSHING ? --this.#flushTail : ring.queued;
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
    this.#speakingSince = this.#ring.played;
    this.#quietSamples = 0;
  }

  /** The flush's fade tail has played. */
  #endFlush(): void {
    this.#gain = 0;
    // One fade length of silence before anything else plays, so a player that fades its own output on a flush
    // (the playback worklet, behind its resampler) never cuts into the next reply. Counted in samples: this path
    // is rare, so V8 may run it unoptimised, where any fractional arithmetic allocates.
    this.#holdSamples = this.#fadeSamples;
    // Audio of the next reply that arrived during the fade waits for its own turn's start (set on arrival).
    this.#state = this.#ring.queued > 0 ? WAITING : IDLE;
  }

  /** A source this far ahead of real time cannot be late for the next `target` ms: start now. */
  #clearlyAhead(): boolean {
    return this.#ring.queued >= this.#target.targetMs * SAMPLES_PER_MS + this.#target.largestChunk;
  }

  /**
   * Drops the silent sample at the read position if the next one is silent too (consumed, counted as played), so
   * a drop never lands next to speech. Returns whether it did. Used by drift slips and by excess-delay shedding.
   */
  #skipSilentSample(): boolean {
    const ring = this.#ring;
    if (ring.queued < 2) return false;
    const value = ring.peek(1);
    if (value > this.#silence || value < -this.#silence) return false;
    ring.advance(1);
    return true;
  }
}
