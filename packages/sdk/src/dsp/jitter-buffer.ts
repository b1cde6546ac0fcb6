/**
 * The playback jitter buffer: agent audio in (Int16 at 16 kHz, in chunks of any size, at any time), a steady
 * Float32 stream out. The pieces, each with one job: `JitterRing` (queue and sample accounting), `JitterTarget`
 * (turns, lateness, the target delay), `PlayoutSpeed` (the speed that keeps the delay at the target),
 * `TimeStretcher` and `Concealment` (playing at that speed, and through gaps), `DrySpell` (underruns and
 * re-entry). This file is the state machine that joins them: start delay, turn ends, flush.
 * @module
 */
import { CHECK_ARGUMENTS } from './argument-checks.ts';
import { DrySpell } from './dry-spell.ts';
import { JITTER_BUFFER_DEFAULTS, JITTER_BUFFER_RATE, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer-options.ts';
import { JitterRing } from './jitter-ring.ts';
import { JitterTarget } from './jitter-target.ts';
import { INT16_SCALE } from './pcm.ts';
import { PlayoutSpeed } from './playout-speed.ts';
import { SPEED_ONE, TimeStretcher } from './time-stretcher.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;
// In order: the states before PLAYING are silent.
const IDLE = 0;
const WAITING = 1;
const PLAYING = 2;
const FLUSHING = 3;
type State = typeof IDLE | typeof WAITING | typeof PLAYING | typeof FLUSHING;

/**
 * An adaptive, time-stretching jitter buffer for one stream of agent speech.
 *
 * **Turns.** The audio carries no markers. A turn starts with the first audio after the buffer was idle; it ends
 * when the queue has stayed empty for `turnGapMs` (or on {@link flush}). A turn starts playing `target` ms after
 * its first audio arrived (or at once when the source is clearly ahead: queued ≥ target + its largest chunk).
 *
 * **Target.** A high quantile of the stream's own lateness, or the highest of its stalls when stalls repeat
 * (`JitterTarget`), with no ceiling but the conversational budget `maxTargetMs`. A single stall is ridden out.
 *
 * **Speed.** `PlayoutSpeed`: up to 15 % faster (silence up to 2×) to give delay beyond the target back, in speech
 * as in pauses; up to 15 % slower when the queue runs low. Whole pitch periods are removed or repeated (pitch stays).
 *
 * **Underruns.** When the queue runs dry anyway, `Concealment` plays the last pitch period on, fading, until audio
 * is back and has built up (`DrySpell`); the stretcher cross-fades into it, and the delay gained is given back by
 * playing faster. Every start is a fade-in, every flush a fade-out.
 *
 * **Speaking.** `speaking` follows sound, not buffer activity: it rises at the first played sample above
 * `silenceThreshold` and falls after `turnGapMs` with none, or at a flush.
 *
 * Real-time use: the constructor allocates everything; `push`, `pull`, `flush`, `readStats` allocate nothing.
 * Not thread-safe: one owner (the playback worklet) calls everything.
 */
export class JitterBuffer {
  readonly #options: JitterBufferOptions;
  readonly #ring: JitterRing;
  readonly #target: JitterTarget;
  readonly #speed: PlayoutSpeed;
  readonly #stretcher: TimeStretcher;
  readonly #dry = new DrySpell();
  readonly #fadeSamples: number;
  readonly #turnGapSamples: number;
  readonly #silence: number;

  #state: State = IDLE;
  /** Play time of output sample 0 of the pull being rendered. Numbers from the start (no boxed fields). */
  #clockMs = 0;
  #startAtMs = 0;
  /** Output samples of silence still owed after a flush. */
  #holdSamples = 0;
  #flushTail = 0;
  #speaking = false;
  #speakingSince = 0;
  /** Output samples since the last one above the silence threshold. */
  #quiet = 0;
  /** Output samples made up (silence or concealment), not played from the source: gaps, start delays, idling. */
  madeUpSamples = 0;

  constructor(options: Partial<JitterBufferOptions> = {}) {
    this.#options = { ...JITTER_BUFFER_DEFAULTS, ...options };
    const o = this.#options;
    if (CHECK_ARGUMENTS && !(o.fadeMs > 0 && o.fadeMs <= 5)) throw new RangeError('fadeMs must be in (0, 5]');
    this.#ring = new JitterRing(Math.ceil(o.capacitySeconds * JITTER_BUFFER_RATE));
    this.#target = new JitterTarget(o);
    this.#silence = Math.floor(o.silenceThreshold * INT16_SCALE);
    this.#speed = new PlayoutSpeed();
    this.#stretcher = new TimeStretcher(this.#silence);
    this.#stretcher.mute();
    this.#fadeSamples = Math.round(o.fadeMs * SAMPLES_PER_MS);
    this.#turnGapSamples = Math.max(1, Math.round(o.turnGapMs * SAMPLES_PER_MS));
  }

  /** Whether the agent is audible (see the class comment). */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** The play position (see {@link playedSamples}) where `speaking` last changed. */
  get speakingSince(): number {
    return this.#speakingSince;
  }

  /** Samples queued and not yet heard (including a flush's fade tail and the segment being played). */
  get queuedSamples(): number {
    return this.#ring.queued + this.#stretcher.unheard;
  }

  /**
   * The play position: source samples heard so far (one sample of a stretched passage counts once, whether it
   * played faster or slower). `playedSamples + queuedSamples` is everything taken in and not flushed.
   */
  get playedSamples(): number {
    return this.#ring.played - this.#stretcher.unheard;
  }

  /**
   * Queues `samples` (16 kHz Int16) that arrived at `arrivalMs` (the clock `pull` uses). The array is copied and
   * may be reused at once. Returns how many samples were accepted (fewer only if the buffer is full).
   */
  push(samples: Int16Array, arrivalMs: number): number {
    const length = samples.length;
    if (length === 0) return 0;
    const position = this.#ring.played + this.#ring.queued;
    const accepted = this.#ring.push(samples);
    this.#target.arrivalMs = arrivalMs;
    this.#noteArrival(length, position);
    return accepted;
  }

  /**
   * Writes `length` samples of output (Float32, 16 kHz) into `out[0…length)`, the first of which plays at `nowMs`.
   * Call it with consecutive blocks; `nowMs` must not go backwards.
   */
  pull(out: Float32Array, length: number, nowMs: number): void {
    this.#clockMs = nowMs;
    const steady = this.#state === PLAYING && !this.#dry.active && this.#options.timeStretch;
    this.#speed.steer(steady, this.#target, this.playedSamples, this.queuedSamples, length, nowMs);
    this.#stretcher.desiredStretch = this.#speed.desiredStretch;
    for (let i = 0; i < length; i++) {
      this.#render(out, i);
      if (this.#speaking && ++this.#quiet >= this.#turnGapSamples) this.#stopSpeaking();
    }
  }

  /**
   * Barge-in: drops everything queued except a fade of `fadeMs` (so the output reaches 0 within it) and ends the
   * turn. Returns the samples dropped. The final play position of the flushed audio is
   * `playedSamples + queuedSamples` right after this call (the fade tail still plays).
   */
  flush(): number {
    const ring = this.#ring;
    const stretcher = this.#stretcher;
    let dropped: number;
    let tail = 0;
    if ((this.#state === PLAYING && !this.#dry.active) || this.#state === FLUSHING) {
      tail = Math.min(this.#fadeSamples, stretcher.pending + ring.queued);
      const cut = stretcher.truncate(tail);
      ring.unplay(cut);
      dropped = cut + ring.truncate(Math.max(0, tail - stretcher.pending));
    } else dropped = ring.truncate(0);
    this.#flushTail = tail;
    this.#state = tail > 0 ? FLUSHING : IDLE;
    if (tail === 0) stretcher.mute();
    this.#stopSpeaking();
    this.#dry.active = false;
    this.#target.closeTurn();
    return dropped;
  }

  /**
   * Copies the figures into `into`. Allocates nothing, even when V8 runs it unoptimised (it is called rarely):
   * every figure is a small integer, which is why the ms figures are whole ms (rounded down).
   */
  readStats(into: JitterBufferStats): void {
    into.queuedMs = this.queuedSamples >> 4; // 16 samples a ms
    into.targetMs = this.#target.targetMs;
    into.playedSamples = this.playedSamples;
    const ring = this.#ring;
    const stretcher = this.#stretcher;
    into.receivedSamples = ring.received;
    into.flushedSamples = ring.flushed;
    into.overflowSamples = ring.overflow;
    into.shedMs = stretcher.fasterSamples >> 4;
    into.stretchedMs = stretcher.slowerSamples >> 4;
    into.concealedMs = stretcher.concealedSamples >> 4;
    into.underruns = this.#dry.underruns;
    into.lateMs = this.#dry.lateSamples >> 4;
  }

  /** Turn and state bookkeeping for `length` samples arriving at the target's `arrivalMs`. */
  #noteArrival(length: number, position: number): void {
    const target = this.#target;
    target.arrive(length, this.#state === IDLE, position);
    this.#stretcher.credit -= target.driftMs * SAMPLES_PER_MS * SPEED_ONE;
    const arrivalMs = target.arrivalMs;
    if (this.#state === IDLE) {
      this.#state = WAITING;
      this.#startAtMs = arrivalMs + target.targetMs;
    } else if (this.#state === FLUSHING && target.turnMedia === length) {
      // The first audio of the next reply, during a flush's fade: it plays after the fade, on its own turn's clock.
      this.#startAtMs = arrivalMs + target.targetMs;
    } else this.#dry.audioBack(Math.round(arrivalMs * SAMPLES_PER_MS), target.targetMs);
  }

  /** Writes output sample `i` of the current pull (played at #clockMs + i / 16). */
  #render(out: Float32Array, i: number): void {
    const stretcher = this.#stretcher;
    const ring = this.#ring;
    // Silence: owed after a flush, idle, or waiting for the start.
    const held = this.#holdSamples > 0;
    if (held) this.#holdSamples--;
    else if (this.#state === WAITING && (this.#clockMs + i / SAMPLES_PER_MS >= this.#startAtMs || this.#clearlyAhead())) {
      this.#state = PLAYING;
    }
    if (held || this.#state < PLAYING) {
      out[i] = 0;
      this.madeUpSamples++;
      return;
    }
    if (stretcher.pending === 0) {
      if (this.#state === FLUSHING) {
        // The tail left in the ring (audio of the next reply may follow it there).
        stretcher.copy(ring, Math.min(this.#flushTail, ring.queued));
      } else if (this.#dry.active) {
        // Dry mid-turn: cross-fade back into audio that is back and has built up, or conceal on.
        // Integers only (the worklet's clock is whole ms): this runs rarely, and unoptimised code boxes doubles.
        if (this.#dry.resume(this.#clockMs * SAMPLES_PER_MS + i, ring.queued, this.#target.targetMs)) stretcher.plan(ring, false);
        else stretcher.conceal();
      } else if (ring.queued === 0) {
        this.#dry.begin();
        stretcher.conceal();
      } else stretcher.plan(ring, this.#options.timeStretch);
    }
    stretcher.write(out, i);
    if (this.#dry.active) {
      this.madeUpSamples++;
      // The queue stayed empty for turnGapMs (audio that is back and building up keeps the turn): it is over.
      if (this.#dry.turnOver(this.#turnGapSamples)) {
        this.#state = IDLE;
        stretcher.mute();
      }
      return;
    }
    // A flush's linear fade to 0 at the tail's end, as a select on every sample (x·f/f is x): a cold branch boxes.
    const flushing = this.#state === FLUSHING;
    out[i] = (out[i]! * (flushing ? --this.#flushTail : this.#fadeSamples)) / this.#fadeSamples;
    if (flushing) {
      if (this.#flushTail === 0) this.#endFlush();
      return;
    }
    const value = out[i]! * INT16_SCALE;
    if (value > this.#silence || value < -this.#silence) {
      this.#quiet = 0;
      if (!this.#speaking) {
        this.#speaking = true;
        this.#speakingSince = this.playedSamples - 1; // this sample's position: it counts as heard already
      }
    }
  }

  #stopSpeaking(): void {
    if (!this.#speaking) return;
    this.#speaking = false;
    this.#speakingSince = this.playedSamples;
    this.#quiet = 0;
  }

  /** The flush's fade tail has played. */
  #endFlush(): void {
    this.#stretcher.mute();
    // One fade length of silence before anything else plays, so a player that fades its own output on a flush
    // (the playback worklet, behind its resampler) never cuts into the next reply.
    this.#holdSamples = this.#fadeSamples;
    this.#state = this.#ring.queued > 0 ? WAITING : IDLE;
  }

  /** A source this far ahead of real time cannot be late for the next `target` ms: start now. */
  #clearlyAhead(): boolean {
    return this.#ring.queued >= this.#target.targetMs * SAMPLES_PER_MS + this.#target.largestChunk;
  }
}
