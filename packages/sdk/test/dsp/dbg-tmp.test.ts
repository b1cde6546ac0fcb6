import { it } from 'vitest';
import { JitterBuffer } from '../../src/dsp/jitter-buffer.ts';
import { zeroJitterStats } from '../../src/dsp/jitter-buffer-options.ts';
import { type Arrival, play, RATE, toneInt16 } from '../support/jitter-driver.ts';

const CHUNK = 320;
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
function realTime(signal: Int16Array, stall?: { atMs: number; lengthMs: number }): Arrival[] {
  const arrivals: Arrival[] = [];
  for (let at = 0; at < signal.length; at += CHUNK) {
    let t = ((at + CHUNK) * 1000) / RATE + 2;
    if (stall && t >= stall.atMs && t < stall.atMs + stall.lengthMs) t = stall.atMs + stall.lengthMs;
    arrivals.push({ atMs: t, samples: signal.subarray(at, at + CHUNK) });
  }
  return arrivals;
}
it('dbg', () => {
  const signal = phrases(20);
  for (const variant of ['stall', 'backlog']) {
    let arrivals: Arrival[];
    let off = 0;
    if (variant === 'stall') arrivals = realTime(signal, { atMs: 1500, lengthMs: 300 });
    else {
      const backlog = 2 * RATE;
      arrivals = [{ atMs: 100, samples: signal.subarray(0, backlog) }];
      for (const a of realTime(signal.subarray(backlog))) arrivals.push({ atMs: 100 + a.atMs, samples: a.samples });
      off = -(backlog - 100 * 16);
    }
    const b = new JitterBuffer();
    const { out, consumed } = play(b, arrivals, 61_000);
    const d: string[] = [];
    for (let n = 0; n < consumed.length; n += RATE / 4) d.push(consumed[n]! >= 0 ? ((n - consumed[n]! - off) / 16).toFixed(0) : 'x');
    const s = zeroJitterStats();
    b.readStats(s);
    console.log(variant, JSON.stringify(s), d.join(' '));
    for (let n = 1; n < out.length; n++) {
      const st = Math.abs(out[n]! - out[n - 1]!);
      if ((out[n] === 0) !== (out[n - 1] === 0) && st > 0.06) {
        console.log(
          'edge',
          n / 16,
          Array.from(out.subarray(n - 6, n + 3))
            .map((v) => (v * 32768).toFixed(1))
            .join(','),
          Array.from(consumed.subarray(n - 6, n + 3)).join(','),
        );
      }
    }
  }
});
