/**
 * Incoming binary frames → Int16 samples for the audio sink. The server's frame sizes are undocumented and may be
 * odd, so the dsp `PcmDecoder` carries a dangling byte into the next frame instead of dropping it (which would swap
 * the byte order of everything after it).
 * @module
 */
import { PcmDecoder } from '../dsp/pcm-decoder.ts';

/** Receives the agent's audio as 16 kHz Int16 samples. The array is the sink's to keep (or transfer). */
export type AudioSink = (samples: Int16Array) => void;

/** One decoder per session: reset when a new session starts, since a byte carried across sessions is garbage. */
export class IncomingAudio {
  readonly #decoder = new PcmDecoder();

  /** Decodes one frame into a new array (the sink may transfer it); empty when the frame held a single carried byte. */
  decode(frame: ArrayBuffer): Int16Array {
    const bytes = new Uint8Array(frame);
    const out = new Int16Array(this.#decoder.samplesFor(bytes.length));
    this.#decoder.decode(bytes, out);
    return out;
  }

  reset(): void {
    this.#decoder.reset();
  }
}
