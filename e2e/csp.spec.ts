/**
 * Strict Content-Security-Policy (issue 6): a page served with `script-src 'self'; worker-src 'self'` (no `data:`)
 * loads the SDK's script-tag build and points `workletBaseUrl` at self-hosted copies of dist/worklets/*.js: the
 * call connects. As a control, the same page without `workletBaseUrl` (the default inlined `data:` URLs) must fail
 * with WORKLET_LOAD_FAILED under the policy, and connect without it: so the policy, and nothing else, is what the
 * self-hosted worklets get past. (Chromium refuses a worklet module as an opaque AbortError, with neither a
 * `securitypolicyviolation` event nor a console message, hence the second half of the control.)
 */

import { expect, test } from '@playwright/test';
import type { Engine } from '../engines.ts';
import {
  launchBrowser,
  pagesDir,
  type StaticServer,
  sdkDist,
  serveStatic,
  smokeIn,
  startVoiceServer,
  type VoiceServerProcess,
} from './package-smoke-fixture.ts';
import type { TestBrowser } from './test-page.ts';

const CSP = "script-src 'self'; worker-src 'self'";

let browser: TestBrowser;
let voice: VoiceServerProcess;
let site: StaticServer;
let openSite: StaticServer;

// biome-ignore lint/correctness/noEmptyPattern: Playwright reads a hook's fixtures from this pattern.
test.beforeAll(async ({}, testInfo) => {
  [voice, browser, site, openSite] = await Promise.all([
    startVoiceServer(),
    launchBrowser(testInfo.project.name as Engine),
    serveStatic({ '/sdk/': sdkDist, '/pages/': pagesDir }, { 'Content-Security-Policy': CSP }),
    serveStatic({ '/sdk/': sdkDist, '/pages/': pagesDir }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([browser?.close(), voice?.close(), site?.close(), openSite?.close()]);
});

const pageUrl = (extra = '', origin = site.url) => `${origin}/pages/iife.html?baseUrl=${encodeURIComponent(voice.url)}${extra}`;

test(`under "${CSP}", workletBaseUrl to self-hosted worklets connects`, async () => {
  const result = await smokeIn(browser, pageUrl('&workletBaseUrl=/sdk/worklets/'));
  expect(result.error, JSON.stringify(result)).toBeUndefined();
  expect(result.connectedState).toBe('connected');
  // Nothing else the SDK does (zod, data: URLs, eval) trips the policy.
  expect(result.violations).toEqual([]);
});

test(`control: under "${CSP}", the default data:-URL worklets are refused with WORKLET_LOAD_FAILED`, async () => {
  const result = await smokeIn(browser, pageUrl());
  expect(result.error, JSON.stringify(result)).toMatchObject({ code: 'WORKLET_LOAD_FAILED', isVoiceError: true });
  expect(result.connectedState).toBeUndefined();
  expect(result.finalState).not.toBe('connected');
});

test('control: the same page without the policy connects with the default data:-URL worklets', async () => {
  const result = await smokeIn(browser, pageUrl('', openSite.url));
  expect(result.error, JSON.stringify(result)).toBeUndefined();
  expect(result.connectedState).toBe('connected');
});
