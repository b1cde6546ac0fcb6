/**
 * Server → speakers, in real Chromium: the agent's audio is tapped right after the playback worklet, inside the
 * SDK's own AudioContext, and compared with the microphone tap of the same context.
 */
import { connectCall, disconnectCall } from './call.ts';
import { expect, test, WAV_MIC } from './fixtures.ts';
import { activeSpan, bestCorrelation, findHoles, matchedShare, rms } from './signals.ts';
import { alignTaps } from './taps.ts';

/**
 * How the echo and the loopback are matched piece by piece (`matchedShare`). 40 ms pieces, each within ±8 ms of the
 * previous piece's lag: at the stretcher's 15 % a piece moves 6 ms. Measured on a Firefox echo played 9 % fast (its
 * mock clock runs slow, so the queue grew and was given back): 96 % of the pieces at ≥ 0.9, median 0.999 (50 ms /
 * ±10 ms: 91 %; 20 ms / ±5 ms lost the lag). After a piece that did not match, the next is searched within ±150 ms
 * of the last lag that did: an underrun's concealment moves the lag at once by what it concealed (Chromium at load:
 * 66 ms in one underrun; the ±8 ms search lost the echo after it, 69 % matched).
 */
function pieceOptions(sampleRate: number) {
  return {
    segment: Math.round(sampleRate * 0.04),
    drift: Math.round(sampleRate * 0.008),
    threshold: 0.9,
    reacquire: Math.round(sampleRate * 0.15),
  };
}

test(`the echo agent plays the utterance back: the played audio matches the source (cross-correlation ≥ 0.9 at one lag, or piece by piece where the buffer stretched)${WAV_MIC}`, async ({
  startServer,
  openPage,
}) => {
  // Compared with the microphone's source node (the input tap), not the WAV: a hole or glitch of the engine's own
  // capture (WebKit's shim under load) is in what the SDK was given, so it is in the echo too, at the same lag. It is
  // counted and printed; a run is not retried for it.
  const server = await startServer({ agent: 'echo' });
  const page = await openPage({ mic: 'utterance' });
  const { errorCode } = await connectCall(page, server, { agent: 'echo' });
  expect(errorCode).toBeUndefined();
  await page.evaluate(() => window.__probe.startTaps(8));
  // Utterance at ~1.5 s, 1.2 s long; the agent answers after ~600 ms of silence, at real-time pace.
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'agentspeakingend'), undefined, { timeout: 15_000 });
  const taps = await page.evaluate(() => window.__probe.stopTaps());
  const jitter = await page.evaluate(() => window.voiceClient!.stats.jitterBuffer);
  await disconnectCall(page);
  const { input, output, sampleRate } = alignTaps(taps.input, taps.output);
  const spoken = activeSpan(input, sampleRate, -40);
  const played = activeSpan(output, sampleRate, -40);
  if (!spoken || !played) throw new Error(`no ${spoken ? 'echo' : 'utterance'} in the taps`);
  const guess = played.start - spoken.start;
  const window_ = Math.round(sampleRate * 0.15);
  const match = bestCorrelation(input, output, played.start, played.end, guess - window_, guess + window_, 4);
  const pieces = matchedShare(input, output, played.start, played.end, match.lag, pieceOptions(sampleRate));
  const result = {
    holes: findHoles(input, sampleRate, spoken.start + 400, spoken.end - 400).length,
    ncc: match.ncc,
    matched: pieces.share,
    worst: pieces.worst,
    // Pieces below 0.7, the worst first.
    poor: pieces.nccs.filter((ncc) => ncc < 0.7).sort((x, y) => x - y),
    underruns: jitter?.underruns ?? 0,
    lagMovedMs: (pieces.lagMoved / sampleRate) * 1000,
    fasterMs: jitter?.shedMs ?? 0,
    slowerMs: jitter?.stretchedMs ?? 0,
    concealedMs: jitter?.concealedMs ?? 0,
    echoDelayMs: (match.lag / sampleRate) * 1000,
    playedMs: ((played.end - played.start) / sampleRate) * 1000,
    spokenMs: ((spoken.end - spoken.start) / sampleRate) * 1000,
  };
  console.log(
    `echo: NCC ${result.ncc.toFixed(4)} at one lag, ${(result.matched * 100).toFixed(0)} % of the echo matched in 40 ms pieces (worst piece ${result.worst.toFixed(3)}, lag moved ${result.lagMovedMs.toFixed(1)} ms); echoed ${result.playedMs.toFixed(0)} ms of a ${result.spokenMs.toFixed(0)} ms utterance, ${result.echoDelayMs.toFixed(0)} ms after it; in the call the jitter buffer played ${result.fasterMs} ms faster, ${result.slowerMs} ms slower, concealed ${result.concealedMs} ms in ${result.underruns} underrun(s); ${result.holes} hole(s) in the microphone's own audio`,
  );
  expect(result.playedMs).toBeGreaterThan(result.spokenMs * 0.9);
  // Played back at one lag throughout when the buffer stretched nothing (a stretch moves the lag: then piece by piece).
  if (result.fasterMs + result.slowerMs + result.concealedMs === 0) expect(result.ncc).toBeGreaterThanOrEqual(0.9);
  // Piece by piece: every piece is recognisably the source (a hole, a click or other audio scores far below 0.7),
  // most of it at 0.9. A piece that holds a splice of the time stretcher (two periods cross-faded into one) scores
  // lower at any one lag: on Firefox's echo played 15 % fast (its slow mock clock let the queue grow), 85–100 % of
  // the pieces were at ≥ 0.9 and the worst at 0.83–0.87, in runs on a quiet and a loaded machine.
  // A concealed stretch (an underrun: a late frame at load) is not the source: it may take below that the pieces it
  // covers and the one or two it falls in at its ends (Chromium at load 6: 10 ms concealed, one piece at 0.68, 97 %
  // of the pieces at ≥ 0.9; at load: 66 ms in 1 underrun, 4 pieces below 0.7 before the lag was searched again).
  const concealable = 2 * result.underruns + Math.floor(result.concealedMs / 40);
  expect(result.poor.length, `pieces below 0.7: ${result.poor.map((n) => n.toFixed(2))}`).toBeLessThanOrEqual(concealable);
  expect(result.matched).toBeGreaterThanOrEqual(0.75);
});

test(`the loopback agent: mic-to-speaker pipeline latency measured in the page (capture tap → output tap)${WAV_MIC}`, async ({
  startServer,
  openPage,
}) => {
  // As for the echo: measured against the microphone's source node, so a hole of the engine's capture is on both
  // sides of the correlation; counted and printed, not retried.
  const server = await startServer({ agent: 'loopback' });
  const page = await openPage({ mic: 'utterance' });
  const { errorCode } = await connectCall(page, server, { agent: 'loopback' });
  expect(errorCode).toBeUndefined();
  await page.evaluate(() => window.__probe.startTaps(5));
  // 4 s of the audio clock (Firefox's mock device runs at 0.6–0.97× the wall clock): the utterance and its return.
  await page.evaluate(() => window.__probe.audioSleep(4));
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
  // The same head in pieces (pieceOptions): where the buffer stretched or concealed in it,
  // no one lag fits all of it (Firefox at load: one lag 0.74, the pieces 1 underrun and 12 ms concealed apart).
  const pieces = matchedShare(input, output, played.start, head, match.lag, pieceOptions(sampleRate));
  const result = {
    holes: findHoles(input, sampleRate, spoken.start + 400, spoken.end - 400).length,
    latencyMs: (match.lag / sampleRate) * 1000,
    matched: pieces.share,
    tailLatencyMs: (tail.lag / sampleRate) * 1000,
    ncc: match.ncc,
    outputLatencyMs,
    targetMs: jitter?.targetMs,
    underruns: jitter?.underruns,
    lateMs: jitter?.lateMs,
  };
  console.log(
    `loopback latency: ${result.latencyMs.toFixed(1)} ms mic-to-speaker pipeline (capture tap → output tap; goal ≤ 100 ms), ` +
      `+ ${result.outputLatencyMs.toFixed(1)} ms the browser reports for its output path; ${result.tailLatencyMs.toFixed(1)} ms at the utterance's end; ` +
      `jitter buffer: target ${result.targetMs} ms, ${result.underruns} underrun(s), ${result.lateMs} ms concealed; NCC ${result.ncc.toFixed(3)} at one lag, ` +
      `${(result.matched * 100).toFixed(0)} % of the first 400 ms matched in 40 ms pieces; ${result.holes} hole(s) in the microphone's own audio`,
  );
  // The lag is only meaningful if the loopback audio is the microphone's: a clear correlation peak at one lag, or,
  // where the buffer stretched or concealed, most of the head matched piece by piece around it. A concealed
  // stretch is not the source, and after one the pieces' lag has jumped: with underruns in the call, half the head
  // must match (WebKit beside another engine: 3 underruns, 366 ms concealed, 7 of 10 pieces matched, one lag 0.76).
  // Audio that is not the microphone's correlates near 0 at every lag.
  expect(result.ncc).toBeGreaterThan(0.5);
  if (result.ncc <= 0.9) expect(result.matched).toBeGreaterThanOrEqual(result.underruns ? 0.5 : 0.75);
  expect(result.latencyMs).toBeGreaterThan(0);
  // The pipeline's latency, plus the time the buffer reports it concealed waiting for late frames (its lateMs): an
  // underrun in the head plays everything after it that much later. Chromium in an empty-cache run, with WebKit's
  // browser tier beside it: 426 ms at the head, 3 underruns, 192 ms concealed, while the same code gave 55–105 ms in
  // the check's runs. A pipeline that adds delay it does not report as concealment still fails here.
  expect(result.latencyMs).toBeLessThan(250 + (result.lateMs ?? 0));
});

test(`interrupt() cuts the agent within a few ms, with a fade instead of a click, and reports what was actually heard${WAV_MIC}`, async ({
  startServer,
  openPage,
}) => {
  const server = await startServer({ agent: 'echo' });
  const page = await openPage({ mic: 'utteranceAfterNoise' });
  // pace=10: the echo arrives ten times faster than real time (like TTS), so all of it waits in the jitter buffer.
  expect((await connectCall(page, server, { agent: 'echo', agentQuery: { pace: '10' } })).errorCode).toBeUndefined();
  // 20 s of room: a full tap stops recording, which looks like a hard cut. With 8 s, WebKit beside another engine
  // once gave a recording that ended 13.5 ms before the call at full level, as a full tap does; the check after the
  // taps are read says so if it happens again.
  await page.evaluate(() => window.__probe.startTaps(20));
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'agentspeakingstart'), undefined, { timeout: 15_000 });
  await page.waitForTimeout(400);
  const { callFrame, result } = await page.evaluate(async () => {
    const context = window.__probe.contexts[window.__probe.contexts.length - 1]!;
    const callFrame = Math.round(context.currentTime * context.sampleRate);
    // interrupt() posts its flush synchronously; the mark, posted next through the same kind of port, shows when
    // the engine delivers such a message to the audio thread.
    const interrupted = window.voiceClient!.interrupt();
    window.__probe.markTap();
    return { callFrame, result: await interrupted };
  });
  await page.waitForTimeout(500);
  const taps = await page.evaluate(() => window.__probe.stopTaps());
  const jitter = await page.evaluate(() => window.voiceClient!.stats.jitterBuffer);
  await disconnectCall(page);
  const { input, output, sampleRate, origin } = alignTaps(taps.input, taps.output);
  if (callFrame - origin >= output.length - Math.round(sampleRate * 0.1)) throw new Error('the output tap was full before the call');
  // The turn starts with the echo's pre-roll: the quiet noise before the utterance.
  const played = activeSpan(output, sampleRate, -55);
  const speechIn = activeSpan(input, sampleRate, -40);
  const speechOut = activeSpan(output, sampleRate, -40);
  if (!played || !speechIn || !speechOut) throw new Error('no utterance or no echo in the taps');
  let cutEnd = output.length;
  while (cutEnd > played.start && Math.abs(output[cutEnd - 1]!) < 1e-3) cutEnd--;
  const ms = (samples: number) => (samples / sampleRate) * 1000;
  const at = (msBefore: number) => cutEnd - Math.round((sampleRate * msBefore) / 1000);
  // The echo is the fixture, delayed: its unfaded copy from the input tap shows what the fade did, and where in
  // the source the turn started and was cut. The delay is measured at both ends, not once: a chunk that arrived
  // late (an underrun, concealed) or time-stretching lengthen the delay mid-turn, and that time was heard without
  // being any more of the agent's audio. `playedMs` counts the agent's audio (source samples), so it is compared with
  // the source span heard, and the time heard is printed beside it.
  const guess = speechOut.start - speechIn.start;
  const span = Math.round(sampleRate * 0.15);
  const win = Math.round(sampleRate * 0.06);
  // At the start, over the speech's first 60 ms: the pre-roll's noise (−45 dBFS) is too quiet to correlate reliably.
  const atStart = bestCorrelation(input, output, speechOut.start, speechOut.start + win, guess - span, guess + span, 4);
  const atEnd = bestCorrelation(input, output, at(10) - win, at(10), guess - span, guess + span, 4);
  const lag = atEnd.lag;
  const gain = (from: number, to: number) => rms(output, from, to) / rms(input, from - lag, to - lag);
  let fadeStart = cutEnd;
  const step = Math.round(sampleRate * 0.00025);
  while (fadeStart - step > speechOut.start && gain(fadeStart - step, fadeStart) < 0.9) fadeStart -= step;
  const heardMs = ms(cutEnd - played.start);
  const heardSourceMs = ms(cutEnd - atEnd.lag - (played.start - atStart.lag));
  const after = output.subarray(Math.min(output.length, cutEnd + Math.round(sampleRate * 0.01)));
  const leftover = after.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
  if (taps.output.markFrame < 0) throw new Error('the output tap never received its mark');
  const result_ = {
    cutAfterCallMs: ms(cutEnd - (callFrame - origin)),
    deliveredAfterCallMs: ms(taps.output.markFrame - callFrame),
    cutAfterDeliveryMs: ms(cutEnd - (taps.output.markFrame - origin)),
    fadeMs: ms(cutEnd - fadeStart),
    gainBefore: gain(at(9), at(6)),
    gainLastMs: gain(at(1), cutEnd),
  };
  console.log(
    `interrupt: reported ${result.playedMs.toFixed(1)} ms played / ${result.droppedMs.toFixed(0)} ms dropped; the output tap heard ` +
      `${heardSourceMs.toFixed(1)} ms of the source in ${heardMs.toFixed(1)} ms (delay ${ms(atStart.lag).toFixed(1)} → ${ms(atEnd.lag).toFixed(1)} ms); ` +
      `silent ${result_.cutAfterCallMs.toFixed(1)} ms after the call (the engine delivered a message to the audio thread ` +
      `${result_.deliveredAfterCallMs.toFixed(1)} ms after it; silent ${result_.cutAfterDeliveryMs.toFixed(1)} ms after that), after a ${result_.fadeMs.toFixed(2)} ms fade ` +
      `(gain ${result_.gainBefore.toFixed(2)} before it, ${result_.gainLastMs.toFixed(2)} in its last ms; echo NCC ${atStart.ncc.toFixed(3)} / ${atEnd.ncc.toFixed(3)}); ` +
      `the jitter buffer played ${jitter?.shedMs} ms faster, ${jitter?.stretchedMs} ms slower, concealed ${jitter?.concealedMs} ms in ${jitter?.underruns} underrun(s)`,
  );
  expect(atStart.ncc).toBeGreaterThan(0.9);
  expect(atEnd.ncc).toBeGreaterThan(0.9);
  expect(Math.abs(result.playedMs - heardSourceMs)).toBeLessThan(25);
  expect(result.droppedMs).toBeGreaterThan(300);
  // The SDK's part: silent within a render quantum (≤ 2.9 ms at 44.1 kHz) plus the 4 ms fade of the flush reaching the
  // audio thread, with one quantum to spare (measured: 3.7–4.0 ms in all three engines). Before it, the engine's own
  // delivery of a port message (the flush goes by the worklet's port): 0–11.6 ms measured; before this split, cuts of
  // 32.9 ms (Firefox) and 126 ms (WebKit) at the load of two test lanes failed a 25 ms bound on the whole. The mark is
  // posted after interrupt() returns: an SDK that put its post off to a later task would be measured from a mark
  // that came first, and anything over 6 ms of delay fails the bound.
  expect(result_.cutAfterDeliveryMs).toBeLessThan(10);
  // Unity gain until the fade, a fade of at most 5 ms (+ one 0.25 ms analysis step), nearly nothing in its last ms:
  // a hard cut would keep the gain at 1 to the end.
  expect(result_.gainBefore).toBeGreaterThan(0.8);
  expect(result_.fadeMs).toBeLessThanOrEqual(5.25);
  expect(result_.fadeMs).toBeGreaterThan(0.5);
  expect(result_.gainLastMs).toBeLessThan(0.5);
  expect(leftover).toBeLessThan(1e-3);
});
