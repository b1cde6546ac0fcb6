/** The demo page works through its own controls with the built ESM bundle and with the `<script>` IIFE bundle. */
import { expect, test } from './fixtures.ts';

for (const build of ['esm', 'iife'] as const) {
  test(`the demo works with the ${build} build`, async ({ startServer, openPage }) => {
    const server = await startServer({ agent: 'loopback' });
    const page = await openPage({
      mic: 'tone440',
      loop: true,
      query: { build, server: server.url, apiKey: server.devApiKey, agent: 'loopback' },
    });
    await expect(page.locator('#build-label')).toHaveText(build);
    if (build === 'iife') expect(await page.evaluate(() => typeof window.SavantsVoice?.VoiceClient)).toBe('function');
    await page.click('#connect');
    await expect(page.locator('#state-badge')).toHaveText('connected');
    // Both meters move: the microphone's tone goes out, the loopback agent's copy comes back and is played.
    await expect.poll(() => page.locator('#input-db').textContent()).toMatch(/^-\d/);
    await expect.poll(() => page.locator('#output-db').textContent()).toMatch(/^-\d/);
    const stats = await page.evaluate(() => window.voiceClient!.stats);
    expect(stats.bytesSent).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate(() => window.voiceClient!.stats.bytesReceived)).toBeGreaterThan(0);
    await page.click('#disconnect');
    await expect(page.locator('#state-badge')).toHaveText('closed');
    await expect.poll(() => page.evaluate(() => window.__probe.counts())).toMatchObject({ liveContexts: 0, liveSockets: 0, liveTracks: 0 });
  });
}
