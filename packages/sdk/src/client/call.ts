/**
 * One call: everything a `connect()` starts, owned by one object under one `AbortSignal`. The lifecycle reads top
 * to bottom in {@link Call.#run} (start) and {@link Call.#finish} (the one way out):
 *
 *   connect() ─► AudioContext created now (inside the click) ─► new Call ─► previous call released
 *     ─► worklets, then microphone ∥ token ─► socket ─► confirmation (audio captured meanwhile is held by the transport)
 *     ─► first microphone frame ─► `connected`
 *   disconnect(), the app's signal, the transport giving up, an audio failure ─► #finish: abort ─► socket closed
 *     ─► audio graph closed ─► `disconnected` (once) ─► nothing more from this call
 *
 * Every await of the start races the signal, so an abort settles `connect()` at once whatever it was waiting for.
 * @module
 */
import { AudioGraph, type AudioGraphHooks, type AudioGraphOptions } from '../audio/audio-graph.ts';
import type { Level, PlaybackStats } from '../audio/worklet-messages.ts';
import { isVoiceError, VoiceError } from '../errors.ts';
import { WIRE_SAMPLE_RATE } from '../protocol/constants.ts';
import type { VoiceSocket, VoiceSocketEvents } from '../transport/voice-socket.ts';
import type { InterruptResult, VoiceClientEvents, VoiceClientState } from './types.ts';

const SAMPLES_PER_MS = WIRE_SAMPLE_RATE / 1000;
/** Transport events passed on unchanged while the call is live. */
const FORWARDED = ['error', 'reconnecting', 'reconnected', 'message', 'storagefallback'] as const;

type Emit = <K extends keyof VoiceClientEvents>(type: K, detail: VoiceClientEvents[K]) => void;
type Ending = VoiceClientEvents['disconnected'];

export interface CallSetup {
  /** The client's audio choices, copied: the call's own changes go back through the client's setters. */
  audio: AudioGraphOptions;
  /** The client's transport; the call runs one session of it and lets go of it when it ends. */
  socket: VoiceSocket;
  /** Dispatches on the client (the call drops its own events once it is dead). */
  emit: Emit;
  /** Sets the client's state (statechange is the client's). */
  setState: (state: VoiceClientState) => void;
  /** The previous call's release: this one starts nothing before it, so at most one call is live. */
  after: Promise<void>;
  /** The app's `connect({ signal })`. */
  signal: AbortSignal | undefined;
  /** The AudioContext `connect()` made inside the caller's gesture, when the machinery had to be imported first. */
  context?: AudioContext | undefined;
}

/**
 * Rejects with the signal's reason the moment it aborts (synchronously, so an abort wins over a promise that had
 * already settled but whose reaction has not run yet); otherwise settles as `promise` does. Its listener lives as
 * long as the call's signal: a handful per call.
 */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort);
    promise.then(resolve, reject);
  });
}

export function aborted(message: string): VoiceError {
  return new VoiceError('ABORTED', message);
}

/** The transport only ever rejects with a `VoiceError`, so anything else came from starting the audio. */
function asVoiceError(error: unknown): VoiceError {
  return isVoiceError(error) ? error : new VoiceError('AUDIO_CONTEXT_FAILED', String(error), { cause: error });
}

export class Call {
  /** Aborted once, by {@link Call.#finish}: its reason is what `connect()` rejects with. */
  readonly #controller = new AbortController();
  readonly #socket: VoiceSocket;
  readonly #emitOnClient: Emit;
  readonly #setState: (state: VoiceClientState) => void;
  readonly #graph: AudioGraph | undefined;
  /** `connect()`'s promise: the first confirmation with the microphone streaming, or the reason the call ended. */
  readonly connected: Promise<void>;
  /** Set once by #finish: resolves after everything is released and `disconnected` was dispatched. */
  #released: Promise<void> | undefined;
  #firstFrame: () => void = () => {};
  #turnStart = 0;
  /**
   * Until `connected` was dispatched (the socket confirmed and the microphone streams), the agent's speaking events
   * wait here (its audio can start before the microphone's first frame: WebKit at load 13), so an app sees
   * `connected` first. `undefined` from then on: the one mark that the call has been connected.
   */
  #untilConnected: (() => void)[] | undefined = [];
  framesCaptured = 0;
  inputLevel: Level | undefined;
  outputLevel: Level | undefined;
  jitterBuffer: PlaybackStats | undefined;
  state: VoiceClientState = 'idle';

  constructor(setup: CallSetup) {
    this.#socket = setup.socket;
    this.#emitOnClient = setup.emit;
    this.#setState = setup.setState;
    let graph: AudioGraph | undefined;
    let failure: VoiceError | undefined;
    try {
      // Created synchronously, inside the caller's gesture: the AudioContext may then start.
      graph = new AudioGraph(setup.audio, this.#audioHooks, setup.context);
    } catch (error) {
      failure = asVoiceError(error);
    }
    this.#graph = graph;
    // Every listener of the call is added with its signal: ending the call removes them all at once.
    const onAbort = () => void this.#finish({ reason: 'client' }, aborted("connect()'s signal aborted"));
    setup.signal?.addEventListener('abort', onAbort, { signal: this.#controller.signal });
    this.connected = this.#run(setup.after, failure).catch(async (error: unknown) => {
      const signal = this.#controller.signal;
      if (!signal.aborted) {
        const failed = asVoiceError(error);
        await this.#finish({ reason: 'error', error: failed }, failed, true);
      }
      await this.#released;
      throw signal.reason;
    });
    // The app may never await it (it listens to events instead): an unhandled rejection would be noise.
    this.connected.catch(() => {});
    // Aborted while the machinery was being imported: the call ends before its start gets past its first await.
    if (setup.signal?.aborted) onAbort();
  }

  // ─── The lifecycle ───────────────────────────────────────────────────────────────────────────────────────

  async #run(after: Promise<void>, failure: VoiceError | undefined): Promise<void> {
    const signal = this.#controller.signal;
    await raceAbort(after, signal);
    // Ended between the previous call's release and now: start nothing (listeners of an aborted signal never run).
    if (signal.aborted) throw signal.reason;
    if (failure || !this.#graph) throw failure;
    const graph = this.#graph;
    const listening = { signal };
    for (const type of FORWARDED) this.#socket.addEventListener(type, this.#forward, listening);
    this.#socket.addEventListener('statechange', this.#onTransportState, listening);
    this.#socket.addEventListener('disconnected', this.#onTransportEnded, listening);
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.#onPageHide, listening);
    // The token request and the audio graph (worklets, then the microphone) start together: frames captured before
    // the confirmation are held by the transport (bounded by reconnectBufferMs) and sent in order right after it.
    const transport = this.#socket.connect();
    const firstFrame = new Promise<void>((resolve) => {
      this.#firstFrame = resolve;
    });
    const audio = graph.start().then(() => (graph.blocked ? undefined : firstFrame));
    await raceAbort(Promise.all([transport, audio]), signal);
    const held = this.#untilConnected;
    this.#untilConnected = undefined;
    this.#syncState();
    this.#emit('connected', { sessionId: this.#socket.sessionId });
    for (const dispatch of held ?? []) dispatch();
  }

  /**
   * The one way out, whatever ends the call: aborts the signal (settling every await of the start), lets go of the
   * transport (closing its socket), closes the audio graph, then dispatches `disconnected`. Runs once; every caller
   * gets the same promise.
   * @param reason what `connect()` rejects with if it is still pending.
   * @param report whether `reason` still has to be reported as an `error` event (the transport reports its own).
   */
  #finish(ending: Ending, reason: VoiceError, report = false): Promise<void> {
    if (this.#released) return this.#released;
    // Removes every listener of the call (the socket's included) before the socket is closed below.
    this.#controller.abort(reason);
    this.#firstFrame = () => {};
    this.#socket.disconnect();
    if (report) this.#emitOnClient('error', reason);
    this.#changeState(ending.reason === 'error' ? 'error' : 'closed');
    this.inputLevel = undefined;
    this.outputLevel = undefined;
    this.#released = (this.#graph?.close() ?? Promise.resolve()).then(() => this.#emitOnClient('disconnected', ending));
    return this.#released;
  }

  /** Hangs up (`disconnect()`): resolves once everything is released and `disconnected` was dispatched. */
  hangUp(): Promise<void> {
    return this.#finish({ reason: 'client' }, aborted('disconnect() was called'));
  }

  /** Resolves once the call ended and everything is released; undefined while it has not ended. */
  get released(): Promise<void> | undefined {
    return this.#released;
  }

  /** Whether the call has ended (or is being released). */
  get ended(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Resolves when the call is connected (again, while reconnecting); rejects when it ends first. */
  whenConnected(): Promise<void> {
    // Once connected, the microphone streams for good: the transport's next confirmation is the call's.
    return this.#untilConnected ? this.connected : raceAbort(this.#socket.connect(), this.#controller.signal);
  }

  // ─── Controls (the client calls them on its live call only; a closed graph ignores them) ─────────────────

  setMuted(muted: boolean): void {
    this.#graph?.setMuted(muted);
  }

  setVolume(volume: number): void {
    this.#graph?.setVolume(volume);
  }

  setInputDevice(deviceId: string | undefined): Promise<void> {
    return this.#graph ? raceAbort(this.#graph.setInputDevice(deviceId), this.#controller.signal) : Promise.resolve();
  }

  setOutputDevice(deviceId: string): Promise<void> {
    return this.#graph ? raceAbort(this.#graph.setOutputDevice(deviceId), this.#controller.signal) : Promise.resolve();
  }

  async interrupt(): Promise<InterruptResult> {
    const flushed = (await this.#graph?.flush()) ?? { playedSamples: this.#turnStart, droppedSamples: 0 };
    const turn = Math.max(0, flushed.playedSamples - this.#turnStart);
    return {
      playedSamples: turn,
      playedMs: turn / SAMPLES_PER_MS,
      droppedSamples: flushed.droppedSamples,
      droppedMs: flushed.droppedSamples / SAMPLES_PER_MS,
    };
  }

  resume(): Promise<boolean> {
    return this.#graph?.resume() ?? Promise.resolve(false);
  }

  /** Agent audio from the transport. */
  enqueue(samples: Int16Array): void {
    this.#graph?.enqueue(samples.buffer as ArrayBuffer);
  }

  get audioStats(): AudioGraph['stats'] | undefined {
    return this.#graph && !this.ended ? this.#graph.stats : undefined;
  }

  // ─── Wiring ──────────────────────────────────────────────────────────────────────────────────────────────

  /** Events of a call that is ending or dead never reach the app; its terminal ones go through #finish. */
  #emit: Emit = (type, detail) => {
    if (!this.ended) this.#emitOnClient(type, detail);
  };

  readonly #forward = (event: Event): void => {
    const type = event.type as (typeof FORWARDED)[number];
    this.#emit(type, (event as CustomEvent<VoiceClientEvents[typeof type]>).detail);
  };

  readonly #onTransportState = (): void => this.#syncState();

  readonly #onTransportEnded = (event: CustomEvent<VoiceSocketEvents['disconnected']>): void => {
    const detail = event.detail;
    void this.#finish(detail, detail.error ?? aborted('The server ended the session'));
  };

  /** The transport's state, with one rule added: `connected` waits for the microphone too. */
  #syncState(): void {
    const transport = this.#socket.state;
    // Terminal states are the call's own (set by #finish), not the transport's.
    if (this.ended || transport === 'idle' || transport === 'closed' || transport === 'error') return;
    this.#changeState(transport === 'connected' && this.#untilConnected ? 'authenticating' : transport);
  }

  #changeState(state: VoiceClientState): void {
    if (this.state === state) return;
    this.state = state;
    this.#setState(state);
  }

  /** A page being unloaded closes its socket now rather than leaving the server to time it out. */
  readonly #onPageHide = (): void => {
    void this.hangUp();
  };

  readonly #audioHooks: AudioGraphHooks = {
    onFrame: (pcm) => {
      if (this.ended) return;
      this.framesCaptured++;
      this.#firstFrame();
      // The transport decides: sent once confirmed, held until the next confirmation, dropped (and counted) once ended.
      const result = this.#socket.send(pcm);
      // 'buffered' frames stay with the transport; the others can go back to the worklet's pool.
      if (result !== 'buffered') this.#graph?.recycle(pcm);
    },
    onInputLevel: (level, speaking) => {
      this.inputLevel = level;
      this.#emit('level', { source: 'input', ...level, speaking });
    },
    onOutputLevel: (level) => {
      this.outputLevel = level;
      this.#emit('level', { source: 'output', ...level });
    },
    onAgentSpeaking: (speaking, playedSamples) => {
      if (speaking) this.#turnStart = playedSamples;
      const dispatch = () => this.#emit(speaking ? 'agentspeakingstart' : 'agentspeakingend', { playedSamples });
      if (this.#untilConnected) this.#untilConnected.push(dispatch);
      else dispatch();
    },
    onPlaybackStats: (stats) => {
      this.jitterBuffer = stats;
    },
    onBlocked: () => {
      this.#firstFrame();
      this.#emit('audioblocked', { resume: () => this.resume() });
    },
    onRunning: () => {},
    onDeviceChange: (reason, deviceId) => this.#emit('devicechange', { reason, deviceId }),
    onError: (error) => {
      // A crashed worklet ends the call; a lost microphone does not (the agent can still be heard, another device may come).
      if (error.code === 'WORKLET_FAILED' && !this.ended) void this.#finish({ reason: 'error', error }, error, true);
      else this.#emit('error', error);
    },
  };
}
