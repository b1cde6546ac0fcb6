/** What the reference server recorded for a session (`recordDir`): the WAV and its JSON sidecar, and the call behind it. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import { DEFAULT_FRAME_SAMPLES } from '@savants/voice/dsp';
import { WIRE_SAMPLE_RATE } from '@savants/voice/protocol';
import type { RecordingSidecar } from '@savants/voice-server';
import { disconnectCountingQueued } from './call.ts';
import type { TestPage } from './test-page.ts';
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

/**
 * Ends a one-session call whose microphone was tapped (`startTaps` or `armInputTap`) and reads what the server
 * recorded of it: the tap; `recordingStart`, the context time of the recording's first sample (its first frame's end
 * less one frame but a sample); the frames still waiting out backpressure at the hang-up; the transport's counters for the whole
 * session; and the recording.
 */
export async function hangUpAndReadRecording(page: TestPage, dir: string) {
  const { input } = await page.evaluate(() => window.__probe.stopTaps());
  const firstFrameEnd = await page.evaluate(() => window.__probe.firstFrameEnd);
  const queuedAtHangUp = await disconnectCountingQueued(page);
  const { framesSent, framesCaptured, dropped, sessionId } = await page.evaluate(() => ({
    framesSent: window.voiceClient!.stats.transport.framesSent,
    framesCaptured: window.voiceClient!.stats.framesCaptured,
    dropped: window.voiceClient!.stats.transport.droppedFrames,
    sessionId: window.voiceClient!.sessionId,
  }));
  if (!sessionId) throw new Error('the server sent no sessionId');
  const { sidecar, wav } = await readRecording(dir, sessionId);
  const recordingStart = (firstFrameEnd ?? Number.NaN) - (DEFAULT_FRAME_SAMPLES - 1) / WIRE_SAMPLE_RATE;
  return { input, recordingStart, queuedAtHangUp, framesSent, framesCaptured, dropped, sidecar, wav };
}

/**
 * Every frame the capture worklet delivered was sent and recorded, in order: none dropped, and the ones still queued
 * at the hang-up were the last. Recorded sample i is then input time `recordingStart + i/16000`.
 */
export function expectEveryFrameRecorded(call: Awaited<ReturnType<typeof hangUpAndReadRecording>>): void {
  const { dropped, framesSent, framesCaptured, queuedAtHangUp, sidecar } = call;
  expect(dropped.backpressure + dropped.reconnectOverflow + dropped.notConnected).toBe(0);
  expect(framesSent + queuedAtHangUp).toBe(framesCaptured);
  expect(sidecar.frames).toBe(framesSent);
}
