/**
 * Timers that can be counted and cleared as a group. Every timer the server starts goes through a `TimerScope`, so a
 * closed session provably holds none (`stats().timers`) and shutdown can clear whatever is left.
 * @module
 */

/** Counts live timers across all scopes of one server. */
export class TimerRegistry {
  #live = 0;
  /** Timers started and neither fired nor cleared. */
  get live(): number {
    return this.#live;
  }
  /** A new scope whose timers count here. */
  scope(): TimerScope {
    return new TimerScope(this);
  }
  /** @internal */
  adjust(delta: number): void {
    this.#live += delta;
  }
}

/** A set of timers owned by one thing (a socket, a session): `clearAll()` when that thing ends. */
export class TimerScope {
  readonly #registry: TimerRegistry;
  readonly #handles = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(registry: TimerRegistry) {
    this.#registry = registry;
  }

  /** Like `setTimeout`, but tracked. After `clearAll()` it starts nothing and returns `null`. */
  set(callback: () => void, ms: number): ReturnType<typeof setTimeout> | null {
    if (this.#closed) return null;
    const handle = setTimeout(() => {
      if (!this.#handles.delete(handle)) return;
      this.#registry.adjust(-1);
      callback();
    }, ms);
    this.#handles.add(handle);
    this.#registry.adjust(1);
    return handle;
  }

  clear(handle: ReturnType<typeof setTimeout> | null): void {
    if (handle === null || !this.#handles.delete(handle)) return;
    clearTimeout(handle);
    this.#registry.adjust(-1);
  }

  /** Clears every timer of the scope and refuses new ones. */
  clearAll(): void {
    this.#closed = true;
    for (const handle of this.#handles) clearTimeout(handle);
    this.#registry.adjust(-this.#handles.size);
    this.#handles.clear();
  }
}
