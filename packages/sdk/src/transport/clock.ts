/**
 * The platform clock, resolved when used (never at import), so importing the SDK has no side effects.
 * @module
 */
import type { Clock } from '../options.ts';

/** `Date.now`, `setTimeout` and `clearTimeout` of the current global scope. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
