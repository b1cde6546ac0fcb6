/** VoiceActivityDetector: thresholds, hysteresis, attack and hangover, timed to the block. */
import { describe, expect, it } from 'vitest';
import { VoiceActivityDetector } from '../../src/dsp/voice-activity.ts';
import { noise, tone } from '../support/signal.ts';

const RATE = 16_000;
const ms = (n: number) => (n * RATE) / 1000;

/** Feeds `signal` 1 ms at a time and records the flag after each ms. */
function timeline(vad: VoiceActivityDetector, signal: Float32Array): boolean[] {
  const out: boolean[] = [];
  for (let at = 0; at < signal.length; at += 16) out.push(vad.push(signal, at, Math.min(16, signal.length - at)));
  return out;
}

/** A sine whose RMS is `db` dBFS, `lengthMs` long. */
function level(db: number, lengthMs: number): Float32Array {
  return tone({ frequency: 300, sampleRate: RATE, length: ms(lengthMs), amplitude: Math.SQRT2 * 10 ** (db / 20) });
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('VoiceActivityDetector (defaults: open −40 dB, close −50 dB, attack 30 ms, hangover 300 ms)', () => {
  it('opens after 30 ms of speech-level signal and closes 300 ms after it falls below −50 dB', () => {
    const flags = timeline(new VoiceActivityDetector(), concat(level(-80, 200), level(-20, 500), level(-80, 600)));
    // flags[i] is the state after (i + 1) ms: it turns at the end of the 30th loud / 300th quiet ms.
    expect(flags.indexOf(true)).toBe(200 + 30 - 1);
    expect(flags.indexOf(false, 200 + 30)).toBe(700 + 300 - 1);
  });

  it('keeps speaking through a level between the thresholds (hysteresis) and through pauses shorter than the hangover', () => {
    const flags = timeline(
      new VoiceActivityDetector(),
      concat(level(-20, 300), level(-45, 1_000), level(-80, 250), level(-20, 100), level(-80, 400)),
    );
    expect(flags.slice(30, 1_650).every(Boolean)).toBe(true);
    expect(flags.at(-1)).toBe(false);
  });

  it('does not open on a level between the thresholds, nor on clicks shorter than the attack', () => {
    expect(timeline(new VoiceActivityDetector(), level(-45, 2_000)).some(Boolean)).toBe(false);
    const clicks = concat(...Array.from({ length: 20 }, () => concat(level(-10, 20), level(-80, 80))));
    expect(timeline(new VoiceActivityDetector(), clicks).some(Boolean)).toBe(false);
  });

  it('takes thresholds and times as options', () => {
    const vad = new VoiceActivityDetector({ openDb: -60, closeDb: -70, attackMs: 10, hangoverMs: 50 });
    const flags = timeline(vad, concat(level(-100, 100), noise(ms(200), 1, 0.01), level(-100, 200)));
    // Uniform noise of amplitude 0.01 is −44.8 dB RMS: above −60.
    expect(flags.indexOf(true)).toBe(100 + 10 - 1);
    expect(flags.indexOf(false, 100 + 10)).toBe(300 + 50 - 1);
    expect(() => new VoiceActivityDetector({ openDb: -50, closeDb: -40 })).toThrow(RangeError);
  });
});
