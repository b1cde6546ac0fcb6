// lib.dom has no types for AudioWorkletGlobalScope; these are the parts the processors use.

interface MessagePortLike {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

declare abstract class AudioWorkletProcessor {
  readonly port: MessagePortLike;
  constructor(options?: { processorOptions?: unknown; numberOfInputs?: number; numberOfOutputs?: number });
  abstract process(inputs: Float32Array[][], outputs: Float32Array[][], parameters: Record<string, Float32Array>): boolean;
}

declare function registerProcessor(name: string, ctor: new (options?: { processorOptions?: unknown }) => AudioWorkletProcessor): void;

/** The context's sample rate. */
declare const sampleRate: number;
/** Context time of the current render quantum's first frame, in seconds. */
declare const currentTime: number;
/** Frame index of the current render quantum's first frame. */
declare const currentFrame: number;
