/**
 * `tone`: a known test signal for the whole session, a continuous sine (440 Hz at -6 dBFS by default) in 20 ms
 * frames at real-time pace, phase-continuous across frames. Received audio is ignored.
 * @module
 */
import { WIRE_SAMPLE_RATE } from '@savants/voice/protocol';
import { FRAME_SAMPLES } from '../pcm.ts';
import type { Agent, AudioOut } from './agent.ts';

export interface ToneAgentOptions {
  /** @default 440 */
  frequencyHz: number;
  /** Peak level in dBFS. @default -6 */
  levelDbfs: number;
}

export const TONE_DEFAULTS: ToneAgentOptions = { frequencyHz: 440, levelDbfs: -6 };

/** How far ahead the tone is queued; refilled every `REFILL_MS`. */
const AHEAD_MS = 200;
const REFILL_MS = 100;

/** Generates successive 20 ms wire frames of one continuous sine. */
export function sineFrames(frequencyHz: number, levelDbfs: number): () => Uint8Array {
  const amplitude = Math.round(32767 * 10 ** (levelDbfs / 20));
  let n = 0;
  return () => {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++, n++)
      frame[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * n) / WIRE_SAMPLE_RATE));
    n %= WIRE_SAMPLE_RATE; // an integer number of seconds holds whole cycles of any integer frequency
    return new Uint8Array(frame.buffer);
  };
}

/** Keeps `out` fed with `next()` frames, real-time pace, until the session's timers are cleared. */
export function streamForever(out: AudioOut, next: () => Uint8Array, schedule: (fn: () => void, ms: number) => unknown): void {
  const refill = () => {
    while (out.queuedMs < AHEAD_MS) out.play(next());
    schedule(refill, REFILL_MS);
  };
  refill();
}

/** The `tone` agent; `options` override {@link TONE_DEFAULTS}, `?freq=` overrides the frequency. */
export function toneAgent(options: Partial<ToneAgentOptions> = {}): Agent {
  return {
    name: 'tone',
    start(ctx) {
      const freq = Number(ctx.params.get('freq'));
      const o = { ...TONE_DEFAULTS, ...options, ...(freq > 0 && freq < 8000 ? { frequencyHz: freq } : {}) };
      streamForever(ctx.out, sineFrames(o.frequencyHz, o.levelDbfs), (fn, ms) => ctx.timers.set(fn, ms));
      return { onAudio() {} };
    },
  };
}
