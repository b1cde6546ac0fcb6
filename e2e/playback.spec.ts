/**
 * Server → speakers, in real Chromium: the agent's audio is tapped right after the playback worklet, inside the
 * SDK's own AudioContext, and compared with the microphone tap of the same context.
 */
import { connectCall, disconnectCall, withHoleRetry } from './call.ts';
import { expect, test } from './fixtures.ts';
import { activeSpan, bestCorrelation, findHoles } from './signals.ts';
import { alignTaps } from './taps.ts';

test('the echo agent plays the utterance back: the played audio matches the source (normalised cross-correlation ≥ 0.9)', async ({
  startServer,
  openPage,
}) => {
  const result = await withHoleRetry('echo', async () => {
    const server = await startServer({ agent: 'echo' });
    const page = await openPage({ mic: 'utterance' });
    const { errorCode } = await connectCall(page, server, { agent: 'echo' });
    expect(errorCode).toBeUndefined();
    await page.evaluate(() => window.__probe.startTaps(8));
    // Utterance at ~1.5 s, 1.2 s long; the agent answers after ~600 ms of silence, at real-time pace.
    await page.waitForFunction(() => window.__events.some((e) => e.type === 'agentspeakingend'), undefined, { timeout: 15_000 });
    const taps = await page.evaluate(() => window.__probe.stopTaps());
    await disconnectCall(page);
    const { input, output, sampleRate } = alignTaps(taps.input, taps.output);
    const spoken = activeSpan(input, sampleRate, -40);
    const played = activeSpan(output, sampleRate, -40);
    if (!spoken || !played) throw new Error(`no ${spoken ? 'echo' : 'utterance'} in the taps`);
    const guess = played.start - spoken.start;
    const window_ = Math.round(sampleRate * 0.15);
    const match = bestCorrelation(input, output, played.start, played.end, guess - window_, guess + window_, 4);
    return {
      holes: findHoles(input, sampleRate, spoken.start + 400, spoken.end - 400).length,
      ncc: match.ncc,
      echoDelayMs: (match.lag / sampleRate) * 1000,
      playedMs: ((played.end - played.start) / sampleRate) * 1000,
      spokenMs: ((spoken.end - spoken.start) / sampleRate) * 1000,
    };
  });
  console.log(
    `echo: NCC ${result.ncc.toFixed(4)}, echoed ${result.playedMs.toFixed(0)} ms of a ${result.spokenMs.toFixed(0)} ms utterance, ${result.echoDelayMs.toFixed(0)} ms after it`,
  );
  expect(result.holes).toBe(0);
  expect(result.playedMs).toBeGreaterThan(result.spokenMs * 0.9);
  expect(result.ncc).toBeGreaterThanOrEqual(0.9);
});

test('the loopback agent: mic-to-speaker pipeline latency measured in the page (capture tap → output tap)', async ({
  startServer,
  openPage,
}) => {
  const result = await withHoleRetry('latency', async () => {
    const server = await startServer({ agent: 'loopback' });
    const page = await openPage({ mic: 'utterance' });
    const { errorCode } = await connectCall(page, server, { agent: 'loopback' });
    expect(errorCode).toBeUndefined();
    await page.evaluate(() => window.__probe.startTaps(5));
    await page.waitForTimeout(4000);
    const taps = await page.evaluate(() => window.__probe.stopTaps());
    const outputLatencyMs = await page.evaluate(() => window.voiceClient!.stats.outputLatencyMs ?? 0);
    const jitter = await page.evaluate(() => window.voiceClient!.stats.jitterBuffer);
    await disconnectCall(page);
    const { input, output, sampleRate } = alignTaps(taps.input, taps.output);
    const spoken = activeSpan(input, sampleRate, -40);
    const played = activeSpan(output, sampleRate, -40);
    if (!spoken || !played) throw new Error(`no ${spoken ? 'loopback audio' : 'utterance'} in the taps`);
    // The lag over the utterance's first 400 ms. Over the whole of it the lag may grow: an underrun mid-stream
    // (a late frame on a busy machine) is concealed, and what follows plays that much later (the buffer's lateMs).
    const head = Math.min(played.end, played.start + Math.round(sampleRate * 0.4));
    const match = bestCorrelation(input, output, played.start, head, 0, Math.round(sampleRate * 0.5), 4);
    const tail = bestCorrelation(
      input,
      output,
      Math.max(played.start, played.end - Math.round(sampleRate * 0.4)),
      played.end,
      0,
      Math.round(sampleRate * 0.5),
      4,
    );
    return {
      holes: findHoles(input, sampleRate, spoken.start + 400, spoken.end - 400).length,
      latencyMs: (match.lag / sampleRate) * 1000,
      tailLatencyMs: (tail.lag / sampleRate) * 1000,
      ncc: match.ncc,
      outputLatencyMs,
      targetMs: jitter?.targetMs,
      underruns: jitter?.underruns,
      lateMs: jitter?.lateMs,
    };
  });
  console.log(
    `loopback latency: ${result.latencyMs.toFixed(1)} ms mic-to-speaker pipeline (capture tap → output tap; goal ≤ 100 ms), ` +
      `+ ${result.outputLatencyMs.toFixed(1)} ms the browser reports for its output path; ${result.tailLatencyMs.toFixed(1)} ms at the utterance's end; ` +
      `jitter buffer: target ${result.targetMs} ms, ${result.underruns} underrun(s), ${result.lateMs} ms concealed; NCC ${result.ncc.toFixed(3)}`,
  );
  expect(result.holes).toBe(0);
  // The lag is only meaningful if the loopback audio is the microphone's: a clear correlation peak.
  expect(result.ncc).toBeGreaterThan(0.9);
  expect(result.latencyMs).toBeGreaterThan(0);
  expect(result.latencyMs).toBeLessThan(250);
});
