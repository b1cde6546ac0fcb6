/** PCM codec: rounding, saturation, NaN, exact round trips and little-endian byte order. */
import { describe, expect, it } from 'vitest';
import { decodeInt16, decodeInt16Le, encodeInt16, encodeInt16Le, floatToInt16, INT16_SCALE, int16ToFloat } from '../../src/dsp/pcm.ts';
import { noise } from '../support/signal.ts';

describe('floatToInt16', () => {
  it('rounds to nearest with halves away from zero', () => {
    const step = 1 / INT16_SCALE;
    expect(floatToInt16(0.4 * step)).toBe(0);
    expect(floatToInt16(0.6 * step)).toBe(1);
    expect(floatToInt16(0.5 * step)).toBe(1);
    expect(floatToInt16(-0.5 * step)).toBe(-1);
    expect(floatToInt16(-0.4 * step)).toBe(0);
    expect(floatToInt16(100.5 * step)).toBe(101);
    expect(floatToInt16(-100.5 * step)).toBe(-101);
    // Symmetric: a value and its negation encode to negated codes (except at −32768, which has no positive twin).
    for (const x of noise(1_000, 4, 0.99)) expect(floatToInt16(-x)).toBe(-floatToInt16(x) || 0);
  });

  it('saturates instead of wrapping around, and maps NaN to 0', () => {
    expect(floatToInt16(1)).toBe(32_767);
    expect(floatToInt16(32_767 / INT16_SCALE)).toBe(32_767);
    expect(floatToInt16(1.5)).toBe(32_767);
    expect(floatToInt16(Number.POSITIVE_INFINITY)).toBe(32_767);
    expect(floatToInt16(-1)).toBe(-32_768);
    expect(floatToInt16(-1.5)).toBe(-32_768);
    expect(floatToInt16(Number.NEGATIVE_INFINITY)).toBe(-32_768);
    expect(floatToInt16(Number.NaN)).toBe(0);
    // Just below the top code's rounding boundary still rounds down.
    expect(floatToInt16(32_766.49 / INT16_SCALE)).toBe(32_766);
  });

  it('gives every Int16 value back exactly after int16ToFloat', () => {
    for (let v = -32_768; v <= 32_767; v++) expect(floatToInt16(int16ToFloat(v))).toBe(v);
  });
});

describe('block codecs', () => {
  it('encode Int16 LE bytes, low byte first, on any platform', () => {
    const bytes = new Uint8Array(8);
    encodeInt16Le(Float32Array.of(1, -1, 0x1234 / INT16_SCALE, -2 / INT16_SCALE), 0, 4, bytes, 0);
    expect([...bytes]).toEqual([0xff, 0x7f, 0x00, 0x80, 0x34, 0x12, 0xfe, 0xff]);
    const decoded = new Int16Array(4);
    decodeInt16Le(bytes, 0, 4, decoded, 0);
    expect([...decoded]).toEqual([32_767, -32_768, 0x1234, -2]);
    // DataView agrees on the byte order.
    const view = new DataView(bytes.buffer);
    expect([0, 2, 4, 6].map((at) => view.getInt16(at, true))).toEqual([...decoded]);
  });

  it('honour offsets and counts, writing nothing outside [offset, offset + count)', () => {
    const source = noise(100, 9, 0.9);
    const bytes = new Uint8Array(40).fill(0xaa);
    encodeInt16Le(source, 10, 5, bytes, 20);
    expect(bytes.subarray(0, 20).every((b) => b === 0xaa)).toBe(true);
    expect(bytes.subarray(30).every((b) => b === 0xaa)).toBe(true);
    const ints = new Int16Array(12).fill(-7);
    decodeInt16Le(bytes, 20, 5, ints, 3);
    expect([...ints.subarray(3, 8)]).toEqual([...source.subarray(10, 15)].map(floatToInt16));
    expect([...ints.subarray(0, 3), ...ints.subarray(8)].every((v) => v === -7)).toBe(true);
  });

  it('round-trip Float32 → Int16 → Float32 to within half a step, and Int16 → Float32 → Int16 exactly', () => {
    const source = noise(4_096, 10, 0.999); // inside the range: saturation is tested above
    const ints = new Int16Array(source.length);
    const floats = new Float32Array(source.length);
    encodeInt16(source, 0, source.length, ints, 0);
    decodeInt16(ints, 0, ints.length, floats, 0);
    let worst = 0;
    for (let i = 0; i < source.length; i++) worst = Math.max(worst, Math.abs(floats[i]! - source[i]!));
    expect(worst).toBeLessThanOrEqual(0.5 / INT16_SCALE);
    const again = new Int16Array(ints.length);
    encodeInt16(floats, 0, floats.length, again, 0);
    expect(again).toEqual(ints);
  });
});
