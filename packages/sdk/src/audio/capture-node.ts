/**
 * Main-thread side of the capture worklet: owns the AudioWorkletNode and speaks its typed port protocol.
 * Composition rather than `extends AudioWorkletNode`, so importing the SDK where Web Audio is missing (SSR, Node)
 * does not throw.
 * @module
 */
import { VoiceError } from '../errors.ts';
import { CAPTURE_PROCESSOR, type CaptureCommand, type CaptureEvent, type CaptureOptions, type Level } from './worklet-messages.ts';

export interface CaptureNodeHooks {
  /** One 16 kHz Int16 LE wire frame. Hand the buffer back with `recycle()` once it has been sent. */
  onFrame(pcm: ArrayBuffer, endTime: number): void;
  onLevel(level: Level, speaking: boolean): void;
  onError(error: VoiceError): void;
}

export class CaptureNode {
  /** Connect the microphone source to this node. It has no output: frames leave through the port. */
  readonly node: AudioWorkletNode;
  readonly #hooks: CaptureNodeHooks;

  constructor(context: BaseAudioContext, options: CaptureOptions, hooks: CaptureNodeHooks) {
    this.#hooks = hooks;
    this.node = new AudioWorkletNode(context, CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      // The graph downmixes whatever the microphone delivers to one channel before the processor sees it.
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: options,
    });
    this.node.port.onmessage = this.#onMessage;
    this.node.onprocessorerror = this.#onProcessorError;
  }

  setMuted(muted: boolean): void {
    this.#post({ type: 'mute', muted });
  }

  /** Returns a sent frame's buffer to the worklet's pool (transferred, so the caller must not touch it again). */
  recycle(pcm: ArrayBuffer): void {
    if (pcm.byteLength > 0) this.#post({ type: 'recycle', pcm }, [pcm]);
  }

  dispose(): void {
    this.node.port.onmessage = null;
    this.node.onprocessorerror = null;
    this.node.port.close();
    this.node.disconnect();
  }

  #post(command: CaptureCommand, transfer: Transferable[] = []): void {
    this.node.port.postMessage(command, transfer);
  }

  // The port talks only to our own processor, so its messages are trusted and not validated.
  readonly #onMessage = (event: MessageEvent<CaptureEvent>): void => {
    const message = event.data;
    if (message.type === 'frame') this.#hooks.onFrame(message.pcm, message.endTime);
    else if (message.type === 'level') this.#hooks.onLevel(message.level, message.speaking);
  };

  readonly #onProcessorError = (): void => {
    this.#hooks.onError(new VoiceError('WORKLET_FAILED', 'The capture worklet stopped with an error.'));
  };
}
