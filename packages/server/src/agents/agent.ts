/**
 * The agent interface: what speaks on the server side of a session. Add an agent by implementing {@link Agent} and
 * registering it in `./registry.ts`.
 * @module
 */
import type { Logger } from '../logger.ts';
import type { TimerScope } from '../timers.ts';

/** How fast queued audio is handed to the network: `'realtime'` (1×) or a speed factor (4 = four times real time). */
export type Pace = 'realtime' | number;

/** The session's outgoing side. Everything goes through the network shaper, in order. */
export interface AudioOut {
  /**
   * Queues PCM (Int16 LE, 16 kHz, mono) as 20 ms frames, handed to the network at `pace` (default real time) after
   * whatever is already queued.
   */
  play(pcm: Uint8Array, pace?: Pace): void;
  /** Queues one message exactly as given (text or binary), after whatever is queued; not re-framed, not paced. */
  send(message: Uint8Array | string): void;
  /** Drops audio not yet handed to the network (barge-in). Returns the number of messages dropped. */
  clear(): number;
  /** Milliseconds of audio queued and not yet handed to the network. */
  readonly queuedMs: number;
}

/** What an agent gets for one session. */
export interface AgentContext {
  readonly sessionId: string;
  readonly deviceId: string;
  readonly out: AudioOut;
  /** Tracked timers, all cleared when the session ends. */
  readonly timers: TimerScope;
  readonly log: Logger;
  /** The socket URL's query (reference-server only): agent-specific knobs such as `after=500` for `drop`. */
  readonly params: URLSearchParams;
  /** Cuts the TCP connection without a close frame, as a network failure would (the client sees 1006). */
  drop(): void;
}

/** One session's agent. */
export interface AgentSession {
  /** A valid audio frame from the client (even length, 2..8,000 bytes). */
  onAudio(frame: Uint8Array): void;
  /** The session ended; timers are already cleared. */
  onClose?(): void;
}

export interface Agent {
  readonly name: string;
  /** `false`: the server authenticates the token but never sends the confirmation. @default true */
  readonly confirms?: boolean;
  /** Called once the session is confirmed (or authenticated, when `confirms` is false). */
  start(context: AgentContext): AgentSession;
}
