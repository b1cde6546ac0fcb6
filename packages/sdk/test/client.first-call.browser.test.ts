/**
 * The first `connect()` of a page, which imports the call machinery (no `preload()`), in real Chromium against the
 * real reference server. This file must stay on its own: the machinery is imported once per page, so only the first
 * calls of a page go through the import. getUserMedia and AudioContext are wrapped to observe what the SDK created
 * (the browser's real objects); sockets are counted through the client's `WebSocket` option.
 */
import { expect, it } from 'vitest';
import { makeTestClient } from './support/test-client.ts';

const contexts: AudioContext[] = [];
const NativeAudioContext = window.AudioContext;
window.AudioContext = class extends NativeAudioContext {
  constructor(options?: AudioContextOptions) {
    super(options);
    contexts.push(this);
  }
};
let microphoneRequests = 0;
const media = navigator.mediaDevices;
const nativeGetUserMedia = media.getUserMedia.bind(media);
media.getUserMedia = (constraints) => {
  microphoneRequests++;
  return nativeGetUserMedia(constraints);
};
let sockets = 0;
class CountedWebSocket extends WebSocket {
  constructor(url: string | URL) {
    super(url);
    sockets++;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = (promise: Promise<unknown>) =>
  Promise.race([
    promise.then(
      () => 'resolved',
      (error: { code?: string }) => `rejected ${error.code}`,
    ),
    sleep(10_000).then(() => 'pending'),
  ]);

it('the first connect() of a page makes its AudioContext before importing the call code (inside the gesture); ending it during the import starts nothing', async () => {
  const types = ['disconnected', 'statechange'] as const;
  const a = makeTestClient('echo', types, { WebSocket: CountedWebSocket });
  const b = makeTestClient('echo', types, { WebSocket: CountedWebSocket });
  const controller = new AbortController();
  const connectingA = a.client.connect({ signal: controller.signal });
  // Synchronously, before any await: Safari and Chrome count the user's activation only until then.
  expect(contexts).toHaveLength(1);
  const connectingB = b.client.connect();
  expect(contexts).toHaveLength(2);
  // Both end while the machinery is still being imported: one by its signal, one by disconnect().
  controller.abort();
  const hangingUp = b.client.disconnect();
  expect(await outcome(connectingA)).toBe('rejected ABORTED');
  expect(await outcome(connectingB)).toBe('rejected ABORTED');
  await hangingUp;
  await sleep(500);
  for (const { client, events } of [a, b]) {
    expect(events.filter((e) => e.type === 'disconnected')).toHaveLength(1);
    expect(client.state).toBe('closed');
  }
  // Neither call opened the microphone or a socket, and both contexts are closed.
  expect(microphoneRequests).toBe(0);
  expect(sockets).toBe(0);
  expect(contexts.map((c) => c.state)).toEqual(['closed', 'closed']);
  // The machinery is here now: a call connects, with its own context.
  expect(await outcome(a.client.connect())).toBe('resolved');
  expect(contexts).toHaveLength(3);
  await a.client.disconnect();
  expect(contexts.map((c) => c.state)).toEqual(['closed', 'closed', 'closed']);
});
