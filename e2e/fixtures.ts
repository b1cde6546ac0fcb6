/**
 * Playwright fixtures: a reference server per test (in this process, on a free port, recording to the test's
 * output dir) and pages in their own Chromium, launched with the fake microphone playing a chosen fixture.
 */
import { mkdirSync } from 'node:fs';
import { type Browser, test as base, chromium, type Page } from '@playwright/test';
import { createVoiceServer, silentLogger, type VoiceServer, type VoiceServerOptions } from '@savants/voice-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from '../chromium.ts';
import { type FixtureName, fixturePath } from './fixture-files.ts';
import { installProbe } from './page-probe.ts';

export interface PageOptions {
  /** The fixture the fake microphone plays; none: Chromium's default beep. */
  mic?: FixtureName;
  /** Play the fixture in a loop (default: once, then its trailing silence repeats). */
  loop?: boolean;
  /** Grant the microphone without a prompt (default). `false`: headless Chromium denies the permission. */
  grantMicrophone?: boolean;
  /** Let audio start without a user gesture (default). `false`: Chromium's default autoplay policy applies. */
  autoplay?: boolean;
  /** Extra query parameters of the demo page. */
  query?: Record<string, string>;
}

interface Fixtures {
  startServer(options?: VoiceServerOptions): Promise<VoiceServer>;
  openPage(options?: PageOptions): Promise<Page>;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  startServer: async ({}, use, testInfo) => {
    const servers: VoiceServer[] = [];
    const recordDir = testInfo.outputPath('recordings');
    mkdirSync(recordDir, { recursive: true });
    await use(async (options = {}) => {
      const server = await createVoiceServer({ port: 0, logger: silentLogger, recordDir, ...options });
      servers.push(server);
      return server;
    });
    for (const server of servers) await server.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  openPage: async ({}, use, testInfo) => {
    const browsers: Browser[] = [];
    await use(async ({ mic, loop = false, grantMicrophone = true, autoplay = true, query = {} } = {}) => {
      const micArgs = fakeMicArgs(mic ? `${fixturePath(mic)}${loop ? '' : '%noloop'}` : undefined);
      const args = [...CHROMIUM_ARGS, ...micArgs].filter(
        (arg) => (grantMicrophone || arg !== '--use-fake-ui-for-media-stream') && (autoplay || !arg.startsWith('--autoplay-policy')),
      );
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
      browsers.push(browser);
      const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
      await context.addInitScript(installProbe);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') console.log(`[page console] ${message.text()}`);
      });
      await page.goto(`/?${new URLSearchParams({ debug: '1', processing: 'off', ...query })}`);
      await page.waitForFunction(() => window.demoReady === true);
      return page;
    });
    for (const browser of browsers) await browser.close();
  },
});

export { expect } from '@playwright/test';
