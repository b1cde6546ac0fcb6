/**
 * Part of `pnpm bench jitter`: delay recovery on continuous speech (the loopback agent's case, one endless turn)
 * after one stall or a released backlog: the time-stretching buffer (gives the delay back in speech and silence)
 * beside itself with `timeStretch: false` and the buffer before (v1: sheds long silences only).
 * @module
 */
import { JitterBuffer } from '../packages/sdk/src/dsp/index.ts';
import { JitterBufferV1 } from './jitter-buffer-v1.ts';
import { median, type Player, POSITION_STEP, type Run, simulate } from './jitter-simulation.ts';
import { generateStream, type StreamSpec, type Trace } from './traces.ts';

/** "Recovered": the delay is back within this of its level before the event. */
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
    label: '300 ms stall at 20 s',
    fromMs: 20_000,
    toMs: 20_300,
    spec: (seed) => ({ name: 'stall', minutes: 1, seed, stall: { atMs: 20_000, lengthMs: 300 } }),
  },
  {
    label: '1 s stall at 20 s',
    fromMs: 20_000,
    toMs: 21_000,
    spec: (seed) => ({ name: 'stall', minutes: 1, seed, stall: { atMs: 20_000, lengthMs: 1000 } }),
  },
  {
    label: 'reconnect at 30 s: 2 s of held audio at once',
    fromMs: 28_000,
    toMs: 30_000,
    spec: (seed) => ({ name: 'backlog', minutes: 1, seed, backlog: { atMs: 30_000, heldMs: 2000 } }),
  },
];

const variants: Array<{ name: string; create: () => Player }> = [
  { name: 'time-stretching buffer (new)', create: () => new JitterBuffer() },
  { name: 'new, timeStretch: false', create: () => new JitterBuffer({ timeStretch: false }) },
  { name: 'buffer before (v1)', create: () => new JitterBufferV1() },
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
  /** Largest jump of the delay between consecutive 10 ms positions after the event (an audible skip if large). */
  maxJumpMs: number;
  gaps: number;
  clicks: number;
  lost: number;
}

function measure(scenario: Scenario, seed: number, create: () => Player): Figures {
  const trace = generateStream(scenario.spec(seed));
  const run = simulate(trace, create());
  const d = delays(trace, run);
  const before = median(d.filter(([t]) => t >= 1000 && t < scenario.fromMs).map(([, v]) => v));
  const after = median(d.filter(([t]) => t >= scenario.toMs && t < scenario.toMs + 500).map(([, v]) => v));
  // Recovered: from the first moment after which the delay stays within 20 ms of "before" for 2 s.
  let recoverMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < d.length; i++) {
    const [t, v] = d[i]!;
    if (t < scenario.toMs || v > before + RECOVERED_WITHIN_MS) continue;
    const window = d.filter(([u]) => u >= t && u < t + 2000);
    if (window.every(([, w]) => w <= before + RECOVERED_WITHIN_MS)) {
      recoverMs = t - scenario.toMs;
      break;
    }
  }
  let maxJumpMs = 0;
  for (let i = 1; i < d.length; i++) if (d[i]![0] > scenario.toMs + 200) maxJumpMs = Math.max(maxJumpMs, Math.abs(d[i]![1] - d[i - 1]![1]));
  return { before, after, recoverMs, maxJumpMs, gaps: run.gaps.length, clicks: run.clicks, lost: run.lost };
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'never');

export function recovery(seeds: number[]): void {
  console.log(
    `\nDelay recovery on continuous speech (one endless turn: sentences of 1.5–6 s with 1–4 s of near-silence, 20 ms frames at real time, LAN; 1 min; seeds ${seeds.join(', ')}). ` +
      `Delay = play − send time, median over 1 s … the event (before) and the 500 ms after it (after); recovered = time after the event from which the delay stays within ${RECOVERED_WITHIN_MS} ms of "before" for 2 s. Goal (300 ms stall): ≤ 3 s, no audible jump (largest change of delay between 10 ms positions after the event, a skip if ≫ 1.5 ms).`,
  );
  console.log(
    '| event | buffer | delay before / after ms (mean) | recovered after s (worst seed) | largest delay step ms | gaps ≥ 2 ms | clicks | lost |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const scenario of scenarios) {
    for (const variant of variants) {
      const runs = seeds.map((seed) => measure(scenario, seed, variant.create));
      const mean = (f: (r: Figures) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
      const worst = (f: (r: Figures) => number) => Math.max(...runs.map(f));
      const sum = (f: (r: Figures) => number) => runs.reduce((a, r) => a + f(r), 0);
      const recover = worst((r) => r.recoverMs);
      console.log(
        `| ${scenario.label} | ${variant.name} | ${fmt(mean((r) => r.before))} / ${fmt(mean((r) => r.after))} | ${
          Number.isFinite(recover) ? (recover / 1000).toFixed(1) : 'never'
        } | ${worst((r) => r.maxJumpMs).toFixed(1)} | ${sum((r) => r.gaps)} | ${sum((r) => r.clicks)} | ${sum((r) => r.lost)} |`,
      );
    }
  }
}
