/**
 * `pnpm bench resampler`: quality and speed of the SDK's Resampler beside naive decimation (no filter;
 * sample-and-hold when upsampling) and linear interpolation, all measured in this run with test tones through
 * `process()` (packages/sdk/test/support/resampler-quality.ts). Quality figures are properties of the algorithms
 * and the same on any machine; speed figures depend on the machine and its load.
 * @module
 */
import { Resampler } from '../packages/sdk/src/dsp/index.ts';
import { LinearResampler, NaiveResampler, type ResamplerFactory } from '../packages/sdk/test/support/baseline-resamplers.ts';
import {
  aliasLevelDb,
  type Extreme,
  frequencyGrid,
  imageLevelDb,
  measuredDelaySeconds,
  passbandDeviation,
  sinadAfterInt16Db,
  worstOver,
} from '../packages/sdk/test/support/resampler-quality.ts';
import { db, fitSine, noise, quantizeInt16, tone } from '../packages/sdk/test/support/signal.ts';

const methods: Array<{ name: string; create: ResamplerFactory }> = [
  { name: 'ours (polyphase Kaiser sinc)', create: (a, b) => new Resampler(a, b) },
  { name: 'naive (no filter)', create: (a, b) => new NaiveResampler(a, b) },
  { name: 'linear interpolation', create: (a, b) => new LinearResampler(a, b) },
];

const cases: Array<[number, number]> = [
  [44_100, 16_000],
  [48_000, 16_000],
  [16_000, 44_100],
  [16_000, 48_000],
];

const SPEED_SECONDS = 10;
const SPEED_RUNS = 7;

const HEADER = `Definitions (tones at −6 dBFS unless said; 20 ms settling, then 0.5 s analysed with a least-squares sine fit):
- passband: largest |gain| over 50 Hz–7 kHz in 50 Hz steps (target ±0.1 dB).
- down, 8–9 kHz: highest output level (all of it is alias) for input tones 8–9 kHz in 25 Hz steps (target ≤ −90 dB).
- down, ≥ 9 kHz: the same for 9 kHz up to the input Nyquist in 50 Hz steps; these alias into 0–7 kHz (target ≤ −100 dB).
- up, images: everything but the tone (images and noise) in the output, for input tones 7–8 kHz (images at 8–9 kHz) and
  50 Hz–7 kHz (images ≥ 9 kHz), 50 Hz steps (target ≤ −90 dB). Levels are relative to the input tone.
- SINAD: −1 dBFS tone, Int16-quantised where the wire does it (the 16 kHz side). 997 Hz is the AES17 test tone: 1 kHz
  divides 16 kHz, so its Int16 error repeats every 16 samples and depends on the tone's phase; the 1 kHz column is the
  power mean over 8 phases. The ideal row of each case quantises an exact tone: the 16-bit limit (target ≥ 96.5 dB).
- delay: phase lag of a 100 Hz tone (target ≤ 3 ms).
- speed: CPU time (process.cpuUsage, so time spent waiting for a busy CPU is not counted) for ${SPEED_SECONDS} s of noise in
  128-frame render quanta at the context rate, median of ${SPEED_RUNS} runs after a warm-up run; % of a quantum is the time per
  quantum over its duration (target ≤ 1%). ns/in and ns/out are per input and per output sample. build: constructor time.`;

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
const at = (e: Extreme, digits = 1) => `${fmt(e.db, digits)} @ ${Math.round(e.hz)}`;

/** SINAD of an exactly computed tone, Int16-quantised: what a perfect resampler would give. */
function idealSinadDb(rate: number, frequency: number, phase: number): number {
  const length = Math.round(0.52 * rate);
  const signal = quantizeInt16(tone({ frequency, sampleRate: rate, length, amplitude: 10 ** (-1 / 20), phase }));
  const fit = fitSine(signal, rate, frequency, Math.round(0.02 * rate), Math.round(0.5 * rate));
  return db(fit.amplitude / Math.SQRT2 / Math.hypot(fit.residualRms, fit.offset));
}

/** Power mean over phases: SINAD of the average noise, not the average of dB figures. */
function meanOverPhases(sinadAt: (phase: number) => number): number {
  let noisePower = 0;
  const phases = 8;
  for (let k = 0; k < phases; k++) noisePower += 10 ** (-sinadAt((2 * Math.PI * k) / phases) / 10);
  return -10 * Math.log10(noisePower / phases);
}

function sinad1k(create: ResamplerFactory, inputRate: number, outputRate: number): number {
  return meanOverPhases((phase) => sinadAfterInt16Db(create, inputRate, outputRate, 1_000, -1, phase));
}

interface Speed {
  nsPerInput: number;
  nsPerOutput: number;
  usPerQuantum: number;
  percentOfQuantum: number;
}

function speed(create: ResamplerFactory, inputRate: number, outputRate: number): Speed {
  const contextRate = Math.max(inputRate, outputRate);
  const quanta = Math.floor((SPEED_SECONDS * contextRate) / 128);
  const inputLength = Math.ceil((quanta * 128 * inputRate) / contextRate);
  const input = noise(inputLength, 42, 0.5);
  // Input samples per quantum: 128 when the input is at the context rate, else what 128 output frames need.
  const bounds = Int32Array.from({ length: quanta + 1 }, (_, q) => Math.round((q * 128 * inputRate) / contextRate));
  const chunk = new Float32Array(bounds[1]! + 2);
  const resampler = create(inputRate, outputRate);
  const output = new Float32Array(resampler.maxOutput(chunk.length));
  const times: number[] = [];
  let produced = 0;
  for (let runIndex = 0; runIndex < SPEED_RUNS + 1; runIndex++) {
    resampler.reset();
    produced = 0;
    const start = process.cpuUsage();
    for (let q = 0; q < quanta; q++) {
      const from = bounds[q]!;
      const n = bounds[q + 1]! - from;
      for (let i = 0; i < n; i++) chunk[i] = input[from + i]!;
      produced += resampler.process(chunk, output, n);
    }
    // The first run warms the JIT up and is not counted.
    if (runIndex > 0) {
      const used = process.cpuUsage(start);
      times.push((used.user + used.system) / 1_000);
    }
  }
  times.sort((a, b) => a - b);
  const ms = times[times.length >> 1]!;
  const usPerQuantum = (ms * 1_000) / quanta;
  return {
    nsPerInput: (ms * 1e6) / bounds[quanta]!,
    nsPerOutput: (ms * 1e6) / produced,
    usPerQuantum,
    percentOfQuantum: (100 * usPerQuantum) / ((128 / contextRate) * 1e6),
  };
}

export function run(): void {
  console.log(HEADER);
  for (const [inputRate, outputRate] of cases) {
    const down = outputRate < inputRate;
    console.log(`\n${inputRate} → ${outputRate} Hz (${down ? 'capture' : 'playback'}).`);
    console.log(
      down
        ? '| method | passband dB @ Hz | alias 8–9 kHz dB @ Hz | alias ≥ 9 kHz dB @ Hz | SINAD 997 Hz | SINAD 1 kHz | delay ms | build ms | ns/in | ns/out | µs/quantum | % of quantum |'
        : '| method | passband dB @ Hz | images of 7–8 kHz dB @ Hz | images of 0.05–7 kHz dB @ Hz | SINAD 997 Hz | SINAD 1 kHz | delay ms | build ms | ns/in | ns/out | µs/quantum | % of quantum |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    const wireRate = Math.min(inputRate, outputRate);
    console.log(
      `| ideal (exact tone, Int16) | — | — | — | ${fmt(idealSinadDb(wireRate, 997, 0.3), 2)} | ${fmt(
        meanOverPhases((phase) => idealSinadDb(wireRate, 1_000, phase)),
        2,
      )} | — | — | — | — | — | — |`,
    );
    for (const method of methods) {
      const create = method.create;
      const passband = passbandDeviation(create, inputRate, outputRate, frequencyGrid(50, 7_000, 50));
      const near = down
        ? worstOver(frequencyGrid(8_000, 8_975, 25), (hz) => aliasLevelDb(create, inputRate, outputRate, hz))
        : worstOver(frequencyGrid(7_000, 7_950, 50), (hz) => imageLevelDb(create, inputRate, outputRate, hz));
      const far = down
        ? worstOver(frequencyGrid(9_000, inputRate / 2 - 50, 50), (hz) => aliasLevelDb(create, inputRate, outputRate, hz))
        : worstOver(frequencyGrid(50, 7_000, 50), (hz) => imageLevelDb(create, inputRate, outputRate, hz));
      const buildStart = performance.now();
      create(inputRate, outputRate);
      const buildMs = performance.now() - buildStart;
      const s = speed(create, inputRate, outputRate);
      console.log(
        `| ${method.name} | ${at(passband, 3)} | ${at(near)} | ${at(far)} | ${fmt(sinadAfterInt16Db(create, inputRate, outputRate, 997), 2)} | ${fmt(
          sinad1k(create, inputRate, outputRate),
          2,
        )} | ${fmt(measuredDelaySeconds(create, inputRate, outputRate) * 1_000, 3)} | ${fmt(buildMs, 1)} | ${fmt(s.nsPerInput)} | ${fmt(s.nsPerOutput)} | ${fmt(
          s.usPerQuantum,
          2,
        )} | ${fmt(s.percentOfQuantum, 2)} |`,
      );
    }
  }
}
