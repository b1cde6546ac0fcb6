/**
 * Retry or stop after a failure: the error's own advice (from the protocol table) first, then the app's policy.
 * @module
 */
import { VoiceError } from '../errors.ts';
import type { ReconnectPolicy } from '../options.ts';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; error: VoiceError };

/**
 * @param attempt the attempt that would follow, from 1.
 * @returns the delay before it (never shorter than a server's Retry-After), or the error to end with: the failure
 *   itself when it is final or the policy never retries, `RECONNECT_EXHAUSTED` (caused by it) when retries ran out.
 */
export function decideRetry(error: VoiceError, attempt: number, policy: ReconnectPolicy): RetryDecision {
  if (!error.retryable) return { retry: false, error };
  let delay: number | null;
  try {
    delay = policy(attempt, error);
  } catch {
    // An app's policy that throws must not leave the session stuck between attempts: it counts as giving up.
    delay = null;
  }
  if (delay !== null && !(Number.isFinite(delay) && delay >= 0)) delay = null;
  if (delay === null) {
    if (attempt === 1) return { retry: false, error };
    return {
      retry: false,
      error: new VoiceError('RECONNECT_EXHAUSTED', `Gave up after ${attempt - 1} retries: ${error.message}`, {
        cause: error,
        ...(error.closeCode === undefined ? {} : { closeCode: error.closeCode }),
        ...(error.status === undefined ? {} : { status: error.status }),
      }),
    };
  }
  return { retry: true, delayMs: Math.max(0, delay, error.retryAfterMs ?? 0) };
}
