/**
 * Part of `pnpm bench jitter`: excess delay in a continuous stream (the loopback agent's case, one endless turn)
 * after one early stall or a released backlog, with the buffer giving it back (`shedExcessDelay`, the default)
 * beside the same buffer keeping it (`shedExcessDelay: false`, the behaviour before).
 * @module
 */
import { JitterBuffer } from '../packages/sdk/src/dsp/index.ts';
import type { JitterBufferStats } from '../packages/sdk/src/dsp/jitter-buffer-options.ts';
import { median, POSITION_STEP, type Run, simulate } from './jitter-simulation.ts';
import { generateStream, type StreamSpec, type Trace } from './traces.ts';

const SEEDS = [1, 2, 3];
/** "Recovered": the delay is back within this of its level before the event (the shedding hysteresis is 20 ms). */
const RECOVERED_WITHIN_MS = 20;

interface Scenario {
  label: string;
  /** The event: delay before it is measured from 1 s to `fromMs`, after it from `toMs`. */
  fromMs: number;
  toMs: number;
  spec: (seed: number) => StreamSpec;
}

const scenarios: Scenario[] = [
  {
    label: '150 ms stall at 5 s (an underrun, no turn end)',
    fromMs: 5000,
    toMs: 5150,
    spec: (seed) => ({ name: 'stall', minutes: 3, seed, stall: { atMs: 5000, lengthMs: 150 } }),
  },
  {
    label: '280 ms stall at 5 s',
    fromMs: 5000,
    toMs: 5280,
    spec: (seed) => ({ name: 'stall', minutes: 3, seed, stall: { atMs: 5000, lengthMs: 280 } }),
  },
  {
    label: 'reconnect at 30 s: 2 s of held audio at once',
    fromMs: 28_000,
    toMs: 30_000,
    spec: (seed) => ({ name: 'backlog', minutes: 3, seed, backlog: { atMs: 30_000, heldMs: 2000 } }),
  },
];

/** (play time, play − send time) of every 10 ms position played. */
function delays(trace: Trace, run: Run): Array<[number, number]> {
  const sendOf = new Float64Array(run.playTimes.length).fill(Number.NaN);
  for (const c of trace.chunks) {
    for (let k = Math.ceil(c.start / POSITION_STEP); k * POSITION_STEP < c.start + c.length; k++) {
      sendOf[k] = c.sendMs - (c.start + c.length - k * POSITION_STEP) / 16;
    }
  }
  const out: Array<[number, number]> = [];
  for (let k = 0; k < run.playTimes.length; k++) {
    const at = run.playTimes[k]!;
    if (!Number.isNaN(at)) out.push([at, at - sendOf[k]!]);
  }
  return out;
}

interface Figures {
  before: number;
  after: number;
  recoverMs: number;
  end: number;
  shedMs: number;
  glitches: number;
  clicks: number;
  lost: number;
}

function measure(scenario: Scenario, seed: number, shedExcessDelay: boolean): Figures {
  const trace = generateStream(scenario.spec(seed));
  const buffer = new JitterBuffer({ shedExcessDelay });
  const run = simulate(trace, buffer);
  const d = delays(trace, run);
  const last = d[d.length - 1]![0];
  const before = median(d.filter(([t]) => t >= 1000 && t < scenario.fromMs).map(([, v]) => v));
  const after = median(d.filter(([t]) => t >= scenario.toMs && t < scenario.toMs + 2000).map(([, v]) => v));
  const back = d.find(([t, v]) => t >= scenario.toMs + 100 && v <= before + RECOVERED_WITHIN_MS);
  const stats = { shedMs: 0 } as JitterBufferStats;
  buffer.readStats(stats);
  return {
    before,
    after,
    recoverMs: back ? back[0] - scenario.toMs : Number.POSITIVE_INFINITY,
    end: median(d.filter(([t]) => t > last - 60_000).map(([, v]) => v)),
    shedMs: stats.shedMs,
    glitches: run.glitchTimes.length,
    clicks: run.clicks,
    lost: run.lost,
  };
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'never');

export function recovery(): void {
  console.log(
    `\nExcess delay in a continuous stream (one endless turn: sentences of 1.5–6 s with 1–4 s of near-silence between them, 20 ms frames at real time, LAN; 3 min; seeds ${SEEDS.join(', ')}). ` +
      `Delay = play − send time, median over 1 s … the event (before), 2 s after it (after) and the last minute (end); recovered = first time after the event within ${RECOVERED_WITHIN_MS} ms of "before".`,
  );
  console.log(
    '| event | buffer | delay before / after / end ms (mean) | end worst seed ms | recovered after s (worst seed) | silence shed ms (mean) | glitches | clicks | lost |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const scenario of scenarios) {
    for (const shed of [true, false]) {
      const runs = SEEDS.map((seed) => measure(scenario, seed, shed));
      const mean = (f: (r: Figures) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
      const worst = (f: (r: Figures) => number) => Math.max(...runs.map(f));
      const sum = (f: (r: Figures) => number) => runs.reduce((a, r) => a + f(r), 0);
      const recover = worst((r) => r.recoverMs);
      console.log(
        `| ${scenario.label} | ${shed ? 'adaptive (sheds silence)' : 'adaptive, shedExcessDelay: false (before)'} | ${fmt(mean((r) => r.before))} / ${fmt(
          mean((r) => r.after),
        )} / ${fmt(mean((r) => r.end))} | ${fmt(worst((r) => r.end))} | ${Number.isFinite(recover) ? (recover / 1000).toFixed(1) : 'never'} | ${fmt(
          mean((r) => r.shedMs),
        )} | ${sum((r) => r.glitches)} | ${sum((r) => r.clicks)} | ${sum((r) => r.lost)} |`,
      );
    }
  }
}
