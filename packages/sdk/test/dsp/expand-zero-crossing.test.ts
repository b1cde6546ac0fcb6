/**
 * The two "clicks" of `pnpm bench jitter --tuning` on slow TTS (seed 1, 66.145 s): an expand's cross-fade of two
 * audio samples (1007 and −1197 LSB at weights 189/348 and 159/348) summed to exactly 0 in the middle of a steep
 * zero-crossing (−0.114, 0, +0.115). The waveform is continuous; the bench's detector counted an edge into and out
 * of "made-up silence". Reproduced here with an exactly periodic signal whose period (151 samples) is odd, so the
 * cross-fade's middle weight is exactly ½, and the two periods differ by 18 LSB at that sample, as real speech does.
 */
import { describe, expect, it } from 'vitest';
import { type Player, SilenceEdges, simulate } from '../../../../bench/jitter-simulation.ts';
import type { Trace } from '../../../../bench/traces.ts';
import { JitterRing } from '../../src/dsp/jitter-ring.ts';
import { INT16_SCALE } from '../../src/dsp/pcm.ts';
import { SPEED_ONE, TimeStretcher } from '../../src/dsp/time-stretcher.ts';

// Above 144, so twice the period is out of the search (288) and the odd period itself is found.
const PERIOD = 151;
// Where the first expand at 0.85× starts: set by the credit's ramp alone, whatever the signal (checked below).
const EXPAND_AT = 2080;
const MIDDLE = EXPAND_AT + (PERIOD - 1) / 2;
const LENGTH = 4000;

/** 8 harmonics at 1/k, periodic in PERIOD samples, shifted so that MIDDLE falls on a steep zero-crossing. */
function source(): Int16Array {
  const out = new Int16Array(LENGTH);
  for (let n = 0; n < LENGTH; n++) {
    let v = 0;
    for (let k = 1; k <= 8; k++) v += Math.sin((2 * Math.PI * k * (n + 93.18)) / PERIOD + k * 0.7) / k;
    const envelope = Math.min(1, n / 160, (LENGTH - 1 - n) / 160);
    out[n] = Math.round(v * 0.3 * envelope * INT16_SCALE) || 1;
  }
  // One period later the sample is the negation of the one a period before: the cross-fade's ½ + ½ cancels.
  out[MIDDLE] = -out[MIDDLE - PERIOD]!;
  return out;
}

/** A player that only time-stretches, asking 0.85× throughout: the trace's audio all arrives at 0 ms. */
class Stretching implements Player {
  readonly ring = new JitterRing(LENGTH);
  readonly stretcher = new TimeStretcher(Math.floor(0.002 * INT16_SCALE));
  readonly expands: number[] = [];
  /** Everything played (the simulation keeps only its figures). */
  readonly out: number[] = [];
  push(samples: Int16Array): void {
    this.ring.push(samples);
  }
  pull(out: Float32Array, length: number): void {
    for (let i = 0; i < length; i++) {
      if (this.stretcher.pending === 0 && this.ring.queued > 0) {
        this.stretcher.desiredStretch = -0.15 * SPEED_ONE;
        const slower = this.stretcher.slowerSamples;
        this.stretcher.plan(this.ring, true);
        if (this.stretcher.slowerSamples > slower) this.expands.push(this.ring.played);
      }
      if (this.stretcher.pending > 0) this.stretcher.write(out, i);
      else out[i] = 0;
      this.out.push(out[i]!);
    }
  }
  get playedSamples(): number {
    return this.ring.played - this.stretcher.unheard;
  }
  get queuedSamples(): number {
    return this.ring.queued + this.stretcher.unheard;
  }
}

function play() {
  const samples = source();
  const trace: Trace = {
    spec: { name: 'expand zero-crossing', network: 'lan', pacing: 'realtime', minutes: 1, seed: 0, clockPpm: 0 },
    source: samples,
    turns: [{ start: 0, end: LENGTH }],
    chunks: [{ sendMs: 0, arrivalMs: 0, start: 0, length: LENGTH }],
    endMs: 1000,
  };
  const player = new Stretching();
  return { samples, run: simulate(trace, player), player, out: player.out };
}

const maxStep = (y: ArrayLike<number>, scale = 1) => {
  let worst = 0;
  for (let n = 1; n < y.length; n++) worst = Math.max(worst, Math.abs(y[n]! - y[n - 1]!) / scale);
  return worst;
};

describe('an expand cross-fade that passes through 0 exactly', () => {
  it('is a smooth zero-crossing of the output, not a click: the detector counts none', () => {
    const { samples, run, player, out } = play();
    // The reproduction holds: the first expand is where expected, with the odd period, and one output sample in
    // the middle of a steep slope is exactly 0 (each neighbour more than 0.06 away: two "edges" to the old rule).
    expect(player.expands[0]).toBe(EXPAND_AT);
    expect(player.stretcher.slowerSamples).toBeGreaterThanOrEqual(PERIOD);
    const zero = out.indexOf(0, 200);
    expect(zero).toBe(MIDDLE);
    expect(Math.min(Math.abs(out[zero - 1]!), Math.abs(out[zero + 1]!))).toBeGreaterThan(0.06);
    // Continuous: no step in the output larger than the source's own, and the 0 lies on the line through its
    // neighbours (within 1 LSB, rounding).
    expect(maxStep(out)).toBeLessThanOrEqual(maxStep(samples, INT16_SCALE) + 1e-6);
    expect(Math.abs(out[zero - 1]! + out[zero + 1]!) / 2).toBeLessThan(20 / INT16_SCALE);
    expect(run.lost).toBe(0);
    expect(run.clicks).toBe(0);
  });

  it('the detector still counts a one-sample dropout in audio, and a cut into or out of silence', () => {
    const count = (y: number[]) => {
      const edges = new SilenceEdges();
      for (const v of y) edges.next(v);
      edges.end();
      return edges.clicks;
    };
    expect(count([0, 0.01, 0.2, 0.3, 0, 0.3, 0.2, 0.01, 0])).toBe(2); // a sample dropped at 0.3
    expect(count([0, 0.01, 0.2, 0.3, 0, 0, 0.3, 0.2, 0.01, 0])).toBe(2); // two dropped
    expect(count([0, 0.2, 0.1, 0.01, 0])).toBe(1); // cut in, faded out
    expect(count([0, 0.01, 0.1, 0.2, 0, 0])).toBe(1); // faded in, cut out
    expect(count([0, 0.01, 0.1, 0.2])).toBe(0); // still playing at the end: no edge
    expect(count([0, 0.01, -0.1, 0, 0.1, 0.01, 0])).toBe(0); // a smooth crossing through an exact 0
  });
});
