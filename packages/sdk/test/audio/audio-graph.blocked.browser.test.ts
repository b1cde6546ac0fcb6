/**
 * When the graph judges its AudioContext blocked by the autoplay policy: only once the microphone is open, because a
 * capturing page may play audio in Safari and Firefox, and WebKit starts a context made without a gesture once the
 * capture runs (WebKitGTK, a call started at page load: `audioblocked` fired 1 s into the call, the context ran 1 s
 * later). Failure injection: the context's `resume()` never starts it (a blocked context cannot be produced while a
 * real microphone is live), and `getUserMedia` is held back 300 ms, longer than the resume timeout.
 */
import { afterEach, expect, it } from 'vitest';
import { AudioGraph, type AudioGraphHooks } from '../../src/audio/audio-graph.ts';
import { resolveAudioOptions } from '../../src/audio/audio-options.ts';

const originalGetUserMedia = MediaDevices.prototype.getUserMedia;
afterEach(() => {
  MediaDevices.prototype.getUserMedia = originalGetUserMedia;
});

it('judges the context blocked only after the microphone opened, then reports it once', async () => {
  const order: string[] = [];
  MediaDevices.prototype.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stream = await originalGetUserMedia.call(this, constraints);
    order.push('microphone');
    return stream;
  };
  const context = new AudioContext();
  await context.suspend();
  // Its 'suspended' statechange is dispatched after suspend() settles: let it pass, or the graph's keeper would take it
  // for the browser suspending a running call. A context made without a gesture starts suspended with no event.
  await new Promise((resolve) => setTimeout(resolve, 50));
  context.resume = () => new Promise<void>(() => {});
  const hooks: AudioGraphHooks = {
    onFrame: () => {},
    onInputLevel: () => {},
    onOutputLevel: () => {},
    onAgentSpeaking: () => {},
    onPlaybackStats: () => {},
    onBlocked: () => order.push('blocked'),
    onRunning: () => order.push('running'),
    onDeviceChange: () => {},
    onError: (error) => order.push(`error ${error.code}`),
  };
  const graph = new AudioGraph({ ...resolveAudioOptions({}), resumeTimeoutMs: 100 }, hooks, context);
  try {
    await graph.start();
    expect(order).toEqual(['microphone', 'blocked']);
    expect(graph.blocked).toBe(true);
  } finally {
    await graph.close();
  }
});
