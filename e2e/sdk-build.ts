/**
 * Builds the SDK when its dist is missing or older than its sources. Shared by the e2e global setup (the artifact
 * specs test dist) and the demo's dev server (`?build=esm|iife` loads dist: built on demand, so no prior
 * `pnpm build` is needed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether every dist file a page or spec loads exists and is newer than the SDK's and the worklets' sources. */
export function sdkBuildIsCurrent(root: string): boolean {
  // The ESM and IIFE bundles, the types a consumer compiles against, the self-hosted worklets of the CSP tests.
  const outputs = ['index.js', 'savants-voice.iife.js', 'types/index.d.ts', 'worklets/voice.worklet.js'].map((f) =>
    path.join(root, 'packages/sdk/dist', f),
  );
  const sources = Math.max(newestMtime(path.join(root, 'packages/sdk/src')), newestMtime(path.join(root, 'worklets')));
  return outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources);
}

/** Runs `pnpm build` of the SDK (synchronously, its output on stderr) unless the build is current. */
export function ensureSdkBuild(root: string, why: string): void {
  if (sdkBuildIsCurrent(root)) return;
  console.error(`${why}: building the SDK (dist missing or stale)`);
  execFileSync('pnpm', ['--filter', '@savants/voice', 'run', 'build'], { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
}
