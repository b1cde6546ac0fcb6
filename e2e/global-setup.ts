/**
 * Writes the WAV fixtures (16-bit mono PCM generated here, no sox), and builds the SDK when its dist is missing
 * or older than its sources (the artifact specs test dist, not the source). This runs before every spec, also when
 * one spec file is run alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR, FIXTURE_RATE, FIXTURES, type FixtureName, fixturePath } from './fixture-files.ts';
import { writeWav } from './wav.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureSdkBuild(): void {
  // Every dist file a spec loads: the ESM and IIFE bundles, the types a consumer compiles against, the
  // self-hosted worklets of the CSP tests.
  const outputs = ['index.js', 'savants-voice.iife.js', 'types/index.d.ts', 'worklets/capture.worklet.js'].map((f) =>
    path.join(root, 'packages/sdk/dist', f),
  );
  const sources = Math.max(newestMtime(path.join(root, 'packages/sdk/src')), newestMtime(path.join(root, 'worklets')));
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs >= sources)) return;
  console.log('e2e: building the SDK (dist missing or stale)');
  execFileSync('pnpm', ['--filter', '@savants/voice', 'run', 'build'], { cwd: root, stdio: 'inherit' });
}

export default function globalSetup(): void {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const name of Object.keys(FIXTURES) as FixtureName[]) writeWav(fixturePath(name), FIXTURE_RATE, FIXTURES[name]());
  if (!process.env.E2E_SKIP_BUILD) ensureSdkBuild();
}
