/**
 * Part of `pnpm bench jitter --wav`: a listening aid. Writes 16 kHz mono WAVs into `bench/out/` (ignored by git):
 * for a few passages, the original next to what the time-stretching buffer and the buffer before played.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { JitterBuffer } from '../packages/sdk/src/dsp/index.ts';
import { JitterBufferV1 } from './jitter-buffer-v1.ts';
import type { Player } from './jitter-simulation.ts';
import { generateStream, generateTrace, type Trace } from './traces.ts';

const OUT = new URL('./out/', import.meta.url);

function wav(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) view.setUint8(at + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, 16_000, true);
  view.setUint32(28, 32_000, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++)
    view.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), true);
  return bytes;
}

/** The output of `player` on `trace` from `fromMs` to `toMs`. */
function render(trace: Trace, player: Player, fromMs: number, toMs: number): Float32Array {
  const out = new Float32Array((toMs - fromMs) * 16);
  const block = new Float32Array(16);
  let next = 0;
  for (let t = 0; t < toMs; t++) {
    while (next < trace.chunks.length && trace.chunks[next]!.arrivalMs <= t) {
      const c = trace.chunks[next++]!;
      player.push(trace.source.subarray(c.start, c.start + c.length), c.arrivalMs);
    }
    player.pull(block, 16, t);
    if (t >= fromMs) out.set(block, (t - fromMs) * 16);
  }
  return out;
}

export function listeningAid(): void {
  mkdirSync(OUT, { recursive: true });
  const passages: Array<{ name: string; trace: Trace; fromMs: number; toMs: number }> = [
    {
      name: 'stall-300ms',
      trace: generateStream({ name: 'stall', minutes: 1, seed: 101, stall: { atMs: 20_000, lengthMs: 300 } }),
      fromMs: 18_000,
      toMs: 26_000,
    },
    {
      name: 'long-tasks',
      trace: generateStream({ name: 'tasks', minutes: 1, seed: 102, longTasks: { everyMs: 2000, minMs: 100, maxMs: 500 } }),
      fromMs: 10_000,
      toMs: 20_000,
    },
    {
      name: 'tts-slow',
      trace: generateTrace({ name: 'slow', network: 'lan', pacing: 'tts-slow', minutes: 1, seed: 103, clockPpm: 0 }),
      fromMs: 5_000,
      toMs: 25_000,
    },
    {
      name: 'mobile',
      trace: generateTrace({ name: 'mobile', network: 'mobile', pacing: 'realtime', minutes: 1, seed: 104, clockPpm: 0 }),
      fromMs: 5_000,
      toMs: 25_000,
    },
  ];
  for (const p of passages) {
    const original = new Float32Array(p.trace.source.length);
    for (let i = 0; i < original.length; i++) original[i] = p.trace.source[i]! / 32768;
    writeFileSync(new URL(`${p.name}-original.wav`, OUT), wav(original.subarray(p.fromMs * 16, p.toMs * 16)));
    writeFileSync(new URL(`${p.name}-new.wav`, OUT), wav(render(p.trace, new JitterBuffer(), p.fromMs, p.toMs)));
    writeFileSync(new URL(`${p.name}-v1.wav`, OUT), wav(render(p.trace, new JitterBufferV1(), p.fromMs, p.toMs)));
  }
  console.log(`\nListening aid: ${passages.length} passages × (original, new, v1) written to ${OUT.pathname}`);
}
