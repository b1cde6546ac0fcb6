/**
 * Main-thread side of the playback worklet (jitter buffer, upsampler, volume): owns the AudioWorkletNode and speaks
 * its typed port protocol. Composition rather than `extends AudioWorkletNode`, so importing the SDK where Web Audio
 * is missing does not throw.
 * @module
 */
import { VoiceError } from '../errors.ts';
import {
  type Level,
  PLAYBACK_PROCESSOR,
  type PlaybackCommand,
  type PlaybackEvent,
  type PlaybackOptions,
  type PlaybackStats,
} from './worklet-messages.ts';

export interface PlaybackNodeHooks {
  /** The agent started or stopped being audible; `playedSamples` is the 16 kHz play position at that moment. */
  onSpeaking(speaking: boolean, playedSamples: number): void;
  onLevel(level: Level): void;
  onStats(stats: PlaybackStats): void;
  onError(error: VoiceError): void;
}

/** What a flush found: the play position and what it threw away, in 16 kHz samples. */
export interface FlushResult {
  playedSamples: number;
  droppedSamples: number;
}

export class PlaybackNode {
  /** Connect this node to the destination (or anything that taps the agent's audio). */
  readonly node: AudioWorkletNode;
  readonly #hooks: PlaybackNodeHooks;
  readonly #pendingFlushes = new Map<number, (result: FlushResult) => void>();
  #nextFlushId = 1;
  /** The jitter buffer's latest figures (posted by the worklet a few times a second). */
  #stats: PlaybackStats | undefined;
  #disposed = false;

  constructor(context: BaseAudioContext, options: PlaybackOptions, hooks: PlaybackNodeHooks) {
    this.#hooks = hooks;
    this.node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      // Mono out; the destination spreads it over the speakers.
      outputChannelCount: [1],
      processorOptions: options,
    });
    this.node.port.onmessage = this.#onMessage;
    this.node.onprocessorerror = this.#onProcessorError;
  }

  /** Queues agent audio: whole Int16 LE samples at 16 kHz. The buffer is transferred. */
  enqueue(pcm: ArrayBuffer): void {
    if (pcm.byteLength > 0) this.#post({ type: 'audio', pcm }, [pcm]);
  }

  setVolume(volume: number): void {
    this.#post({ type: 'volume', volume });
  }

  /** Fades out within one render quantum and drops what is queued; resolves with the worklet's answer. */
  flush(): Promise<FlushResult> {
    // The port is closed: nobody would ever answer.
    if (this.#disposed) return Promise.resolve(this.#unanswered());
    const id = this.#nextFlushId++;
    return new Promise((resolve) => {
      this.#pendingFlushes.set(id, resolve);
      this.#post({ type: 'flush', id });
    });
  }

  dispose(): void {
    this.#disposed = true;
    // A flush still waiting will never be answered: settle it as one that found nothing.
    for (const resolve of this.#pendingFlushes.values()) resolve(this.#unanswered());
    this.#pendingFlushes.clear();
    this.node.port.onmessage = null;
    this.node.onprocessorerror = null;
    this.node.port.close();
    this.node.disconnect();
  }

  /** A flush the worklet cannot answer: the last known position, nothing dropped. */
  #unanswered(): FlushResult {
    return { playedSamples: this.#stats?.playedSamples ?? 0, droppedSamples: 0 };
  }

  #post(command: PlaybackCommand, transfer: Transferable[] = []): void {
    this.node.port.postMessage(command, transfer);
  }

  // The port talks only to our own processor, so its messages are trusted and not validated.
  readonly #onMessage = (event: MessageEvent<PlaybackEvent>): void => {
    const message = event.data;
    switch (message.type) {
      case 'speaking':
        this.#hooks.onSpeaking(message.speaking, message.playedSamples);
        break;
      case 'flushed': {
        const resolve = this.#pendingFlushes.get(message.id);
        this.#pendingFlushes.delete(message.id);
        resolve?.({ playedSamples: message.playedSamples, droppedSamples: message.droppedSamples });
        break;
      }
      case 'level':
        this.#hooks.onLevel(message.level);
        break;
      case 'stats':
        this.#stats = message.stats;
        this.#hooks.onStats(message.stats);
        break;
    }
  };

  readonly #onProcessorError = (): void => {
    this.#hooks.onError(new VoiceError('WORKLET_FAILED', 'The playback worklet stopped with an error.'));
  };
}
