/**
 * The demo under a strict Content-Security-Policy (issue 6: "a test serves the demo under
 * `Content-Security-Policy: script-src 'self'; worker-src 'self'` and it still works"). The demo is built for
 * production (vite build, as an app would ship it) and served with that header beside packages/sdk/dist, whose
 * self-hosted worklets `?worklets=self` points the client at (`workletBaseUrl: '/sdk-dist/worklets/'`). The call
 * connects, and nothing on the page trips the policy. Control: the same build without `?worklets=self` (the inlined
 * `data:` URLs) ends in WORKLET_LOAD_FAILED. csp.spec.ts shows the same on a bare script-tag page, with the no-policy
 * half of the control.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { build } from 'vite';
import type { Engine } from '../engines.ts';
import {
  launchBrowser,
  repoRoot,
  type StaticServer,
  sdkDist,
  serveStatic,
  startVoiceServer,
  type VoiceServerProcess,
} from './package-smoke-fixture.ts';
import { type TestBrowser, type TestPage, textOf } from './test-page.ts';

const CSP = "script-src 'self'; worker-src 'self'";
/** Set in the build's environment: a demo that read `VITE_VOICE_API_KEY` would ship it to everyone (issue 12). */
const BUILD_ENV_KEY = 'sk_live_must_not_ship_in_bundle';

let browser: TestBrowser;
let voice: VoiceServerProcess;
let site: StaticServer;
let demoOut: string;

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads a hook's fixtures from this pattern.
test.beforeAll(async ({}, testInfo) => {
  demoOut = mkdtempSync(path.join(tmpdir(), 'savants-demo-csp-'));
  process.env.VITE_VOICE_API_KEY = BUILD_ENV_KEY;
  try {
    await build({ configFile: path.join(repoRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: demoOut, emptyOutDir: true } });
  } finally {
    delete process.env.VITE_VOICE_API_KEY;
  }
  [voice, browser, site] = await Promise.all([
    startVoiceServer(),
    launchBrowser(testInfo.project.name as Engine),
    serveStatic({ '/': demoOut, '/sdk-dist/': sdkDist }, { 'Content-Security-Policy': CSP }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([browser?.close(), voice?.close(), site?.close()]);
  if (demoOut) rmSync(demoOut, { recursive: true, force: true });
});

/** Opens the demo with `?autoconnect`, recording every CSP violation from before the first script runs. */
async function openDemo(extra: string): Promise<TestPage> {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI}`));
  });
  const query = `server=${encodeURIComponent(voice.url)}&processing=off&autoconnect${extra}`;
  await page.goto(`${site.url}/?${query}`);
  return page;
}

const clientState = (page: TestPage) => page.evaluate(() => (window as unknown as { voiceClient?: { state: string } }).voiceClient?.state);

test(`the built demo under "${CSP}" connects with ?worklets=self`, async () => {
  const page = await openDemo('&worklets=self');
  try {
    await expect.poll(() => clientState(page), { timeout: 15_000 }).toBe('connected');
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
    await page.evaluate(() => (window as unknown as { voiceClient: { disconnect(): Promise<void> } }).voiceClient.disconnect());
    expect(await clientState(page)).toBe('closed');
  } finally {
    await page.close();
  }
});

test(`control: the built demo under "${CSP}" without ?worklets=self fails with WORKLET_LOAD_FAILED`, async () => {
  const page = await openDemo('');
  try {
    await expect.poll(() => clientState(page), { timeout: 15_000 }).toBe('error');
    await expect.poll(() => textOf(page, 'body')).toContain('WORKLET_LOAD_FAILED');
  } finally {
    await page.close();
  }
});

test('the production build of the demo carries no API key from the build environment', () => {
  const files = readdirSync(demoOut, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  expect(files.length).toBeGreaterThan(1);
  for (const file of files) {
    expect(readFileSync(path.join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(BUILD_ENV_KEY);
  }
});
