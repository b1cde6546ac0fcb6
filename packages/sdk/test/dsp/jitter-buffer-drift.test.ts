/**
 * Clock drift: a 4-minute monologue from a sender whose clock runs ±100 ppm off ours. The buffer must hold its
 * delay (without slipping, 100 ppm is 24 ms over 4 minutes) and may drop or repeat only samples inside silence.
 * Then the bench's 10-minute monologue (goal: within ±10 ms per 10 minutes), and the re-anchoring that must survive
 * any fix for it. Simulated clocks, seeded arrivals.
 */
import { describe, expect, it } from 'vitest';
import { driftMs, median, POSITION_STEP, type Run, simulate } from '../../../../bench/jitter-simulation.ts';
import { generateStream, generateTrace, type Trace } from '../../../../bench/traces.ts';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { zeroJitterStats } from '../../src/dsp/jitter-buffer-options.ts';
import { type Arrival, play, RATE } from '../support/jitter-driver.ts';
import { seededRandom } from '../support/signal.ts';

/** Speech-like: 120–400 ms of a 200 Hz buzz, then 40–200 ms of ±1 LSB; never exactly 0. */
function monologue(seconds: number, seed: number): Int16Array {
  const random = seededRandom(seed);
  const out = new Int16Array(seconds * RATE);
  for (let i = 0; i < out.length; ) {
    const voiced = Math.round((120 + 280 * random()) * 16);
    for (let n = 0; n < voiced && i < out.length; n++, i++) {
      const v = Math.round(12_000 * Math.sin((2 * Math.PI * 200 * n) / RATE) * Math.min(1, n / 160, (voiced - n) / 160));
      out[i] = v === 0 ? 1 : v;
    }
    const silent = Math.round((40 + 160 * random()) * 16);
    for (let n = 0; n < silent && i < out.length; n++, i++) out[i] = i & 1 ? 1 : -1;
  }
  return out;
}

/** 20 ms chunks, each sent when generated on a clock `ppm` fast, arriving 1–6 ms later (seeded). */
function arrivalsFor(signal: Int16Array, ppm: number, seed: number): Arrival[] {
  const random = seededRandom(seed);
  const arrivals: Arrival[] = [];
  let previous = 0;
  for (let at = 0; at < signal.length; at += 320) {
    const sent = ((at + 320) * 1000) / RATE / (1 + ppm * 1e-6);
    previous = Math.max(previous, sent + 1 + 5 * random());
    arrivals.push({ atMs: previous, samples: signal.subarray(at, at + 320) });
  }
  return arrivals;
}

describe('JitterBuffer: clock drift', { timeout: 30_000 }, () => {
  const signal = monologue(240, 5);

  for (const ppm of [100, -100]) {
    it(`holds its delay within 30 ms over 4 minutes at ${ppm > 0 ? '+' : ''}${ppm} ppm by playing faster or slower, losing nothing`, () => {
      const buffer = new JitterBuffer();
      const arrivals = arrivalsFor(signal, ppm, 6);
      const { consumed } = play(buffer, arrivals, 241_000);
      // Delay once a second: play time − generation time (on our clock) of the sample then playing.
      const delays: number[] = [];
      for (let n = 0; n < consumed.length; n += RATE) {
        if (consumed[n]! >= 0) delays.push((n * 1000) / RATE - (consumed[n]! * 1000) / RATE / (1 + ppm * 1e-6));
      }
      expect(buffer.playedSamples).toBe(signal.length);
      const stats = zeroJitterStats();
      buffer.readStats(stats);
      // 100 ppm of 4 minutes is 24 ms, given back (sender fast) or added (sender slow) by time stretching; the
      // 20 ms hysteresis of the speed policy lets it build up that far before acting (measured spread: 27 ms at
      // +100 ppm; the buffer before this one slipped silence samples and held 3 ms).
      if (ppm > 0) expect(stats.shedMs).toBeGreaterThan(5);
      else expect(stats.stretchedMs).toBeGreaterThan(5);
      const settled = delays.slice(30); // after 30 s
      const spread = Math.max(...settled) - Math.min(...settled);
      expect(spread).toBeLessThan(30);
    });
  }
});

/** [play time, play − send] of every 10 ms position played. */
function delaysOf(trace: Trace, run: Run): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const c of trace.chunks) {
    for (let k = Math.ceil(c.start / POSITION_STEP); k * POSITION_STEP < c.start + c.length; k++) {
      const at = run.playTimes[k]!;
      if (!Number.isNaN(at)) out.push([at, at - (c.sendMs - (c.start + c.length - k * POSITION_STEP) / 16)]);
    }
  }
  return out;
}

describe('JitterBuffer: delay over a 10-minute monologue (the bench trace)', { timeout: 60_000 }, () => {
  const monologueAt = (clockPpm: number, seed: number) =>
    generateTrace({ name: 'monologue', network: 'lan', pacing: 'realtime', minutes: 10, seed, clockPpm, monologue: true, chunkMs: 20 });

  it('drifts less than 10 ms over 10 minutes at +100 ppm, without a gap', () => {
    for (const seed of [9, 101]) {
      const trace = monologueAt(100, seed);
      const run = simulate(trace, new JitterBuffer());
      expect(Math.abs(driftMs(trace, run, 30_000))).toBeLessThan(10);
      expect(run.gaps).toEqual([]);
    }
  });

  it('holds its delay at 0 ppm', () => {
    const trace = monologueAt(0, 9);
    const run = simulate(trace, new JitterBuffer());
    expect(Math.abs(driftMs(trace, run, 30_000))).toBeLessThan(1);
    expect(run.gaps).toEqual([]);
  });

  // The turn a 1 s stall opens starts late (its first audio was held back): re-anchoring must give that back.
  it('gives back the delay of a turn opened by held-back audio (1 s stall on continuous speech)', () => {
    const trace = generateStream({ name: 'stall', minutes: 1, seed: 101, stall: { atMs: 20_000, lengthMs: 1000 } });
    const delays = delaysOf(trace, simulate(trace, new JitterBuffer()));
    const before = median(delays.filter(([t]) => t >= 1000 && t < 20_000).map(([, d]) => d));
    const later = delays.filter(([t]) => t >= 25_000 && t < 40_000).map(([, d]) => d);
    expect(Math.max(...later)).toBeLessThan(before + 20);
  });
});
