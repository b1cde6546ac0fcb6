/**
 * `echo`: listens with a server-side energy VAD and, after ~600 ms of silence, speaks the user's last utterance back
 * (from a little before speech started to a little after it stopped) as 20 ms frames, at real-time pace or faster.
 * @module
 */
import { FRAME_BYTES, FRAME_MS, int16View } from '../pcm.ts';
import { EnergyVad, type EnergyVadOptions, VAD_DEFAULTS } from '../vad.ts';
import type { Agent, AgentContext, AgentSession, Pace } from './agent.ts';

export interface EchoAgentOptions extends EnergyVadOptions {
  /** How fast the echo is sent: `'realtime'` or a speed factor (TTS servers send faster than real time). @default 'realtime' */
  pace: Pace;
  /** Audio kept from before the speech start, so the onset is not clipped. @default 200 */
  preRollMs: number;
  /** Silence kept after the speech end. @default 100 */
  tailMs: number;
  /** Longest utterance; a longer one is echoed when it reaches this length. @default 30000 */
  maxUtteranceMs: number;
  /** Stop echoing when the user starts speaking again. @default false */
  bargeIn: boolean;
}

export const ECHO_DEFAULTS: EchoAgentOptions = {
  ...VAD_DEFAULTS,
  pace: 'realtime',
  preRollMs: 200,
  tailMs: 100,
  maxUtteranceMs: 30_000,
  bargeIn: false,
};

/** Query knobs (reference server only): `pace=realtime|<factor>`, `silence_ms`, `barge_in=1`. */
function fromParams(params: URLSearchParams): Partial<EchoAgentOptions> {
  const out: Partial<EchoAgentOptions> = {};
  const pace = params.get('pace');
  if (pace === 'realtime') out.pace = 'realtime';
  else if (pace !== null && Number(pace) > 0) out.pace = Number(pace);
  const silence = Number(params.get('silence_ms'));
  if (silence > 0) out.silenceMs = silence;
  if (params.get('barge_in') === '1') out.bargeIn = true;
  return out;
}

/** The `echo` agent; `options` override {@link ECHO_DEFAULTS}, the socket query overrides both. */
export function echoAgent(options: Partial<EchoAgentOptions> = {}): Agent {
  return {
    name: 'echo',
    start(ctx: AgentContext): AgentSession {
      const o = { ...ECHO_DEFAULTS, ...options, ...fromParams(ctx.params) };
      const vad = new EnergyVad(o);
      const preRollWindows = Math.round(o.preRollMs / FRAME_MS);
      const tailWindows = Math.round(o.tailMs / FRAME_MS);
      const maxWindows = Math.round(o.maxUtteranceMs / FRAME_MS);
      // Incoming audio is regrouped into 20 ms windows whatever the client's frame size.
      const partial = new Uint8Array(FRAME_BYTES);
      let partialBytes = 0;
      let history: Uint8Array[] = [];
      let utterance: Uint8Array[] | null = null;
      // A client that stops sending altogether (pause-style mute) still ends its utterance.
      let idleTimer: ReturnType<typeof setTimeout> | null = null;

      const finish = (trailingSilentWindows: number) => {
        if (utterance === null) return;
        const keep = Math.max(0, utterance.length - Math.max(0, trailingSilentWindows - tailWindows));
        const pcm = concat(utterance.slice(0, keep));
        utterance = null;
        history = [];
        vad.reset();
        ctx.timers.clear(idleTimer);
        idleTimer = null;
        ctx.log('debug', 'echo.utterance', { sessionId: ctx.sessionId, ms: Math.round((pcm.byteLength / FRAME_BYTES) * FRAME_MS) });
        ctx.out.play(pcm, o.pace);
      };

      const onWindow = (window: Uint8Array) => {
        const event = vad.window(int16View(window));
        if (utterance === null) {
          history.push(window);
          if (history.length > preRollWindows + o.startWindows) history.shift();
          if (event !== 'speechstart') return;
          utterance = history;
          history = [];
          if (o.bargeIn) ctx.out.clear();
        } else {
          utterance.push(window);
        }
        if (event === 'speechend') finish(Math.round(o.silenceMs / FRAME_MS));
        else if (utterance !== null && utterance.length >= maxWindows) finish(0);
      };

      return {
        onAudio(frame) {
          let offset = 0;
          while (offset < frame.byteLength) {
            const n = Math.min(FRAME_BYTES - partialBytes, frame.byteLength - offset);
            partial.set(frame.subarray(offset, offset + n), partialBytes);
            partialBytes += n;
            offset += n;
            if (partialBytes === FRAME_BYTES) {
              partialBytes = 0;
              onWindow(partial.slice());
            }
          }
          if (utterance !== null) {
            ctx.timers.clear(idleTimer);
            idleTimer = ctx.timers.set(() => {
              idleTimer = null;
              finish(0);
            }, o.silenceMs);
          }
        },
      };
    },
  };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
