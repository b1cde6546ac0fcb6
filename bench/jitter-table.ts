/**
 * Part of `pnpm bench jitter`: the players compared and the table of one trace family (every player on the same
 * traces, figures pooled over the seeds). Shared by the tuned-on families (`jitter.ts`) and the independent ones
 * (`jitter-independent.ts`), so both are measured and printed the same way.
 * @module
 */
import { JitterBuffer, type JitterBufferStats, zeroJitterStats } from '../packages/sdk/src/dsp/index.ts';
import { AdaptiveReference } from './adaptive-reference.ts';
import { JitterBufferV1 } from './jitter-buffer-v1.ts';
import { type Player, type Run, simulate, summarise } from './jitter-simulation.ts';
import { PrebufferQueue } from './prebuffer-queue.ts';
import type { Trace } from './traces.ts';

export const players: Array<{ name: string; create: () => Player }> = [
  { name: 'time-stretching buffer (new)', create: () => new JitterBuffer() },
  { name: 'buffer before (v1, baseline)', create: () => new JitterBufferV1() },
  { name: 'plain adaptive reference', create: () => new AdaptiveReference() },
  { name: 'play on arrival', create: () => new PrebufferQueue(0) },
  { name: 'prebuffer 60 ms', create: () => new PrebufferQueue(60) },
  { name: 'prebuffer 120 ms', create: () => new PrebufferQueue(120) },
  { name: 'prebuffer 250 ms', create: () => new PrebufferQueue(250) },
];

/** The warm-up the tables used to leave out, ms: their last column still counts from here (a call's first turns). */
export const WARMUP_MS = 30_000;

export const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

interface Row {
  gapsPerMinute: number;
  gapSeconds: number;
  speechMinutes: number;
  p50: number;
  p95: number;
  delayP50: number;
  delayP95: number;
  clicks: number;
  lost: number;
  stats?: JitterBufferStats;
  /** The same counted from a later time (see {@link printTable}'s `alsoFromMs`). */
  later?: { gaps: number; gapSeconds: number; speechMinutes: number; p95: number };
}

function measure(trace: Trace, reference: Run, player: Player, warmupMs: number, alsoFromMs?: number): Row {
  const run = simulate(trace, player);
  const s = summarise(trace, run, reference, warmupMs);
  const gaps = run.gaps.filter(([t]) => t >= warmupMs);
  let later: Row['later'];
  if (alsoFromMs !== undefined) {
    const l = summarise(trace, run, reference, alsoFromMs);
    const lateGaps = run.gaps.filter(([t]) => t >= alsoFromMs);
    later = {
      gaps: lateGaps.length,
      gapSeconds: lateGaps.reduce((a, [, ms]) => a + ms, 0) / 1000,
      speechMinutes: l.speechMinutes,
      p95: l.latencyP95,
    };
  }
  let stats: JitterBufferStats | undefined;
  if (player instanceof JitterBuffer) {
    stats = zeroJitterStats();
    player.readStats(stats);
  }
  return {
    gapsPerMinute: gaps.length / s.speechMinutes,
    gapSeconds: gaps.reduce((a, [, ms]) => a + ms, 0) / 1000,
    speechMinutes: s.speechMinutes,
    p50: s.latencyP50,
    p95: s.latencyP95,
    delayP50: s.delayP50,
    delayP95: s.delayP95,
    clicks: s.clicks,
    lost: s.lost,
    stats,
    later,
  };
}

/**
 * One family's table: every player on `traces`, counted from `warmupMs` on. With `alsoFromMs`, a last column gives
 * the gaps per minute, gap time and mean p95 counted from that time instead (a table without warm-up beside the
 * warm-up the other tables use).
 */
export function printTable(traces: Trace[], warmupMs: number, alsoFromMs?: number): void {
  const references = traces.map((trace) => simulate(trace, new PrebufferQueue(0)));
  const extra = alsoFromMs === undefined ? '' : ` from ${alsoFromMs / 1000} s on: gaps/min, gap s per 9 min, p95 ms |`;
  console.log(
    `| player | gaps ≥ 2 ms /min (worst seed) | gap time s per 9 min | added latency p50 / p95 ms (worst seed p95) | delay p50 / p95 ms (play − send) | clicks | lost | faster / slower / concealed |${extra}`,
  );
  console.log(`|---|---|---|---|---|---|---|---|${extra ? '---|' : ''}`);
  for (const player of players) {
    const rows = traces.map((trace, i) => measure(trace, references[i]!, player.create(), warmupMs, alsoFromMs));
    const mean = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
    const worst = (f: (r: Row) => number) => Math.max(...rows.map(f));
    const sum = (f: (r: Row) => number) => rows.reduce((a, r) => a + f(r), 0);
    const speech = sum((r) => r.speechMinutes);
    const stretch = rows[0]!.stats
      ? (() => {
          const ms = speech * 60_000;
          const pc = (f: (s: JitterBufferStats) => number) => `${((100 * sum((r) => f(r.stats!))) / ms).toFixed(2)} %`;
          return `${pc((s) => s.shedMs)} / ${pc((s) => s.stretchedMs)} / ${pc((s) => s.concealedMs)}`;
        })()
      : '';
    const later = rows[0]!.later
      ? (() => {
          const minutes = sum((r) => r.later!.speechMinutes);
          return ` ${fmt(sum((r) => r.later!.gaps) / minutes, 2)}, ${fmt((sum((r) => r.later!.gapSeconds) * 9) / minutes, 1)}, ${fmt(mean((r) => r.later!.p95))} |`;
        })()
      : '';
    console.log(
      `| ${player.name} | ${fmt(
        mean((r) => r.gapsPerMinute),
        2,
      )} (${fmt(
        worst((r) => r.gapsPerMinute),
        2,
      )}) | ${fmt((sum((r) => r.gapSeconds) * 9) / speech, 1)} | ${fmt(
        mean((r) => r.p50),
      )} / ${fmt(mean((r) => r.p95))} (${fmt(worst((r) => r.p95))}) | ${fmt(mean((r) => r.delayP50))} / ${fmt(mean((r) => r.delayP95))} | ${sum((r) => r.clicks)} | ${sum((r) => r.lost)} | ${stretch} |${later}`,
    );
  }
}
