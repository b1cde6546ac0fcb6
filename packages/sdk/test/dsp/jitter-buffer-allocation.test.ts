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
  it.each(['jitter-buffer', 'time-stretcher'])('%s allocates 0 bytes per call', async (name) => {
    expect(await bytesPerCall(name)).toBe(0);
  });

  // Known defect (issue 10 report): 0 without flushes, but ~16 B per process() averaged over the windows that follow
  // a flush: code that runs once per flush is unoptimised and boxes doubles. `fails`, so this turns red (and must
  // become a plain assertion) once it is fixed.
  it.fails('playback-worklet allocates 0 bytes per call (fails: allocates after flushes)', async () => {
    expect(await bytesPerCall('playback-worklet')).toBe(0);
  });

  it('the probe catches a push that makes one subarray view per 20 ms chunk', async () => {
    expect(await bytesPerCall('allocating-jitter-buffer')).toBeGreaterThan(0.5);
  });
});
