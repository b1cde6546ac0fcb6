/**
 * End-to-end tests: the demo page in each engine (one project per engine: Debian Chromium, Firefox ESR, WebKitGTK) with a
 * microphone playing WAV fixtures, against real reference servers. One worker: real-time audio glitches under CPU contention (shared/notes/toolchain.md §3).
 *
 * The demo's Vite server is the `webServer`. Reference servers run inside the test process (`e2e/fixtures.ts`),
 * one per test on a free port, because the tests stop and restart them, read their stats and their recordings.
 */
import { defineConfig } from '@playwright/test';
import type { Engine } from './engines.ts';

const DEMO_PORT = Number(process.env.E2E_DEMO_PORT ?? 5199);

// Workers import the reference server from source; its `@savants/voice/protocol` import needs this condition.
// Set here, in the parent, so every worker process inherits it.
if (!process.env.NODE_OPTIONS?.includes('@savants/source')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=@savants/source`.trim();
}

export default defineConfig<object, { engine: Engine }>({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  // check.mjs runs engine steps side by side, each with its own folder: Playwright empties it when a run starts.
  outputDir: process.env.E2E_OUTPUT_DIR ?? './test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${DEMO_PORT}` },
  // `--project firefox` runs one engine. check.mjs runs them as separate steps.
  projects: [
    { name: 'chromium', use: { engine: 'chromium' } },
    // Firefox's mock audio device runs at 0.6–0.97× real time: the same audio takes longer on the wall clock.
    { name: 'firefox', use: { engine: 'firefox' }, timeout: 120_000 },
    // WebKitGTK through WebKitWebDriver (e2e/webkit-page.ts gives the specs the same page methods). Up to three
    // retries, and check.mjs accepts them only for the WebProcess crash (ENGINE_CRASH_MESSAGE), which comes at around
    // 1 % of AudioContext start-ups here: the 30 cycles crashed in both of their attempts once, at load 4-8.
    { name: 'webkit', use: { engine: 'webkit' }, retries: 3, timeout: 120_000 },
  ],
  webServer: {
    command: 'pnpm exec vite --config vite.config.ts --logLevel warn',
    env: { DEMO_PORT: String(DEMO_PORT), DEMO_FROZEN: '1' },
    url: `http://127.0.0.1:${DEMO_PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
