/**
 * Rolling-window rate limit per key (the docs say "rolling 60-second window"; we follow that, not "resets 60 seconds
 * after the first request"). Memory is bounded by the requests of the last window: idle keys are swept lazily, no timer.
 * @module
 */
import type { RateLimit } from './options.ts';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
  /** The limit this instance enforces (the 429 answer's details repeat it). */
  readonly limit: RateLimit;
  readonly #hits = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(limit: RateLimit) {
    this.limit = limit;
  }

  /** Counts one request for `key` at `now` (ms) unless it is over the limit. */
  hit(key: string, now: number): RateDecision {
    const { limit, windowMs } = this.limit;
    if (now - this.#lastSweep > windowMs) this.#sweep(now);
    const times = (this.#hits.get(key) ?? []).filter((t) => now - t < windowMs);
    if (times.length >= limit) {
      this.#hits.set(key, times);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000)) };
    }
    times.push(now);
    this.#hits.set(key, times);
    return { allowed: true };
  }

  /** Keys currently tracked. */
  get size(): number {
    return this.#hits.size;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [key, times] of this.#hits) if (now - times[times.length - 1]! >= this.limit.windowMs) this.#hits.delete(key);
  }
}
