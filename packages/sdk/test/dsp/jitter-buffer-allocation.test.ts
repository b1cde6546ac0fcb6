/**
 * "The playback path allocates nothing per call", measured in a child Node with `--expose-gc` (method in
 * support/playback-allocation-probe.ts): the jitter buffer through pushes, pulls, stalls, fades, drift slips and
 * flushes, and the playback processor's process(). The `allocating-` case makes a subarray view per push on
 * purpose, to show the probe catches it.
 */
import { describe, expect, it } from 'vitest';
import { runAllocationProbe } from '../support/run-allocation-probe.ts';

async function bytesPerCall(name: string): Promise<number> {
  return (await runAllocationProbe('./playback-allocation-probe.ts', name)).bytesPerCall;
}

describe('playback path: zero allocation per call', { timeout: 90_000 }, () => {
  it('time-stretcher allocates 0 bytes per call', async () => {
    expect(await bytesPerCall('time-stretcher')).toBe(0);
  });

  // Was 0.003–0.02 B per call: the silence checks of the rare accelerates and expands, run unoptimised, read
  // Float32 samples (each a boxed number); they read Int16 now.
  it('jitter-buffer allocates 0 bytes per call', async () => {
    expect(await bytesPerCall('jitter-buffer')).toBe(0);
  });

  // Was ~16–50 B per process() in the windows after a flush: the re-entry cross-fade at the next turn's start ran
  // unoptimised (once a turn); it is the copy loop's select now.
  it('playback-worklet allocates 0 bytes per call', async () => {
    expect(await bytesPerCall('playback-worklet')).toBe(0);
  });

  it('the probe catches a push that makes one subarray view per 20 ms chunk', async () => {
    expect(await bytesPerCall('allocating-jitter-buffer')).toBeGreaterThan(0.5);
  });
});
