/**
 * Playwright fixtures: a reference server per test (in this process, on a free port, recording to the test's
 * output dir) and pages in their own browser, of the project's engine (playwright.config.ts), with a microphone
 * playing a chosen WAV fixture: Chromium's file-backed fake device, or in Firefox and WebKit a getUserMedia shim
 * (e2e/mic-shim.ts; tests that use it say so in their names through WAV_MIC). WebKit's pages are WebDriver pages
 * (e2e/webkit-page.ts) with the same TestPage methods, in one browser session per worker.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, test as base, chromium, firefox } from '@playwright/test';
import { createVoiceServer, silentLogger, type VoiceServer, type VoiceServerOptions } from '@savants/voice-server';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  type Engine,
  FIREFOX_DENY_MIC_PREFS,
  FIREFOX_PATH,
  FIREFOX_PREFS,
  fakeMicArgs,
  firefoxPulsePrefs,
  webkitArgs,
} from '../engines.ts';
import { FIXTURE_DIR, type FixtureName, fixturePath } from './fixture-files.ts';
import { installRefusedMicrophone, installWavMicrophone } from './mic-shim.ts';
import { type StaticServer, serveStatic } from './package-smoke-fixture.ts';
import { installProbe } from './page-probe.ts';
import { PULSE_MIC_MONITOR } from './pulse.ts';
import type { TestPage } from './test-page.ts';
import { closeWebKit, openWebKitPage } from './webkit-page.ts';

/** Appended to the name of every test whose microphone plays a WAV fixture: says how each engine gets it. */
export const WAV_MIC = ' [WAV mic: Chromium fake device; Firefox and WebKit getUserMedia shim]';

/**
 * Appended to the name of tests whose microphone is refused: WebKitWebDriver cannot deny a permission (MiniBrowser
 * under automation grants them all), so there a getUserMedia shim refuses (mic-shim.ts).
 */
export const REFUSED_MIC = ' [refused by: Chromium and Firefox permission; WebKit getUserMedia shim]';

export interface PageOptions {
  /** The fixture the microphone plays; none: the engine's own fake microphone (Chromium beeps, Firefox 1 kHz, WebKit a hum). */
  mic?: FixtureName;
  /** Play the fixture in a loop (default: once, then its trailing silence repeats). */
  loop?: boolean;
  /** Grant the microphone without a prompt (default). `false`: the headless engine denies the permission. */
  grantMicrophone?: boolean;
  /** Let audio start without a user gesture (default). `false`: the engine's default autoplay policy applies. */
  autoplay?: boolean;
  /** Extra query parameters of the demo page. */
  query?: Record<string, string>;
  /** Firefox only: capture through PulseAudio (this server; e2e/pulse.ts) instead of the fake microphone or the shim. */
  pulseServer?: string;
}

interface Fixtures {
  startServer(options?: VoiceServerOptions): Promise<VoiceServer>;
  openPage(options?: PageOptions): Promise<TestPage>;
}

interface WorkerFixtures {
  /** The project's engine (playwright.config.ts). */
  engine: Engine;
  /**
   * Firefox with the default test prefs, launched at the first page that needs it and shared by every test of the
   * worker (each page in a fresh context of its own). Launching Firefox with a fresh profile took 22–24 s per test
   * at load 20 on 2 cores (Chromium: 3 s), most of the Firefox e2e step; the microphone is an init script per
   * context (the shim), not a launch flag, so one browser serves every default page. Pages with other prefs
   * (refused microphone, autoplay rules, PulseAudio) still get their own browser.
   */
  sharedFirefox: () => Promise<Browser>;
  /** Serves the WAV fixtures with CORS, for the getUserMedia shim. */
  fixtureServer: StaticServer;
  /** Ends the worker's WebKit (Xvfb, driver, session) when the worker ends; nothing otherwise. */
  webkitTeardown: undefined;
}

async function launch(
  engine: Engine,
  { mic, loop = false, grantMicrophone = true, autoplay = true, pulseServer }: PageOptions,
): Promise<Browser> {
  if (engine === 'firefox' && pulseServer) {
    return firefox.launch({
      channel: 'moz-firefox',
      executablePath: FIREFOX_PATH,
      firefoxUserPrefs: firefoxPulsePrefs(PULSE_MIC_MONITOR),
      env: { ...process.env, PULSE_SERVER: pulseServer },
    } as Parameters<typeof firefox.launch>[0]);
  }
  if (engine === 'firefox') {
    const prefs = grantMicrophone ? { ...FIREFOX_PREFS } : { ...FIREFOX_DENY_MIC_PREFS };
    if (!autoplay) {
      delete prefs['media.autoplay.default'];
      delete prefs['media.autoplay.block-webaudio'];
    }
    return firefox.launch({ channel: 'moz-firefox', executablePath: FIREFOX_PATH, firefoxUserPrefs: prefs } as Parameters<
      typeof firefox.launch
    >[0]);
  }
  if (engine === 'chromium') {
    const micArgs = fakeMicArgs(mic ? `${fixturePath(mic)}${loop ? '' : '%noloop'}` : undefined);
    const args = [...CHROMIUM_ARGS, ...micArgs].filter(
      (arg) => (grantMicrophone || arg !== '--use-fake-ui-for-media-stream') && (autoplay || !arg.startsWith('--autoplay-policy')),
    );
    return chromium.launch({ executablePath: CHROMIUM_PATH, args });
  }
  throw new Error(`no Playwright launcher for ${engine}`);
}

/** Whether a page can use the shared Firefox: it asks for nothing its prefs would have to change. */
const usesDefaultFirefox = (engine: Engine, { grantMicrophone = true, autoplay = true, pulseServer }: PageOptions) =>
  engine === 'firefox' && grantMicrophone && autoplay && !pulseServer;

export const test = base.extend<Fixtures, WorkerFixtures>({
  engine: ['chromium', { option: true, scope: 'worker' }],
  sharedFirefox: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      let browser: Promise<Browser> | undefined;
      await use(() => {
        browser ??= launch('firefox', {});
        return browser;
      });
      await (await browser)?.close();
    },
    { scope: 'worker' },
  ],
  fixtureServer: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const server = await serveStatic(
        { '/': FIXTURE_DIR },
        { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' },
      );
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
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
  webkitTeardown: [
    async ({ engine }, use) => {
      await use(undefined);
      if (engine === 'webkit') await closeWebKit();
    },
    { scope: 'worker', auto: true },
  ],
  openPage: async ({ engine, fixtureServer, sharedFirefox }, use, testInfo) => {
    const browsers: Browser[] = [];
    const contexts: BrowserContext[] = [];
    const pages: TestPage[] = [];
    await use(async (options = {}) => {
      const baseURL = testInfo.project.use.baseURL;
      let page: TestPage;
      if (engine === 'webkit') {
        page = await openWebKitPage({ baseURL, args: webkitArgs({ autoplay: options.autoplay ?? true }) });
      } else {
        let browser: Browser;
        if (usesDefaultFirefox(engine, options)) browser = await sharedFirefox();
        else {
          browser = await launch(engine, options);
          browsers.push(browser);
        }
        const context = await browser.newContext({ baseURL });
        contexts.push(context);
        page = await context.newPage();
      }
      pages.push(page);
      if (engine !== 'chromium' && options.mic && options.grantMicrophone !== false && !options.pulseServer) {
        const wavUrl = `${fixtureServer.url}/${path.basename(fixturePath(options.mic))}`;
        await page.addInitScript(installWavMicrophone, { wavUrl, loop: options.loop ?? false });
      }
      if (engine === 'webkit' && options.grantMicrophone === false) await page.addInitScript(installRefusedMicrophone);
      await page.addInitScript(installProbe);
      page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') console.log(`[page console] ${message.text()}`);
      });
      await page.goto(`/?${new URLSearchParams({ debug: '1', processing: 'off', ...(options.query ?? {}) })}`);
      await page.waitForFunction(() => window.demoReady === true);
      return page;
    });
    for (const page of pages) await page.close();
    for (const context of contexts) await context.close();
    for (const browser of browsers) await browser.close();
  },
});

/**
 * Leaves the calling spec file (or describe block) out of some engines, with the reason in one line:
 * `exceptIn(['webkit'], 'why')` at the top of the file.
 */
export function exceptIn(engines: readonly Engine[], reason: string): void {
  test.skip(({ engine }) => engines.includes(engine), reason);
}

export { expect } from '@playwright/test';
