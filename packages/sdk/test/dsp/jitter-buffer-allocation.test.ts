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

  // Known defect (issue 10, since the turn clock's re-anchoring): 0.003–0.02 B per call, one boxed number per
  // 5,000-call window (measured: 0 with the clock shift disabled; not yet traced to the deopt that boxes it).
  // `fails`, so this turns red (and must become a plain assertion) once it is fixed.
  it.fails('jitter-buffer allocates 0 bytes per call (fails: a boxed number per window since the re-anchoring)', async () => {
    expect(await bytesPerCall('jitter-buffer')).toBe(0);
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
