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
   * Greatest start delay, in ms: the conversational budget. A reply that starts later than this feels slow, so
   * beyond it the buffer accepts an occasional glitch (a stall longer than this) instead of more delay.
   * @default 420
   */
  maxTargetMs: number;
  /** Added to the learned lateness, in ms. @default 10 */
  marginMs: number;
  /** Added to the learned lateness, as a fraction of it (the next stall may be longer than the last). @default 0.35 */
  headroom: number;
  /** Half-life of a turn's lateness in the target, in ms. @default 120000 */
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
   * Give back excess delay within a turn (after an underrun's concealment, or a backlog released at once) by
   * shortening long silences, never speech. `false`: that delay stays until the turn ends (the behaviour before
   * this option existed; the benchmark prints both).
   * @default true
   */
  shedExcessDelay: boolean;
}

/**
 * The defaults of {@link JitterBufferOptions}. The target figures (headroom, half-life, maximum) were chosen on the
 * seeded traces of `pnpm bench jitter`, which prints what they give beside fixed prebuffers.
 */
export const JITTER_BUFFER_DEFAULTS: Readonly<JitterBufferOptions> = {
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

/** Figures of a `JitterBuffer` (the playback worklet's `PlaybackStats` is this type). Sample counts are 16 kHz. */
export interface JitterBufferStats {
  /** Audio queued and not yet played, whole ms. */
  queuedMs: number;
  /** The current (or next) turn's start delay, whole ms. */
  targetMs: number;
  /** Times the queue ran dry in the middle of a turn and audio came back. */
  underruns: number;
  /** Time played as concealment (silence) in those underruns, whole ms. */
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
  /** Silence skipped to give back excess delay (after an underrun or a released backlog), whole ms. */
  shedMs: number;
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
  };
}
