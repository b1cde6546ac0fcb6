/**
 * "Allocates nothing per call", measured: each case runs in a child Node with `--expose-gc` and a 64 MB young
 * generation (no scavenge inside a measuring window), and reports heap growth per call after a warm-up (see
 * support/allocation-probe.ts). The `allocating-*` cases make the mistakes on purpose (a subarray view per call;
 * a capture worklet whose buffers are never recycled) to show the probe catches them.
 */
import { describe, expect, it } from 'vitest';
import { runAllocationProbe } from '../support/run-allocation-probe.ts';

const runProbe = (name: string) => runAllocationProbe('./allocation-probe.ts', name);

async function bytesPerCall(name: string): Promise<number> {
  return (await runProbe(name)).bytesPerCall;
}

describe('zero allocation per call', { timeout: 90_000 }, () => {
  it.each([
    'resampler-44100-16000',
    'resampler-48000-16000',
    'resampler-16000-44100',
    'resampler-16000-48000',
    'frame-assembler',
    'pcm-decoder',
    'pcm-codec',
    'level-meter',
    'voice-activity',
  ])('%s allocates 0 bytes per call', async (name) => {
    expect(await bytesPerCall(name)).toBe(0);
  });

  it('the capture worklet process() allocates 0 bytes per call while the main thread recycles, and no frame buffer', async () => {
    const result = await runProbe('capture-worklet');
    expect(result.bytesPerCall).toBe(0);
    expect(result.allocatedBuffers).toBe(0);
  });

  it('the probe catches a resampler call that makes one subarray view (≥ 32 bytes per call)', async () => {
    expect(await bytesPerCall('allocating-resampler')).toBeGreaterThanOrEqual(32);
  });

  it('the probe catches the capture worklet allocating frame buffers when they never come back', async () => {
    const result = await runProbe('allocating-capture-worklet');
    expect(result.bytesPerCall).toBeGreaterThan(5);
    expect(result.allocatedBuffers).toBeGreaterThan(1_000);
  });
});
