/**
 * Clock drift: a 4-minute monologue from a sender whose clock runs ±100 ppm off ours. The buffer must hold its
 * delay (without slipping, 100 ppm is 24 ms over 4 minutes) and may drop or repeat only samples inside silence.
 * Simulated clocks, seeded arrivals.
 */
import { describe, expect, it } from 'vitest';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { JITTER_BUFFER_DEFAULTS } from '../../src/dsp/jitter-buffer-options.ts';
import { INT16_SCALE } from '../../src/dsp/pcm.ts';
import { type Arrival, play, RATE } from '../support/jitter-driver.ts';
import { seededRandom } from '../support/signal.ts';

/** The buffer's silence threshold in Int16 steps: a slip may land only where every sample is at or below it. */
const SILENCE = Math.floor(JITTER_BUFFER_DEFAULTS.silenceThreshold * INT16_SCALE);

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

describe('JitterBuffer: clock drift', () => {
  const signal = monologue(240, 5);

  for (const ppm of [100, -100]) {
    it(`holds its delay within 3 ms over 4 minutes at ${ppm > 0 ? '+' : ''}${ppm} ppm, slipping only silence`, () => {
      const buffer = new JitterBuffer();
      const arrivals = arrivalsFor(signal, ppm, 6);
      const { out, consumed } = play(buffer, arrivals, 241_000);
      // Delay once a second: play time − generation time (on our clock) of the sample then playing.
      const delays: number[] = [];
      for (let n = 0; n < consumed.length; n += RATE) {
        if (consumed[n]! >= 0) delays.push((n * 1000) / RATE - (consumed[n]! * 1000) / RATE / (1 + ppm * 1e-6));
      }

      expect(buffer.playedSamples).toBe(signal.length);
      let drops = 0;
      let repeats = 0;
      let slipsOutsideSilence = 0;
      let previous = -1;
      for (let n = 0; n < consumed.length; n++) {
        const index = consumed[n]!;
        if (index < 0) {
          // Nothing consumed but sound out: the next sample, repeated (it stays queued).
          if (out[n] !== 0) {
            repeats++;
            if (!silentAround(signal, previous + 1)) slipsOutsideSilence++;
          }
          continue;
        }
        if (previous >= 0 && index !== previous + 1) {
          drops += index - previous - 1;
          if (!silentAround(signal, previous + 1)) slipsOutsideSilence++;
        }
        previous = index;
      }
      expect(slipsOutsideSilence).toBe(0);
      // 100 ppm of 4 minutes is 24 ms = 384 samples to slip, one way.
      if (ppm > 0) {
        expect(drops).toBeGreaterThan(300);
        expect(repeats).toBe(0);
      } else {
        expect(repeats).toBeGreaterThan(300);
        expect(drops).toBe(0);
      }
      const settled = delays.slice(30); // after 30 s
      const spread = Math.max(...settled) - Math.min(...settled);
      expect(spread).toBeLessThan(3);
    });
  }
});

/** Sample `index` and 32 before it are silent. */
function silentAround(signal: Int16Array, index: number): boolean {
  for (let i = Math.max(0, index - 32); i <= index; i++) if (Math.abs(signal[i]!) > SILENCE) return false;
  return true;
}
