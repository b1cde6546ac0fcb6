/**
 * Checks the audio section of the options and fills in the defaults, once, in the client's constructor: a mistake
 * is a `VoiceError('INVALID_OPTIONS')` thrown before anything starts.
 * @module
 */
import { flagOption, invalidOption, numberIn, numberOption, optionalString } from '../option-checks.ts';
import { type AudioOptions, DEFAULTS } from '../options.ts';
import { MAX_AUDIO_FRAME_BYTES, WIRE_BYTES_PER_SAMPLE, WIRE_SAMPLE_RATE } from '../protocol/constants.ts';
import type { AudioGraphOptions } from './audio-graph.ts';

const LATENCY_HINTS = new Set(['interactive', 'balanced', 'playback']);
/** The longest frame the protocol allows: 8,000 bytes = 250 ms; the docs ask for 10–100 ms. */
const MAX_FRAME_MS = Math.min(100, (MAX_AUDIO_FRAME_BYTES / WIRE_BYTES_PER_SAMPLE / WIRE_SAMPLE_RATE) * 1000);

/** Checks a playback volume (also used by `setVolume`). */
export function checkVolume(volume: number | undefined): number {
  return numberIn('volume', volume, DEFAULTS.volume, 0, 1);
}

export function resolveAudioOptions(options: AudioOptions): AudioGraphOptions {
  const frameDurationMs = numberOption(options, 'frameDurationMs', 10, MAX_FRAME_MS);
  // Frames are whole 16 kHz samples: 10 ms = 160 samples; a fraction of a sample would drift.
  if (!Number.isInteger((frameDurationMs * WIRE_SAMPLE_RATE) / 1000))
    throw invalidOption(`frameDurationMs must be a multiple of 1/16 ms, got ${frameDurationMs}`);
  const latencyHint = options.latencyHint ?? DEFAULTS.latencyHint;
  if (!(typeof latencyHint === 'number' ? Number.isFinite(latencyHint) && latencyHint >= 0 : LATENCY_HINTS.has(latencyHint))) {
    throw invalidOption(`latencyHint must be 'interactive', 'balanced', 'playback' or seconds, got ${String(latencyHint)}`);
  }
  return {
    echoCancellation: flagOption(options, 'echoCancellation'),
    noiseSuppression: flagOption(options, 'noiseSuppression'),
    autoGainControl: flagOption(options, 'autoGainControl'),
    inputDeviceId: optionalString('inputDeviceId', options.inputDeviceId),
    outputDeviceId: optionalString('outputDeviceId', options.outputDeviceId),
    workletBaseUrl: optionalString('workletBaseUrl', options.workletBaseUrl),
    volume: checkVolume(options.volume),
    muted: flagOption(options, 'muted'),
    frameDurationMs,
    levelIntervalMs: numberOption(options, 'levelIntervalMs', 10, 1000),
    latencyHint,
    resumeTimeoutMs: numberOption(options, 'audioResumeTimeoutMs', 0, 60_000),
  };
}
