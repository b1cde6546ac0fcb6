/**
 * The jitter buffer's underruns: the queue ran dry mid-turn; concealment plays until audio is back and has built up.
 * @module
 */
import { JITTER_BUFFER_RATE } from './jitter-buffer-options.ts';
import { REENTRY } from './time-stretcher.ts';

const SAMPLES_PER_MS = JITTER_BUFFER_RATE / 1000;

/**
 * One dry spell at a time, and the count of those that ended with audio coming back. While `active`, the buffer
 * conceals (see `TimeStretcher.conceal`); audio arriving meanwhile sets when to cross-fade back in: once half the
 * target has built up, or that long after it came, whichever is first. A spell that lasts `turnGapSamples` with
 * nothing back ends the turn instead.
 *
 * Integers only (times in 1/16 ms): this runs rarely, so unoptimised, and unoptimised code boxes doubles.
 * Real-time use: allocates nothing.
 */
export class DrySpell {
  active = false;
  /** Output samples concealed in this spell so far. */
  samples = 0;
  /** When to cross-fade back in, 1/16 ms; -1 while no audio is back. */
  resumeAtTicks = -1;
  /** Spells that ended with audio coming back (not at turn ends). */
  underruns = 0;
  /** Output samples concealed in those. */
  lateSamples = 0;

  begin(): void {
    this.active = true;
    this.samples = 0;
    this.resumeAtTicks = -1;
  }

  /** Audio arrived at `arrivalTicks` (1/16 ms, whole); `targetMs`: the buffer's target. */
  audioBack(arrivalTicks: number, targetMs: number): void {
    if (this.active && this.resumeAtTicks < 0) this.resumeAtTicks = arrivalTicks + targetMs * (SAMPLES_PER_MS / 2);
  }

  /**
   * At a segment boundary at `nowTicks` with `queued` samples: whether to cross-fade back in now (then the spell
   * is over and counted).
   */
  resume(nowTicks: number, queued: number, targetMs: number): boolean {
    const back = this.resumeAtTicks >= 0 && queued >= REENTRY;
    if (!(back && (nowTicks >= this.resumeAtTicks || 2 * queued >= targetMs * SAMPLES_PER_MS))) return false;
    this.active = false;
    this.underruns++;
    this.lateSamples += this.samples;
    return true;
  }

  /** One more output sample concealed; true when the spell has become a turn's end (nothing back in time). */
  turnOver(turnGapSamples: number): boolean {
    if (++this.samples < turnGapSamples || this.resumeAtTicks >= 0) return false;
    this.active = false;
    return true;
  }
}
