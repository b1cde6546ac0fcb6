/**
 * Each engine's own capture path, measured at the server (what the reference server recorded): no shim between
 * the engine and the SDK. Firefox: its fake microphone (a 1 kHz sine, −20 dBFS peak, so −23.0 dBFS RMS), and a
 * real WAV through PulseAudio (a null sink's monitor as the microphone). Chromium's real path is its file-backed
 * fake device, which capture.spec.ts already measures. WebKit: its mock capture device, through WebDriver.
 */
import { WIRE_SAMPLE_RATE } from '@savants/voice/protocol';
import { connectCall, disconnectCall } from './call.ts';
import { fixturePath, TONE_AMPLITUDE } from './fixture-files.ts';
import { expect, test } from './fixtures.ts';
import { startPulseAudio } from './pulse.ts';
import { readRecording } from './recordings.ts';
import { activeSpan, dominantFrequency, findHoles, rms, toDb } from './signals.ts';
import type { TestPage } from './test-page.ts';

async function measureCall(page: TestPage, recordDir: string, seconds: number, during?: () => void) {
  during?.();
  // Seconds of the call's audio clock, not of the wall clock: at the two lanes' load, a 3 s wall-clock wait gave
  // 0.98 s of Firefox's fake signal at the server (its mock device runs slow under load).
  const wallStart = Date.now();
  await page.evaluate((s) => window.__probe.audioSleep(s), seconds);
  const clockRate = seconds / ((Date.now() - wallStart) / 1000);
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
    clockRate,
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
      `${result.levelDb.toFixed(2)} dBFS RMS (source ${sourceDb.toFixed(2)}) over ${result.seconds.toFixed(2)} s (the audio clock ran at ${result.clockRate.toFixed(2)}× the wall clock)`,
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

test("WebKit's mock microphone (a 150 Hz hum at −23 dBFS RMS, louder bursts once a second) arrives at the server: the hum at 150 Hz ±1%, within 1.5 dB, a burst every second", async ({
  engine,
  startServer,
  openPage,
}, testInfo) => {
  test.skip(engine !== 'webkit', "WebKit's own mock capture device");
  const server = await startServer();
  const page = await openPage();
  expect((await connectCall(page, server)).errorCode).toBeUndefined();
  await page.evaluate(() => window.__probe.audioSleep(3));
  await disconnectCall(page);
  const sessionId = await page.evaluate(() => window.voiceClient?.sessionId);
  const { wav } = await readRecording(testInfo.outputPath('recordings'), sessionId!);
  // The hum alone: 100 ms windows between the bursts (a burst is −9 dBFS, the hum −23 dBFS).
  const window_ = WIRE_SAMPLE_RATE / 10;
  const hum: number[] = [];
  const bursts: number[] = [];
  for (let start = WIRE_SAMPLE_RATE / 2; start + window_ <= wav.samples.length; start += window_) {
    const db = toDb(rms(wav.samples, start, start + window_));
    if (db > -26 && db < -20) hum.push(start);
    if (db > -16) bursts.push(start);
  }
  expect(hum.length).toBeGreaterThan(5);
  const levelDb = toDb(rms(wav.samples, hum[0]!, hum[0]! + window_));
  // The hum's spectrum over the longest stretch between two bursts (an FFT frame needs 512 ms).
  let run = { start: 0, end: 0 };
  for (let i = 0, first = 0; i < hum.length; i++) {
    if (i > 0 && hum[i]! !== hum[i - 1]! + window_) first = i;
    if (hum[i]! + window_ - hum[first]! > run.end - run.start) run = { start: hum[first]!, end: hum[i]! + window_ };
  }
  const humHz = dominantFrequency(wav.samples, WIRE_SAMPLE_RATE, run.start, run.end);
  console.log(
    `webkit mock mic: hum ${humHz.toFixed(2)} Hz (error ${(((humHz - 150) / 150) * 100).toFixed(2)}%) over ${((run.end - run.start) / WIRE_SAMPLE_RATE).toFixed(2)} s between bursts, ` +
      `${levelDb.toFixed(2)} dBFS RMS (made at ${toDb(0.1 / Math.SQRT2).toFixed(2)}); ${hum.length} hum-only and ${bursts.length} burst windows (100 ms) of ${(wav.samples.length / WIRE_SAMPLE_RATE).toFixed(2)} s`,
  );
  expect(Math.abs(humHz - 150)).toBeLessThanOrEqual(1.5);
  expect(bursts.length).toBeGreaterThanOrEqual(2);
  expect(Math.abs(levelDb - toDb(0.1 / Math.SQRT2))).toBeLessThanOrEqual(1.5);
});
