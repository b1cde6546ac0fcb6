/** PcmDecoder: any split of an Int16 LE byte stream decodes to the same samples, odd bytes carried over. */
import { describe, expect, it } from 'vitest';
import { PcmDecoder } from '../../src/dsp/pcm-decoder.ts';
import { randomInt, seededRandom } from '../support/signal.ts';

function randomBytes(length: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length }, () => randomInt(random, 0, 255));
}

describe('PcmDecoder', () => {
  it('decodes seeded random splits (odd and even, empty and 1-byte chunks) to exactly the whole-stream samples', () => {
    const stream = randomBytes(20_000, 1);
    const whole = new Int16Array(stream.buffer.slice(0)); // this platform is little-endian, as every browser is
    for (let seed = 0; seed < 50; seed++) {
      const random = seededRandom(seed);
      const decoder = new PcmDecoder();
      const out = new Int16Array(whole.length);
      let written = 0;
      for (let read = 0; read < stream.length; ) {
        const n = Math.min(stream.length - read, randomInt(random, 0, 9) === 0 ? randomInt(random, 0, 1) : randomInt(random, 0, 1_001));
        const chunk = stream.slice(read, read + n);
        const expected = decoder.samplesFor(n);
        expect(decoder.decode(chunk, out, written)).toBe(expected);
        written += expected;
        read += n;
      }
      expect(written).toBe(whole.length);
      expect(decoder.hasPendingByte).toBe(false);
      expect(out).toEqual(whole);
    }
  });

  it('carries the last byte of an odd message into the next one', () => {
    const decoder = new PcmDecoder();
    const out = new Int16Array(4);
    expect(decoder.decode(Uint8Array.of(0x01, 0x02, 0x03), out)).toBe(1);
    expect(decoder.hasPendingByte).toBe(true);
    expect(decoder.decode(Uint8Array.of(0x80), out, 1)).toBe(1);
    expect([...out.subarray(0, 2)]).toEqual([0x0201, (0x8003 << 16) >> 16]);
    expect(decoder.hasPendingByte).toBe(false);
  });

  it('refuses a too-short output before consuming anything', () => {
    const decoder = new PcmDecoder();
    decoder.decode(Uint8Array.of(0x11), new Int16Array(0));
    expect(() => decoder.decode(new Uint8Array(5), new Int16Array(2))).toThrow(RangeError);
    // The pending byte survived the refused call.
    const out = new Int16Array(1);
    expect(decoder.decode(Uint8Array.of(0x22), out)).toBe(1);
    expect(out[0]).toBe(0x2211);
  });

  it('reset() drops a pending byte', () => {
    const decoder = new PcmDecoder();
    decoder.decode(Uint8Array.of(0x11), new Int16Array(0));
    decoder.reset();
    const out = new Int16Array(1);
    expect(decoder.decode(Uint8Array.of(0x22, 0x33), out)).toBe(1);
    expect(out[0]).toBe(0x3322);
  });
});
