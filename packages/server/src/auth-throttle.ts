/**
 * Throttles failed authentications per client address: once an address has had `limit` failures in a rolling
 * window, its token requests get 429 `AUTH_THROTTLED` until the oldest failure leaves the window. Only failures
 * count, so a backend that holds a valid key is never throttled by its own traffic; and a key that already obtained
 * a token from an address keeps working there while strangers on that address are held back. Every other request
 * from a blocked address gets the same 429 whether its key is right or wrong: the answer tells a guesser nothing.
 * Memory is bounded by the failures of one window and the successes of `TRUSTED_FOR_MS`; swept lazily, no timer.
 * @module
 */
import type { RateLimit } from './options.ts';

/** How long a key that obtained a token from an address stays exempt there. */
export const TRUSTED_FOR_MS = 15 * 60_000;

export class AuthThrottle {
  readonly limit: RateLimit;
  /** address → times of its failures in the window (at most `limit`). */
  readonly #failures = new Map<string, number[]>();
  /** `address key-digest` → when the key last obtained a token from that address. */
  readonly #trusted = new Map<string, number>();
  #lastSweep = 0;

  constructor(limit: RateLimit) {
    this.limit = limit;
  }

  /** Seconds until `address` may try again, or 0 when it is not blocked. */
  retryAfterSeconds(address: string, now: number): number {
    this.#sweepEvery(now);
    const times = this.#recent(address, now);
    if (times.length < this.limit.limit) return 0;
    return Math.max(1, Math.ceil((times[0]! + this.limit.windowMs - now) / 1000));
  }

  recordFailure(address: string, now: number): void {
    const times = this.#recent(address, now);
    times.push(now);
    // Only the newest `limit` failures decide when the block ends; older ones can go.
    this.#failures.set(address, times.slice(-this.limit.limit));
  }

  recordSuccess(address: string, keyDigest: string, now: number): void {
    this.#trusted.set(`${address} ${keyDigest}`, now);
  }

  /** Whether the key with `keyDigest` obtained a token from `address` within `TRUSTED_FOR_MS`. */
  trusts(address: string, keyDigest: string, now: number): boolean {
    const since = this.#trusted.get(`${address} ${keyDigest}`);
    return since !== undefined && now - since < TRUSTED_FOR_MS;
  }

  /** Addresses and trusted keys currently tracked. */
  get size(): number {
    return this.#failures.size + this.#trusted.size;
  }

  #recent(address: string, now: number): number[] {
    return (this.#failures.get(address) ?? []).filter((t) => now - t < this.limit.windowMs);
  }

  #sweepEvery(now: number): void {
    if (now - this.#lastSweep < this.limit.windowMs) return;
    this.#lastSweep = now;
    for (const [address, times] of this.#failures)
      if (now - times[times.length - 1]! >= this.limit.windowMs) this.#failures.delete(address);
    for (const [key, since] of this.#trusted) if (now - since >= TRUSTED_FOR_MS) this.#trusted.delete(key);
  }
}
