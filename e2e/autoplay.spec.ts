/**
 * The engine's default autoplay policy (no autoplay flag or pref), a call started on page load without any user
 * gesture (`?autoconnect`). Browsers let a page that captures the microphone start its AudioContext, so the client
 * must come up with audio flowing and no `audioblocked`. (The blocked path itself cannot be produced while a
 * microphone is live; AudioContextKeeper's resume logic is covered by the browser unit tests.) The microphone is the
 * engine's own fake device, the real capture path that lifts the restriction: a getUserMedia shim plays its WAV
 * through an AudioContext of its own, which WebKit does not start without a gesture.
 */
import { expect, test } from './fixtures.ts';
import { textOf } from './test-page.ts';

test('without the autoplay flag, a call started on page load (no gesture) still streams both ways', async ({ startServer, openPage }) => {
  const server = await startServer({ agent: 'loopback' });
  const page = await openPage({
    autoplay: false,
    query: { server: server.url, agent: 'loopback', autoconnect: '1' },
  });
  // The page loads the call machinery first: 15 s to connect (WebKit at load 20+ needed 14 s from page load).
  await expect.poll(() => textOf(page, '#state-badge'), { timeout: 15_000 }).toBe('connected');
  await expect.poll(() => page.evaluate(() => window.voiceClient!.stats.framesCaptured)).toBeGreaterThan(10);
  await expect.poll(() => page.evaluate(() => window.voiceClient!.stats.bytesReceived)).toBeGreaterThan(0);
  expect(await textOf(page, '#event-log')).not.toContain('audioblocked');
  await expect.poll(() => page.isHidden('#resume-audio')).toBe(true);
  await page.click('#disconnect');
  await expect.poll(() => textOf(page, '#state-badge')).toBe('closed');
});
