/** FrameAssembler: exact frame sizes, every sample exactly once, in order, whatever the push sizes. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAME_SAMPLES, FrameAssembler, MAX_FRAME_SAMPLES, MIN_FRAME_SAMPLES } from '../../src/dsp/frame-assembler.ts';
import { floatToInt16 } from '../../src/dsp/pcm.ts';
import { MAX_AUDIO_FRAME_BYTES, WIRE_BYTES_PER_SAMPLE } from '../../src/protocol/constants.ts';
import { noise, randomInt, seededRandom } from '../support/signal.ts';

describe('FrameAssembler', () => {
  it('defaults to 20 ms frames of 640 bytes', () => {
    const assembler = new FrameAssembler();
    expect(DEFAULT_FRAME_SAMPLES).toBe(320);
    expect(assembler.frameSamples).toBe(320);
    expect(assembler.frameBytes).toBe(640);
  });

  it.each([160, 320, 1_600])('cuts seeded random pushes into %i-sample Int16 LE frames, nothing dropped or repeated', (frameSamples) => {
    const signal = noise(50_000, frameSamples, 0.9);
    const random = seededRandom(frameSamples);
    const assembler = new FrameAssembler(frameSamples);
    const target = new Uint8Array(assembler.frameBytes + 8).fill(0xee); // 8 canary bytes after the frame
    const decoded: number[] = [];
    for (let read = 0; read < signal.length; ) {
      const n = Math.min(signal.length - read, randomInt(random, 0, 700));
      let used = 0;
      while (used < n) {
        used += assembler.push(signal, read + used, n - used);
        if (assembler.frameReady) {
          assembler.takeFrame(target);
          const view = new DataView(target.buffer);
          for (let i = 0; i < frameSamples; i++) decoded.push(view.getInt16(2 * i, true));
          expect(target.subarray(assembler.frameBytes).every((b) => b === 0xee)).toBe(true);
        }
      }
      read += n;
    }
    const complete = Math.floor(signal.length / frameSamples) * frameSamples;
    expect(decoded.length).toBe(complete);
    expect(assembler.pendingSamples).toBe(signal.length - complete);
    expect(decoded).toEqual([...signal.subarray(0, complete)].map(floatToInt16));
  });

  it('takes nothing while a complete frame waits, and refuses to hand out an incomplete one', () => {
    const assembler = new FrameAssembler(160);
    const samples = new Float32Array(200);
    expect(() => assembler.takeFrame(new Uint8Array(320))).toThrow(RangeError);
    expect(assembler.push(samples, 0, 200)).toBe(160);
    expect(assembler.push(samples, 160, 40)).toBe(0);
    expect(() => assembler.takeFrame(new Uint8Array(319))).toThrow(RangeError);
    assembler.takeFrame(new Uint8Array(320));
    expect(assembler.push(samples, 160, 40)).toBe(40);
  });

  it('accepts 10–100 ms (never over 8,000 bytes) and refuses anything else with a RangeError', () => {
    expect(new FrameAssembler(MIN_FRAME_SAMPLES).frameBytes).toBe(320);
    expect(new FrameAssembler(MAX_FRAME_SAMPLES).frameBytes).toBe(3_200);
    // dsp cannot import the protocol (a leaf each), so the cap is checked here.
    expect(MAX_FRAME_SAMPLES * WIRE_BYTES_PER_SAMPLE).toBeLessThanOrEqual(MAX_AUDIO_FRAME_BYTES);
    for (const bad of [159, 1_601, 4_000, 320.5, Number.NaN, 0, -320]) expect(() => new FrameAssembler(bad)).toThrow(RangeError);
  });
});
