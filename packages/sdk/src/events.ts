/**
 * Typed events on a plain `EventTarget`, without a dependency.
 * @module
 */

/** An `EventTarget` whose `addEventListener` knows each event's `detail` type. */
export class TypedEventTarget<Events extends Record<string, unknown>> extends EventTarget {
  /** Dispatches `new CustomEvent(type, { detail })`. */
  protected emit<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  override addEventListener<K extends keyof Events & string>(
    type: K,
    listener: ((event: CustomEvent<Events[K]>) => void) | { handleEvent(event: CustomEvent<Events[K]>): void } | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
  }

  override removeEventListener<K extends keyof Events & string>(
    type: K,
    listener: ((event: CustomEvent<Events[K]>) => void) | { handleEvent(event: CustomEvent<Events[K]>): void } | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }
}
