/**
 * Each engine's own capture path, measured at the server (what the reference server recorded): no shim between
 * the engine and the SDK. Firefox: its fake microphone (a 1 kHz sine, −20 dBFS peak, so −23.0 dBFS RMS), and a
 * real WAV through PulseAudio (a null sink's monitor as the microphone). Chromium's real path is its file-backed
 * fake device, which capture.spec.ts already measures.
 */
import type { Page } from '@playwright/test';
import { WIRE_SAMPLE_RATE } from '@savants/voice/protocol';
import { connectCall, disconnectCall } from './call.ts';
import { fixturePath, TONE_AMPLITUDE } from './fixture-files.ts';
import { expect, test } from './fixtures.ts';
import { startPulseAudio } from './pulse.ts';
import { readRecording } from './recordings.ts';
import { activeSpan, dominantFrequency, findHoles, rms, toDb } from './signals.ts';

async function measureCall(page: Page, recordDir: string, seconds: number, during?: () => void) {
  const wait = async () => {
    during?.();
    await page.waitForTimeout(seconds * 1000);
  };
  await wait();
  await disconnectCall(page);
  const sessionId = await page.evaluate(() => window.voiceClient?.sessionId);
  if (!sessionId) throw new Error('the server sent no sessionId');
  const { wav } = await readRecording(recordDir, sessionId);
  const span = activeSpan(wav.samples, WIRE_SAMPLE_RATE, -40);
  if (!span) throw new Error('the recording holds no signal');
  const start = span.start + 800;
  const end = span.end - 800;
  return {
    seconds: (end - start) / WIRE_SAMPLE_RATE,
    holes: findHoles(wav.samples, WIRE_SAMPLE_RATE, start, end).length,
    frequency: dominantFrequency(wav.samples, WIRE_SAMPLE_RATE, start, end),
    levelDb: toDb(rms(wav.samples, start, end)),
  };
}

test("Firefox's fake microphone (1 kHz sine, −23.0 dBFS RMS) arrives at the server at 1 kHz ±1%, within 1 dB", async ({
  engine,
  startServer,
  openPage,
}, testInfo) => {
  test.skip(
    engine !== 'firefox',
    "Firefox's own fake signal (Chromium's default fake is a beep; its file-backed device is capture.spec.ts)",
  );
  const server = await startServer();
  const page = await openPage();
  expect((await connectCall(page, server)).errorCode).toBeUndefined();
  const result = await measureCall(page, testInfo.outputPath('recordings'), 3);
  const sourceDb = toDb(0.1 / Math.SQRT2);
  console.log(
    `firefox fake mic: ${result.frequency.toFixed(2)} Hz (error ${(((result.frequency - 1000) / 1000) * 100).toFixed(2)}%), ` +
      `${result.levelDb.toFixed(2)} dBFS RMS (source ${sourceDb.toFixed(2)}) over ${result.seconds.toFixed(2)} s`,
  );
  expect(result.seconds).toBeGreaterThan(1.5);
  expect(Math.abs(result.frequency - 1000)).toBeLessThanOrEqual(10);
  expect(Math.abs(result.levelDb - sourceDb)).toBeLessThanOrEqual(1);
});

test('Firefox real capture path: the 1 kHz WAV played into a PulseAudio null sink, captured from its monitor, arrives at 1 kHz ±1%, within 1 dB', async ({
  engine,
  startServer,
  openPage,
}, testInfo) => {
  test.skip(engine !== 'firefox', 'the PulseAudio path is for Firefox (WebKit must not see PulseAudio; Chromium reads the WAV itself)');
  const pulse = await startPulseAudio();
  try {
    const server = await startServer();
    const page = await openPage({ pulseServer: pulse.server });
    expect((await connectCall(page, server)).errorCode).toBeUndefined();
    const result = await measureCall(page, testInfo.outputPath('recordings'), 5, () => pulse.play(fixturePath('tone1k')));
    const sourceDb = toDb(TONE_AMPLITUDE / Math.SQRT2);
    console.log(
      `firefox pulse capture: ${result.frequency.toFixed(2)} Hz, ${result.levelDb.toFixed(2)} dBFS RMS (source ${sourceDb.toFixed(2)}) ` +
        `over ${result.seconds.toFixed(2)} s, ${result.holes} hole(s)`,
    );
    expect(result.seconds).toBeGreaterThan(3);
    expect(result.holes).toBe(0);
    expect(Math.abs(result.frequency - 1000)).toBeLessThanOrEqual(10);
    expect(Math.abs(result.levelDb - sourceDb)).toBeLessThanOrEqual(1);
  } finally {
    await pulse.close();
  }
});
