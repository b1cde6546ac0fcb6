/**
 * Invariants of the benchmark's independent held-out traces (`bench/independent-traces.ts`): what the jitter-buffer
 * figures on them rest on. TCP order, every sample sent once, the source never exactly 0, the stated jitter.
 */
import { describe, expect, it } from 'vitest';
import { generateIndependentTrace, type IndependentPacing, type IndependentSpec } from '../../../../bench/independent-traces.ts';

const cases: Array<Omit<IndependentSpec, 'seed' | 'speechMinutes'>> = (['frames', 'tts-chunks', 'tts-slow'] as IndependentPacing[]).flatMap(
  (pacing) => (['lan', 'wifi', 'mobile'] as const).map((network) => ({ network, pacing })),
);

describe('generateIndependentTrace', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateIndependentTrace({ network: 'wifi', pacing: 'frames', speechMinutes: 1, seed: 7 });
    const b = generateIndependentTrace({ network: 'wifi', pacing: 'frames', speechMinutes: 1, seed: 7 });
    const c = generateIndependentTrace({ network: 'wifi', pacing: 'frames', speechMinutes: 1, seed: 8 });
    expect(a.chunks).toEqual(b.chunks);
    expect(Buffer.from(a.source.buffer).equals(Buffer.from(b.source.buffer))).toBe(true); // toEqual is slow on 1 M samples
    expect(a.chunks).not.toEqual(c.chunks);
  });

  it.each(cases)('$network $pacing: in order, every sample sent once, inside its turn, never exactly 0', (spec) => {
    const trace = generateIndependentTrace({ ...spec, speechMinutes: 1, seed: 5 });
    expect(trace.source.length).toBeGreaterThanOrEqual(60 * 16_000);
    expect(trace.source.indexOf(0)).toBe(-1);
    let position = 0;
    let arrival = Number.NEGATIVE_INFINITY;
    let send = Number.NEGATIVE_INFINITY;
    let turn = 0;
    for (const c of trace.chunks) {
      expect(c.length).toBeGreaterThan(0);
      expect(c.start).toBe(position); // contiguous: no overlap, no hole
      expect(c.arrivalMs).toBeGreaterThanOrEqual(Math.max(arrival, c.sendMs)); // TCP: in order, never early
      expect(c.sendMs).toBeGreaterThanOrEqual(send);
      while (trace.turns[turn]!.end <= c.start) turn++;
      expect(c.start + c.length).toBeLessThanOrEqual(trace.turns[turn]!.end); // a chunk never spans two turns
      position += c.length;
      arrival = c.arrivalMs;
      send = c.sendMs;
    }
    expect(position).toBe(trace.source.length);
    expect(trace.turns[trace.turns.length - 1]!.end).toBe(trace.source.length);
    expect(trace.endMs).toBeGreaterThan(arrival);
  });

  it('holds every arrival due inside a stall to its end', () => {
    for (const network of ['wifi', 'mobile'] as const) {
      const trace = generateIndependentTrace({ network, pacing: 'frames', speechMinutes: 3, seed: 9 });
      const stalls = trace.events.filter((e) => e.kind === 'stall');
      expect(stalls.length).toBeGreaterThan(0);
      const inside = trace.chunks.filter((c) => stalls.some((s) => c.arrivalMs >= s.startMs && c.arrivalMs < s.endMs));
      expect(inside).toEqual([]);
    }
  });

  it('LAN jitter measures about its 5 ms (RFC 3550: mean |Δ transit|), pauses are 80–400 ms, about a fifth of turns barge in', () => {
    const trace = generateIndependentTrace({ network: 'lan', pacing: 'tts-slow', speechMinutes: 10, seed: 3 });
    let sum = 0;
    for (let i = 1; i < trace.chunks.length; i++) {
      const [a, b] = [trace.chunks[i - 1]!, trace.chunks[i]!];
      sum += Math.abs(b.arrivalMs - b.sendMs - (a.arrivalMs - a.sendMs));
    }
    const jitter = sum / (trace.chunks.length - 1);
    expect(jitter).toBeGreaterThan(3.5);
    expect(jitter).toBeLessThan(7);
    const pauses = trace.events.filter((e) => e.kind === 'generation pause');
    expect(pauses.length).toBeGreaterThan(100);
    for (const p of pauses) expect(p.endMs - p.startMs).toBeGreaterThanOrEqual(80 * 0.9999);
    for (const p of pauses) expect(p.endMs - p.startMs).toBeLessThanOrEqual(400 * 1.0001);
    const share = trace.events.filter((e) => e.kind === 'barge-in').length / trace.turns.length;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
  });
});
