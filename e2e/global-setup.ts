/**
 * Writes the WAV fixtures (16-bit mono PCM generated here, no sox), and builds the SDK when its dist is missing
 * or older than its sources (the artifact specs test dist, not the source). This runs before every spec, also when
 * one spec file is run alone.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR, FIXTURE_RATE, FIXTURES, type FixtureName, fixturePath } from './fixture-files.ts';
import { ensureSdkBuild } from './sdk-build.ts';
import { writeWav } from './wav.ts';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export default function globalSetup(): void {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const name of Object.keys(FIXTURES) as FixtureName[]) writeWav(fixturePath(name), FIXTURE_RATE, FIXTURES[name]());
  if (!process.env.E2E_SKIP_BUILD) ensureSdkBuild(root, 'e2e');
}
