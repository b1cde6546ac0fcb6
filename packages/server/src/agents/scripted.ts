/**
 * Scripted misbehaving agents, so clients can test their failure paths against a real server:
 * - `silent-confirm`: accepts the token but never sends the confirmation;
 * - `garbage`: after the confirmation sends, in order, every kind of frame a client must survive (see
 *   {@link GARBAGE_SEQUENCE}), then a 200 ms tone, then stays open and silent;
 * - `drop`: streams a tone, then cuts the TCP connection without a close frame after `afterMs` (query `after=`).
 * @module
 */
import { FRAME_BYTES } from '../pcm.ts';
import type { Agent } from './agent.ts';
import { sineFrames, streamForever } from './tone.ts';

/** The `silent-confirm` agent. */
export function silentConfirmAgent(): Agent {
  return { name: 'silent-confirm', confirms: false, start: () => ({ onAudio() {} }) };
}

/** What `garbage` sends, in this order, each as its own message. */
export const GARBAGE_SEQUENCE: ReadonlyArray<{ what: string; message: () => Uint8Array | string }> = [
  { what: 'malformed JSON', message: () => '{"type":' },
  { what: 'unknown message type', message: () => JSON.stringify({ type: 'savant_status', state: 'thinking' }) },
  { what: 'JSON that is not an object', message: () => '[1,2,3]' },
  { what: 'object without type', message: () => JSON.stringify({ message: 'no type here' }) },
  { what: 'text over 64 KiB', message: () => JSON.stringify({ type: 'savant_status', pad: 'x'.repeat(70_000) }) },
  { what: 'error frame with a code outside the tables', message: () => errorFrame() },
  { what: 'odd-length binary (641 bytes)', message: () => new Uint8Array(641) },
  { what: 'empty binary', message: () => new Uint8Array(0) },
  { what: 'oversized binary (64 KiB + 2 bytes of tone)', message: () => concatFrames(sineFrames(440, -6), 65_538) },
];

/** A deliberately unknown code: clients must pass unknown codes through, not crash. */
function errorFrame(): string {
  const timestamp = new Date().toISOString();
  return JSON.stringify({ type: 'error', error: { code: 'SCRIPTED_UNKNOWN_CODE', message: 'Scripted by the garbage agent', timestamp } });
}

function concatFrames(next: () => Uint8Array, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += FRAME_BYTES) out.set(next().subarray(0, Math.min(FRAME_BYTES, bytes - offset)), offset);
  return out;
}

/** The `garbage` agent: {@link GARBAGE_SEQUENCE}, then 200 ms of tone. */
export function garbageAgent(): Agent {
  return {
    name: 'garbage',
    start(ctx) {
      for (const item of GARBAGE_SEQUENCE) ctx.out.send(item.message());
      const next = sineFrames(440, -6);
      for (let i = 0; i < 10; i++) ctx.out.play(next());
      return { onAudio() {} };
    },
  };
}

export interface DropAgentOptions {
  /** Milliseconds after the confirmation at which the connection is cut. @default 1000 */
  afterMs: number;
}

/** The `drop` agent; `?after=` overrides `afterMs`. */
export function dropAgent(options: Partial<DropAgentOptions> = {}): Agent {
  return {
    name: 'drop',
    start(ctx) {
      const after = Number(ctx.params.get('after'));
      const afterMs = after >= 0 && ctx.params.has('after') ? after : (options.afterMs ?? 1000);
      streamForever(ctx.out, sineFrames(440, -6), (fn, ms) => ctx.timers.set(fn, ms));
      ctx.timers.set(() => ctx.drop(), afterMs);
      return { onAudio() {} };
    },
  };
}
