/** Reads what the reference server recorded for a session (`recordDir`): the WAV and its JSON sidecar. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordingSidecar } from '@savants/voice-server';
import { type Pcm, readWav } from './wav.ts';

/** Waits for the sidecar (written last, atomically, once the session ended) and reads both files. */
export async function readRecording(
  dir: string,
  sessionId: string,
  timeoutMs = 5000,
): Promise<{ sidecar: RecordingSidecar; wav: Pcm & { channels: number; bitsPerSample: number } }> {
  const json = path.join(dir, `${sessionId}.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(json)) {
    if (Date.now() > deadline) throw new Error(`no recording sidecar for session ${sessionId} in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const sidecar = JSON.parse(readFileSync(json, 'utf8')) as RecordingSidecar;
  return { sidecar, wav: readWav(path.join(dir, sidecar.wavFile)) };
}
