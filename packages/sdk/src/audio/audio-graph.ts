/**
 * The main-thread audio graph of one call: one AudioContext at the device's rate, the microphone feeding the capture
 * worklet, and the playback worklet feeding the speakers.
 *
 *   microphone ─► MediaStreamSource ─► capture worklet ─► port: 16 kHz Int16 frames ─► (client) ─► socket
 *   socket ─► (client) ─► port: 16 kHz Int16 ─► playback worklet (jitter buffer, upsampler, volume) ─► destination
 *
 * It never touches the network: the client wires frames to and from the transport.
 * @module
 */
import type { VoiceError } from '../errors.ts';
import { WIRE_SAMPLE_RATE } from '../protocol/constants.ts';
import { AudioContextKeeper } from './audio-context.ts';
import { CaptureNode } from './capture-node.ts';
import { createAudioContext } from './create-audio-context.ts';
import { Microphone, openMicrophoneStream, type VoiceProcessing } from './microphone.ts';
import { setOutputDevice } from './output-device.ts';
import { type FlushResult, PlaybackNode } from './playback-node.ts';
import { loadWorklets } from './worklet-loader.ts';
import type { Level, PlaybackStats } from './worklet-messages.ts';

export interface AudioGraphOptions extends VoiceProcessing {
  inputDeviceId: string | undefined;
  outputDeviceId: string | undefined;
  workletBaseUrl: string | undefined;
  latencyHint: AudioContextLatencyCategory | number;
  resumeTimeoutMs: number;
  frameDurationMs: number;
  levelIntervalMs: number;
  volume: number;
  muted: boolean;
}

/** Why the client fires `devicechange`. */
export type DeviceChangeReason = 'devices' | 'input-ended' | 'input' | 'output';

export interface AudioGraphHooks {
  onFrame(pcm: ArrayBuffer, endTime: number): void;
  onInputLevel(level: Level, speaking: boolean): void;
  onOutputLevel(level: Level): void;
  onAgentSpeaking(speaking: boolean, playedSamples: number): void;
  onPlaybackStats(stats: PlaybackStats): void;
  /** The context waits for a user gesture; `onRunning` follows once it runs. */
  onBlocked(): void;
  onRunning(): void;
  onDeviceChange(reason: DeviceChangeReason, deviceId: string | undefined): void;
  /** A failure during the call (the microphone lost for good, a worklet crashed). */
  onError(error: VoiceError): void;
}

/** Audio-side figures for the client's `stats`. */
export interface AudioGraphStats {
  /** The AudioContext's rate (the device's native rate). */
  sampleRate: number;
  /** The context's own latency estimate plus the output device's, in ms. */
  outputLatencyMs: number;
}

export class AudioGraph {
  readonly context: AudioContext;
  readonly #options: AudioGraphOptions;
  readonly #hooks: AudioGraphHooks;
  readonly #keeper: AudioContextKeeper;
  #capture: CaptureNode | undefined;
  #playback: PlaybackNode | undefined;
  #microphone: Microphone | undefined;
  #micLost = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Settles when `start()` has built the graph (or failed): a device switch asked for meanwhile waits for it. */
  #started: Promise<void> | undefined;

  /**
   * Takes the AudioContext `connect()` made inside the caller's gesture, or creates it synchronously, so a call from
   * a click handler creates it inside the gesture and the autoplay policy lets it run. The graph owns it from now
   * on (close() closes it). Call `start()` next.
   */
  constructor(options: AudioGraphOptions, hooks: AudioGraphHooks, context?: AudioContext) {
    this.#options = { ...options };
    this.#hooks = hooks;
    this.context = context ?? createAudioContext(options.latencyHint);
    this.#keeper = new AudioContextKeeper(
      this.context,
      { onBlocked: () => hooks.onBlocked(), onRunning: () => hooks.onRunning() },
      options.resumeTimeoutMs,
    );
  }

  /**
   * Loads the worklets, opens the microphone and wires the graph. Resolves once the graph is complete and the
   * context was asked to run (a blocked context is reported through `onBlocked`, not as a failure). Rejects with a
   * VoiceError; the graph is then closed.
   */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    // Asked to run now (inside the caller's gesture, where it may), but judged blocked or not only once the microphone
    // is open (below): a capturing page may play in Safari and Firefox, and WebKit starts a context made without a
    // gesture once the capture runs (WebKitGTK at page load: `audioblocked` 1 s into the call, running 1 s later).
    this.context.resume().catch(() => undefined);
    const options = this.#options;
    // The worklets first, then the microphone, wired in the task its stream arrives in. Chromium drops whatever a
    // track captures before a node consumes it: a microphone opened while the worklets still load loses that audio
    // (measured: 60-250 ms of a chirp that starts with the device, more while the worklet chunk is still being
    // fetched), and the user who speaks once the browser shows the microphone on loses their first words.
    try {
      await loadWorklets(this.context, options.workletBaseUrl);
      if (this.#closed) return;
      this.#buildNodes();
      const stream = await this.#openChosenMicrophone();
      if (this.#closed) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.#attachMicrophone(stream);
    } catch (error) {
      await this.close();
      throw error;
    }
    if (options.outputDeviceId) {
      // A chosen speaker that is gone (or a browser that cannot choose) leaves the call on the default output.
      await setOutputDevice(this.context, options.outputDeviceId).catch(() => {
        options.outputDeviceId = undefined;
        this.#hooks.onDeviceChange('output', undefined);
      });
    }
    await this.#keeper.ensureRunning();
  }

  /**
   * The chosen microphone, or the default one when the chosen device is not there (apps keep device choices across
   * visits, and devices come and go): the call goes on, and `onDeviceChange('input', …)` says which one is in use.
   */
  async #openChosenMicrophone(): Promise<MediaStream> {
    const chosen = this.#options.inputDeviceId;
    try {
      return await openMicrophoneStream(this.#options, chosen);
    } catch (error) {
      if (!chosen || (error as VoiceError).code !== 'MIC_NOT_FOUND') throw error;
    }
    const stream = await openMicrophoneStream(this.#options, undefined);
    this.#options.inputDeviceId = undefined;
    this.#hooks.onDeviceChange('input', stream.getAudioTracks()[0]?.getSettings().deviceId);
    return stream;
  }

  #buildNodes(): void {
    const options = this.#options;
    const hooks = this.#hooks;
    this.#capture = new CaptureNode(
      this.context,
      {
        frameSamples: Math.round((options.frameDurationMs * WIRE_SAMPLE_RATE) / 1000),
        levelIntervalMs: options.levelIntervalMs,
        muted: options.muted,
      },
      {
        onFrame: (pcm, endTime) => hooks.onFrame(pcm, endTime),
        onLevel: (level, speaking) => hooks.onInputLevel(level, speaking),
        onError: (error) => hooks.onError(error),
      },
    );
    this.#playback = new PlaybackNode(
      this.context,
      { volume: options.volume, levelIntervalMs: options.levelIntervalMs },
      {
        onSpeaking: (speaking, playedSamples) => hooks.onAgentSpeaking(speaking, playedSamples),
        onLevel: (level) => hooks.onOutputLevel(level),
        onStats: (stats) => hooks.onPlaybackStats(stats),
        onError: (error) => hooks.onError(error),
      },
    );
    this.#playback.node.connect(this.context.destination);
  }

  #attachMicrophone(stream: MediaStream): void {
    const hooks = this.#hooks;
    // Built once the worklets loaded, before the microphone was opened.
    this.#microphone = Microphone.fromStream(this.context, this.#capture!.node, this.#options, stream, {
      onEnded: (deviceId) => hooks.onDeviceChange('input-ended', deviceId),
      onSwitched: (deviceId) => {
        this.#micLost = false;
        hooks.onDeviceChange('input', deviceId);
      },
      onError: (error) => {
        this.#micLost = true;
        hooks.onError(error);
      },
    });
    navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceListChange);
  }

  /** Hands a sent frame's buffer back to the capture worklet's pool. */
  recycle(pcm: ArrayBuffer): void {
    this.#capture?.recycle(pcm);
  }

  /** Queues agent audio (16 kHz Int16 LE, whole samples) for playback. The buffer is transferred. */
  enqueue(pcm: ArrayBuffer): void {
    this.#playback?.enqueue(pcm);
  }

  setMuted(muted: boolean): void {
    this.#options.muted = muted;
    this.#capture?.setMuted(muted);
  }

  setVolume(volume: number): void {
    this.#options.volume = volume;
    this.#playback?.setVolume(volume);
  }

  /** Barge-in: drops queued agent audio with a fade of one render quantum. */
  flush(): Promise<FlushResult> {
    return this.#playback ? this.#playback.flush() : Promise.resolve({ playedSamples: 0, droppedSamples: 0 });
  }

  /**
   * Switches the microphone; asked while `start()` is still opening one, it waits for it and then switches. Rejects
   * with a MIC_* error, and then nothing changes (the previous device stays in use).
   */
  async setInputDevice(deviceId: string | undefined): Promise<void> {
    await this.#started?.catch(() => undefined);
    // Not started, or closed: only the choice for start() changes (start() falls back to the default if it is gone).
    if (!this.#microphone || this.#closed) {
      this.#options.inputDeviceId = deviceId;
      return;
    }
    await this.#microphone.setDevice(deviceId);
    this.#options.inputDeviceId = deviceId;
  }

  async setOutputDevice(deviceId: string): Promise<void> {
    await setOutputDevice(this.context, deviceId);
    this.#options.outputDeviceId = deviceId;
    this.#hooks.onDeviceChange('output', deviceId);
  }

  /** Retries a blocked context; call it from a user gesture. Resolves true once the context runs. */
  resume(): Promise<boolean> {
    return this.#keeper.resumeFromGesture();
  }

  get blocked(): boolean {
    return this.#keeper.blocked;
  }

  get stats(): AudioGraphStats {
    const context = this.context as AudioContext & { outputLatency?: number };
    return {
      sampleRate: context.sampleRate,
      outputLatencyMs: ((context.baseLatency || 0) + (context.outputLatency || 0)) * 1000,
    };
  }

  /** Releases everything: microphone tracks, worklet nodes, the context. Safe to call at any time, and twice. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    if (typeof navigator !== 'undefined') navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceListChange);
    this.#keeper.dispose();
    this.#microphone?.close();
    this.#capture?.dispose();
    this.#playback?.dispose();
    this.#closing = this.context.state === 'closed' ? Promise.resolve() : this.context.close().catch(() => undefined);
    return this.#closing;
  }

  readonly #onDeviceListChange = (): void => {
    if (this.#closed) return;
    this.#hooks.onDeviceChange('devices', undefined);
    // The microphone was lost with nothing to fall back to: a device that just appeared may be usable.
    if (this.#micLost) this.#microphone?.setDevice(undefined).catch(() => undefined);
  };
}
