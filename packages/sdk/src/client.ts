/**
 * `VoiceClient`: the public SDK. It keeps the app's choices (devices, volume, mute) and at most one live
 * {@link Call}: each `connect()` starts a new one, which owns the token request, the socket session, the audio graph
 * and the timers under one AbortSignal (its lifecycle reads top to bottom in `client/call.ts`).
 * @module
 */
import type { AudioGraphOptions } from './audio/audio-graph.ts';
import { checkVolume, resolveAudioOptions } from './audio/audio-options.ts';
import { createAudioContext } from './audio/create-audio-context.ts';
import { canSelectOutputDevice } from './audio/output-device.ts';
import type { Call } from './client/call.ts';
import type { InterruptResult, VoiceClientEvents, VoiceClientState, VoiceClientStats } from './client/types.ts';
import { VoiceError } from './errors.ts';
import { TypedEventTarget } from './events.ts';
import type { VoiceClientOptions } from './options.ts';
import { resolveConnectionOptions } from './transport/resolve-options.ts';
import { zeroCounters } from './transport/transport-stats.ts';
import type { VoiceSocket } from './transport/voice-socket.ts';

type Machinery = typeof import('./client/machinery.ts');

/** Set once the machinery is here: later calls then start synchronously, inside the caller's gesture. */
let machinery: Machinery | undefined;
let loading: Promise<Machinery> | undefined;

/**
 * Imports the call machinery (at the first `connect()` of the page, not with the page). A failed import (offline for
 * a moment) is not cached: the next `connect()` imports again.
 */
function loadMachinery(): Promise<Machinery> {
  loading ??= import('./client/machinery.ts').then(
    (loaded) => {
      machinery = loaded;
      return loaded;
    },
    (cause: unknown) => {
      loading = undefined;
      throw new VoiceError('CONNECTION_FAILED', `The SDK's call code could not be loaded (${String(cause)}).`, { cause });
    },
  );
  return loading;
}

/** Rejects with `ABORTED` as soon as `signal` aborts; otherwise settles as `promise` does. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    signal?.addEventListener('abort', () => reject(new VoiceError('ABORTED', "connect()'s signal aborted")), { once: true });
    promise.then(resolve, reject);
  });
}

/** Options of one `connect()`. */
export interface ConnectOptions {
  /** Aborting it ends the call, like `disconnect()` (`connect()` then rejects with `ABORTED` if still pending). */
  signal?: AbortSignal;
}

/**
 * A voice call with a Savants agent: microphone to the agent, the agent to the speakers.
 *
 * @example
 * const client = new VoiceClient({ tokenUrl: '/voice-token' });
 * client.addEventListener('statechange', (e) => console.log(e.detail.state));
 * button.onclick = () => client.connect(); // from a user gesture, so audio may start
 */
export class VoiceClient extends TypedEventTarget<VoiceClientEvents> {
  /** The app's choices, used by the next call and changed by the setters (only once they succeeded). */
  readonly #audioOptions: AudioGraphOptions;
  readonly #options: VoiceClientOptions;
  /** Made at the first `connect()`, with the machinery; kept for the client's life (its counters and device id). */
  #socket: VoiceSocket | undefined;
  /**
   * The latest call, live or ended (its figures stay readable until the next `connect()`); a promise of it while the
   * first call of the page imports the machinery.
   */
  #call: Call | Promise<Call> | undefined;
  #state: VoiceClientState = 'idle';

  /** Validates the options (throws `VoiceError` `INVALID_OPTIONS` / `INSECURE_URL`); never connects. */
  constructor(options: VoiceClientOptions) {
    super();
    this.#audioOptions = resolveAudioOptions(options);
    // Validated now; the transport, imported with the call machinery, resolves the same options again.
    resolveConnectionOptions(options);
    this.#options = { ...options };
  }

  /** Where the call is; see {@link VoiceClientState}. */
  get state(): VoiceClientState {
    return this.#state;
  }

  /** The server's session id of the current (or last) connection. */
  get sessionId(): string | undefined {
    return this.#socket?.sessionId;
  }

  get muted(): boolean {
    return this.#audioOptions.muted;
  }

  get volume(): number {
    return this.#audioOptions.volume;
  }

  /** A snapshot of the call's figures. */
  get stats(): VoiceClientStats {
    const transport = this.#socket?.stats ?? { ...zeroCounters(), heldFrames: 0, queuedFrames: 0 };
    const call = this.#call instanceof Promise ? undefined : this.#call;
    const audio = call?.audioStats;
    const dropped = transport.droppedFrames;
    return {
      state: this.#state,
      sessionId: this.sessionId,
      sampleRate: audio?.sampleRate,
      outputLatencyMs: audio?.outputLatencyMs,
      jitterBuffer: call?.jitterBuffer,
      inputLevel: call?.inputLevel,
      outputLevel: call?.outputLevel,
      muted: this.muted,
      volume: this.volume,
      framesCaptured: call?.framesCaptured ?? 0,
      bytesSent: transport.bytesSent,
      bytesReceived: transport.bytesReceived,
      droppedFrames: dropped.backpressure + dropped.reconnectOverflow + dropped.invalid,
      reconnects: transport.reconnects,
      transport,
    };
  }

  /**
   * Loads the code a call needs (the call machinery and the worklets) without connecting, so the first `connect()`
   * opens the microphone at once instead of after that download, and loses no speech to it. Call it when a call is
   * likely: the page is idle, the pointer is on the call button. Optional: `connect()` loads whatever is missing
   * itself. Never rejects: a failed load is tried again by the next `connect()`.
   */
  preload(): Promise<void> {
    const selfHosted = this.#audioOptions.workletBaseUrl !== undefined;
    return loadMachinery().then(
      (loaded) => (selfHosted ? undefined : loaded.preloadInlinedWorklets()),
      () => {},
    );
  }

  /**
   * Starts a call: opens the microphone and the audio graph while it fetches a token and connects. Call it from a
   * user gesture (a click), so the browser lets audio start. Resolves once the server confirmed and the microphone
   * streams (if the browser still blocks audio, `audioblocked` fires and it resolves without waiting for the
   * gesture). Rejects with a `VoiceError` (`ABORTED` after `disconnect()` or the `signal`); `disconnected` fires
   * once for every call started, after its release. While a call is live, waits for it to be connected (again)
   * instead of starting another. Audio captured before the confirmation is held (up to `reconnectBufferMs`) and
   * sent right after it.
   */
  connect(options: ConnectOptions = {}): Promise<void> {
    const current = this.#call;
    // Still importing: decided once the call is made, in order with the other requests (a disconnect() in between
    // hangs that call up first, so this one starts a new call instead of joining the ending one).
    if (current instanceof Promise) return current.then(() => this.connect(options));
    if (current && !current.ended) return current.whenConnected();
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new VoiceError('ABORTED', 'The signal passed to connect() was already aborted'));
    if (machinery) return this.#start(machinery, current, signal).connected;
    // The first call of the page imports the machinery first. The AudioContext is made now, before that await, while
    // the caller's gesture still counts for the autoplay policy; a failure here is left to the call to report.
    let context: AudioContext | undefined;
    try {
      context = createAudioContext(this.#audioOptions.latencyHint);
    } catch {}
    const starting = loadMachinery().then(
      (loaded) => this.#start(loaded, current, signal, context),
      (error: unknown) => {
        this.#call = current;
        context?.close().catch(() => undefined);
        throw error;
      },
    );
    this.#call = starting;
    // An abort settles connect() at once; the call, once made, sees the signal aborted and ends with its events.
    return untilAborted(
      starting.then((call) => call.connected),
      signal,
    );
  }

  #start(loaded: Machinery, previous: Call | undefined, signal: AbortSignal | undefined, context?: AudioContext): Call {
    this.#socket ??= new loaded.VoiceSocket(this.#options, { onAudio: (samples) => this.#live()?.enqueue(samples) });
    const call = new loaded.Call({
      audio: { ...this.#audioOptions },
      socket: this.#socket,
      emit: (type, detail) => this.emit(type, detail),
      setState: (state) => this.#setState(state),
      after: previous?.released ?? Promise.resolve(),
      signal,
      context,
    });
    this.#call = call;
    return call;
  }

  /**
   * Ends the call from any state and releases everything: microphone tracks, worklet nodes, the AudioContext and
   * the socket (closed with 1000). Resolves after `disconnected`, which fires once per call. Safe to call twice or
   * when idle.
   */
  disconnect(): Promise<void> {
    const call = this.#call;
    // Still importing: the call is hung up as soon as it is made, before its start gets past its first await (its
    // #run checks its signal there), so it starts nothing.
    if (call instanceof Promise) return call.then((made) => made.hangUp()).catch(() => {});
    return call?.hangUp() ?? Promise.resolve();
  }

  /** Sends silence instead of the microphone, at real-time pace (the server's timing expectations hold). */
  mute(): void {
    this.#audioOptions.muted = true;
    this.#live()?.setMuted(true);
  }

  unmute(): void {
    this.#audioOptions.muted = false;
    this.#live()?.setMuted(false);
  }

  /**
   * Barge-in: stops the agent's audio within one render quantum (with a short fade, no click) and drops what is
   * queued. Resolves with how much of the interrupted turn was actually heard (all zero without a live call).
   */
  interrupt(): Promise<InterruptResult> {
    return this.#live()?.interrupt() ?? Promise.resolve({ playedSamples: 0, playedMs: 0, droppedSamples: 0, droppedMs: 0 });
  }

  /** Playback volume of the agent, 0 to 1. Throws `INVALID_OPTIONS` for anything else (`undefined` included). */
  setVolume(volume: number): void {
    // No default here: `undefined` (or null) is a mistake, not "back to 1".
    this.#audioOptions.volume = checkVolume(volume ?? Number.NaN);
    this.#live()?.setVolume(volume);
  }

  /**
   * Switches the microphone (undefined: the system default) without reconnecting, also while connecting; it is
   * also the one the next `connect()` opens (a device missing by then falls back to the default, with
   * `devicechange`). Rejects with a MIC_* `VoiceError`, in which case nothing changes.
   */
  async setInputDevice(deviceId: string | undefined): Promise<void> {
    await this.#live()?.setInputDevice(deviceId);
    this.#audioOptions.inputDeviceId = deviceId;
  }

  /**
   * Plays to another output device ('' = the system default), also the one the next `connect()` uses (a device
   * missing by then falls back to the default, with `devicechange`). Rejects with `OUTPUT_DEVICE_FAILED` where
   * unsupported or when the device cannot be selected; nothing changes then.
   */
  async setOutputDevice(deviceId: string): Promise<void> {
    if (!canSelectOutputDevice()) throw new VoiceError('OUTPUT_DEVICE_FAILED', 'This browser cannot choose the output device.');
    await this.#live()?.setOutputDevice(deviceId);
    this.#audioOptions.outputDeviceId = deviceId;
  }

  /** Retries audio the browser blocked; call it inside a click handler. Resolves true once audio runs. */
  resumeAudio(): Promise<boolean> {
    return this.#live()?.resume() ?? Promise.resolve(false);
  }

  #live(): Call | undefined {
    const call = this.#call;
    return call && !(call instanceof Promise) && !call.ended ? call : undefined;
  }

  #setState(state: VoiceClientState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('statechange', { state, previous });
  }
}
