import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestKeys, keyAllows, keyDigest, loadApiKeys } from '../src/api-keys.ts';
import { DEV_API_KEY, redact } from '../src/index.ts';
import { RateLimiter } from '../src/rate-limiter.ts';
import { EnergyVad } from '../src/vad.ts';

/** One 20 ms window of a 300 Hz sine whose RMS is `dbfs`. */
function window(dbfs: number): Int16Array {
  const amplitude = 32768 * 10 ** (dbfs / 20) * Math.SQRT2;
  return Int16Array.from({ length: 320 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 300 * i) / 16_000)));
}

describe('EnergyVad (hysteresis)', () => {
  it('starts after two loud windows, holds through levels between the thresholds, ends after 600 ms of quiet', () => {
    const vad = new EnergyVad();
    expect(vad.window(window(-20))).toBeNull();
    expect(vad.window(window(-20))).toBe('speechstart');
    // -45 dBFS is below the start threshold (-40) but above the stop threshold (-50): still speech, for as long as it lasts.
    for (let i = 0; i < 100; i++) expect(vad.window(window(-45))).toBeNull();
    expect(vad.speaking).toBe(true);
    const events = Array.from({ length: 30 }, () => vad.window(window(-60)));
    expect(events.indexOf('speechend')).toBe(29); // the 30th quiet window completes 600 ms
    expect(vad.speaking).toBe(false);
  });

  it('does not start on a single loud window or on levels between the thresholds', () => {
    const vad = new EnergyVad();
    const events = [-20, -60, -20, -60, ...Array(50).fill(-45)].map((db) => vad.window(window(db)));
    expect(events.every((e) => e === null)).toBe(true);
  });

  it('a loud window resets the silence count', () => {
    const vad = new EnergyVad();
    vad.window(window(-20));
    vad.window(window(-20));
    for (let i = 0; i < 29; i++) vad.window(window(-60));
    expect(vad.window(window(-20))).toBeNull();
    const events = Array.from({ length: 30 }, () => vad.window(window(-60)));
    expect(events.indexOf('speechend')).toBe(29);
  });
});

describe('RateLimiter (rolling window)', () => {
  it('allows `limit` requests per rolling window per key and says when the oldest leaves it', () => {
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000 });
    expect(limiter.hit('a', 0)).toEqual({ allowed: true });
    expect(limiter.hit('a', 10_000)).toEqual({ allowed: true });
    expect(limiter.hit('a', 20_000)).toEqual({ allowed: true });
    expect(limiter.hit('a', 30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.hit('b', 30_000)).toEqual({ allowed: true });
    expect(limiter.hit('a', 60_000)).toEqual({ allowed: true }); // the request at 0 has left the window
    expect(limiter.hit('a', 60_001)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('forgets idle keys, so memory is bounded by one window of requests', () => {
    const limiter = new RateLimiter({ limit: 60, windowMs: 60_000 });
    for (let i = 0; i < 1000; i++) limiter.hit(`device-${i}`, i);
    expect(limiter.size).toBe(1000);
    limiter.hit('late', 200_000);
    expect(limiter.size).toBe(1);
  });
});

describe('API keys', () => {
  it('defaults to the development key, which accepts any device id', () => {
    const keys = loadApiKeys({ env: {} });
    expect(keys).toEqual([{ key: DEV_API_KEY }]);
    expect(keyAllows(digestKeys(keys), keyDigest(DEV_API_KEY), 'anything')).toBe(true);
    expect(keyAllows(digestKeys(keys), keyDigest('other'), 'anything')).toBe(false);
  });

  it('reads SAVANTS_API_KEYS (comma-separated) before the file', () => {
    expect(loadApiKeys({ env: { SAVANTS_API_KEYS: ' k1, k2 ,' }, apiKeysFile: '/nonexistent' })).toEqual([{ key: 'k1' }, { key: 'k2' }]);
  });

  it('reads a JSON file of key strings and {key, deviceIds} entries, and refuses a malformed one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'savants-keys-'));
    try {
      const file = path.join(dir, 'keys.json');
      writeFileSync(file, JSON.stringify(['k1', { key: 'k2', deviceIds: ['kiosk'] }]));
      const keys = loadApiKeys({ env: {}, apiKeysFile: file });
      expect(keys).toEqual([{ key: 'k1' }, { key: 'k2', deviceIds: ['kiosk'] }]);
      expect(keyAllows(digestKeys(keys), keyDigest('k2'), 'kiosk')).toBe(true);
      expect(keyAllows(digestKeys(keys), keyDigest('k2'), 'other')).toBe(false);
      writeFileSync(file, JSON.stringify([{ key: 'k3', deviceIds: 'kiosk' }]));
      expect(() => loadApiKeys({ env: {}, apiKeysFile: file })).toThrow(/entry 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redacts secrets to their last 4 characters', () => {
    expect(redact('sk_live_1234567890abcdef')).toBe('…cdef');
    expect(redact('abc')).toBe('…');
  });
});
