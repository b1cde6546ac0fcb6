import { describe, expect, it } from 'vitest';
import { createNetworkModel, NETWORK_PROFILES, SHAPE_NAMES, type ShapeName } from '../src/network-model.ts';

/** 20 ms chunks (640 bytes) sent on a real-time schedule for `seconds`; returns [send, delivery] pairs. */
function run(shape: ShapeName, seed: number, seconds: number, start = 1000): Array<[number, number]> {
  const model = createNetworkModel(shape, seed);
  const out: Array<[number, number]> = [];
  for (let t = start; t < start + seconds * 1000; t += 20) out.push([t, model.deliver(t, 640)]);
  return out;
}

describe('createNetworkModel', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    for (const shape of SHAPE_NAMES) {
      expect(run(shape, 7, 60)).toEqual(run(shape, 7, 60));
      if (shape !== 'none') expect(run(shape, 7, 60)).not.toEqual(run(shape, 8, 60));
    }
  });

  it('delivers in order and never before the send time', () => {
    for (const shape of SHAPE_NAMES) {
      let previous = Number.NEGATIVE_INFINITY;
      let violations = 0;
      for (const [send, at] of run(shape, 3, 120)) {
        if (at < send || at < previous) violations++;
        previous = at;
      }
      expect(violations).toBe(0);
    }
  });

  it('none delivers immediately', () => {
    for (const [send, at] of run('none', 1, 10)) expect(at).toBe(send);
  });

  it('lan spreads deliveries over the 5 ms jitter and no further', () => {
    const delays = run('lan', 11, 120).map(([send, at]) => at - send);
    const base = NETWORK_PROFILES.lan.baseMs;
    // 640 bytes at 100 Mbit/s: 0.05 ms on the wire.
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(base);
    expect(Math.max(...delays)).toBeLessThanOrEqual(base + 0.06 + 15 + 1e-9);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length - base;
    // |N(0, 5)| has mean 5·sqrt(2/π) ≈ 4.0 ms; in-order delivery adds a little.
    expect(mean).toBeGreaterThan(3.5);
    expect(mean).toBeLessThan(5.5);
  });

  it('wifi stalls 200–500 ms about every 30 s', () => {
    const stalls = stallsOf(run('wifi', 5, 600));
    // 600 s at one stall per 20–40 s.
    expect(stalls.length).toBeGreaterThanOrEqual(15);
    expect(stalls.length).toBeLessThanOrEqual(30);
    for (const length of stalls) {
      expect(length).toBeGreaterThanOrEqual(200 - 20);
      expect(length).toBeLessThanOrEqual(500 + 100);
    }
  });

  it('mobile stalls about every 10 s', () => {
    const stalls = stallsOf(run('mobile', 5, 600));
    expect(stalls.length).toBeGreaterThanOrEqual(40);
    expect(stalls.length).toBeLessThanOrEqual(120);
  });

  it('burst releases everything sent in a 1–3 s window at once', () => {
    const pairs = run('burst', 2, 120);
    const releases = new Map<number, number>();
    for (const [, at] of pairs) releases.set(Math.round(at / 20), (releases.get(Math.round(at / 20)) ?? 0) + 1);
    // Chunks leave every 20 ms; bursts put 50–150 of them (1–3 s of audio) into each release.
    const sizes = [...releases.values()].filter((n) => n > 5);
    expect(sizes.length).toBeGreaterThan(40);
    for (const n of sizes.slice(1, -1)) {
      expect(n).toBeGreaterThanOrEqual(45);
      expect(n).toBeLessThanOrEqual(155);
    }
  });

  it('lays stalls out from the first call, so a late clock start costs nothing', () => {
    // An epoch-based clock (Date.now()) must not make the model walk through 50 years of stalls.
    const model = createNetworkModel('wifi', 1);
    const t0 = 1.8e12;
    expect(model.deliver(t0, 640)).toBeLessThan(t0 + 200);
  });
});

/** Lengths of the gaps in delivery (ms) where the link held chunks for much longer than its jitter. */
function stallsOf(pairs: Array<[number, number]>): number[] {
  const stalls: number[] = [];
  for (let i = 1; i < pairs.length; i++) {
    const [, previous] = pairs[i - 1]!;
    const [, at] = pairs[i]!;
    if (at - previous > 150) stalls.push(at - previous);
  }
  return stalls;
}
