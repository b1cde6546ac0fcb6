/**
 * Checks the audio section of the options and fills in the defaults, once, in the client's constructor: a mistake
 * is a `VoiceError('INVALID_OPTIONS')` thrown before anything starts.
 * @module
 */
import { VoiceError } from '../errors.ts';
import { type AudioOptions, DEFAULTS } from '../options.ts';
import { MAX_AUDIO_FRAME_BYTES, WIRE_BYTES_PER_SAMPLE, WIRE_SAMPLE_RATE } from '../protocol/constants.ts';
import type { AudioGraphOptions } from './audio-graph.ts';

const LATENCY_HINTS = new Set(['interactive', 'balanced', 'playback']);
/** The longest frame the protocol allows: 8,000 bytes = 250 ms; the docs ask for 10–100 ms. */
const MAX_FRAME_MS = Math.min(100, (MAX_AUDIO_FRAME_BYTES / WIRE_BYTES_PER_SAMPLE / WIRE_SAMPLE_RATE) * 1000);

function invalid(message: string): VoiceError {
  return new VoiceError('INVALID_OPTIONS', message, { retryable: false });
}

function flag(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(`${name} must be true or false, got ${String(value)}`);
  return value;
}

function numberIn(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw invalid(`${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  return value;
}

function optionalString(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}

/** Checks a playback volume (also used by `setVolume`). */
export function checkVolume(volume: number): number {
  return numberIn('volume', volume, DEFAULTS.volume, 0, 1);
}

export function resolveAudioOptions(options: AudioOptions): AudioGraphOptions {
  const frameDurationMs = numberIn('frameDurationMs', options.frameDurationMs, DEFAULTS.frameDurationMs, 10, MAX_FRAME_MS);
  // Frames are whole 16 kHz samples: 10 ms = 160 samples; a fraction of a sample would drift.
  if (!Number.isInteger((frameDurationMs * WIRE_SAMPLE_RATE) / 1000))
    throw invalid(`frameDurationMs must be a multiple of 1/16 ms, got ${frameDurationMs}`);
  const latencyHint = options.latencyHint ?? DEFAULTS.latencyHint;
  if (!(typeof latencyHint === 'number' ? Number.isFinite(latencyHint) && latencyHint >= 0 : LATENCY_HINTS.has(latencyHint))) {
    throw invalid(`latencyHint must be 'interactive', 'balanced', 'playback' or seconds, got ${String(latencyHint)}`);
  }
  return {
    echoCancellation: flag('echoCancellation', options.echoCancellation, DEFAULTS.echoCancellation),
    noiseSuppression: flag('noiseSuppression', options.noiseSuppression, DEFAULTS.noiseSuppression),
    autoGainControl: flag('autoGainControl', options.autoGainControl, DEFAULTS.autoGainControl),
    inputDeviceId: optionalString('inputDeviceId', options.inputDeviceId),
    outputDeviceId: optionalString('outputDeviceId', options.outputDeviceId),
    workletBaseUrl: optionalString('workletBaseUrl', options.workletBaseUrl),
    volume: numberIn('volume', options.volume, DEFAULTS.volume, 0, 1),
    muted: flag('muted', options.muted, DEFAULTS.muted),
    frameDurationMs,
    levelIntervalMs: numberIn('levelIntervalMs', options.levelIntervalMs, DEFAULTS.levelIntervalMs, 10, 1000),
    latencyHint,
    resumeTimeoutMs: numberIn('audioResumeTimeoutMs', options.audioResumeTimeoutMs, DEFAULTS.audioResumeTimeoutMs, 0, 60_000),
  };
}
