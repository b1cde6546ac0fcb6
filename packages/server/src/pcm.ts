/**
 * Small helpers for the wire's PCM: Int16 little-endian, 16 kHz, mono.
 * @module
 */
import { WIRE_BYTES_PER_SAMPLE, WIRE_SAMPLE_RATE } from '@savants/voice/protocol';

/** Duration of one frame (and of one VAD window), as the docs' recommended chunk. */
export const FRAME_MS = 20;
/** Samples per 20 ms frame at the wire rate. */
export const FRAME_SAMPLES = (WIRE_SAMPLE_RATE * FRAME_MS) / 1000;
/** Bytes per 20 ms frame at the wire rate (640). */
export const FRAME_BYTES = FRAME_SAMPLES * WIRE_BYTES_PER_SAMPLE;

/** Duration of `bytes` of wire audio, in ms. */
export function bytesToMs(bytes: number): number {
  return (bytes / WIRE_BYTES_PER_SAMPLE / WIRE_SAMPLE_RATE) * 1000;
}

/** An Int16 view of little-endian `bytes` (copied only when misaligned). Assumes a little-endian host, as x86 and ARM are. */
export function int16View(bytes: Uint8Array): Int16Array {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1);
}

/** RMS level of Int16 samples in dBFS (full scale = 32768); -Infinity for digital silence. */
export function rmsDbfs(samples: Int16Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const s = samples[i]! / 32768;
    sum += s * s;
  }
  const n = end - start;
  return n === 0 ? Number.NEGATIVE_INFINITY : 10 * Math.log10(sum / n);
}
