/**
 * Tuning aid (not part of `pnpm bench`): the time-stretching buffer with the options given as JSON, on the TUNING
 * seeds only (the server model's TUNING_SEEDS and the independent model's INDEPENDENT_TUNING_SEEDS), one line per
 * trace family, whole calls counted (how many gaps fell in the first 30 s in brackets). The held-out seeds are never
 * run here.
 *   node --conditions=@savants/source --no-warnings bench/jitter-tune.ts '{"latenessQuantile":0.99}' [family index…]
 * @module
 */
import { JitterBuffer } from '../packages/sdk/src/dsp/index.ts';
import { generateIndependentTrace } from './independent-traces.ts';
import { families, TUNING_SEEDS } from './jitter.ts';
import { INDEPENDENT_FAMILIES, INDEPENDENT_TUNING_SEEDS, SPEECH_MINUTES } from './jitter-independent.ts';
import { simulate, summarise } from './jitter-simulation.ts';
import { WARMUP_MS } from './jitter-table.ts';
import { PrebufferQueue } from './prebuffer-queue.ts';
import type { Trace } from './traces.ts';

const options = JSON.parse(process.argv[2] ?? '{}');
const wanted = process.argv.slice(3).map(Number);
const sets: Array<{ label: string; traces: () => Trace[] }> = [
  ...families.map((f) => ({ label: `server model: ${f.label}`, traces: () => TUNING_SEEDS.map(f.trace) })),
  ...INDEPENDENT_FAMILIES.map((f) => ({
    label: `independent: ${f.label}`,
    traces: () => INDEPENDENT_TUNING_SEEDS.map((seed) => generateIndependentTrace({ ...f.spec, seed, speechMinutes: SPEECH_MINUTES })),
  })),
];
for (const [index, set] of sets.entries()) {
  if (wanted.length && !wanted.includes(index)) continue;
  let gaps = 0;
  let early = 0;
  let gapMs = 0;
  let minutes = 0;
  let p50 = 0;
  let p95 = 0;
  let worstP95 = 0;
  const traces = set.traces();
  for (const trace of traces) {
    const reference = simulate(trace, new PrebufferQueue(0));
    const run = simulate(trace, new JitterBuffer(options));
    const s = summarise(trace, run, reference, 0);
    gaps += run.gaps.length;
    early += run.gaps.filter(([t]) => t < WARMUP_MS).length;
    gapMs += run.gaps.reduce((a, [, ms]) => a + ms, 0);
    minutes += s.speechMinutes;
    p50 += s.latencyP50 / traces.length;
    p95 += s.latencyP95 / traces.length;
    worstP95 = Math.max(worstP95, s.latencyP95);
  }
  console.log(
    `${index} ${set.label.slice(0, 40).padEnd(40)} gaps/min ${(gaps / minutes).toFixed(2)} (${early} in the first 30 s)  gap s/9min ${(((gapMs / 1000) * 9) / minutes).toFixed(1)}  p50 ${p50.toFixed(0)}  p95 ${p95.toFixed(0)} (worst ${worstP95.toFixed(0)})`,
  );
}
