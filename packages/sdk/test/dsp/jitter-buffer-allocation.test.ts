/**
 * "The playback path allocates nothing per call", measured in a child Node with `--expose-gc` (method in
 * support/playback-allocation-probe.ts): the jitter buffer through pushes, pulls, stalls, fades, drift slips and
 * flushes, and the playback processor's process(). The `allocating-` case makes a subarray view per push on
 * purpose, to show the probe catches it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('../support/playback-allocation-probe.ts', import.meta.url));

async function bytesPerCall(name: string): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--no-warnings', '--conditions=@savants/source', probe, name],
    { timeout: 60_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { case: string; bytesPerCall: number };
  expect(result.case).toBe(name);
  return result.bytesPerCall;
}

describe('playback path: zero allocation per call', { timeout: 90_000 }, () => {
  it.each(['jitter-buffer', 'playback-worklet'])('%s allocates 0 bytes per call', async (name) => {
    expect(await bytesPerCall(name)).toBe(0);
  });

  it('the probe catches a push that makes one subarray view per 20 ms chunk', async () => {
    expect(await bytesPerCall('allocating-jitter-buffer')).toBeGreaterThan(0.5);
  });
});
