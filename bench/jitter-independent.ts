/**
 * Part of `pnpm bench jitter` (skipped with `--no-independent`): the players on a second, independently designed
 * family of held-out traces (`independent-traces.ts`, `independent-network.ts`), so that figures on traffic the
 * buffer was never tuned against stand beside the figures on the tuned-on generators' held-out seeds.
 *
 * Its seeds (INDEPENDENT_SEEDS) are used nowhere else: nothing was tuned on them. The model itself was written before
 * any figure on it was seen; since then two changes were tried on its TUNING seeds (INDEPENDENT_TUNING_SEEDS,
 * `bench/jitter-tune.ts`) as well as on the server model's, and neither is in the buffer (they cost latency in
 * WebKit end to end). Traces are 3 minutes of agent speech each, and every second of them counts (no warm-up): a
 * call's first stall is heard too.
 * @module
 */
import { generateIndependentTrace, type IndependentSpec } from './independent-traces.ts';
import { describeTraces, diagnose } from './jitter-independent-diagnosis.ts';
import { printTable, WARMUP_MS } from './jitter-table.ts';

export const INDEPENDENT_SEEDS = [201, 202, 203];
/** Seeds of this model that `bench/jitter-tune.ts` may use; never reported here. */
export const INDEPENDENT_TUNING_SEEDS = [301, 302, 303];
export const SPEECH_MINUTES = 3;

export const INDEPENDENT_FAMILIES: Array<{ label: string; goal: string; spec: Omit<IndependentSpec, 'seed' | 'speechMinutes'> }> = [
  {
    label: 'LAN: 5 ms jitter (log-normal, std), slow wander, a 20–40 ms spike every ~60 s',
    goal: '0 gaps, p95 ≤ 65 ms',
    spec: { network: 'lan', pacing: 'frames' },
  },
  {
    label: 'Wi-Fi: 30 ms jitter, frame aggregation (5–30 ms holds), 200–500 ms stalls at exponential intervals (mean 30 s)',
    goal: '≤ 1.0 gap/min, p95 ≤ 400 ms',
    spec: { network: 'wifi', pacing: 'frames' },
  },
  {
    label: 'mobile: 50 ms jitter, Gilbert–Elliott bad states (+50–150 ms, 1–10 s), 200–800 ms stalls at exponential intervals (mean 10 s)',
    goal: '≤ 1.0 gap/min, p95 ≤ 600 ms',
    spec: { network: 'mobile', pacing: 'frames' },
  },
  {
    label: 'TTS streaming as generated: mixed 10–80 / 150–500 ms chunks, any byte count, ±5 % compute noise (independent LAN)',
    goal: '≤ ½ the reference’s gap time',
    spec: { network: 'lan', pacing: 'tts-chunks' },
  },
  {
    label: 'TTS at a speed wandering in 0.9–1.1× within turns, 80–400 ms pauses at sentence and phrase boundaries (independent LAN)',
    goal: '≤ ½ the reference’s gap time',
    spec: { network: 'lan', pacing: 'tts-slow' },
  },
];

export function runIndependent(): void {
  console.log(
    `\n## Independent held-out traces (bench/independent-traces.ts): another network and sender model, seeds ${INDEPENDENT_SEEDS.join(', ')}, never tuned on (changes were tried on the model's tuning seeds ${INDEPENDENT_TUNING_SEEDS.join(', ')}; none is in the buffer). ${SPEECH_MINUTES} min of agent speech per seed, 20 % barge-ins (the sender stops mid-turn; no client flush is simulated), 20/40/60/100/200 ms frames per turn (network families). No warm-up: every gap counts. Its jitter is a standard deviation (the server model's J is a scale whose std is 0.6 J), and the mobile stalls (200–800 ms) and bad states are guesses: the issue gives neither.`,
  );
  for (const family of INDEPENDENT_FAMILIES) {
    const traces = INDEPENDENT_SEEDS.map((seed) => generateIndependentTrace({ ...family.spec, seed, speechMinutes: SPEECH_MINUTES }));
    console.log(`\n${family.label}. Goal: ${family.goal}.`);
    console.log(describeTraces(traces));
    printTable(traces, 0, WARMUP_MS);
    for (const line of diagnose(traces, WARMUP_MS)) console.log(line);
  }
}
