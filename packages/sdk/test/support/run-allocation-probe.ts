/**
 * Runs one case of an allocation probe (allocation-probe.ts, playback-allocation-probe.ts) in a child Node with
 * `--expose-gc` and a 64 MB young generation (no scavenge inside a measuring window; the method is described in
 * allocation-probe.ts), and returns the JSON line it prints.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);

export interface ProbeResult {
  case: string;
  bytesPerCall: number;
  steps: number;
  /** The capture worklet's frame buffers allocated because its pool ran dry. */
  allocatedBuffers?: number;
}

/** `probe`: the probe's file name in test/support/; `name`: the case. */
export async function runAllocationProbe(probe: string, name: string): Promise<ProbeResult> {
  const path = fileURLToPath(new URL(probe, import.meta.url));
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--no-warnings', '--conditions=@savants/source', path, name],
    { timeout: 60_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeResult;
  expect(result.case).toBe(name);
  return result;
}
