/**
 * Part of `pnpm bench jitter`'s independent section: why the time-stretching buffer's gaps happen. Each gap of the
 * buffer is matched to the event of the trace that can explain it (a stall, a bad-state onset, a delay spike, a
 * generation pause), with what the buffer held when that event began (its target and its queue, read through
 * `readStats` every 10 ms). Also the measured figures of the traces themselves, so the model's words ("30 ms
 * jitter") can be checked against what it generated.
 * @module
 */
import { JitterBuffer, type JitterBufferStats, zeroJitterStats } from '../packages/sdk/src/dsp/index.ts';
import type { IndependentTrace } from './independent-traces.ts';
import { type Player, simulate } from './jitter-simulation.ts';
import { fmt } from './jitter-table.ts';

/** The buffer, with its target and queue sampled every 10 ms of the simulated clock. */
class Probe implements Player {
  readonly buffer = new JitterBuffer();
  readonly targetMs: number[] = [];
  readonly queuedMs: number[] = [];
  readonly #stats: JitterBufferStats = zeroJitterStats();

  get playedSamples(): number {
    return this.buffer.playedSamples;
  }
  get queuedSamples(): number {
    return this.buffer.queuedSamples;
  }
  get madeUpSamples(): number {
    return this.buffer.madeUpSamples;
  }
  push(samples: Int16Array, arrivalMs: number): void {
    this.buffer.push(samples, arrivalMs);
  }
  pull(out: Float32Array, length: number, nowMs: number): void {
    this.buffer.pull(out, length, nowMs);
    if (nowMs % 10 === 0) {
      this.buffer.readStats(this.#stats);
      this.targetMs.push(this.#stats.targetMs);
      this.queuedMs.push(this.#stats.queuedMs);
    }
  }
  at(series: number[], ms: number): number {
    return series[Math.min(series.length - 1, Math.max(0, Math.floor(ms / 10)))] ?? Number.NaN;
  }
}

type Cause = 'stall' | 'bad-state onset' | 'delay spike' | 'generation pause' | 'first turn, no event' | 'none found';

/** How long after an event a gap is still put down to it, ms: the queue drains, then the gap lasts into re-entry. */
const AFTER_MS: Record<Exclude<Cause, 'none found' | 'first turn, no event'>, number> = {
  stall: 1000,
  'bad-state onset': 2000,
  'delay spike': 500,
  'generation pause': 1000,
};

interface Finding {
  cause: Cause;
  gapMs: number;
  /** Event length (stall, pause, spike; bad state: its extra delay is not recorded, so its length). */
  eventMs: number;
  targetMs: number;
  queuedMs: number;
  firstOfKind: boolean;
  early: boolean;
}

/** The buffer's gaps on `traces`, put down to their causes, as lines of text. */
export function diagnose(traces: IndependentTrace[], warmupMs: number): string[] {
  const findings: Finding[] = [];
  let early = 0;
  for (const trace of traces) {
    const probe = new Probe();
    const run = simulate(trace, probe);
    const firstSeen = new Set<Cause>();
    for (const [startMs, gapMs] of run.gaps) {
      if (startMs < warmupMs) early++;
      // The latest event that began before the gap and whose window still covers it.
      let match: IndependentTrace['events'][number] | undefined;
      let cause: Cause = 'none found';
      for (const e of trace.events) {
        if (e.startMs > startMs) break;
        const kind: Cause | undefined =
          e.kind === 'stall'
            ? 'stall'
            : e.kind === 'bad state'
              ? 'bad-state onset'
              : e.kind === 'spike'
                ? 'delay spike'
                : e.kind === 'generation pause'
                  ? 'generation pause'
                  : undefined;
        const reach = kind === 'stall' || kind === 'generation pause' ? e.endMs : e.startMs;
        if (kind && startMs <= reach + AFTER_MS[kind]) {
          match = e;
          cause = kind;
        }
      }
      // No event, but the call's first turn: it starts at the initial target, before any lateness was measured.
      if (!match && trace.turns[0] && startMs < firstTurnEndMs(trace)) cause = 'first turn, no event';
      const eventStart = match?.startMs ?? startMs;
      findings.push({
        cause,
        gapMs,
        eventMs: match ? match.endMs - match.startMs : 0,
        targetMs: probe.at(probe.targetMs, eventStart),
        queuedMs: probe.at(probe.queuedMs, eventStart),
        firstOfKind: !firstSeen.has(cause),
        early: startMs < warmupMs,
      });
      firstSeen.add(cause);
    }
  }
  const lines = [`Time-stretching buffer's gaps ≥ 2 ms on these traces: ${findings.length} (${early} in the first ${warmupMs / 1000} s).`];
  const causes: Cause[] = ['stall', 'bad-state onset', 'delay spike', 'generation pause', 'first turn, no event', 'none found'];
  const eventKind: Partial<Record<Cause, string>> = {
    stall: 'stall',
    'bad-state onset': 'bad state',
    'delay spike': 'spike',
    'generation pause': 'generation pause',
  };
  for (const cause of causes) {
    const f = findings.filter((x) => x.cause === cause);
    if (f.length === 0) continue;
    const mean = (g: (x: Finding) => number) => f.reduce((a, x) => a + g(x), 0) / f.length;
    const kind = eventKind[cause];
    const all = kind ? traces.reduce((a, t) => a + t.events.filter((e) => e.kind === kind).length, 0) : 0;
    const event = kind ? `, event ${fmt(mean((x) => x.eventMs))} ms long (of ${all} such events in the traces)` : '';
    lines.push(
      `- ${cause}: ${f.length} gaps (${f.filter((x) => x.early).length} in the first ${warmupMs / 1000} s; ${f.filter((x) => x.firstOfKind).length} the first of their kind in a trace), ${fmt(
        f.reduce((a, x) => a + x.gapMs, 0) / 1000,
        1,
      )} s in all, mean ${fmt(mean((x) => x.gapMs))} ms${event}; when it began the target was ${fmt(mean((x) => x.targetMs))} ms and the queue ${fmt(mean((x) => x.queuedMs))} ms (means).`,
    );
  }
  return lines;
}

/** When the play position can leave the first turn: the arrival of the second turn's first chunk, ms. */
function firstTurnEndMs(trace: IndependentTrace): number {
  const second = trace.turns[1];
  const chunk = second && trace.chunks.find((c) => c.start >= second.start);
  return chunk ? chunk.arrivalMs : Number.POSITIVE_INFINITY;
}

/** What the generator made: one-way delay, RFC 3550 jitter (mean |Δ transit|), stalls, pauses, barge-ins. */
export function describeTraces(traces: IndependentTrace[]): string {
  const delays: number[] = [];
  let jitterSum = 0;
  let jitterCount = 0;
  const count = (kind: string) => traces.reduce((a, t) => a + t.events.filter((e) => e.kind === kind).length, 0);
  for (const t of traces) {
    let previous = Number.NaN;
    for (const c of t.chunks) {
      const transit = c.arrivalMs - c.sendMs;
      delays.push(transit);
      if (!Number.isNaN(previous)) {
        jitterSum += Math.abs(transit - previous);
        jitterCount++;
      }
      previous = transit;
    }
  }
  delays.sort((a, b) => a - b);
  const q = (p: number) => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))]!;
  const minutes = traces.reduce((a, t) => a + t.source.length, 0) / 16_000 / 60;
  return `Generated: ${fmt(minutes, 1)} min of agent speech, ${traces.reduce((a, t) => a + t.turns.length, 0)} turns (${count('barge-in')} barge-ins), ${delays.length} chunks; one-way delay p50 / p99 / max ${fmt(q(0.5))} / ${fmt(q(0.99))} / ${fmt(q(1))} ms, RFC 3550 jitter of arrivals ${fmt(jitterSum / jitterCount, 1)} ms; ${count('stall')} stalls, ${count('bad state')} bad states, ${count('spike')} spikes, ${count('generation pause')} generation pauses.`;
}
