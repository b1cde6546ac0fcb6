/**
 * Connect, disconnect, connect again, all fired while the page's first `connect()` is still importing the call
 * machinery (no `preload()`), in real Chromium against the real reference server. This file must stay on its own: the
 * machinery is imported once per page. Found by the randomized lifecycle test (seeds 958 and 1209): the second
 * `connect()` joined the call being hung up instead of starting a new one, so it never connected and one
 * `disconnected` was missing.
 */
import { expect, it } from 'vitest';
import { makeTestClient } from './support/test-client.ts';

it('a connect() after a disconnect() during the first import starts a new call that connects', async () => {
  const { client, events } = makeTestClient('echo', ['disconnected', 'connected']);
  const first = client.connect();
  const hangingUp = client.disconnect();
  const second = client.connect();
  await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
  await hangingUp;
  await second;
  expect(client.state).toBe('connected');
  await client.disconnect();
  // One `disconnected` per call started, and only the second call connected.
  expect(events.map((e) => e.type)).toEqual(['disconnected', 'connected', 'disconnected']);
});
