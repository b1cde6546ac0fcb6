/**
 * Tuning aid (not part of `pnpm bench`): the time-stretching buffer with the options given as JSON, on the TUNING
 * seeds only, one line per trace family. The held-out seeds are never run here.
 *   node --conditions=@savants/source --no-warnings bench/jitter-tune.ts '{"latenessQuantile":0.99}' [family index…]
 * @module
 */
import { JitterBuffer } from '../packages/sdk/src/dsp/index.ts';
import { families, TUNING_SEEDS } from './jitter.ts';
import { simulate, summarise } from './jitter-simulation.ts';
import { PrebufferQueue } from './prebuffer-queue.ts';

const options = JSON.parse(process.argv[2] ?? '{}');
const wanted = process.argv.slice(3).map(Number);
for (const [index, family] of families.entries()) {
  if (wanted.length && !wanted.includes(index)) continue;
  let gaps = 0;
  let gapMs = 0;
  let minutes = 0;
  let p95 = 0;
  for (const seed of TUNING_SEEDS) {
    const trace = family.trace(seed);
    const reference = simulate(trace, new PrebufferQueue(0));
    const run = simulate(trace, new JitterBuffer(options));
    const s = summarise(trace, run, reference, 30_000);
    const after = run.gaps.filter(([t]) => t >= 30_000);
    gaps += after.length;
    gapMs += after.reduce((a, [, ms]) => a + ms, 0);
    minutes += s.speechMinutes;
    p95 = Math.max(p95, s.latencyP95);
  }
  console.log(
    `${JSON.stringify(options)} ${family.label.slice(0, 30).padEnd(30)} gaps/min ${(gaps / minutes).toFixed(2)}  gap s/9min ${(((gapMs / 1000) * 9) / minutes).toFixed(1)}  p95 worst ${p95.toFixed(0)}`,
  );
}
