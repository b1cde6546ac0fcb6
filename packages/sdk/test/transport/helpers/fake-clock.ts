/**
 * A manual clock for timing tests: timers fire only when the test moves time forward, so a 10 s confirmation
 * timeout or a 60 s Retry-After takes no real time. Real sockets and fetches keep running on the real event loop.
 */
import type { Clock, TimerHandle } from '../../../src/options.ts';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  #now = 1_000_000;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }

  /** Timers not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Delays (from now) of the pending timers, soonest first. */
  get pendingDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order (including timers they set). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.values()].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers.delete(due.id);
      this.#now = due.at;
      due.callback();
    }
    this.#now = end;
  }

  /** Moves time to the soonest pending timer and fires it; returns the delay it had, or undefined if none. */
  runNext(): number | undefined {
    const delay = this.pendingDelays[0];
    if (delay === undefined) return undefined;
    this.advance(delay);
    return delay;
  }
}
