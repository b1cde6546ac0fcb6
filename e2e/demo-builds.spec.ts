/** The demo page works through its own controls with the built ESM bundle and with the `<script>` IIFE bundle. */
import { expect, test, WAV_MIC } from './fixtures.ts';
import { textOf } from './test-page.ts';

for (const build of ['esm', 'iife'] as const) {
  test(`the demo works with the ${build} build${WAV_MIC}`, async ({ startServer, openPage }) => {
    const server = await startServer({ agent: 'loopback' });
    const page = await openPage({
      mic: 'tone440',
      loop: true,
      query: { build, server: server.url, agent: 'loopback' },
    });
    await expect.poll(() => textOf(page, '#build-label')).toBe(build);
    // Before any click: the client exists (its constructor never connects), the key field hides what it holds, and
    // the key the page uses is the reference server's development key, not one from the URL.
    expect(await page.evaluate(() => window.voiceClient?.state)).toBe('idle');
    expect(await page.getAttribute('#api-key', 'type')).toBe('password');
    await expect.poll(() => page.inputValue('#api-key')).toBe('sk_dev_savants_local');
    expect(page.url()).not.toContain('apiKey');
    if (build === 'iife') expect(await page.evaluate(() => typeof window.SavantsVoice?.VoiceClient)).toBe('function');
    await page.click('#connect');
    await expect.poll(() => textOf(page, '#state-badge')).toBe('connected');
    // Both meters read the tone (about -9 dBFS RMS): the microphone's goes out, the loopback agent's copy comes
    // back and is played. Any number would not do: the meters print levels down to -120 dB, float noise included.
    const meterDb = async (id: string) => Number.parseFloat(await textOf(page, id));
    await expect.poll(() => meterDb('#input-db')).toBeGreaterThan(-20);
    await expect.poll(() => meterDb('#output-db')).toBeGreaterThan(-20);
    const stats = await page.evaluate(() => window.voiceClient!.stats);
    expect(stats.bytesSent).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate(() => window.voiceClient!.stats.bytesReceived)).toBeGreaterThan(0);
    await page.click('#disconnect');
    await expect.poll(() => textOf(page, '#state-badge')).toBe('closed');
    await expect.poll(() => page.evaluate(() => window.__probe.counts())).toMatchObject({ liveContexts: 0, liveSockets: 0, liveTracks: 0 });
  });
}
