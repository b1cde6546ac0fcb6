/**
 * `pnpm bench jitter`: the adaptive jitter buffer beside a play-on-arrival queue and fixed 60/120/250 ms
 * prebuffers, on the same seeded traces (`bench/traces.ts`). Quality only: every figure is a property of the
 * algorithm on a simulated clock, so it is the same on any machine.
 * @module
 */
import { JitterBuffer, Resampler } from '../packages/sdk/src/dsp/index.ts';
import { recovery } from './jitter-recovery.ts';
import { driftMs, type Player, type Run, simulate, summarise } from './jitter-simulation.ts';
import { PrebufferQueue } from './prebuffer-queue.ts';
import { generateTrace, type TraceSpec } from './traces.ts';

const WARMUP_MS = 30_000;
const SEEDS = [1, 2, 3];

const players: Array<{ name: string; create: () => Player }> = [
  { name: 'adaptive', create: () => new JitterBuffer() },
  { name: 'play on arrival', create: () => new PrebufferQueue(0) },
  { name: 'prebuffer 60 ms', create: () => new PrebufferQueue(60) },
  { name: 'prebuffer 120 ms', create: () => new PrebufferQueue(120) },
  { name: 'prebuffer 250 ms', create: () => new PrebufferQueue(250) },
];

interface Scenario {
  label: string;
  target: string;
  specs: TraceSpec[];
}

const conversation = (name: string, network: TraceSpec['network'], pacing: TraceSpec['pacing']): TraceSpec[] =>
  SEEDS.map((seed) => ({ name, network, pacing, minutes: 10, seed, clockPpm: ((seed * 37) % 201) - 100 }));

const scenarios: Scenario[] = [
  { label: 'LAN (5 ms jitter)', target: '0 glitches; added latency p50 ≤ 45, p95 ≤ 65 ms', specs: conversation('lan', 'lan', 'realtime') },
  {
    label: 'Wi-Fi (30 ms jitter, 200–500 ms stalls every 20–40 s)',
    target: '≤ 1.5 glitches/min; p95 ≤ 450 ms',
    specs: conversation('wifi', 'wifi', 'realtime'),
  },
  {
    label: 'mobile (50 ms jitter, 100–400 ms stalls every 5–15 s)',
    target: '≤ 1.0 glitches/min; p95 ≤ 650 ms',
    specs: conversation('mobile', 'mobile', 'realtime'),
  },
  {
    label: 'sentence bursts (3–6× real time, LAN)',
    target: 'first audio ≤ 30 ms after first bytes',
    specs: conversation('bursts', 'lan', 'bursts'),
  },
  {
    label: 'TTS at 0.9–1.1× real time per turn (cumulative lateness, LAN)',
    target: 'no target: shows the per-turn adaptation',
    specs: conversation('tts-speed', 'lan', 'tts-speed'),
  },
];

const monologues: TraceSpec[] = [100, -100].map((clockPpm) => ({
  name: `monologue ${clockPpm > 0 ? '+' : ''}${clockPpm} ppm`,
  network: 'lan',
  pacing: 'realtime',
  minutes: 10,
  seed: 9,
  clockPpm,
  monologue: true,
  chunkMs: 20,
}));

const HEADER = `Traces (bench/traces.ts): turns of synthetic speech (1–3 sentences, 1.5–6 s each) with 1.5–5 s user turns between them; one chunk size per turn, log-uniform 10–500 ms, each chunk sent when generated at real time on a sender clock −100…+100 ppm off; delivered by the reference server's network model (packages/server/src/network-model.ts: extra delay |N(0, J)| capped at 3J for "J ms jitter", stalls hold everything then release it, in order).
Definitions (receiver clock simulated at 16 kHz in 1 ms blocks; warm-up ${WARMUP_MS / 1000} s; ${SEEDS.length} seeds × 10 min per network):
- glitch: a run of output samples that are exactly 0 while the play position is inside a turn (source audio is never exactly 0), i.e. an underrun the listener hears; glitches/min counts those after the warm-up per minute of speech played after it.
- added latency: per 10 ms of speech after the warm-up, when the player played it minus when the play-on-arrival queue played it on the same trace (the earliest any gapless player can).
- first audio: first sample of a turn played minus arrival of the turn's first bytes (every turn, the first included).
- click: an edge into or out of made-up silence with a step above 0.06 full scale (max step shown).
- lost: samples received and never played. drift: median (play − generation time) of the last minute minus the first minute after warm-up, 10-minute monologue.`;

const fmt = (v: number, digits = 0) => (Number.isNaN(v) ? '—' : v.toFixed(digits));

export function run(): void {
  console.log(HEADER);
  for (const scenario of scenarios) {
    const traces = scenario.specs.map(generateTrace);
    console.log(`\n${scenario.label}. Target: ${scenario.target}.`);
    console.log(
      '| player | glitches (all) | glitches/min | added latency p50 / p95 ms | first audio p50 / max ms | clicks (max step) | lost |',
    );
    console.log('|---|---|---|---|---|---|---|');
    const references: Run[] = traces.map((trace) => simulate(trace, new PrebufferQueue(0)));
    for (const player of players) {
      const sums = traces.map((trace, i) => summarise(simulate(trace, player.create()), references[i]!, WARMUP_MS));
      const sum = (f: (s: (typeof sums)[number]) => number) => sums.reduce((a, s) => a + f(s), 0);
      const worst = (f: (s: (typeof sums)[number]) => number) => Math.max(...sums.map(f));
      const mean = (f: (s: (typeof sums)[number]) => number) => sum(f) / sums.length;
      console.log(
        `| ${player.name} | ${sum((s) => s.glitches)} | ${fmt(
          mean((s) => s.glitchesPerMinute),
          2,
        )} (worst seed ${fmt(
          worst((s) => s.glitchesPerMinute),
          2,
        )}) | ${fmt(mean((s) => s.latencyP50))} / ${fmt(worst((s) => s.latencyP95))} | ${fmt(mean((s) => s.firstAudioP50))} / ${fmt(worst((s) => s.firstAudioMax))} | ${sum((s) => s.clicks)} (${fmt(
          worst((s) => s.maxEdgeStep),
          3,
        )}) | ${sum((s) => s.lost)} |`,
      );
    }
  }

  console.log('\nClock drift: 10-minute monologue, LAN, 20 ms chunks. Target: ≤ 10 ms per 10 minutes.');
  console.log('| player | sender clock | drift ms | glitches | clicks | lost |');
  console.log('|---|---|---|---|---|---|');
  for (const spec of monologues) {
    const trace = generateTrace(spec);
    for (const player of players) {
      const result = simulate(trace, player.create());
      console.log(
        `| ${player.name} | ${spec.clockPpm > 0 ? '+' : ''}${spec.clockPpm} ppm | ${fmt(driftMs(trace, result, WARMUP_MS), 1)} | ${result.glitchTimes.length} | ${result.clicks} | ${result.lost} |`,
      );
    }
  }
  recovery();
  speed();
}

/**
 * CPU of the playback path as the worklet runs it: per 128-frame quantum at 48 kHz, pull 16 kHz audio in 1 ms
 * steps and upsample it, beside the same path with the play-on-arrival queue in place of the buffer.
 */
function speed(): void {
  const seconds = 60;
  const audio = new Int16Array(seconds * 16_000);
  for (let i = 0; i < audio.length; i++) audio[i] = Math.round(8000 * Math.sin(i * 0.1)) | 1;
  const measure = (player: Player): number => {
    const resampler = new Resampler(16_000, 48_000);
    const pulled = new Float32Array(16);
    const out = new Float32Array(resampler.maxOutput(16));
    player.push(audio, 0);
    const quanta = Math.floor((seconds * 48_000) / 128) - 10;
    let fifo = 0;
    let clock = 0;
    // CPU time, as `pnpm bench resampler` measures: time spent waiting for a core another process holds is not counted.
    const start = process.cpuUsage();
    for (let q = 0; q < quanta; q++) {
      while (fifo < 128) {
        player.pull(pulled, 16, clock++);
        fifo += resampler.process(pulled, out, 16);
      }
      fifo -= 128;
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / quanta; // µs per quantum
  };
  const median = (f: () => number) => [f(), f(), f(), f(), f()].sort((a, b) => a - b)[2]!;
  const adaptive = median(() => measure(new JitterBuffer()));
  const queue = median(() => measure(new PrebufferQueue(0)));
  const quantumUs = (128 / 48_000) * 1e6;
  console.log('\nCPU per 128-frame quantum at 48 kHz (pull 16 kHz in 1 ms steps + upsample to 48 kHz; median of 5 runs of 60 s):');
  console.log('| path | µs per quantum | share of the quantum (2667 µs) |');
  console.log('|---|---|---|');
  console.log(`| adaptive buffer + resampler | ${adaptive.toFixed(2)} | ${((100 * adaptive) / quantumUs).toFixed(2)} % |`);
  console.log(`| play-on-arrival queue + resampler | ${queue.toFixed(2)} | ${((100 * queue) / quantumUs).toFixed(2)} % |`);
}
