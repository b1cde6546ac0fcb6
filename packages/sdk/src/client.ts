/**
 * `VoiceClient`: the public SDK. Wiring only: the transport (`VoiceSocket`) moves PCM and survives the network,
 * the audio graph (`AudioGraph`) captures and plays it; this class starts and stops both, passes frames between
 * them and turns what they report into one set of typed events.
 * @module
 */
import { AudioGraph, type AudioGraphHooks, type AudioGraphOptions } from './audio/audio-graph.ts';
import { checkVolume, resolveAudioOptions } from './audio/audio-options.ts';
import { canSelectOutputDevice } from './audio/output-device.ts';
import type { Level, PlaybackStats } from './audio/worklet-messages.ts';
import type { InterruptResult, VoiceClientEvents, VoiceClientState, VoiceClientStats } from './client/types.ts';
import { isVoiceError, VoiceError } from './errors.ts';
import { TypedEventTarget } from './events.ts';
import type { VoiceClientOptions } from './options.ts';
import { WIRE_SAMPLE_RATE } from './protocol/constants.ts';
import { VoiceSocket, type VoiceSocketEvents } from './transport/voice-socket.ts';

const SAMPLES_PER_MS = WIRE_SAMPLE_RATE / 1000;
/** Transport events passed on unchanged. */
const FORWARDED = ['error', 'reconnecting', 'reconnected', 'message', 'storagefallback'] as const;

/**
 * A voice call with a Savants agent: microphone to the agent, the agent to the speakers.
 *
 * @example
 * const client = new VoiceClient({ tokenUrl: '/voice-token' });
 * client.addEventListener('statechange', (e) => console.log(e.detail.state));
 * button.onclick = () => client.connect(); // from a user gesture, so audio may start
 */
export class VoiceClient extends TypedEventTarget<VoiceClientEvents> {
  readonly #audioOptions: AudioGraphOptions;
  readonly #socket: VoiceSocket;
  #graph: AudioGraph | undefined;
  #state: VoiceClientState = 'idle';
  /** The microphone streams (first frame seen, or the context waits for a gesture): `connected` may be shown. */
  #audioReady = false;
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** An audio failure that ends the call; reported by the transport's terminal event instead of its own reason. */
  #failure: VoiceError | undefined;
  #framesCaptured = 0;
  #turnStart = 0;
  #inputLevel: Level | undefined;
  #outputLevel: Level | undefined;
  #jitterBuffer: PlaybackStats | undefined;
  #firstFrame: (() => void) | undefined;
  /** Bumped by every `disconnect()`, so a `connect()` still waiting for the previous release knows it was cancelled. */
  #epoch = 0;

  /** Validates the options (throws `VoiceError` `INVALID_OPTIONS` / `INSECURE_URL`); never connects. */
  constructor(options: VoiceClientOptions) {
    super();
    this.#audioOptions = resolveAudioOptions(options);
    this.#socket = new VoiceSocket(options, { onAudio: (samples) => this.#graph?.enqueue(samples.buffer as ArrayBuffer) });
    for (const type of FORWARDED) {
      this.#socket.addEventListener(type, (event: CustomEvent<VoiceSocketEvents[typeof type]>) =>
        this.dispatchEvent(new CustomEvent(type, { detail: event.detail })),
      );
    }
    this.#socket.addEventListener('statechange', () => this.#syncState());
    this.#socket.addEventListener('disconnected', (event) => this.#release(event.detail));
  }

  /** Where the call is; see {@link VoiceClientState}. */
  get state(): VoiceClientState {
    return this.#state;
  }

  /** The server's session id of the current (or last) connection. */
  get sessionId(): string | undefined {
    return this.#socket.sessionId;
  }

  get muted(): boolean {
    return this.#audioOptions.muted;
  }

  get volume(): number {
    return this.#audioOptions.volume;
  }

  /** A snapshot of the call's figures. */
  get stats(): VoiceClientStats {
    const transport = this.#socket.stats;
    const audio = this.#graph?.stats;
    const dropped = transport.droppedFrames;
    return {
      state: this.#state,
      sessionId: this.sessionId,
      sampleRate: audio?.sampleRate,
      outputLatencyMs: audio?.outputLatencyMs,
      jitterBuffer: this.#jitterBuffer,
      inputLevel: this.#inputLevel,
      outputLevel: this.#outputLevel,
      muted: this.muted,
      volume: this.volume,
      framesCaptured: this.#framesCaptured,
      bytesSent: transport.bytesSent,
      bytesReceived: transport.bytesReceived,
      droppedFrames: dropped.backpressure + dropped.reconnectOverflow + dropped.invalid,
      reconnects: transport.reconnects,
      transport,
    };
  }

  /**
   * Starts the call: opens the microphone and the audio graph while it fetches a token and connects. Call it from a
   * user gesture (a click), so the browser lets audio start. Resolves once the server confirmed and the microphone
   * streams (if the browser still blocks audio, `audioblocked` fires and it resolves without waiting for the
   * gesture). Rejects with a `VoiceError`; `disconnected` follows. While connecting, returns the same promise.
   */
  connect(): Promise<void> {
    if (this.#state === 'connected') return Promise.resolve();
    // Reconnecting: the call (and its audio graph) is alive; wait for the transport's next confirmation.
    if (this.#graph && !this.#connecting && isLive(this.#socket.state)) return this.#socket.connect();
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const epoch = this.#epoch;
    if (this.#closing) await this.#closing;
    // disconnect() while the previous call was still being released cancels this one.
    if (epoch !== this.#epoch) throw aborted();
    this.#failure = undefined;
    this.#audioReady = false;
    this.#framesCaptured = 0;
    this.#turnStart = 0;
    this.#jitterBuffer = undefined;
    // Created synchronously, inside the caller's gesture: the AudioContext may then start.
    let graph: AudioGraph;
    try {
      graph = new AudioGraph(this.#audioOptions, this.#audioHooks);
    } catch (error) {
      throw this.#failBeforeStart(error);
    }
    this.#graph = graph;
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.#onPageHide);
    const firstFrame = new Promise<void>((resolve) => {
      this.#firstFrame = resolve;
    });
    const audio = graph.start().then(() => (graph.blocked ? undefined : firstFrame));
    try {
      await Promise.all([this.#socket.connect(), audio]);
    } catch (error) {
      const failure = asVoiceError(error);
      this.#fail(failure);
      await this.#closing;
      throw failure;
    }
    if (this.#graph !== graph) throw aborted();
    this.#audioReady = true;
    this.#syncState();
    this.emit('connected', { sessionId: this.sessionId });
  }

  /**
   * Ends the call from any state and releases everything: microphone tracks, worklet nodes, the AudioContext and
   * the socket (closed with 1000). `disconnected` fires once, after the release. Safe to call twice or when idle.
   */
  async disconnect(): Promise<void> {
    this.#epoch++;
    this.#socket.disconnect();
    await this.#closing;
  }

  /** Sends silence instead of the microphone, at real-time pace (the server's timing expectations hold). */
  mute(): void {
    this.#audioOptions.muted = true;
    this.#graph?.setMuted(true);
  }

  unmute(): void {
    this.#audioOptions.muted = false;
    this.#graph?.setMuted(false);
  }

  /**
   * Barge-in: stops the agent's audio within one render quantum (with a short fade, no click) and drops what is
   * queued. Resolves with how much of the interrupted turn was actually heard.
   */
  async interrupt(): Promise<InterruptResult> {
    const { playedSamples, droppedSamples } = (await this.#graph?.flush()) ?? { playedSamples: this.#turnStart, droppedSamples: 0 };
    const turn = Math.max(0, playedSamples - this.#turnStart);
    return { playedSamples: turn, playedMs: turn / SAMPLES_PER_MS, droppedSamples, droppedMs: droppedSamples / SAMPLES_PER_MS };
  }

  /** Playback volume of the agent, 0 to 1. Throws `INVALID_OPTIONS` outside that range. */
  setVolume(volume: number): void {
    this.#audioOptions.volume = checkVolume(volume);
    this.#graph?.setVolume(volume);
  }

  /**
   * Switches the microphone (undefined: the system default) without reconnecting; also the one used by the next
   * `connect()`. Rejects with a MIC_* `VoiceError`, in which case the previous microphone stays in use.
   */
  async setInputDevice(deviceId: string | undefined): Promise<void> {
    if (this.#graph) await this.#graph.setInputDevice(deviceId);
    this.#audioOptions.inputDeviceId = deviceId;
  }

  /** Plays to another output device ('' = the system default). Rejects with `OUTPUT_DEVICE_FAILED` where unsupported. */
  async setOutputDevice(deviceId: string): Promise<void> {
    if (this.#graph) await this.#graph.setOutputDevice(deviceId);
    else if (!canSelectOutputDevice()) throw new VoiceError('OUTPUT_DEVICE_FAILED', 'This browser cannot choose the output device.');
    this.#audioOptions.outputDeviceId = deviceId;
  }

  /** Retries audio the browser blocked; call it inside a click handler. Resolves true once audio runs. */
  resumeAudio(): Promise<boolean> {
    return this.#graph?.resume() ?? Promise.resolve(false);
  }

  // ─── Wiring ──────────────────────────────────────────────────────────────────────────────────────────────

  readonly #audioHooks: AudioGraphHooks = {
    onFrame: (pcm) => {
      this.#framesCaptured++;
      this.#firstFrame?.();
      // The transport decides: sent once confirmed, held while reconnecting, dropped (and counted) before the
      // first confirmation.
      const result = this.#socket.send(pcm);
      // 'buffered' frames stay with the transport; the others can go back to the worklet's pool.
      if (result !== 'buffered') this.#graph?.recycle(pcm);
    },
    onInputLevel: (level, speaking) => {
      this.#inputLevel = level;
      this.emit('level', { source: 'input', rmsDb: level.rmsDb, peakDb: level.peakDb, speaking });
    },
    onOutputLevel: (level) => {
      this.#outputLevel = level;
      this.emit('level', { source: 'output', rmsDb: level.rmsDb, peakDb: level.peakDb });
    },
    onAgentSpeaking: (speaking, playedSamples) => {
      if (speaking) this.#turnStart = playedSamples;
      this.emit(speaking ? 'agentspeakingstart' : 'agentspeakingend', { playedSamples });
    },
    onPlaybackStats: (stats) => {
      this.#jitterBuffer = stats;
    },
    onBlocked: () => {
      this.#firstFrame?.();
      this.emit('audioblocked', { resume: () => this.resumeAudio() });
    },
    onRunning: () => {},
    onDeviceChange: (reason, deviceId) => this.emit('devicechange', { reason, deviceId }),
    onError: (error) => {
      // A crashed worklet ends the call; a lost microphone does not (the agent can still be heard, another device may come).
      if (error.code === 'WORKLET_FAILED') this.#fail(error);
      else this.emit('error', error);
    },
  };

  /** Ends the call because of an audio failure: reported, then the transport's terminal path releases everything. */
  #fail(error: VoiceError): void {
    // Without a graph the transport has ended the call already (and reported why).
    if (this.#failure || !this.#graph) return;
    this.#failure = error;
    this.emit('error', error);
    if (isLive(this.#socket.state)) this.#socket.disconnect();
    else this.#release({ reason: 'error', error });
  }

  /** Nothing was started yet (no AudioContext, no Web Audio): reported like any failed call. */
  #failBeforeStart(error: unknown): VoiceError {
    const failure = asVoiceError(error);
    this.emit('error', failure);
    this.#setState('error');
    this.emit('disconnected', { reason: 'error', error: failure });
    return failure;
  }

  /** The one terminal path, driven by the transport's `disconnected`: releases the audio, then fires ours. */
  #release(detail: VoiceSocketEvents['disconnected']): void {
    const failure = this.#failure;
    const graph = this.#graph;
    this.#graph = undefined;
    this.#firstFrame = undefined;
    this.#audioReady = false;
    this.#inputLevel = undefined;
    this.#outputLevel = undefined;
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.#onPageHide);
    const terminal: VoiceClientEvents['disconnected'] = failure ? { reason: 'error', error: failure } : detail;
    this.#syncState();
    this.#closing = (graph?.close() ?? Promise.resolve()).then(() => {
      this.#closing = undefined;
      this.emit('disconnected', terminal);
    });
  }

  #syncState(): void {
    const transport = this.#socket.state;
    // An audio failure ends the transport with a plain close: the call itself ended in error.
    if (this.#failure && !isLive(transport)) this.#setState('error');
    else this.#setState(transport === 'connected' && !this.#audioReady ? 'authenticating' : transport);
  }

  /** A page being unloaded closes its socket now rather than leaving the server to time it out. */
  readonly #onPageHide = (): void => {
    void this.disconnect();
  };

  #setState(state: VoiceClientState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.emit('statechange', { state, previous });
  }
}

/** `connect()` cancelled by `disconnect()`; the protocol table makes `ABORTED` final. */
function aborted(): VoiceError {
  return new VoiceError('ABORTED', 'disconnect() was called while connecting');
}

/** The transport only ever rejects with a `VoiceError`, so anything else came from starting the audio. */
function asVoiceError(error: unknown): VoiceError {
  return isVoiceError(error) ? error : new VoiceError('AUDIO_CONTEXT_FAILED', String(error), { cause: error });
}

function isLive(state: VoiceClientState): boolean {
  return state !== 'idle' && state !== 'closed' && state !== 'error';
}
