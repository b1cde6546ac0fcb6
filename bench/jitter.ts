/**
 * `pnpm bench jitter`: the time-stretching jitter buffer beside its baselines, measured in the same run on the
 * same seeded traces (`bench/traces.ts`): today's buffer before time stretching (`jitter-buffer-v1.ts`), a plain
 * adaptive reference (`adaptive-reference.ts`), play-on-arrival and fixed 60/120/250 ms prebuffers.
 *
 * Seeds are split: the buffer's constants were tuned on TUNING_SEEDS only; the tables report HELD_OUT_SEEDS
 * unless `--tuning` is given. Then the same players on an independently designed trace family
 * (`jitter-independent.ts`; `--no-independent` skips it). `--wav` also writes the listening aid (`bench/out/`, ignored by git).
 * Quality figures are properties of the algorithms on a simulated clock (the same on any machine); the CPU table
 * is measured.
 * @module
 */
import { Resampler } from '../packages/sdk/src/dsp/index.ts';
import { runIndependent } from './jitter-independent.ts';
import { listeningAid } from './jitter-listening.ts';
import { recovery } from './jitter-recovery.ts';
import { driftMs, type Player, simulate } from './jitter-simulation.ts';
import { fmt, players, printTable, WARMUP_MS } from './jitter-table.ts';
import { generateStream, generateTrace, type Trace, type TraceSpec } from './traces.ts';

export const TUNING_SEEDS = [1, 2, 3];
export const HELD_OUT_SEEDS = [101, 102, 103];
const MINUTES = 6;

interface Family {
  label: string;
  goal: string;
  trace: (seed: number) => Trace;
}

const conversation = (network: TraceSpec['network'], pacing: TraceSpec['pacing']) => (seed: number) =>
  generateTrace({ name: `${pacing}`, network, pacing, minutes: MINUTES, seed, clockPpm: ((seed * 37) % 201) - 100 });

export const families: Family[] = [
  { label: 'LAN (5 ms jitter)', goal: '0 gaps, p95 ≤ 65 ms', trace: conversation('lan', 'realtime') },
  {
    label: 'Wi-Fi (30 ms jitter, 200–500 ms stalls every 20–40 s)',
    goal: '≤ 1.0 gap/min, p95 ≤ 400 ms',
    trace: conversation('wifi', 'realtime'),
  },
  {
    label: 'mobile (50 ms jitter, 100–400 ms stalls every 5–15 s)',
    goal: '≤ 1.0 gap/min, p95 ≤ 600 ms',
    trace: conversation('mobile', 'realtime'),
  },
  {
    label: 'TTS streaming 10–500 ms chunks, odd byte splits (LAN)',
    goal: '≤ ½ the reference’s gap time',
    trace: conversation('lan', 'tts-chunks'),
  },
  {
    label: 'TTS at 0.9–1.1× real time with 80–400 ms generation pauses (LAN)',
    goal: '≤ ½ the reference’s gap time',
    trace: conversation('lan', 'tts-slow'),
  },
  {
    label: 'continuous speech through main-thread long tasks (100–500 ms every ~2 s, LAN)',
    goal: 'delay back to target ≤ 3 s after each',
    trace: (seed) => generateStream({ name: 'long tasks', minutes: MINUTES, seed, longTasks: { everyMs: 2000, minMs: 100, maxMs: 500 } }),
  },
  {
    label: 'stalls up to 1 s (30 ms jitter, 300–1000 ms stalls every 15–30 s)',
    goal: 'no goal: where long stalls leave everyone',
    trace: conversation({ baseMs: 3, jitterMs: 30, bandwidthMbps: 20, stallEveryMs: [15_000, 30_000], stallMs: [300, 1000] }, 'realtime'),
  },
];

const HEADER = `Traces (bench/traces.ts): turns of synthetic speech (voiced syllables, f0 100–220 Hz, 30–120 ms gaps; 1–3 sentences of 1.5–6 s) with 1.5–5 s user turns between them (the long-task family: one continuous stream of 20 ms frames); sender clock −100…+100 ppm; network model of the reference server (packages/server/src/network-model.ts). ${MINUTES} min per trace. The tables count the whole call (a call's first turn, before any lateness is known, is heard too); their last column counts from ${WARMUP_MS / 1000} s on (the warm-up these tables used to leave out).
Definitions (receiver clock simulated at 16 kHz in 1 ms blocks):
- gap: a run of ≥ 2 ms of made-up output (silence, or a concealment for the new buffer, which counts its own) while the play position is inside a turn; gaps/min per minute of speech played; gap time per 9 min of speech.
- added latency: per 10 ms of speech, when the player played it minus when play-on-arrival played it on the same trace.
- delay: per 10 ms of speech, when it played minus when it was sent. Where the source sends ahead of real time (TTS), it includes the wait for the speech before it, as for every player; where arrivals come in bursts (long tasks), play-on-arrival falls behind for good, so added latency alone would hide what every player lost.
- click: an edge into or out of exactly-0 output with a step above 0.06 full scale (a lone 0 between two audio samples: its distance from the line through them, as a cross-fade can pass through 0 exactly). lost: samples received and never played.
- faster / slower / concealed (new buffer only): source time skipped by playing faster, time added by playing slower, time concealed, as a share of the speech played.`;

export function run(): void {
  const tuning = process.argv.includes('--tuning');
  const seeds = tuning ? TUNING_SEEDS : HELD_OUT_SEEDS;
  console.log(HEADER);
  console.log(
    `\nSeed set: ${tuning ? `TUNING ${seeds.join(', ')} (the constants were chosen on these)` : `HELD-OUT ${seeds.join(', ')} (never used for tuning; --tuning shows ${TUNING_SEEDS.join(', ')})`}.`,
  );
  for (const family of families) {
    const traces = seeds.map(family.trace);
    console.log(`\n${family.label}. Goal: ${family.goal}.`);
    printTable(traces, 0, WARMUP_MS);
  }
  if (!process.argv.includes('--no-independent')) runIndependent();
  drift();
  recovery(seeds);
  cpu();
  if (process.argv.includes('--wav')) listeningAid();
}

/** Clock drift over a 10-minute monologue (LAN, 20 ms chunks) at ±100 ppm. */
function drift(): void {
  console.log('\nClock drift: 10-minute monologue, LAN, 20 ms chunks. Goal: bounded (≤ 10 ms per 10 minutes).');
  console.log('| player | sender clock | drift ms | gaps ≥ 2 ms | clicks | lost |');
  console.log('|---|---|---|---|---|---|');
  for (const clockPpm of [100, -100]) {
    const trace = generateTrace({
      name: 'monologue',
      network: 'lan',
      pacing: 'realtime',
      minutes: 10,
      seed: 9,
      clockPpm,
      monologue: true,
      chunkMs: 20,
    });
    for (const player of players.slice(0, 3)) {
      const result = simulate(trace, player.create());
      console.log(
        `| ${player.name} | ${clockPpm > 0 ? '+' : ''}${clockPpm} ppm | ${fmt(driftMs(trace, result, WARMUP_MS), 1)} | ${result.gaps.length} | ${result.clicks} | ${result.lost} |`,
      );
    }
  }
}

/**
 * CPU of the playback path as the worklet runs it, per 128-frame quantum at 48 kHz: pull 16 kHz audio in 1 ms
 * steps and upsample it, on the mobile trace (stalls, jitter: stretching and concealment happen), arrivals pushed
 * between quanta (outside the measurement, as the worklet's onmessage does). Worst quantum, 99.9th percentile
 * and mean of the per-quantum CPU time, each the median of 5 runs.
 */
function cpu(): void {
  const trace = generateTrace({ name: 'cpu', network: 'mobile', pacing: 'realtime', minutes: 3, seed: 7, clockPpm: 50 });
  const measure = (player: Player): [number, number, number] => {
    const resampler = new Resampler(16_000, 48_000);
    const pulled = new Float32Array(16);
    const out = new Float32Array(resampler.maxOutput(16));
    const quanta = Math.floor((trace.endMs * 48) / 128);
    const times = new Float64Array(quanta);
    let fifo = 0;
    let clock = 0;
    let next = 0;
    for (let q = 0; q < quanta; q++) {
      while (next < trace.chunks.length && trace.chunks[next]!.arrivalMs <= clock) {
        const c = trace.chunks[next++]!;
        player.push(trace.source.subarray(c.start, c.start + c.length), c.arrivalMs);
      }
      // CPU time of this thread (user + system), so the other processes sharing the cores do not count.
      const start = process.cpuUsage();
      while (fifo < 128) {
        player.pull(pulled, 16, clock++);
        fifo += resampler.process(pulled, out, 16);
      }
      fifo -= 128;
      const used = process.cpuUsage(start);
      times[q] = used.user + used.system;
    }
    const sorted = Array.from(times.subarray(100)).sort((a, b) => a - b);
    return [sorted[sorted.length - 1]!, sorted[Math.floor(sorted.length * 0.999)]!, sorted.reduce((a, b) => a + b, 0) / sorted.length];
  };
  const median5 = (f: () => [number, number, number]): [number, number, number] => {
    const runs = [f(), f(), f(), f(), f()];
    return [0, 1, 2].map((k) => runs.map((r) => r[k]!).sort((a, b) => a - b)[2]!) as [number, number, number];
  };
  console.log(
    '\nCPU per 128-frame quantum at 48 kHz (pull 16 kHz in 1 ms steps + upsample; mobile trace, 3 min; CPU time of each quantum from process.cpuUsage (µs resolution, includes GC on this thread), median of 5 runs):',
  );
  console.log('| path | worst quantum µs | 99.9th percentile µs | mean µs | worst as share of the quantum (2667 µs) |');
  console.log('|---|---|---|---|---|');
  for (const player of [players[0]!, players[1]!, players[3]!]) {
    const [worst, p999, mean] = median5(() => measure(player.create()));
    console.log(
      `| ${player.name} + resampler | ${worst.toFixed(0)} | ${p999.toFixed(1)} | ${mean.toFixed(2)} | ${((100 * worst) / 2667).toFixed(1)} % |`,
    );
  }
}
