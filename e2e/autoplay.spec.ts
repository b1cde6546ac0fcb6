/**
 * Chromium's default autoplay policy (no `--autoplay-policy` flag), a call started on page load without any user
 * gesture (`?autoconnect`). Chromium lets a page that captures the microphone start its AudioContext, so the client
 * must come up with audio flowing and no `audioblocked`. (The blocked path itself cannot be produced in Chromium
 * while a microphone is live; AudioContextKeeper's resume logic is covered by the browser unit tests.)
 */
import { expect, test, WAV_MIC } from './fixtures.ts';
import { textOf } from './test-page.ts';

test(`without the autoplay flag, a call started on page load (no gesture) still streams both ways${WAV_MIC}`, async ({
  startServer,
  openPage,
}) => {
  const server = await startServer({ agent: 'loopback' });
  const page = await openPage({
    mic: 'tone440',
    loop: true,
    autoplay: false,
    query: { server: server.url, agent: 'loopback', autoconnect: '1' },
  });
  await expect.poll(() => textOf(page, '#state-badge')).toBe('connected');
  await expect.poll(() => page.evaluate(() => window.voiceClient!.stats.framesCaptured)).toBeGreaterThan(10);
  await expect.poll(() => page.evaluate(() => window.voiceClient!.stats.bytesReceived)).toBeGreaterThan(0);
  expect(await textOf(page, '#event-log')).not.toContain('audioblocked');
  await expect.poll(() => page.isHidden('#resume-audio')).toBe(true);
  await page.click('#disconnect');
  await expect.poll(() => textOf(page, '#state-badge')).toBe('closed');
});
