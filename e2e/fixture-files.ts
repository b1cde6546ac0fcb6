/**
 * The WAV fixtures the fake microphone plays, written by the global setup into e2e/.fixtures/. Each ends with
 * silence: after the end of a file Chromium repeats its last buffer (shared/notes/toolchain.md §3e).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concat, quietNoise, sweep, tone, utterance } from './signals.ts';

export const FIXTURE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '.fixtures');
export const FIXTURE_RATE = 48_000;

/** Amplitude of the test tones: -6 dBFS peak, so -9.03 dBFS RMS. */
export const TONE_AMPLITUDE = 0.5;
/** Leading silence: the file starts when getUserMedia opens the device, a few hundred ms before the call is up. */
export const LEAD_IN_SECONDS = 1.5;

export const FIXTURES = {
  /** Test 1: 1 kHz for 6 s. */
  tone1k: () => concat(FIXTURE_RATE, tone(FIXTURE_RATE, 1000, 6, TONE_AMPLITUDE), 1),
  /** Test 2: silence, then 7 → 23 kHz in 4 s. */
  sweep: () => concat(FIXTURE_RATE, LEAD_IN_SECONDS, sweep(FIXTURE_RATE, 7000, 23_000, 4, TONE_AMPLITUDE), 1),
  /** Tests 3 and 4: silence, a 1.2 s speech-like utterance, silence for the echo to come back in. */
  utterance: () => concat(FIXTURE_RATE, LEAD_IN_SECONDS, utterance(FIXTURE_RATE, 1.2, 0.6), 4),
  /**
   * interrupt(): the utterance after quiet noise (-45 dBFS, under the echo agent's -40 dBFS speech threshold)
   * instead of digital silence, so the echo's pre-roll is audible and the start of its turn shows in the output.
   */
  utteranceAfterNoise: () => concat(FIXTURE_RATE, quietNoise(FIXTURE_RATE, LEAD_IN_SECONDS, -45), utterance(FIXTURE_RATE, 1.2, 0.6), 4),
  /**
   * Start of speech: a 200 Hz → 6 kHz chirp from the very first sample (no lead-in: the user speaks as they click),
   * so any stretch of its start that never reached the server shows as an offset in cross-correlation.
   */
  chirpAtOnce: () => concat(FIXTURE_RATE, sweep(FIXTURE_RATE, 200, 6000, 1, TONE_AMPLITUDE), 1.5),
  /** Tests 5 and 8: a long 440 Hz tone (played in a loop). */
  tone440: () => concat(FIXTURE_RATE, tone(FIXTURE_RATE, 440, 20, TONE_AMPLITUDE), 0.5),
} as const;

export type FixtureName = keyof typeof FIXTURES;

export function fixturePath(name: FixtureName): string {
  return path.join(FIXTURE_DIR, `${name}.wav`);
}
