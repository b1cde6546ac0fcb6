/** The transport's small parts: backoff policy, rate guard, bounded frame queue, incoming PCM decoding. Pure. */
import { describe, expect, test } from 'vitest';
import { VoiceError } from '../../src/errors.ts';
import { BoundedFrameQueue } from '../../src/transport/frame-queue.ts';
import { IncomingAudio } from '../../src/transport/incoming-audio.ts';
import { exponentialBackoff } from '../../src/transport/reconnect-policy.ts';
import { decideRetry } from '../../src/transport/retry-decision.ts';
import { TokenRateGuard } from '../../src/transport/token-rate-guard.ts';

describe('exponentialBackoff', () => {
  test('0.5 s doubling to 10 s, 6 attempts, by default', () => {
    const policy = exponentialBackoff({ jitter: 0 });
    const error = new VoiceError('CONNECTION_LOST', 'x');
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => policy(n, error))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, null]);
  });

  test('jitter stays within ±jitter of the step', () => {
    const low = exponentialBackoff({}, () => 0);
    const high = exponentialBackoff({}, () => 0.999999);
    expect(low(2, new VoiceError('CONNECTION_LOST', 'x'))).toBe(800);
    expect(high(2, new VoiceError('CONNECTION_LOST', 'x'))).toBe(1200);
    expect(high(6, new VoiceError('CONNECTION_LOST', 'x'))).toBe(10_000); // never past the ceiling
  });
});

describe('TokenRateGuard', () => {
  test('the 61st request in a rolling minute waits for the oldest to leave it', () => {
    const guard = new TokenRateGuard();
    for (let i = 0; i < 60; i++) {
      expect(guard.delayMs(i * 100)).toBe(0);
      guard.record(i * 100);
    }
    expect(guard.delayMs(6000)).toBe(54_000);
    expect(guard.delayMs(59_999)).toBe(1);
    expect(guard.delayMs(60_000)).toBe(0); // the first request has left the window
  });
});

describe('BoundedFrameQueue', () => {
  const frame = (n: number, bytes = 640) => new Uint8Array(bytes).fill(n).buffer;

  test('drops the oldest frames to make room and reports how many', () => {
    const q = new BoundedFrameQueue(640 * 3);
    expect([1, 2, 3].map((n) => q.push(frame(n)))).toEqual([0, 0, 0]);
    expect(q.push(frame(4))).toBe(1);
    expect(q.push(frame(5, 1280))).toBe(2);
    expect(q.drain().map((b) => new Uint8Array(b)[0])).toEqual([4, 5]);
    expect(q.length).toBe(0);
    expect(q.bytes).toBe(0);
  });

  test('a frame larger than the capacity (or any frame at capacity 0) is refused', () => {
    expect(new BoundedFrameQueue(0).push(frame(1))).toBe(-1);
    expect(new BoundedFrameQueue(100).push(frame(1))).toBe(-1);
  });

  test('long runs keep order and bounded memory (compaction)', () => {
    const q = new BoundedFrameQueue(640 * 10);
    for (let i = 0; i < 10_000; i++) q.push(frame(i % 256));
    expect(q.length).toBe(10);
    expect(q.drain().map((b) => new Uint8Array(b)[0])).toEqual(Array.from({ length: 10 }, (_, i) => (9990 + i) % 256));
  });
});

describe('IncomingAudio', () => {
  test('odd-length frames: the last byte is carried into the next frame, nothing lost or duplicated', () => {
    const samples = Int16Array.from({ length: 1000 }, (_, i) => ((i * 977) % 65536) - 32768);
    const bytes = new Uint8Array(samples.buffer);
    const decoder = new IncomingAudio();
    const out: number[] = [];
    let offset = 0;
    for (const size of [1, 641, 3, 0, 2, 999, 354]) {
      out.push(...decoder.decode(bytes.slice(offset, offset + size).buffer));
      offset += size;
    }
    expect(offset).toBe(2000);
    expect(out).toEqual([...samples]);
  });

  test('reset() forgets a carried byte (a new session starts clean)', () => {
    const decoder = new IncomingAudio();
    decoder.decode(new Uint8Array([0x34]).buffer);
    decoder.reset();
    expect([...decoder.decode(new Uint8Array([0x34, 0x12]).buffer)]).toEqual([0x1234]);
  });
});

describe('decideRetry', () => {
  const always = () => 1000;
  test('final codes stop whatever the policy says; the error itself ends the session', () => {
    const error = new VoiceError('AUTHENTICATION_FAILED', 'no');
    expect(decideRetry(error, 1, always)).toEqual({ retry: false, error });
  });

  test('a server Retry-After outweighs a shorter policy delay', () => {
    const error = new VoiceError('RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 45_000 });
    expect(decideRetry(error, 1, always)).toEqual({ retry: true, delayMs: 45_000 });
  });

  test('a policy that never retries ends with the failure; one that ran out ends with RECONNECT_EXHAUSTED', () => {
    const lost = new VoiceError('CONNECTION_LOST', 'gone', { closeCode: 1006 });
    expect(decideRetry(lost, 1, () => null)).toEqual({ retry: false, error: lost });
    const exhausted = decideRetry(lost, 7, () => null);
    expect(exhausted.retry).toBe(false);
    if (!exhausted.retry)
      expect(exhausted.error).toMatchObject({ code: 'RECONNECT_EXHAUSTED', closeCode: 1006, cause: lost, retryable: false });
  });
});
