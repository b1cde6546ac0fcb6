/**
 * The message contract between each AudioWorkletProcessor (worklets/) and its main-thread node.
 * Type-only and DOM-free: both sides import it, so a change breaks the compile on both.
 * @module
 */
import type { JitterBufferStats } from '../dsp/jitter-buffer-options.ts';

/** Processor names carry a version: `registerProcessor` throws on a duplicate name. */
export const CAPTURE_PROCESSOR = 'savants-capture-v1';
export const PLAYBACK_PROCESSOR = 'savants-playback-v1';

/** Input and output level, in dBFS (-Infinity for digital silence). */
export interface Level {
  rmsDb: number;
  peakDb: number;
}

// ---- capture ----------------------------------------------------------------------------------

export interface CaptureOptions {
  /** Samples per outgoing frame at 16 kHz (320 = 20 ms). */
  frameSamples: number;
  /** Period of `level` messages in ms (the processor posts at most 100 a second: one per 10 ms of audio). */
  levelIntervalMs: number;
  /** Start muted. */
  muted: boolean;
}

export type CaptureCommand =
  | { type: 'mute'; muted: boolean }
  /**
   * A frame buffer handed back after the main thread has sent it. Frames travel in a pool of buffers that go
   * round between the threads, so `process()` allocates nothing in steady state.
   */
  | { type: 'recycle'; pcm: ArrayBuffer };

export type CaptureEvent =
  /** One wire frame: Int16 LE PCM at 16 kHz, `frameSamples` long, transferred. `endTime`: context time of its last sample. */
  { type: 'frame'; pcm: ArrayBuffer; endTime: number } | { type: 'level'; level: Level; speaking: boolean };

// ---- playback ---------------------------------------------------------------------------------

export interface PlaybackOptions {
  /** Output gain, 0..1. */
  volume: number;
  /** Period of `level` and `stats` messages in ms (the processor posts at most 30 a second). */
  levelIntervalMs: number;
  // No jitter buffer tuning: the worklet runs `JITTER_BUFFER_DEFAULTS`. An option added here is kept by the worklet
  // bundle's property mangling (tools/worklet-mangle.ts reads this contract); until then the option names are
  // mangled like any internal name (about 100 B min+gzip).
}

export type PlaybackCommand =
  /** Int16 PCM at 16 kHz (whole samples; the main thread carries odd bytes), transferred. */
  | { type: 'audio'; pcm: ArrayBuffer }
  /** Barge-in: fade out within one render quantum and drop what is queued. Answered by `flushed`. */
  | { type: 'flush'; id: number }
  | { type: 'volume'; volume: number };

/**
 * Jitter buffer figures, as the worklet reports them: the buffer's own stats type, so the two cannot drift apart.
 * The speaker is behind `playedSamples` by the upsampler's delay and under 1 ms of output FIFO.
 */
export type PlaybackStats = JitterBufferStats;

export type PlaybackEvent =
  | { type: 'speaking'; speaking: boolean; playedSamples: number }
  | { type: 'flushed'; id: number; playedSamples: number; droppedSamples: number }
  | { type: 'level'; level: Level }
  | { type: 'stats'; stats: PlaybackStats };
