/**
 * The call survives the server going away, fails cleanly on bad credentials and a refused microphone, and leaks
 * nothing over many calls. Live objects are counted by the page probe (e2e/page-probe.ts) and the server's stats.
 */
import { connectCall, disconnectCall, events } from './call.ts';
import { expect, REFUSED_MIC, test, WAV_MIC } from './fixtures.ts';
import type { TestPage } from './test-page.ts';

async function counts(page: TestPage) {
  return page.evaluate(() => window.__probe.counts());
}

/**
 * Audio both ways while the call's audio clock advances `seconds` (not the wall clock: Firefox's mock audio device
 * runs at 0.6–0.97× real time on a loaded machine, and the microphone delivers, and the loopback returns, audio at
 * the audio clock's pace): bytes the client sent and received, the audio and wall time it took, and the loudest
 * output level it reported.
 */
async function flowOver(
  page: TestPage,
  seconds: number,
): Promise<{ sentBytes: number; receivedBytes: number; outputDb: number; audioSeconds: number; wallSeconds: number }> {
  return page.evaluate(async (seconds) => {
    const client = window.voiceClient!;
    let outputDb = Number.NEGATIVE_INFINITY;
    const onLevel = (event: CustomEvent<{ source: string; rmsDb: number }>) => {
      if (event.detail.source === 'output') outputDb = Math.max(outputDb, event.detail.rmsDb);
    };
    client.addEventListener('level', onLevel);
    const before = client.stats;
    const audioStart = window.__probe.audioTime();
    const wallStart = performance.now();
    await window.__probe.audioSleep(seconds);
    const after = client.stats;
    const audioSeconds = window.__probe.audioTime() - audioStart;
    client.removeEventListener('level', onLevel);
    return {
      sentBytes: after.bytesSent - before.bytesSent,
      receivedBytes: after.bytesReceived - before.bytesReceived,
      outputDb,
      audioSeconds,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
  }, seconds);
}

test(`the server stops mid-call and comes back: the client reconnects by itself and audio flows both ways again${WAV_MIC}`, async ({
  startServer,
  openPage,
}) => {
  const server = await startServer({ agent: 'loopback' });
  const page = await openPage({ mic: 'tone440', loop: true });
  expect((await connectCall(page, server, { agent: 'loopback' })).errorCode).toBeUndefined();
  const before = await flowOver(page, 1);
  await server.stop();
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'reconnecting'));
  await page.waitForTimeout(1500);
  await server.start();
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'reconnected'), undefined, { timeout: 20_000 });
  const after = await flowOver(page, 1.5);
  const jitter = await page.evaluate(() => window.voiceClient!.stats.jitterBuffer);
  console.log(`reconnect: jitter buffer after ${JSON.stringify(jitter)}; before: output ${before.outputDb.toFixed(1)} dBFS`);
  const log = await events(page);
  console.log(
    `reconnect: before ${before.sentBytes} B out / ${before.receivedBytes} B in per ${before.audioSeconds.toFixed(2)} s of audio clock ` +
      `(${before.wallSeconds.toFixed(2)} s wall); after ${after.sentBytes} B out / ${after.receivedBytes} B in per ${after.audioSeconds.toFixed(2)} s ` +
      `(${after.wallSeconds.toFixed(2)} s wall), output ${after.outputDb.toFixed(1)} dBFS; ${log.filter((e) => e.type === 'reconnecting').length} reconnecting event(s)`,
  );
  expect(await page.evaluate(() => window.voiceClient!.state)).toBe('connected');
  expect(log.some((e) => e.type === 'disconnected')).toBe(false);
  // 1.5 s of 16 kHz Int16 is 48,000 bytes each way; allow for the jitter buffer's start and frame boundaries.
  const bytesIn = (seconds: number) => seconds * 32_000;
  expect(after.sentBytes).toBeGreaterThan(bytesIn(after.audioSeconds) * 0.83);
  expect(after.receivedBytes).toBeGreaterThan(bytesIn(after.audioSeconds) * 0.83);
  // The looped-back 440 Hz tone is played: about -9 dBFS RMS.
  expect(after.outputDb).toBeGreaterThan(-20);
  expect(server.stats().sessions).toBe(1);
  await disconnectCall(page);
});

test(`a wrong API key fails with AUTHENTICATION_FAILED and no retry loop${WAV_MIC}`, async ({ startServer, openPage }) => {
  const server = await startServer();
  const page = await openPage({ mic: 'tone440', loop: true });
  const { errorCode } = await connectCall(page, server, { apiKey: 'sk_wrong_key' });
  expect(errorCode).toBe('AUTHENTICATION_FAILED');
  // Long enough for the default backoff (0.5 s, then 1 s) to have retried twice if it were going to.
  await page.waitForTimeout(2000);
  const log = await events(page);
  expect(log.filter((e) => e.type === 'error').map((e) => e.code)).toEqual(['AUTHENTICATION_FAILED']);
  expect(log.filter((e) => e.type === 'reconnecting')).toHaveLength(0);
  expect(log.filter((e) => e.type === 'disconnected')).toHaveLength(1);
  const live = await counts(page);
  expect(live.tokenRequests).toBe(1);
  expect(live).toMatchObject({ liveContexts: 0, liveSockets: 0, liveTracks: 0, liveWorkletNodes: 0 });
  expect(await page.evaluate(() => window.voiceClient!.state)).toBe('error');
});

test(`a refused microphone fails with MIC_PERMISSION_DENIED and releases the rest${REFUSED_MIC}`, async ({ startServer, openPage }) => {
  const server = await startServer();
  const page = await openPage({ mic: 'tone440', grantMicrophone: false });
  const { errorCode } = await connectCall(page, server);
  expect(errorCode).toBe('MIC_PERMISSION_DENIED');
  const log = await events(page);
  expect(log.filter((e) => e.type === 'error').map((e) => e.code)).toEqual(['MIC_PERMISSION_DENIED']);
  expect(log.filter((e) => e.type === 'disconnected')).toHaveLength(1);
  await expect.poll(() => counts(page)).toMatchObject({ liveContexts: 0, liveSockets: 0, liveTracks: 0, liveWorkletNodes: 0 });
  await expect.poll(() => server.stats().sockets).toBe(0);
});

test(`30 connect/disconnect cycles in one page leave no AudioContext, track, socket or worklet node alive${WAV_MIC}`, async ({
  startServer,
  openPage,
}) => {
  const CYCLES = 30;
  const server = await startServer();
  const page = await openPage({ mic: 'tone440', loop: true });
  expect((await connectCall(page, server)).errorCode).toBeUndefined();
  await disconnectCall(page);
  const failures = await page.evaluate(async (cycles) => {
    const client = window.voiceClient!;
    const errors: string[] = [];
    for (let i = 1; i < cycles; i++) {
      try {
        await client.connect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      } catch (error) {
        errors.push(String((error as { code?: string }).code ?? error));
      }
      await client.disconnect();
    }
    return errors;
  }, CYCLES);
  expect(failures).toEqual([]);
  const log = await events(page);
  expect(log.filter((e) => e.type === 'connected')).toHaveLength(CYCLES);
  expect(log.filter((e) => e.type === 'disconnected')).toHaveLength(CYCLES);
  // Sockets finish their closing handshake asynchronously: poll briefly.
  await expect.poll(() => counts(page)).toMatchObject({ liveContexts: 0, liveSockets: 0, liveTracks: 0, liveWorkletNodes: 0 });
  const total = await counts(page);
  console.log(
    `30 cycles: ${total.contexts} AudioContexts, ${total.sockets} sockets, ${total.tracks} tracks, ${total.workletNodes} worklet nodes created; none alive`,
  );
  expect(total).toMatchObject({ contexts: CYCLES, sockets: CYCLES, tracks: CYCLES, workletNodes: 2 * CYCLES });
  await expect.poll(() => server.stats()).toMatchObject({ sessions: 0, pendingSockets: 0, sockets: 0 });
});
