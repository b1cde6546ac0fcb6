/**
 * Incoming binary frames → Int16 samples for the audio sink. The server's frame sizes are undocumented and may be
 * odd, so a dangling byte is carried into the next frame instead of being dropped (which would swap the byte order
 * of everything after it).
 * @module
 */

/** Receives the agent's audio as 16 kHz Int16 samples. The array is the sink's to keep (or transfer). */
export type AudioSink = (samples: Int16Array) => void;

/** Little-endian Int16 decoding with an odd-byte carry, reset per session. */
export class IncomingAudio {
  #carry = -1;

  /** Decodes one frame; returns an empty array when the frame held a single carried byte. */
  decode(frame: ArrayBuffer): Int16Array {
    const bytes = new Uint8Array(frame);
    const total = bytes.length + (this.#carry >= 0 ? 1 : 0);
    const out = new Int16Array(total >> 1);
    let i = 0;
    let s = 0;
    if (this.#carry >= 0 && out.length > 0) {
      out[s++] = (((bytes[0]! << 8) | this.#carry) << 16) >> 16;
      i = 1;
      this.#carry = -1;
    }
    const view = new DataView(frame);
    for (; s < out.length; s++, i += 2) out[s] = view.getInt16(i, true);
    if (i < bytes.length) this.#carry = bytes[i]!;
    return out;
  }

  reset(): void {
    this.#carry = -1;
  }
}
