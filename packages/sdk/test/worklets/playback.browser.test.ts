/**
 * The playback worklet in real Chromium: Int16 PCM posted to the processor (the bundled worklet, loaded from a
 * Blob URL as the SDK loads it) → jitter buffer → upsampler → output. OfflineAudioContext runs, with audio posted
 * at scheduled suspensions, give exact, repeatable numbers; one realtime AudioContext run checks the same path
 * under a running clock.
 */
import { describe, expect, it } from 'vitest';
import code from '../../../../worklets/playback.worklet.ts?worklet-inline';
import { PLAYBACK_PROCESSOR, type PlaybackEvent, type PlaybackOptions } from '../../src/audio/worklet-messages.ts';
import { JITTER_BUFFER_DEFAULTS } from '../../src/dsp/jitter-buffer-options.ts';
import { itWithOfflineSuspend } from '../support/engine.ts';
import { db, fitSine, seededRandom, zeroCrossingFrequency } from '../support/signal.ts';

const WIRE_RATE = 16_000;
const QUANTUM = 128;
const moduleUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
const defaults: PlaybackOptions = { volume: 1, levelIntervalMs: 50 };

/** A 16 kHz Int16 tone; the last sample is followed by nothing (the worklet must fade it). */
function toneInt16(seconds: number, frequency = 1000, amplitude = 0.5): Int16Array {
  const out = new Int16Array(Math.round(seconds * WIRE_RATE));
  for (let n = 0; n < out.length; n++) out[n] = Math.round(amplitude * 32_767 * Math.sin((2 * Math.PI * frequency * n) / WIRE_RATE));
  return out;
}

function createNode(ctx: BaseAudioContext, options: Partial<PlaybackOptions> = {}): { node: AudioWorkletNode; events: PlaybackEvent[] } {
  const node = new AudioWorkletNode(ctx, PLAYBACK_PROCESSOR, {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    processorOptions: { ...defaults, ...options },
  });
  const events: PlaybackEvent[] = [];
  node.port.onmessage = (event: MessageEvent<PlaybackEvent>) => events.push(structuredClone(event.data));
  node.connect(ctx.destination);
  return { node, events };
}

function post(node: AudioWorkletNode, samples: Int16Array): void {
  const pcm = samples.slice().buffer;
  node.port.postMessage({ type: 'audio', pcm }, [pcm]);
}

/** Largest |y[n] − y[n−1]|. */
function maxStep(y: Float32Array, from = 1, to = y.length): number {
  let worst = 0;
  for (let n = Math.max(1, from); n < to; n++) worst = Math.max(worst, Math.abs(y[n]! - y[n - 1]!));
  return worst;
}

function firstAbove(y: Float32Array, threshold: number): number {
  return y.findIndex((v) => Math.abs(v) > threshold);
}

function lastAbove(y: Float32Array, threshold: number): number {
  return y.findLastIndex((v) => Math.abs(v) > threshold);
}

/** Port messages trail the rendering. */
const settle = () => new Promise((r) => setTimeout(r, 100));

describe.each([48_000, 44_100])('playback worklet, OfflineAudioContext at %i Hz', (rate) => {
  itWithOfflineSuspend('plays a 1 kHz tone posted in irregular chunks: frequency, level, sample count, start time, no clicks', async () => {
    const seconds = 1;
    const tone = toneInt16(seconds);
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: Math.round(1.6 * rate), sampleRate: rate });
    await ctx.audioWorklet.addModule(moduleUrl);
    const { node, events } = createNode(ctx);

    // Chunks of 10–60 ms, each posted at the render quantum where its first sample would start at real time
    // (from 0.1 s on): a trickle with no slack beyond the buffer's own start delay.
    const random = seededRandom(7);
    const firstPostQuantum = Math.round((0.1 * rate) / QUANTUM);
    let usedQuantum = -1;
    for (let at = 0; at < tone.length; ) {
      const length = Math.min(tone.length - at, Math.round((10 + 50 * random()) * 16));
      const chunk = tone.subarray(at, at + length);
      const quantum = Math.max(usedQuantum + 1, firstPostQuantum + Math.floor((at / WIRE_RATE) * (rate / QUANTUM)));
      usedQuantum = quantum;
      ctx.suspend((quantum * QUANTUM) / rate).then(() => {
        post(node, chunk);
        ctx.resume();
      });
      at += length;
    }
    const rendered = (await ctx.startRendering()).getChannelData(0);
    await settle();

    // Start: the first chunk arrived at 0.1 s; the first turn waits the initial target (40 ms), plus up to one
    // quantum for the message and the upsampler's delay.
    const start = firstAbove(rendered, 1e-4);
    const startMs = (start / rate) * 1000;
    expect(startMs).toBeGreaterThanOrEqual(100 + JITTER_BUFFER_DEFAULTS.initialTargetMs);
    expect(startMs).toBeLessThan(100 + JITTER_BUFFER_DEFAULTS.initialTargetMs + (QUANTUM / rate) * 1000 + 4);

    // Every sample played once, in time stretched as the stats say (shedMs of source played faster, stretchedMs of
    // output added), then the concealment tail: after the stream's last sample the buffer cannot tell the end from
    // a late packet, so it plays the last pitch period on and fades it, counted in concealedMs. The sound lasts the
    // tone's length, less what was shed, plus what was stretched and concealed (± the fades' edges and the whole-ms
    // rounding of the figures).
    const stats = events.filter((e) => e.type === 'stats').at(-1);
    if (stats?.type !== 'stats') throw new Error('no stats message');
    const { stretchedMs, shedMs, concealedMs } = stats.stats;
    expect(concealedMs).toBeGreaterThan(0);
    const played = seconds + (stretchedMs + concealedMs - shedMs) / 1000;
    const end = lastAbove(rendered, 1e-4);
    expect(Math.abs((end - start) / rate - played)).toBeLessThan(0.006);

    // Frequency and level over the steady middle.
    const from = start + Math.round(0.05 * rate);
    const length = end - Math.round(0.05 * rate) - from;
    const hz = zeroCrossingFrequency(rendered, rate, from, length);
    expect(Math.abs(hz - 1000) / 1000).toBeLessThan(0.005);
    const fit = fitSine(rendered, rate, 1000, from, length);
    expect(Math.abs(db(fit.amplitude / (0.5 * (32_767 / 32_768))))).toBeLessThan(0.2);

    // No clicks: nowhere a step larger than the tone's own largest step (2π·f/rate·A), fades included.
    const toneStep = 2 * Math.PI * (1000 / rate) * 0.5;
    expect(maxStep(rendered)).toBeLessThanOrEqual(toneStep * 1.01);
    // And the edges are ramps, not cuts: the first and last audible samples are tiny.
    expect(Math.abs(rendered[start]!)).toBeLessThan(0.01);
    expect(Math.abs(rendered[end]!)).toBeLessThan(0.01);

    // No underrun; one turn: speaking on, then off; the stats account for every sample.
    expect(stats.stats).toMatchObject({
      receivedSamples: tone.length,
      playedSamples: tone.length,
      underruns: 0,
      queuedMs: 0,
    });
    expect(events.filter((e) => e.type === 'speaking').map((e) => e.type === 'speaking' && e.speaking)).toEqual([true, false]);
  });

  itWithOfflineSuspend(
    'flushes mid-tone: silent within one quantum + 5 ms, and reports the exact split of played and dropped',
    async () => {
      const tone = toneInt16(2);
      const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: Math.round(1.2 * rate), sampleRate: rate });
      await ctx.audioWorklet.addModule(moduleUrl);
      const { node, events } = createNode(ctx);
      ctx.suspend(0).then(() => {
        post(node, tone);
        ctx.resume();
      });
      const flushQuantum = Math.round((0.5 * rate) / QUANTUM);
      ctx.suspend((flushQuantum * QUANTUM) / rate).then(() => {
        node.port.postMessage({ type: 'flush', id: 9 });
        ctx.resume();
      });
      const rendered = (await ctx.startRendering()).getChannelData(0);
      await settle();

      const flushFrame = flushQuantum * QUANTUM;
      // Playing right up to the flush.
      expect(Math.max(...rendered.subarray(flushFrame - 200, flushFrame).map(Math.abs))).toBeGreaterThan(0.45);
      // Silent within one quantum (the command is handled between quanta) + 5 ms: the output fade is 4 ms.
      const silentFrom = flushFrame + QUANTUM + Math.round(0.005 * rate);
      expect(Math.max(...rendered.subarray(silentFrom).map(Math.abs))).toBeLessThan(1e-4);
      const toneStep = 2 * Math.PI * (1000 / rate) * 0.5;
      expect(maxStep(rendered, flushFrame)).toBeLessThanOrEqual(toneStep * 1.01);

      const flushed = events.find((e) => e.type === 'flushed');
      expect(flushed?.type).toBe('flushed');
      if (flushed?.type !== 'flushed') return;
      expect(flushed.id).toBe(9);
      expect(flushed.playedSamples + flushed.droppedSamples).toBe(tone.length);
      // From the first sound to the flush had played (the start delay is the buffer's own choice: a 2 s burst may
      // start below the initial target), less the upsampler's 3 ms delay, + the 4 ms fade tail, + the source played
      // faster − any output stretched; either message may land a quantum late (2.7 ms at 48 kHz), the FIFO runs up
      // to 1 ms ahead, and the stretch figures are whole ms.
      const stats = events.filter((e) => e.type === 'stats').at(-1);
      if (stats?.type !== 'stats') throw new Error('no stats message');
      const heard = (flushFrame - firstAbove(rendered, 1e-4)) / rate + 0.003 + 0.0045;
      const consumedExtra = (stats.stats.shedMs - stats.stats.stretchedMs) / 1000;
      expect(Math.abs(flushed.playedSamples / WIRE_RATE - (heard + consumedExtra))).toBeLessThan(0.004);
      const speaking = events.filter((e) => e.type === 'speaking').map((e) => e.type === 'speaking' && e.speaking);
      expect(speaking).toEqual([true, false]);
    },
  );
});

describe('playback worklet: volume', () => {
  itWithOfflineSuspend('ramps a volume change smoothly (no zipper step) to the new level', async () => {
    const rate = 48_000;
    const tone = toneInt16(1);
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: rate, sampleRate: rate });
    await ctx.audioWorklet.addModule(moduleUrl);
    const { node } = createNode(ctx, { volume: 1 });
    ctx.suspend(0).then(() => {
      post(node, tone);
      ctx.resume();
    });
    const changeQuantum = Math.round((0.5 * rate) / QUANTUM);
    ctx.suspend((changeQuantum * QUANTUM) / rate).then(() => {
      node.port.postMessage({ type: 'volume', volume: 0.25 });
      ctx.resume();
    });
    const rendered = (await ctx.startRendering()).getChannelData(0);
    const change = changeQuantum * QUANTUM;
    const before = fitSine(rendered, rate, 1000, change - 9600, 9600);
    const after = fitSine(rendered, rate, 1000, change + 4800, 9600);
    expect(db(after.amplitude / before.amplitude)).toBeCloseTo(db(0.25), 1);
    // A gain jump from 1 to 0.25 at a peak would be a step of 0.375; the ramp keeps every step within the tone's own.
    expect(maxStep(rendered, change - QUANTUM, change + 4800)).toBeLessThanOrEqual(2 * Math.PI * (1000 / rate) * 0.5 * 1.01);
  });
});

describe('playback worklet: level', () => {
  itWithOfflineSuspend('reads a steady tone at its RMS within 0.05 dB in every interval, though intervals end mid-quantum', async () => {
    // At 44.1 kHz a 50 ms interval is 2,205 frames, 17.2 quanta: each message closes on a quantum boundary, so
    // every interval's sums cover a different number of frames, and the mean must divide by that number.
    const rate = 44_100;
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: rate, sampleRate: rate });
    await ctx.audioWorklet.addModule(moduleUrl);
    const { node, events } = createNode(ctx, { levelIntervalMs: 50 });
    ctx.suspend(0).then(() => {
      post(node, toneInt16(1));
      ctx.resume();
    });
    await ctx.startRendering();
    await settle();
    const levels = events.flatMap((e) => (e.type === 'level' ? [e.level.rmsDb] : []));
    expect(levels.length).toBe(Math.floor(rate / 2205));
    // The tone starts 40 ms in (the start delay) and fades in over 4 ms: intervals from the third on are all tone.
    const expected = db((0.5 * (32_767 / 32_768)) / Math.SQRT2);
    for (const rmsDb of levels.slice(2)) expect(Math.abs(rmsDb - expected)).toBeLessThan(0.05);
  });
});

describe('playback worklet: speaking', () => {
  itWithOfflineSuspend('posts speaking at the first audible sample after a silent pre-roll, with its exact play position', async () => {
    // 200 ms of ±1 LSB (an agent's silent pre-roll), then 0.5 s of tone (its sample 0 is 0: the first audible
    // one is sample 1), all posted at once at 0.1 s.
    const rate = 48_000;
    const preRoll = 200 * 16;
    const tone = toneInt16(0.5);
    const audio = new Int16Array(preRoll + tone.length);
    for (let n = 0; n < preRoll; n++) audio[n] = n & 1 ? 1 : -1;
    audio.set(tone, preRoll);
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: Math.round(1.4 * rate), sampleRate: rate });
    await ctx.audioWorklet.addModule(moduleUrl);
    const { node, events } = createNode(ctx);
    ctx.suspend(Math.round((0.1 * rate) / QUANTUM) * (QUANTUM / rate)).then(() => {
      post(node, audio);
      ctx.resume();
    });
    await ctx.startRendering();
    await settle();
    const speaking = events.flatMap((e) => (e.type === 'speaking' ? [[e.speaking, e.playedSamples] as const] : []));
    // Rise at the tone's first audible sample, not at the pre-roll; fall once it has all played (turnGapMs later).
    expect(speaking).toEqual([
      [true, preRoll + 1],
      [false, audio.length],
    ]);
  });
});

describe('playback worklet, realtime AudioContext', () => {
  it('plays posted audio under a running clock and reports speaking, level and stats', async () => {
    const ctx = new AudioContext();
    try {
      await ctx.resume();
      await ctx.audioWorklet.addModule(moduleUrl);
      // 10 ms asks for 100 messages a second: the processor must hold them to 30.
      const { node, events } = createNode(ctx, { levelIntervalMs: 10 });
      const t0 = ctx.currentTime;
      const tone = toneInt16(0.5);
      for (let at = 0; at < tone.length; at += 1600) post(node, tone.subarray(at, at + 1600));
      // 1.5 s of the audio clock and the end of speech reported (at most 10 s of wall time): on a busy machine the
      // messages of the last 0.1 s came after a 1.5 s wall-clock sleep (WebKit at load 10).
      const wallLimit = performance.now() + 10_000;
      const ended = () => events.some((e) => e.type === 'speaking' && !e.speaking);
      while ((ctx.currentTime - t0 < 1.5 || !ended()) && performance.now() < wallLimit) await new Promise((r) => setTimeout(r, 20));
      const elapsed = ctx.currentTime - t0;

      expect(events.filter((e) => e.type === 'speaking').map((e) => e.type === 'speaking' && e.speaking)).toEqual([true, false]);
      const stats = events.filter((e) => e.type === 'stats').at(-1);
      expect(stats?.type === 'stats' && stats.stats).toMatchObject({
        receivedSamples: tone.length,
        playedSamples: tone.length,
        flushedSamples: 0,
      });
      // A sine of peak 0.5 reads −9.03 dBFS RMS while it plays.
      const loudest = Math.max(...events.map((e) => (e.type === 'level' ? e.level.rmsDb : Number.NEGATIVE_INFINITY)));
      expect(loudest).toBeGreaterThan(-9.6);
      expect(loudest).toBeLessThan(-8.9);
      // Bounded rate: 30 level messages a second (counted on the context's clock, not the timer's).
      const levels = events.filter((e) => e.type === 'level').length;
      expect(levels).toBeLessThanOrEqual(elapsed * 30 + 2);
      expect(levels).toBeGreaterThanOrEqual(elapsed * 30 * 0.9 - 2);
      node.disconnect();
    } finally {
      await ctx.close();
    }
  });
});
