/**
 * The default worklet path over many audio start-ups in one page, as a page that connects and disconnects again and
 * again does it: a new AudioContext each time, both worklets loaded by `loadWorklets` (the lazily imported chunk,
 * `data:` URLs), a capture and a playback node wired and running, then everything closed. In WebKit, Blob-URL
 * modules froze a page like this within a few start-ups (see worklet-loader.ts); the test is engine-neutral so it
 * runs wherever the browser tier runs. An oscillator stands in for the microphone: what is tested is the loading,
 * and the frames prove each start-up's worklets really run.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CaptureNode } from '../../src/audio/capture-node.ts';
import { PlaybackNode } from '../../src/audio/playback-node.ts';
import { loadWorklets } from '../../src/audio/worklet-loader.ts';
import { engine } from '../support/engine.ts';

/**
 * 8 in WebKit: WebKitGTK's web process crashes at the 11th or 12th AudioContext of a page in this tier (5 of 8 runs of
 * this file; with accelerated compositing on, which vitest's tester page needs), an engine crash unrelated to the
 * loading. 8 is well past the Blob-URL freezes (within a few start-ups), and the e2e 30 connect/disconnect cycles run
 * 30 start-ups in one WebKit page (compositing off).
 */
const START_UPS = engine === 'webkit' ? 8 : 20;
/** Capture frames (20 ms each) a start-up waits for. */
const FRAMES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's value, or rejects once `ms` pass: a frozen `addModule` fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const open: AudioContext[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const context of open.splice(0)) if (context.state !== 'closed') await context.close();
});

/** One start-up: context, worklets, nodes, audio through both until FRAMES capture frames are out; returns the capture frames and the load time. */
async function startUp(n: number): Promise<{ frames: number; loadMs: number }> {
  const context = new AudioContext();
  open.push(context);
  await within(context.resume(), 5_000, `start-up ${n}: resume()`);
  const t0 = performance.now();
  await within(loadWorklets(context), 5_000, `start-up ${n}: loadWorklets()`);
  const loadMs = performance.now() - t0;
  let frames = 0;
  const capture = new CaptureNode(
    context,
    { frameSamples: 320, levelIntervalMs: 100, muted: false },
    {
      onFrame: (pcm) => {
        frames++;
        capture.recycle(pcm);
      },
      onLevel: () => {},
      onError: (error) => {
        throw error;
      },
    },
  );
  const playback = new PlaybackNode(
    context,
    { volume: 1, levelIntervalMs: 100 },
    { onSpeaking: () => {}, onLevel: () => {}, onStats: () => {}, onError: () => {} },
  );
  playback.node.connect(context.destination);
  playback.enqueue(new Int16Array(3_200).fill(1_000).buffer);
  const oscillator = new OscillatorNode(context, { frequency: 440 });
  oscillator.connect(capture.node);
  oscillator.start();
  // Until a few frames are out (the worklets run), for at most 2 s of the audio clock: compare against the audio
  // clock, not the wall clock (Firefox's mock clock runs slow on a loaded machine).
  const until = context.currentTime + 2;
  while (frames < FRAMES && context.currentTime < until) await sleep(20);
  oscillator.stop();
  capture.dispose();
  playback.dispose();
  await within(context.close(), 5_000, `start-up ${n}: close()`);
  return { frames, loadMs };
}

describe('loadWorklets, default path', () => {
  it(`survives ${START_UPS} audio start-ups in one page, each with working worklets`, { timeout: 120_000 }, async () => {
    const results: { frames: number; loadMs: number }[] = [];
    for (let n = 1; n <= START_UPS; n++) results.push(await startUp(n));
    expect(results).toHaveLength(START_UPS);
    for (const [i, r] of results.entries()) expect(r.frames, `start-up ${i + 1}`).toBeGreaterThanOrEqual(FRAMES);
  });

  it('fails with WORKLET_LOAD_FAILED when addModule never settles (failure injection: WebKit can freeze there), and a later load tries again', async () => {
    const context = new AudioContext();
    open.push(context);
    const addModule = vi.spyOn(AudioWorklet.prototype, 'addModule').mockImplementation(() => new Promise(() => {}));
    const t0 = performance.now();
    await expect(loadWorklets(context, undefined, 200)).rejects.toMatchObject({ code: 'WORKLET_LOAD_FAILED' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    addModule.mockRestore();
    await within(loadWorklets(context), 5_000, 'the load after the failed one');
  });

  it('makes no Blob URL: WebKit can freeze on Blob-URL worklet modules', async () => {
    const createObjectURL = vi.spyOn(URL, 'createObjectURL');
    const addModule = vi.spyOn(AudioWorklet.prototype, 'addModule');
    const context = new AudioContext();
    open.push(context);
    await loadWorklets(context);
    expect(createObjectURL).not.toHaveBeenCalled();
    // One module registers both processors (worklets/voice.worklet.ts): one addModule per context.
    expect(addModule).toHaveBeenCalledTimes(1);
    for (const [url] of addModule.mock.calls) expect(String(url)).toMatch(/^data:text\/javascript;/);
  });
});
