/**
 * Jitter buffer correctness on seeded, simulated arrival schedules: every sample once and in order, click-free
 * concealment, turn timing from the learned lateness, flush, exact stats, speaking state.
 */
import { describe, expect, it } from 'vitest';
import { CONCEALMENT_SAMPLES } from '../../src/dsp/concealment.ts';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { JITTER_BUFFER_DEFAULTS, type JitterBufferStats } from '../../src/dsp/jitter-buffer-options.ts';
import { REENTRY } from '../../src/dsp/time-stretcher.ts';
import { type Arrival, maxEdgeStep, play, RATE, schedule, toneInt16 } from '../support/jitter-driver.ts';

const FADE = (JITTER_BUFFER_DEFAULTS.fadeMs * RATE) / 1000;

function stats(buffer: JitterBuffer): JitterBufferStats {
  const into = {
    queuedMs: -1,
    targetMs: -1,
    underruns: -1,
    lateMs: -1,
    playedSamples: -1,
    receivedSamples: -1,
    flushedSamples: -1,
    overflowSamples: -1,
    shedMs: -1,
    stretchedMs: -1,
    concealedMs: -1,
  };
  buffer.readStats(into);
  return into;
}

/** `playedMs` is the first sample time (a 1/16 ms grid) at or after `dueMs`. */
function expectOnFirstSampleAfter(playedMs: number, dueMs: number): void {
  expect(playedMs).toBeGreaterThanOrEqual(dueMs - 1e-9);
  expect(playedMs).toBeLessThan(dueMs + 1 / 16);
}

/** Output sample index of the first non-zero output at or after `from`. */
function firstSound(out: Float32Array, from = 0): number {
  for (let n = from; n < out.length; n++) if (out[n] !== 0) return n;
  return -1;
}

describe('JitterBuffer: samples', () => {
  const signal = toneInt16(10 * RATE);
  const arrivals = schedule(signal, {
    seed: 3,
    maxChunkMs: 200,
    jitterMs: 5,
    stalls: [
      { atMs: 3000, lengthMs: 250 },
      { atMs: 6500, lengthMs: 150 },
    ],
  });

  it('plays every received sample, in order, through jitter and stalls: the play position only moves forward', () => {
    const buffer = new JitterBuffer();
    const { consumed } = play(buffer, arrivals, 12_000);
    const order = Array.from(consumed).filter((i) => i >= 0);
    let backwards = 0;
    for (let k = 1; k < order.length; k++) if (order[k]! < order[k - 1]!) backwards++;
    expect(backwards).toBe(0);
    expect(order[order.length - 1]).toBe(signal.length - 1);
    expect(stats(buffer)).toMatchObject({
      receivedSamples: signal.length,
      playedSamples: signal.length,
      queuedMs: 0,
      flushedSamples: 0,
      overflowSamples: 0,
    });
  });

  it('with timeStretch: false, plays every sample exactly once at speed 1 outside concealments', () => {
    const buffer = new JitterBuffer({ timeStretch: false });
    const { out, consumed } = play(buffer, arrivals, 12_000);
    // Outside the 5 ms cross-fades out of concealment, each output sample is its source sample.
    let exact = 0;
    let differ = 0;
    for (let n = 1; n < out.length; n++) {
      const i = consumed[n]!;
      if (i < 0 || i !== consumed[n - 1]! + 1) continue;
      if (Math.abs(out[n]! * 32_768 - signal[i]!) < 1e-3) exact++;
      else differ++;
    }
    const s = stats(buffer);
    expect(s.shedMs + s.stretchedMs).toBe(0);
    expect(differ).toBeLessThanOrEqual((1 + s.underruns) * REENTRY);
    expect(exact).toBeGreaterThan(signal.length - (1 + s.underruns) * REENTRY - 16);
  });

  it('conceals the stalls: the pitch period played on, then a fade; no step above 0.06 at any edge', () => {
    const buffer = new JitterBuffer();
    const madeUp = new Uint8Array(12 * RATE);
    let count = 0;
    const { out } = play(buffer, arrivals, 12_000, (n) => {
      madeUp[n] = buffer.madeUpSamples > count ? 1 : 0;
      count = buffer.madeUpSamples;
    });
    expect(maxEdgeStep(out)).toBeLessThan(0.06);
    const s = stats(buffer);
    expect(s.underruns).toBeGreaterThanOrEqual(2); // both stalls were longer than the 40 ms start delay
    // Each stall (250 and 150 ms) was concealed for at most its length plus the rebuffer to half the target (less
    // what playing slower before the queue ran dry rode out).
    expect(s.lateMs).toBeGreaterThan(50);
    expect(s.lateMs).toBeLessThanOrEqual(250 + 150 + s.targetMs);
    // Not a dropout: the first 15 ms of the first stall's concealment are as loud as the tone (0.8), at its pitch.
    const dry = madeUp.indexOf(1, 3000 * 16);
    expect(dry).toBeGreaterThan(3000 * 16);
    let peak = 0;
    let crossings = 0;
    for (let n = dry; n < dry + 240; n++) {
      peak = Math.max(peak, Math.abs(out[n]!));
      if (out[n - 1]! < 0 && out[n]! >= 0) crossings++;
    }
    expect(peak).toBeGreaterThan(0.7);
    expect(crossings).toBeGreaterThanOrEqual(6); // 440 Hz: 6.6 cycles in 15 ms
    expect(crossings).toBeLessThanOrEqual(7);
  });

  it('counts every concealed sample: the tail after the last sample of a stream as well as the stalls', () => {
    const buffer = new JitterBuffer();
    const total = arrivals.reduce((a, x) => a + x.samples.length, 0);
    let concealedAtEnd = -1;
    const { out } = play(buffer, arrivals, 12_000, () => {
      if (concealedAtEnd < 0 && buffer.playedSamples === total) concealedAtEnd = stats(buffer).concealedMs;
    });
    const s = stats(buffer);
    // The stream's end: the last pitch period played on and faded (CONCEALMENT_SAMPLES, 65 ms), all of it counted.
    expect(s.concealedMs - concealedAtEnd).toBeGreaterThanOrEqual(Math.floor(CONCEALMENT_SAMPLES / 16) - 2);
    expect(s.concealedMs - concealedAtEnd).toBeLessThanOrEqual(Math.ceil(CONCEALMENT_SAMPLES / 16) + 2);
    // Audible output = what the queue supplied (less what was shed, plus what was stretched) + the concealment.
    let audible = 0;
    for (let n = 0; n < out.length; n++) if (out[n] !== 0) audible++;
    const fromQueue = s.playedSamples / 16 - s.shedMs + s.stretchedMs;
    expect(Math.abs(audible / 16 - fromQueue - s.concealedMs)).toBeLessThanOrEqual(4);
  });

  it('is deterministic', () => {
    const a = play(new JitterBuffer(), arrivals, 12_000).out;
    const b = play(new JitterBuffer(), arrivals, 12_000).out;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('keeps what fits when full and counts the rest', () => {
    const buffer = new JitterBuffer({ capacitySeconds: 0.1 });
    expect(buffer.push(toneInt16(2000), 0)).toBe(1600);
    expect(stats(buffer)).toMatchObject({ receivedSamples: 2000, overflowSamples: 400, queuedMs: 100 });
  });
});

describe('JitterBuffer: turns and target', () => {
  it('starts the first turn after the initial target and the next after the learned lateness', () => {
    // Turn 1: 2 s at real time in 20 ms chunks, no jitter, one 200 ms stall. Turn 2 starts at 5 s.
    const turn1 = schedule(toneInt16(2 * RATE), { seed: 1, maxChunkMs: 20.0001, jitterMs: 0, stalls: [{ atMs: 1000, lengthMs: 200 }] });
    const turn2 = schedule(toneInt16(RATE), { seed: 2, startMs: 5000, maxChunkMs: 20.0001, jitterMs: 0 });
    const buffer = new JitterBuffer();
    let targetDuringTurn2 = -1;
    const { out } = play(buffer, [...turn1, ...turn2], 7000, (_n, t) => {
      if (t === turn2[0]!.atMs) targetDuringTurn2 = stats(buffer).targetMs;
    });

    const start1 = firstSound(out) / 16;
    expectOnFirstSampleAfter(start1, turn1[0]!.atMs + JITTER_BUFFER_DEFAULTS.initialTargetMs);

    // Lateness on turn 1's own clock (first arrival + media time), worked out from the schedule: the stall made
    // one chunk about 200 ms late. Target = worst · (1 + headroom) + margin.
    let media = 0;
    let worst = 0;
    for (const a of turn1) {
      worst = Math.max(worst, a.atMs - turn1[0]!.atMs - media / 16);
      media += a.samples.length;
    }
    expect(worst).toBeGreaterThan(185);
    expect(worst).toBeLessThanOrEqual(200);
    // The target is the 0.998 quantile of lateness by media (5 ms bins, upper edge), so about the worst here.
    const expected = worst * (1 + JITTER_BUFFER_DEFAULTS.headroom) + JITTER_BUFFER_DEFAULTS.marginMs;
    expect(Math.abs(targetDuringTurn2 - expected)).toBeLessThanOrEqual(6 * (1 + JITTER_BUFFER_DEFAULTS.headroom));
    const start2 = firstSound(out, 4000 * 16) / 16;
    expectOnFirstSampleAfter(start2, turn2[0]!.atMs + targetDuringTurn2);
  });

  it('starts a burst at once, and a turn after bursts within 30 ms', () => {
    const burst = (atMs: number, seconds: number): Arrival[] => {
      const signal = toneInt16(seconds * RATE);
      const chunks: Arrival[] = [];
      for (let at = 0; at < signal.length; at += 8000) chunks.push({ atMs, samples: signal.subarray(at, at + 8000) });
      return chunks;
    };
    const buffer = new JitterBuffer();
    // 2 s at once (more than target + the largest chunk): no wait at all, even with no history.
    const { out } = play(buffer, [...burst(100, 2), ...burst(4000, 0.5)], 5000);
    expect(firstSound(out) / 16).toBeCloseTo(100, 1);
    // The bursty turn was never late, so the next waits only the first 5 ms lateness bin · 1.1 + the margin.
    const expected = Math.round(5 * (1 + JITTER_BUFFER_DEFAULTS.headroom) + JITTER_BUFFER_DEFAULTS.marginMs);
    expect(firstSound(out, 3000 * 16) / 16 - 4000).toBeLessThanOrEqual(30);
    expect(firstSound(out, 3000 * 16) / 16 - 4000).toBeCloseTo(expected, 1);
  });

  it('ends the turn on a stall longer than turnGapMs; one stall is ridden out, a second within peakWindowMs sets the target', () => {
    // 9 s at real time in 20 ms chunks with 700 ms stalls at 1.5 s and 6.5 s: the queue (40 ms deep) runs dry for
    // over 300 ms, so the buffer calls the turn over each time; the audio after a stall is 700 ms behind the turn's
    // clock (≤ maxLatenessMs), so it counts as a peak of lateness: the first alone leaves the target at the jitter
    // (and its delay is given back by the time of the second), the second makes the target cover the stall.
    const stalls = [
      { atMs: 1500, lengthMs: 700 },
      { atMs: 6500, lengthMs: 700 },
    ];
    const arrivals = schedule(toneInt16(9 * RATE), { seed: 5, maxChunkMs: 20.0001, jitterMs: 0, stalls });
    const buffer = new JitterBuffer();
    const firstResume = arrivals.find((a) => a.atMs >= 2200)!.atMs;
    const resumedAt = arrivals.find((a) => a.atMs >= 7200)!.atMs;
    let targetFirst = -1;
    let targetAfter = -1;
    const { out, speaking } = play(buffer, arrivals, 10_500, (_n, t) => {
      if (t === firstResume) targetFirst = stats(buffer).targetMs;
      if (t === resumedAt) targetAfter = stats(buffer).targetMs;
    });
    let edges = 0;
    for (let n = 1; n < speaking.length; n++) if (speaking[n] !== speaking[n - 1]) edges++;
    expect(edges).toBe(6); // on, off in each stall, on again, off at the end
    expect(targetFirst).toBeLessThanOrEqual(JITTER_BUFFER_DEFAULTS.initialTargetMs);
    // The higher peak, 700 ms, · 1.1 + 10.
    const expected = 700 * (1 + JITTER_BUFFER_DEFAULTS.headroom) + JITTER_BUFFER_DEFAULTS.marginMs;
    expect(Math.abs(targetAfter - expected)).toBeLessThanOrEqual(6 * (1 + JITTER_BUFFER_DEFAULTS.headroom));
    // The new turn starts once its queue covers the target + the largest chunk (the 700 ms backlog and what came
    // in real time after it), before the target has passed.
    const start = firstSound(out, Math.ceil(resumedAt * 16) - 1) / 16;
    expect(start).toBeGreaterThanOrEqual(resumedAt);
    expect(start).toBeLessThan(resumedAt + targetAfter);
    // New turns, not underruns; nothing lost.
    expect(stats(buffer)).toMatchObject({ underruns: 0, playedSamples: 9 * RATE, receivedSamples: 9 * RATE });
    expect(maxEdgeStep(out)).toBeLessThan(0.06);
  });

  it('reports speaking from the first played sample until the queue has been empty for turnGapMs', () => {
    const arrivals = schedule(toneInt16(RATE), { seed: 4, maxChunkMs: 40, jitterMs: 2 });
    const buffer = new JitterBuffer();
    const { out, speaking, consumed } = play(buffer, arrivals, 2000);
    const on = speaking.indexOf(1);
    const off = speaking.lastIndexOf(1) + 1;
    // Within the 5 ms fade-in that starts the turn.
    expect(on - firstSound(out)).toBeGreaterThanOrEqual(0);
    expect(on - firstSound(out)).toBeLessThan(REENTRY);
    const lastPlayed = consumed.findLastIndex((i) => i >= 0);
    expect((off - lastPlayed - 1) / 16).toBeCloseTo(JITTER_BUFFER_DEFAULTS.turnGapMs, 0);
    // One rise and one fall.
    let edges = 0;
    for (let n = 1; n < speaking.length; n++) if (speaking[n] !== speaking[n - 1]) edges++;
    expect(edges).toBe(2);
  });
});

describe('JitterBuffer: flush', () => {
  it('fades to exactly 0 within fadeMs (≤ 5 ms), drops the rest and reports the exact play position', () => {
    const signal = toneInt16(5 * RATE);
    const buffer = new JitterBuffer();
    const flushAt = 16_000; // 1 s in
    let dropped = -1;
    let queuedBefore = -1;
    let playedAtFlush = -1;
    let finalPosition = -1;
    let speakingAfter = true;
    const { out, consumed } = play(buffer, [{ atMs: 0, samples: signal }], 1500, (n) => {
      if (n !== flushAt) return;
      queuedBefore = buffer.queuedSamples;
      playedAtFlush = buffer.playedSamples;
      dropped = buffer.flush();
      finalPosition = buffer.playedSamples + buffer.queuedSamples;
      speakingAfter = buffer.speaking;
    });
    expect(dropped).toBe(queuedBefore - FADE);
    expect(finalPosition).toBe(playedAtFlush + FADE);
    expect(speakingAfter).toBe(false);
    expect(FADE / 16).toBeLessThanOrEqual(5);

    // The fade: gains fall by 1/FADE a sample from the very next sample, to an exact 0 on the last of them.
    for (let k = 1; k <= FADE; k++) {
      const n = flushAt + k;
      const gain = (out[n]! * 32_768) / signal[consumed[n]!]!;
      expect(gain).toBeCloseTo((FADE - k) / FADE, 6);
    }
    expect(Array.from(out.subarray(flushAt + FADE)).every((y) => y === 0)).toBe(true);
    expect(maxEdgeStep(out)).toBeLessThan(0.06);
    const s = stats(buffer);
    expect(s).toMatchObject({ flushedSamples: dropped, playedSamples: finalPosition, queuedMs: 0, receivedSamples: signal.length });
    expect(s.playedSamples + s.flushedSamples).toBe(s.receivedSamples);
  });

  it('plays audio that arrives after a flush as a new turn, after the fade', () => {
    const buffer = new JitterBuffer();
    const reply = toneInt16(RATE / 2, 300);
    let replyPosition = -1;
    const { out, consumed } = play(
      buffer,
      [
        { atMs: 0, samples: toneInt16(2 * RATE) },
        { atMs: 500.5, samples: reply },
      ],
      1500,
      (n) => {
        if (n !== 500 * 16) return;
        buffer.flush();
        replyPosition = buffer.playedSamples + buffer.queuedSamples;
      },
    );
    const s = stats(buffer);
    expect(s.playedSamples + s.flushedSamples).toBe(s.receivedSamples);
    // The reply waits for its own turn's start delay (the flushed turn was never late: the minimum).
    const replyStart = consumed.findIndex((i) => i >= replyPosition);
    expect(consumed.filter((i) => i >= replyPosition).length).toBe(reply.length);
    expect(replyStart / 16).toBeGreaterThanOrEqual(500.5 + JITTER_BUFFER_DEFAULTS.minTargetMs - 1 / 16);
    expect(maxEdgeStep(out)).toBeLessThan(0.06);
  });
});
