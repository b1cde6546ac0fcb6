/**
 * The worklet loader and the two node wrappers with the real worklets in real Chromium: frames come out of the
 * capture node at the wire format and real-time pace; the playback node plays what it is given, reports its
 * position, and flushes on demand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureNode } from '../../src/audio/capture-node.ts';
import { PlaybackNode } from '../../src/audio/playback-node.ts';
import { loadWorklets } from '../../src/audio/worklet-loader.ts';
import type { Level, PlaybackStats } from '../../src/audio/worklet-messages.ts';

const contexts: AudioContext[] = [];
afterEach(async () => {
  for (const context of contexts.splice(0)) if (context.state !== 'closed') await context.close();
});

async function runningContext(): Promise<AudioContext> {
  const context = new AudioContext();
  contexts.push(context);
  await context.resume();
  return context;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until `context`'s clock has advanced `seconds` (not the wall clock: Firefox's mock audio device runs at
 * 0.6–0.97× real time), then until `count()` has caught up with `perSecond` per second of it, less `slack`: a busy
 * main thread receives the worklet's messages late and in bursts (WebKit at load 20: none after 0.45 s of audio, 29
 * at 0.92 s; at load 10, 22 frames behind). Returns the count then, the audio seconds of the window (a lower bound
 * on the count) and the audio seconds when the count was read (an upper bound).
 */
async function audioPaced(
  context: AudioContext,
  seconds: number,
  count: () => number,
  perSecond: number,
  slack: number,
): Promise<{ counted: number; window: number; read: number }> {
  const start = context.currentTime;
  while (context.currentTime - start < seconds) await sleep(10);
  const window = context.currentTime - start;
  const due = Math.floor(window * perSecond) - slack;
  for (const deadline = performance.now() + 3000; count() < due && performance.now() < deadline; ) await sleep(10);
  return { counted: count(), window, read: context.currentTime - start };
}

describe('loadWorklets', () => {
  it('loads once per context: the second call returns the same promise', async () => {
    const context = await runningContext();
    const first = loadWorklets(context);
    expect(loadWorklets(context)).toBe(first);
    await first;
  });

  it('fails with WORKLET_LOAD_FAILED for a workletBaseUrl that serves nothing, and forgets the failure', async () => {
    const context = await runningContext();
    const failed = loadWorklets(context, '/no-such-dir/');
    await expect(failed).rejects.toMatchObject({ code: 'WORKLET_LOAD_FAILED' });
    // A later call tries again (with the inlined worklets this time) instead of replaying the failure.
    await expect(loadWorklets(context)).resolves.toBeUndefined();
  });
});

describe('CaptureNode', () => {
  it('delivers 20 ms Int16 frames (640 bytes) of a 1 kHz oscillator at real-time pace, with levels', async () => {
    const context = await runningContext();
    await loadWorklets(context);
    const frames: ArrayBuffer[] = [];
    const levels: Level[] = [];
    const capture = new CaptureNode(
      context,
      { frameSamples: 320, levelIntervalMs: 50, muted: false },
      {
        onFrame: (pcm) => {
          frames.push(pcm.slice(0));
          capture.recycle(pcm);
        },
        onLevel: (level) => levels.push(level),
        onError: (error) => {
          throw error;
        },
      },
    );
    const oscillator = new OscillatorNode(context, { frequency: 1000 });
    const gain = new GainNode(context, { gain: 0.5 });
    oscillator.connect(gain).connect(capture.node);
    oscillator.start();
    const paced = await audioPaced(context, 1, () => frames.length, 50, 10);
    capture.dispose();
    oscillator.stop();
    expect(frames.every((f) => f.byteLength === 640)).toBe(true);
    // 50 frames per second of the audio clock, give or take the start-up and the timer's slack.
    expect(paced.counted).toBeGreaterThan(paced.window * 50 - 10);
    expect(paced.counted).toBeLessThan(paced.read * 50 + 10);
    const steady = new Int16Array(frames[frames.length - 1]!);
    let peak = 0;
    for (const s of steady) peak = Math.max(peak, Math.abs(s));
    // A 0.5 sine: peak ≈ 16384.
    expect(Math.abs(peak / 32768 - 0.5)).toBeLessThan(0.02);
    expect(levels.length).toBeGreaterThan(10);
    expect(Math.abs(levels[levels.length - 1]!.rmsDb - 20 * Math.log10(0.5 / Math.SQRT2))).toBeLessThan(0.5);
  });

  it('sends digital silence while muted, at the same pace', async () => {
    const context = await runningContext();
    await loadWorklets(context);
    const frames: Int16Array[] = [];
    const capture = new CaptureNode(
      context,
      { frameSamples: 320, levelIntervalMs: 50, muted: true },
      { onFrame: (pcm) => frames.push(new Int16Array(pcm)), onLevel: () => {}, onError: () => {} },
    );
    const oscillator = new OscillatorNode(context, { frequency: 440 });
    oscillator.connect(capture.node);
    oscillator.start();
    const paced = await audioPaced(context, 0.5, () => frames.length, 50, 6);
    capture.dispose();
    expect(paced.counted).toBeGreaterThan(18);
    expect(paced.counted).toBeGreaterThan(paced.window * 50 - 10);
    expect(paced.counted).toBeLessThan(paced.read * 50 + 10);
    expect(frames.every((f) => f.every((s) => s === 0))).toBe(true);
  });
});

describe('PlaybackNode', () => {
  function sine(samples: number, frequency: number, amplitude: number): ArrayBuffer {
    const pcm = new Int16Array(samples);
    for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / 16_000));
    return pcm.buffer;
  }

  it('plays queued audio (speaking, level, stats) and a flush stops it and reports the position', async () => {
    const context = await runningContext();
    await loadWorklets(context);
    const speaking: boolean[] = [];
    const levels: Level[] = [];
    let stats: PlaybackStats | undefined;
    const playback = new PlaybackNode(
      context,
      { volume: 1, levelIntervalMs: 50 },
      { onSpeaking: (s) => speaking.push(s), onLevel: (l) => levels.push(l), onStats: (s) => (stats = s), onError: () => {} },
    );
    playback.node.connect(context.destination);
    // 4 s of 440 Hz at half scale, in one go (a burst, as TTS servers send).
    playback.enqueue(sine(64_000, 440, 0.5));
    // 0.5 s of the audio clock from the first sound (the wall clock runs ahead of Firefox's mock device, and the
    // enqueue reaches a busy worklet late: 130 ms played in the 0.5 s after it, WebKit at load 10).
    const enqueued = context.currentTime;
    for (const limit = performance.now() + 5000; speaking.length === 0 && performance.now() < limit; ) await sleep(5);
    const start = context.currentTime;
    while (context.currentTime - start < 0.5) await sleep(10);
    const result = await playback.flush();
    // The flush lands when the worklet gets it: later than asked when the main thread is busy, never later than now.
    const playedBound = (context.currentTime - enqueued) * 16_000;
    expect(speaking[0]).toBe(true);
    expect(result.playedSamples).toBeGreaterThan(0.3 * 16_000);
    expect(result.playedSamples).toBeLessThan(playedBound);
    // Played (the fade tail included) and dropped split what was queued exactly.
    expect(result.playedSamples + result.droppedSamples).toBe(64_000);
    expect(result.droppedSamples).toBeGreaterThan(1.2 * 16_000);
    expect(Math.max(...levels.map((l) => l.rmsDb))).toBeGreaterThan(-12);
    await sleep(200);
    expect(speaking[speaking.length - 1]).toBe(false);
    expect(stats?.receivedSamples).toBe(64_000);
    playback.dispose();
    // Disposed, its port is closed: a later flush settles at once with the last known position.
    await expect(playback.flush()).resolves.toEqual({ playedSamples: stats?.playedSamples, droppedSamples: 0 });
  });
});
