/**
 * PCM codec between Float32 samples in [-1, 1) and signed 16-bit integers, in memory or as little-endian bytes.
 *
 * Scale: one Int16 step is 1/32768, so Int16 → Float32 → Int16 gives back every value exactly.
 * Rounding: to nearest, halves away from zero (symmetric, so a signal and its negation encode to negated codes).
 * Clipping: values beyond the range saturate at 32767 or −32768 (+1.0 becomes 32767: no wrap-around), and NaN
 * becomes 0. Byte order is written explicitly, so the result is little-endian on any platform.
 *
 * None of these functions allocates.
 * @module
 */

/** Int16 steps per unit of Float32 amplitude. */
export const INT16_SCALE = 32_768;

/** One Float32 sample as an Int16 value (rounded to nearest, halves away from zero, saturated; NaN → 0). */
export function floatToInt16(sample: number): number {
  const scaled = sample * INT16_SCALE;
  if (scaled >= 32_766.5) return 32_767;
  if (scaled <= -32_768.5) return -32_768;
  // `| 0` truncates toward zero, so ±0.5 first rounds halves away from zero; NaN | 0 is 0.
  return (scaled >= 0 ? scaled + 0.5 : scaled - 0.5) | 0;
}

/** One Int16 value as a Float32 sample. */
export function int16ToFloat(value: number): number {
  return value / INT16_SCALE;
}

/** Encodes `count` samples from `source[sourceOffset…]` into `target[targetOffset…]` as Int16 values. */
export function encodeInt16(source: Float32Array, sourceOffset: number, count: number, target: Int16Array, targetOffset: number): void {
  for (let i = 0; i < count; i++) target[targetOffset + i] = floatToInt16(source[sourceOffset + i]!);
}

/** Decodes `count` Int16 values from `source[sourceOffset…]` into Float32 samples at `target[targetOffset…]`. */
export function decodeInt16(source: Int16Array, sourceOffset: number, count: number, target: Float32Array, targetOffset: number): void {
  for (let i = 0; i < count; i++) target[targetOffset + i] = source[sourceOffset + i]! / INT16_SCALE;
}

/** Encodes `count` samples from `source[sourceOffset…]` as Int16 little-endian bytes at `target[byteOffset…]`. */
export function encodeInt16Le(source: Float32Array, sourceOffset: number, count: number, target: Uint8Array, byteOffset: number): void {
  for (let i = 0; i < count; i++) {
    const value = floatToInt16(source[sourceOffset + i]!);
    const at = byteOffset + 2 * i;
    target[at] = value & 0xff;
    target[at + 1] = (value >> 8) & 0xff;
  }
}

/** Decodes `count` Int16 little-endian values from `source[byteOffset…]` into `target[targetOffset…]`. */
export function decodeInt16Le(source: Uint8Array, byteOffset: number, count: number, target: Int16Array, targetOffset: number): void {
  for (let i = 0; i < count; i++) {
    const at = byteOffset + 2 * i;
    // Shift the 16-bit pattern to the top of an int32 and back to sign-extend it.
    target[targetOffset + i] = ((source[at]! | (source[at + 1]! << 8)) << 16) >> 16;
  }
}
