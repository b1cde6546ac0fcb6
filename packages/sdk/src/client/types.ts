/**
 * The public types of {@link VoiceClient}: its states, events, stats and the result of `interrupt()`.
 * @module
 */
import type { DeviceChangeReason } from '../audio/audio-graph.ts';
import type { Level, PlaybackStats } from '../audio/worklet-messages.ts';
import type { VoiceError } from '../errors.ts';
import type { StorageFallback } from '../persistence/device-id.ts';
import type { ServerMessage } from '../protocol/schemas.ts';
import type { ConnectionState, DisconnectReason, TransportStats } from '../transport/voice-socket.ts';

export type { DeviceChangeReason, DisconnectReason, Level, PlaybackStats, StorageFallback, TransportStats };

/**
 * Where the client is: the transport's states, with one rule added: `connected` means the server confirmed the
 * token AND the microphone is streaming. Until both hold, the state stays at the step before (`authenticating`).
 * `error` and `closed` are terminal until the next `connect()`.
 */
export type VoiceClientState = ConnectionState;

/** One level reading, in dBFS (`-Infinity` for digital silence). */
export interface LevelDetail extends Level {
  /** `input`: the microphone as captured; `output`: the agent as played (after volume). */
  source: 'input' | 'output';
  /** Input only: the capture worklet's voice-activity flag (energy with hysteresis). */
  speaking?: boolean;
}

/** How much of the agent's audio was played before `interrupt()` cut it, and how much it threw away. */
export interface InterruptResult {
  /**
   * Samples (16 kHz) of the interrupted turn's audio that were actually played, from its first audible sample on:
   * a position in the agent's audio, so concealing a late chunk or time-stretching changes how long hearing it took,
   * not this.
   */
  playedSamples: number;
  /** The same in milliseconds. */
  playedMs: number;
  /** Queued samples that were dropped. */
  droppedSamples: number;
  droppedMs: number;
}

/** Every event of {@link VoiceClient}; each `detail` type is what `event.detail` holds. */
export type VoiceClientEvents = {
  /** Every change of `state`. */
  statechange: { state: VoiceClientState; previous: VoiceClientState };
  /** The call is up: the server confirmed and the microphone streams. */
  connected: { sessionId: string | undefined };
  /**
   * The terminal event, once per call a `connect()` started (whatever ends it: `disconnect()`, the `signal`, the
   * server, a failure), after every resource (microphone, AudioContext, socket) is released.
   */
  disconnected: { reason: DisconnectReason; error?: VoiceError; closeCode?: number };
  /** Any failure: server error frames, protocol violations, microphone and audio failures, the one that ended the call. */
  error: VoiceError;
  /** The connection was lost (or an attempt failed); the next attempt starts after `delayMs`. */
  reconnecting: { attempt: number; delayMs: number; cause: VoiceError };
  /**
   * Connected again (a new server session); audio held during the outage has been sent. `attempts`: the `attempt` of
   * the last `reconnecting` event; `outageMs`: from the loss to this confirmation.
   */
  reconnected: { sessionId: string | undefined; attempts: number; outageMs: number };
  /**
   * The agent became audible: its first played sample above the silence threshold (silent audio, such as a
   * pre-roll or a stream's silent frames, does not count). `playedSamples`: that sample's play position (16 kHz
   * samples since the call began).
   */
  agentspeakingstart: { playedSamples: number };
  /** The agent fell silent: nothing audible for `turnGapMs` (300 ms; silence played or no audio), or interrupted. */
  agentspeakingend: { playedSamples: number };
  /** Microphone and agent levels, each about 20 times a second (`levelIntervalMs`). */
  level: LevelDetail;
  /**
   * `devices`: the system's device list changed; `input-ended`: the microphone went away (the default device is tried
   * next); `input` / `output`: another microphone / speaker is now in use, also the default one when the chosen
   * device was missing at `connect()` (`deviceId` undefined: the system default).
   */
  devicechange: { reason: DeviceChangeReason; deviceId: string | undefined };
  /**
   * The browser will not start audio without a user gesture. The client resumes on the next click or key press in
   * the page by itself; `resume()` does it from a button of your own (call it inside the click handler).
   */
  audioblocked: { resume: () => Promise<boolean> };
  /** A server text message the SDK does not know (status messages), parsed. */
  message: ServerMessage;
  /**
   * The generated device id (`apiKey` without `deviceId`) could not be kept in `storage` and lives in memory for
   * this page only: the next visit will be a new device. `reason` says whether IndexedDB is missing or failed.
   */
  storagefallback: StorageFallback;
};

/** A snapshot of the call's figures (`client.stats`). */
export interface VoiceClientStats {
  state: VoiceClientState;
  sessionId: string | undefined;
  /** The AudioContext's rate, the output device's native rate (undefined when no call). */
  sampleRate: number | undefined;
  /** The browser's estimate of the output path's latency (base + output), ms. */
  outputLatencyMs: number | undefined;
  /** The jitter buffer: queued, target, underruns, late, played. Last known figures. */
  jitterBuffer: PlaybackStats | undefined;
  inputLevel: Level | undefined;
  outputLevel: Level | undefined;
  muted: boolean;
  volume: number;
  /** Microphone frames the capture worklet delivered in this call. */
  framesCaptured: number;
  bytesSent: number;
  bytesReceived: number;
  /** Outgoing frames lost: backpressure, an outage longer than the reconnect buffer, invalid frames. */
  droppedFrames: number;
  /** Successful reconnections. */
  reconnects: number;
  /** The transport's own counters, including dropped frames by cause. */
  transport: TransportStats;
}
