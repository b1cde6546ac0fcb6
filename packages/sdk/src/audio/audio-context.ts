/**
 * The client's one AudioContext: created at the output device's native rate (never `sampleRate: 16000`, which
 * Firefox cannot connect a microphone to, and whose built-in resampler aliases; the worklets resample instead),
 * and kept running: resumed after the OS or the browser suspends it, or reported as blocked until the next gesture.
 * @module
 */

/**
 * Asks the context to run and reports whether it does within `timeoutMs`. The answer is the context's state, not
 * `resume()`'s promise: without user activation Chromium leaves that promise pending for ever, and WebKit can
 * settle it before the context runs (a call started at page load, no gesture: `audioblocked` fired, then the
 * context ran by itself half a second later). So it waits for the state to be `running` (or `closed`), or the
 * time to pass.
 */
export async function resumeAudioContext(context: AudioContext, timeoutMs: number): Promise<boolean> {
  if (context.state === 'running') return true;
  if (context.state === 'closed') return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onStateChange = () => {};
  const settled = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    onStateChange = () => {
      if (context.state === 'running' || context.state === 'closed') resolve();
    };
    context.addEventListener('statechange', onStateChange);
  });
  context.resume().then(onStateChange, () => undefined);
  try {
    await settled;
  } finally {
    clearTimeout(timer);
    context.removeEventListener('statechange', onStateChange);
  }
  // Read again: the state changed while we waited (TypeScript still holds the narrowed value from above).
  return (context.state as AudioContextState) === 'running';
}

/** Events that count as user activation for autoplay in every current browser. */
const GESTURE_EVENTS = ['pointerdown', 'keydown', 'touchend', 'click'] as const;

/**
 * Calls `callback` once, synchronously inside the next user gesture on `target` (the place where `resume()` is
 * allowed). Returns a function that cancels the wait.
 */
export function onNextUserGesture(callback: () => void, target: EventTarget = document): () => void {
  const handler = () => {
    cancel();
    callback();
  };
  const cancel = () => {
    for (const type of GESTURE_EVENTS) target.removeEventListener(type, handler, true);
  };
  for (const type of GESTURE_EVENTS) target.addEventListener(type, handler, { capture: true, passive: true });
  return cancel;
}

export interface ContextKeeperHooks {
  /** The context cannot run until the user interacts with the page. Called once per blocked spell. */
  onBlocked(): void;
  /** The context runs (again). */
  onRunning(): void;
}

/**
 * Keeps a context running for as long as a call lasts: after an OS interruption (Safari's `interrupted`), a
 * suspension by the browser, or the page coming back from the background, it resumes the context; when the browser
 * insists on a gesture it reports `onBlocked` and retries inside the next one.
 */
export class AudioContextKeeper {
  readonly #context: AudioContext;
  readonly #hooks: ContextKeeperHooks;
  readonly #resumeTimeoutMs: number;
  #blocked = false;
  #cancelGestureWait: (() => void) | undefined;
  #disposed = false;

  constructor(context: AudioContext, hooks: ContextKeeperHooks, resumeTimeoutMs: number) {
    this.#context = context;
    this.#hooks = hooks;
    this.#resumeTimeoutMs = resumeTimeoutMs;
    context.addEventListener('statechange', this.#onStateChange);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onVisibilityChange);
  }

  /** True while the context waits for a user gesture. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** Resumes the context; if the browser refuses, reports it and arms the retry on the next gesture. */
  async ensureRunning(): Promise<boolean> {
    if (this.#disposed) return false;
    const running = await resumeAudioContext(this.#context, this.#resumeTimeoutMs);
    if (!running && !this.#disposed && this.#context.state !== 'closed') this.#markBlocked();
    return running;
  }

  /** Retries now; call it from a click handler of your own (what the `audioblocked` event's `resume` does). */
  resumeFromGesture(): Promise<boolean> {
    this.#cancelGestureWait?.();
    this.#cancelGestureWait = undefined;
    // resume() must be called synchronously inside the gesture, before any await. Its promise is not awaited: called
    // outside a gesture it stays pending for ever; ensureRunning waits for the state with a timeout instead.
    this.#context.resume().catch(() => undefined);
    return this.ensureRunning();
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancelGestureWait?.();
    this.#cancelGestureWait = undefined;
    this.#context.removeEventListener('statechange', this.#onStateChange);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibilityChange);
  }

  #markBlocked(): void {
    // Re-armed after a resumeFromGesture() that did not get the context running (it cancelled the wait).
    if (!this.#cancelGestureWait && typeof document !== 'undefined') {
      this.#cancelGestureWait = onNextUserGesture(() => void this.resumeFromGesture());
    }
    if (this.#blocked) return;
    this.#blocked = true;
    this.#hooks.onBlocked();
  }

  readonly #onStateChange = (): void => {
    if (this.#disposed) return;
    const state: string = this.#context.state;
    if (state === 'running') {
      if (this.#blocked) {
        this.#blocked = false;
        this.#cancelGestureWait?.();
        this.#cancelGestureWait = undefined;
      }
      this.#hooks.onRunning();
    } else if (state === 'suspended' || state === 'interrupted') {
      // Nothing in the SDK suspends the context, so this came from the OS or the browser: get it back.
      void this.ensureRunning();
    }
  };

  readonly #onVisibilityChange = (): void => {
    if (!this.#disposed && document.visibilityState === 'visible' && this.#context.state !== 'running') void this.ensureRunning();
  };
}
