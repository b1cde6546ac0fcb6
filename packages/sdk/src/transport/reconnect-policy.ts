/**
 * The default reconnect policy: jittered exponential backoff (0.5 s doubling to 10 s, 6 attempts by default).
 * @module
 */
import { type BackoffOptions, DEFAULTS, type ReconnectPolicy } from '../options.ts';

/**
 * A {@link ReconnectPolicy} that waits `initialDelayMs · 2^(attempt-1)`, capped at `maxDelayMs`, times a random
 * factor in `[1 - jitter, 1 + jitter]`, and gives up after `maxAttempts`.
 * @param random source of uniform numbers in [0, 1); injectable for tests.
 */
export function exponentialBackoff(options: Partial<BackoffOptions> = {}, random: () => number = Math.random): ReconnectPolicy {
  const { initialDelayMs, maxDelayMs, maxAttempts, jitter } = { ...DEFAULTS.reconnect, ...options };
  return (attempt) => {
    if (attempt > maxAttempts) return null;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.min(maxDelayMs, base * (1 + jitter * (2 * random() - 1))));
  };
}

/** A policy that never retries (`reconnect: false`). */
export const neverReconnect: ReconnectPolicy = () => null;
