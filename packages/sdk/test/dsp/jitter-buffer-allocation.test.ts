/**
 * "The playback path allocates nothing per call", measured in a child Node with `--expose-gc` (method in
 * support/playback-allocation-probe.ts): the jitter buffer through pushes, pulls, stalls, fades, drift slips and
 * flushes, and the playback processor's process(). The `allocating-` case makes a subarray view per push on
 * purpose, to show the probe catches it.
 *
 * process() must allocate 0. The DSP cases alone are allowed RESIDUE bytes per call: in some of V8's JIT states
 * (reproducible with `--no-concurrent-recompilation`, and about one unit run in ten at the engine lanes' load) the
 * optimised planning boxes about 15 numbers per 5,000 calls (0.003–0.05 B per call), which the heap profiler puts in
 * `TimeStretcher.plan` after its own arithmetic became integer-only. That is one 16 B number per 300 calls: a young
 * generation of 1 MB fills in hours, not within a call; the planted allocation (4.8 B per call) is 48× the bound.
 */
import { describe, expect, it } from 'vitest';
import { runAllocationProbe } from '../support/run-allocation-probe.ts';

/** Bytes per call the DSP cases may show (see above): about 2× the largest residue measured. */
const RESIDUE = 0.1;

async function bytesPerCall(name: string): Promise<number> {
  return (await runAllocationProbe('./playback-allocation-probe.ts', name)).bytesPerCall;
}

describe('playback path: zero allocation per call', { timeout: 90_000 }, () => {
  it(`time-stretcher allocates at most ${RESIDUE} B per call`, async () => {
    expect(await bytesPerCall('time-stretcher')).toBeLessThanOrEqual(RESIDUE);
  });

  // Was 0.003–0.02 B per call: the silence checks of the rare accelerates and expands, run unoptimised, read
  // Float32 samples (each a boxed number); they read Int16 now. With V8 optimising later
  // (--invocation-count-for-turbofan=5000) it was 1.6 B per call until the speeds became integers.
  it(`jitter-buffer allocates at most ${RESIDUE} B per call`, async () => {
    expect(await bytesPerCall('jitter-buffer')).toBeLessThanOrEqual(RESIDUE);
  });

  // Was ~16–50 B per process() in the windows after a flush: the re-entry cross-fade at the next turn's start ran
  // unoptimised (once a turn); it is the copy loop's select now. 0 in every JIT state tried, and since the speeds
  // became integers also with V8 optimising later (--invocation-count-for-turbofan=5000: it was 16.2 B per call).
  it('playback-worklet allocates 0 bytes per call', async () => {
    expect(await bytesPerCall('playback-worklet')).toBe(0);
  });

  it('the probe catches a push that makes one subarray view per 20 ms chunk', async () => {
    expect(await bytesPerCall('allocating-jitter-buffer')).toBeGreaterThan(0.5);
  });
});
