/**
 * The microphone: one mono track from `getUserMedia`, feeding a node of the audio graph. It survives being
 * unplugged (falls back to the default device) and can switch devices mid-call without touching the connection.
 * @module
 */
import { VoiceError } from '../errors.ts';
import { hasGetUserMedia, noGetUserMedia, toMicrophoneError } from './media-errors.ts';

/** Browser voice processing. All on by default: a voice call through laptop speakers needs echo cancellation. */
export interface VoiceProcessing {
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
}

export interface MicrophoneHooks {
  /** The track in use ended (unplugged, revoked by the OS). A fallback to the default device follows. */
  onEnded(deviceId: string | undefined): void;
  /** Another device now feeds the graph (after `setDevice()` or a fallback). */
  onSwitched(deviceId: string | undefined): void;
  /** The fallback after `onEnded` failed: MIC_ENDED, with the cause. */
  onError(error: VoiceError): void;
}

/** Opens a microphone stream. Rejects with a VoiceError from the one mapping function. */
export async function openMicrophoneStream(processing: VoiceProcessing, deviceId: string | undefined): Promise<MediaStream> {
  if (!hasGetUserMedia()) throw noGetUserMedia();
  // Only the constraints: the caller's object may carry every option of the client (volume, muted, …).
  const { echoCancellation, noiseSuppression, autoGainControl } = processing;
  const audio: MediaTrackConstraints = { echoCancellation, noiseSuppression, autoGainControl, channelCount: { ideal: 1 } };
  if (deviceId) audio.deviceId = { exact: deviceId };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video: false });
  } catch (error) {
    throw toMicrophoneError(error);
  }
}

function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

export class Microphone {
  readonly #context: AudioContext;
  readonly #destination: AudioNode;
  readonly #processing: VoiceProcessing;
  readonly #hooks: MicrophoneHooks;
  #stream: MediaStream;
  #source: MediaStreamAudioSourceNode;
  #closed = false;
  /** Bumped by every switch, so a slow `getUserMedia` that lost the race is discarded. */
  #generation = 0;

  private constructor(
    context: AudioContext,
    destination: AudioNode,
    processing: VoiceProcessing,
    hooks: MicrophoneHooks,
    stream: MediaStream,
  ) {
    this.#context = context;
    this.#destination = destination;
    this.#processing = processing;
    this.#hooks = hooks;
    this.#stream = stream;
    this.#source = this.#attach(stream);
  }

  /** Wraps a stream from {@link openMicrophoneStream} (opened in parallel with other work) and connects it. */
  static fromStream(
    context: AudioContext,
    destination: AudioNode,
    processing: VoiceProcessing,
    stream: MediaStream,
    hooks: MicrophoneHooks,
  ): Microphone {
    return new Microphone(context, destination, processing, hooks, stream);
  }

  /** The track feeding the graph. */
  get track(): MediaStreamTrack | undefined {
    return this.#stream.getAudioTracks()[0];
  }

  /** The device actually in use, as the browser reports it. */
  get deviceId(): string | undefined {
    return this.track?.getSettings().deviceId;
  }

  /**
   * Switches to another device (undefined: the default) without a gap in the call: the new stream is opened first,
   * and only when it works does it replace the old one. On failure the old device stays in use and this rejects.
   */
  async setDevice(deviceId: string | undefined): Promise<void> {
    const generation = ++this.#generation;
    const stream = await openMicrophoneStream(this.#processing, deviceId);
    if (this.#closed || generation !== this.#generation) {
      stopStream(stream);
      return;
    }
    this.#replace(stream);
    this.#hooks.onSwitched(this.deviceId);
  }

  /** Stops the tracks and disconnects the source. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    this.#detach();
  }

  #attach(stream: MediaStream): MediaStreamAudioSourceNode {
    const source = this.#context.createMediaStreamSource(stream);
    source.connect(this.#destination);
    for (const track of stream.getAudioTracks()) track.addEventListener('ended', this.#onTrackEnded);
    return source;
  }

  #detach(): void {
    for (const track of this.#stream.getAudioTracks()) track.removeEventListener('ended', this.#onTrackEnded);
    this.#source.disconnect();
    stopStream(this.#stream);
  }

  #replace(stream: MediaStream): void {
    const source = this.#attach(stream);
    this.#detach();
    this.#stream = stream;
    this.#source = source;
  }

  readonly #onTrackEnded = (): void => {
    if (this.#closed) return;
    const lost = this.deviceId;
    this.#hooks.onEnded(lost);
    // The default device is whatever the OS now offers; if there is none, getUserMedia says so.
    this.setDevice(undefined).catch((cause: unknown) => {
      if (this.#closed) return;
      this.#hooks.onError(new VoiceError('MIC_ENDED', 'The microphone went away and no other one could be opened.', { cause }));
    });
  };
}
