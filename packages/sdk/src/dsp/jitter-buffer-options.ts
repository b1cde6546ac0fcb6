/**
 * The jitter buffer's options, their defaults and its figures.
 * @module
 */

/** The buffer's sample rate: the wire format's. */
export const JITTER_BUFFER_RATE = 16_000;

/** Options of `JitterBuffer`. Every field has a default ({@link JITTER_BUFFER_DEFAULTS}). */
export interface JitterBufferOptions {
  /**
   * Audio the buffer can hold, in seconds (a whole response may arrive at once). Preallocated: 2 bytes a sample.
   * Audio beyond it is dropped and counted in `overflowSamples`.
   * @default 120
   */
  capacitySeconds: number;
  /** Start delay of the first turn, before any lateness has been measured, in ms. @default 40 */
  initialTargetMs: number;
  /** Least start delay, in ms. @default 10 */
  minTargetMs: number;
  /**
   * Greatest target delay, in ms: the conversational budget. A reply that starts later than this feels slow, so
   * beyond it the buffer accepts an occasional gap instead of more delay. A budget, not a figure fitted to a bench:
   * the target is learned from the stream's lateness and is normally far below it.
   * @default 1500
   */
  maxTargetMs: number;
  /** Added to the learned lateness, in ms. @default 10 */
  marginMs: number;
  /** Added to the learned lateness, as a fraction of it. @default 0.1 */
  headroom: number;
  /**
   * The share of the stream's media (by duration) whose lateness the target covers: 0.998 means 0.2 % of the
   * audio may come later than the target and be ridden out by slowing down or concealment. Chosen on the tuning
   * seeds of `pnpm bench jitter` (which reports held-out seeds).
   * @default 0.998
   */
  latenessQuantile: number;
  /**
   * Stalls (arrivals far later than the quantile) that repeat, each within this many ms of the one before, set the
   * target: from the second on, it covers their mean until this long passes with none. A single stall is ridden
   * out and its delay given back.
   * @default 120000
   */
  peakWindowMs: number;
  /** Half-life of an arrival's lateness in the target, in ms of media received. @default 60000 */
  latenessHalfLifeMs: number;
  /** Length of every fade (underrun, resume, turn start and end, flush), in ms; at most 5. @default 4 */
  fadeMs: number;
  /**
   * The queue must stay empty this long (ms) before a turn counts as over; `speaking` becomes false after this long
   * with nothing audible (silence played or the queue empty).
   * @default 300
   */
  turnGapMs: number;
  /**
   * Audio that resumes after a turn ended counts as that turn's lateness (a stall, not a new reply) when it is at
   * most this late (ms) against the turn's clock.
   * @default 800
   */
  maxLatenessMs: number;
  /**
   * Samples at or below this magnitude (full scale 1) are silence, where drift may drop or repeat one and excess
   * delay may be shed; `speaking` turns true only above it.
   * @default 0.002
   */
  silenceThreshold: number;
  /**
   * Time-scale modification: play up to 15 % faster (silence up to 2×) to give back delay beyond the target, and
   * up to 15 % slower when the queue runs low, pitch unchanged. `false`: speed stays 1 (underruns are still
   * concealed), and delay beyond the target stays until the turn ends.
   * @default true
   */
  timeStretch: boolean;
}

/**
 * The defaults of {@link JitterBufferOptions}. The target figures (headroom, half-life, maximum) were chosen on the
 * seeded traces of `pnpm bench jitter`, which prints what they give beside fixed prebuffers.
 */
export const JITTER_BUFFER_DEFAULTS: Readonly<JitterBufferOptions> = {
  capacitySeconds: 120,
  initialTargetMs: 40,
  minTargetMs: 10,
  maxTargetMs: 1500,
  marginMs: 10,
  headroom: 0.1,
  latenessQuantile: 0.998,
  peakWindowMs: 120_000,
  latenessHalfLifeMs: 60_000,
  fadeMs: 4,
  turnGapMs: 300,
  maxLatenessMs: 800,
  silenceThreshold: 0.002,
  timeStretch: true,
};

/** Figures of a `JitterBuffer` (the playback worklet's `PlaybackStats` is this type). Sample counts are 16 kHz. */
export interface JitterBufferStats {
  /** Audio queued and not yet played, whole ms. */
  queuedMs: number;
  /** The current (or next) turn's start delay, whole ms. */
  targetMs: number;
  /** Times the queue ran dry in the middle of a turn and audio came back. */
  underruns: number;
  /** Time played as concealment (the last pitch period played on, then faded) in those underruns, whole ms. */
  lateMs: number;
  /**
   * Samples taken from the queue since the session began: the exact play position (silence slips and shed silence
   * included).
   */
  playedSamples: number;
  /** Samples received so far. */
  receivedSamples: number;
  /** Samples dropped by flushes. */
  flushedSamples: number;
  /** Samples dropped because the buffer was full (it holds minutes: a sign of a runaway sender). */
  overflowSamples: number;
  /** Source audio not played because it was played faster (accelerate), whole ms: delay given back. */
  shedMs: number;
  /** Output added by playing slower (expand before the queue ran dry), whole ms. */
  stretchedMs: number;
  /**
   * Audible concealment played, whole ms: every underrun's, including the tail after a stream's last sample (the
   * buffer cannot tell the end from a late packet). `lateMs` is the part of underruns that audio came back from.
   */
  concealedMs: number;
}

/** A stats object at zero, for {@link JitterBuffer.readStats} to fill. Allocates: call it once, outside the render loop. */
export function zeroJitterStats(): JitterBufferStats {
  return {
    queuedMs: 0,
    targetMs: 0,
    underruns: 0,
    lateMs: 0,
    playedSamples: 0,
    receivedSamples: 0,
    flushedSamples: 0,
    overflowSamples: 0,
    shedMs: 0,
    stretchedMs: 0,
    concealedMs: 0,
  };
}
