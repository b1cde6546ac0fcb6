/**
 * Excess delay within one continuous stream (the loopback agent's case: it streams without pause, silence
 * included, so the whole call is one turn): an early underrun's concealment, or a backlog released at once after
 * a reconnect, must be given back by shortening silence only, and a source that is merely ahead of real time
 * (a whole TTS reply at once) must be left alone. Simulated clocks, exact arrival schedules.
 */
import { describe, expect, it } from 'vitest';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { JITTER_BUFFER_DEFAULTS, type JitterBufferStats, zeroJitterStats } from '../../src/dsp/jitter-buffer-options.ts';
import { INT16_SCALE } from '../../src/dsp/pcm.ts';
import { type Arrival, maxEdgeStep, play, RATE, toneInt16 } from '../support/jitter-driver.ts';

const SILENCE = Math.floor(JITTER_BUFFER_DEFAULTS.silenceThreshold * INT16_SCALE);
const CHUNK = 320; // 20 ms frames, as the loopback agent sends them

/** `cycles` × (1 s of tone, then `pauseMs` of ±1 LSB silence): a talker with long silences between phrases. */
function phrases(cycles: number, pauseMs = 2000): Int16Array {
  const voiced = toneInt16(RATE, 300, 0.5);
  const pause = Math.round((pauseMs * RATE) / 1000);
  const out = new Int16Array(cycles * (voiced.length + pause));
  for (let c = 0, at = 0; c < cycles; c++) {
    out.set(voiced, at);
    at += voiced.length;
    for (let n = 0; n < pause; n++, at++) out[at] = at & 1 ? 1 : -1;
  }
  return out;
}

/** 20 ms frames sent as generated (real time), 2 ms on the wire; `stall` holds every arrival inside it back. */
function realTime(signal: Int16Array, stall?: { atMs: number; lengthMs: number }): Arrival[] {
  const arrivals: Arrival[] = [];
  for (let at = 0; at < signal.length; at += CHUNK) {
    let t = ((at + CHUNK) * 1000) / RATE + 2;
    if (stall && t >= stall.atMs && t < stall.atMs + stall.lengthMs) t = stall.atMs + stall.lengthMs;
    arrivals.push({ atMs: t, samples: signal.subarray(at, at + CHUNK) });
  }
  return arrivals;
}

/** Play delay (play time − media time, ms) of the sample heard at each whole second, with `mediaOffset` samples. */
function delaysPerSecond(consumed: Int32Array, mediaOffset = 0): number[] {
  const delays: number[] = [];
  for (let n = 0; n < consumed.length; n += RATE) {
    delays.push(consumed[n]! >= 0 ? (n - consumed[n]! - mediaOffset) / 16 : Number.NaN);
  }
  return delays;
}

interface Cuts {
  /** Samples skipped (never heard). */
  skipped: number;
  /** Skipped samples that were not silence, or had less than 100 ms of silence before them or silence after. */
  outsideLongSilence: number;
  /** Samples above the silence threshold heard exactly once, in order. */
  loudHeard: number;
}

function cuts(signal: Int16Array, consumed: Int32Array): Cuts {
  const silent = (i: number) => Math.abs(signal[i]!) <= SILENCE;
  let previous = -1;
  let skipped = 0;
  let outsideLongSilence = 0;
  let loudHeard = 0;
  for (const index of consumed) {
    if (index < 0) continue;
    for (let i = previous + 1; i < index; i++) {
      skipped++;
      let ok = silent(i) && silent(i + 1);
      for (let k = i - 1600; ok && k < i; k++) ok = k >= 0 && silent(k);
      if (!ok) outsideLongSilence++;
    }
    if (index > previous && !silent(index)) loudHeard++;
    previous = Math.max(previous, index);
  }
  return { skipped, outsideLongSilence, loudHeard };
}

function stats(buffer: JitterBuffer): JitterBufferStats {
  const into = zeroJitterStats();
  buffer.readStats(into);
  return into;
}

const loud = (signal: Int16Array) => signal.filter((v) => Math.abs(v) > SILENCE).length;

describe('JitterBuffer: excess delay in a continuous stream', () => {
  it('gives back an early underrun’s concealment within a few seconds, by shortening long silences only', () => {
    // 60 s of one continuous turn; a 150 ms stall at 1.5 s (inside the first phrase) runs the 40 ms queue dry.
    const signal = phrases(20);
    const buffer = new JitterBuffer();
    const { out, consumed } = play(buffer, realTime(signal, { atMs: 1500, lengthMs: 150 }), 61_000);
    const delays = delaysPerSecond(consumed);
    const s = stats(buffer);

    expect(s.underruns).toBe(1);
    expect(s.targetMs).toBe(JITTER_BUFFER_DEFAULTS.initialTargetMs); // one turn: the target never changed
    // Right after the stall the delay carries the concealment: ~110 ms more than before it.
    expect(delays[2]! - delays[1]!).toBeGreaterThan(100);
    // ... and is back at the pre-stall delay (± 5 ms) within 10 s, to the end of the call.
    const settled = delays.slice(10, 60);
    expect(Math.max(...settled)).toBeLessThanOrEqual(delays[1]! + 5);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(delays[1]! - 5);
    expect(s.shedMs).toBeGreaterThan(100);
    expect(s.shedMs).toBeLessThan(130);

    // Only silence was shortened: every audible sample heard once and in order, every skip deep in a pause.
    const c = cuts(signal, consumed);
    expect(c.outsideLongSilence).toBe(0);
    expect(c.loudHeard).toBe(loud(signal));
    expect(Math.floor(c.skipped / 16)).toBe(s.shedMs); // every skip is shed silence (no drift here), reported in whole ms
    expect(s.playedSamples).toBe(signal.length); // skipped silence counts as played: nothing lost
    expect(maxEdgeStep(out)).toBeLessThan(0.06);
  });

  it('gives back a 2 s backlog released at once (held audio after a reconnect) over the next pauses', () => {
    // The stream resumes with 2 s of held audio in one go, then continues at real time.
    const signal = phrases(20);
    const backlog = 2 * RATE;
    const arrivals: Arrival[] = [{ atMs: 100, samples: signal.subarray(0, backlog) }];
    for (const a of realTime(signal.subarray(backlog))) arrivals.push({ atMs: 100 + a.atMs, samples: a.samples });
    const buffer = new JitterBuffer();
    const { out, consumed } = play(buffer, arrivals, 61_000);
    // Media time of sample i on the sender's clock: the backlog was generated before t = 100 ms.
    const delays = delaysPerSecond(consumed, -(backlog - 100 * 16));
    expect(delays[1]!).toBeGreaterThan(1900);
    const settled = delays.slice(15, 58);
    expect(Math.max(...settled)).toBeLessThan(100);
    const c = cuts(signal, consumed);
    expect(c.outsideLongSilence).toBe(0);
    expect(c.loudHeard).toBe(loud(signal));
    expect(maxEdgeStep(out)).toBeLessThan(0.06);
  });

  it('leaves a reply that arrives ahead of real time alone: a whole TTS reply at once is played complete', () => {
    // 12 s of phrases with 2 s pauses, all of it in 500 ms chunks within the first 50 ms.
    const signal = phrases(4);
    const arrivals: Arrival[] = [];
    for (let at = 0; at < signal.length; at += 8000) arrivals.push({ atMs: at / 8000, samples: signal.subarray(at, at + 8000) });
    const buffer = new JitterBuffer();
    const { consumed } = play(buffer, arrivals, 13_000);
    expect(cuts(signal, consumed).skipped).toBe(0);
    expect(stats(buffer).shedMs).toBe(0);
  });

  it('keeps its delay on a steady stream with jitter: nothing shed when nothing is in excess', () => {
    const signal = phrases(10);
    const arrivals = realTime(signal).map((a, k) => ({ atMs: a.atMs + ((k * 7919) % 23), samples: a.samples }));
    for (let k = 1; k < arrivals.length; k++) arrivals[k]!.atMs = Math.max(arrivals[k]!.atMs, arrivals[k - 1]!.atMs);
    const buffer = new JitterBuffer();
    const { consumed } = play(buffer, arrivals, 31_000);
    const s = stats(buffer);
    expect(s.shedMs).toBe(0);
    expect(s.underruns).toBe(0);
    expect(cuts(signal, consumed).skipped).toBe(0);
    // The delay it started with is the delay it ends with: every second of the call, to the sample.
    const delays = delaysPerSecond(consumed).filter((d) => !Number.isNaN(d));
    expect(delays.length).toBeGreaterThanOrEqual(29);
    expect(Math.max(...delays) - Math.min(...delays)).toBe(0);
  });
});

describe('JitterBuffer: speaking follows sound, not buffer activity', () => {
  it('rises at the first audible sample after a silent pre-roll, and falls turnGapMs after the last one while silent frames still play', () => {
    // 200 ms of silent pre-roll, 1 s of tone, then 2 s of silent frames (a stream that keeps sending).
    const preRoll = 200 * 16;
    const signal = new Int16Array(preRoll + RATE + 2 * RATE);
    for (let i = 0; i < signal.length; i++) signal[i] = i & 1 ? 1 : -1;
    signal.set(toneInt16(RATE), preRoll);
    const buffer = new JitterBuffer();
    const since: number[] = [];
    let was = false;
    const { speaking, consumed } = play(buffer, realTime(signal), 4000, () => {
      if (buffer.speaking !== was) since.push(buffer.speakingSince);
      was = buffer.speaking;
    });
    const rise = speaking.indexOf(1);
    const fall = speaking.lastIndexOf(1) + 1;
    expect(consumed[rise]).toBe(preRoll); // the first tone sample, not the first pre-roll sample
    const lastLoud = consumed.indexOf(preRoll + RATE - 1);
    expect((fall - lastLoud) / 16).toBeCloseTo(JITTER_BUFFER_DEFAULTS.turnGapMs, 0);
    expect(consumed[fall]).toBeGreaterThan(0); // silent frames were still playing: the turn itself is not over
    let edges = 0;
    for (let n = 1; n < speaking.length; n++) if (speaking[n] !== speaking[n - 1]) edges++;
    expect(edges).toBe(2);
    // The positions the worklet reports: exactly where each change happened.
    expect(since).toEqual([preRoll, consumed[fall]! + 1]);
  });

  it('never rises for a turn of silence only', () => {
    const signal = new Int16Array(RATE);
    for (let i = 0; i < signal.length; i++) signal[i] = i & 1 ? 2 : -2;
    const buffer = new JitterBuffer();
    const { speaking, consumed } = play(buffer, realTime(signal), 1500);
    expect(consumed.some((i) => i >= 0)).toBe(true);
    expect(speaking.every((v) => v === 0)).toBe(true);
  });
});
