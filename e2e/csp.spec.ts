/**
 * Strict Content-Security-Policy (issue 6): a page served with `script-src 'self'; worker-src 'self'` (no `blob:`)
 * loads the SDK's script-tag build and points `workletBaseUrl` at self-hosted copies of dist/worklets/*.js: the
 * call connects. As a control, the same page without `workletBaseUrl` (the default inlined Blob URLs) must fail
 * with WORKLET_LOAD_FAILED, which proves the policy really is enforced.
 */
import { type Browser, expect, test } from '@playwright/test';
import {
  ensureBuilt,
  launchChromium,
  pagesDir,
  type StaticServer,
  sdkDist,
  serveStatic,
  smokeIn,
  startVoiceServer,
  type VoiceServerProcess,
} from './package-smoke-fixture.ts';

const CSP = "script-src 'self'; worker-src 'self'";

let browser: Browser;
let voice: VoiceServerProcess;
let site: StaticServer;

test.beforeAll(async () => {
  ensureBuilt();
  [voice, browser, site] = await Promise.all([
    startVoiceServer(),
    launchChromium(),
    serveStatic({ '/sdk/': sdkDist, '/pages/': pagesDir }, { 'Content-Security-Policy': CSP }),
  ]);
});

test.afterAll(async () => {
  await Promise.all([browser?.close(), voice?.close(), site?.close()]);
});

const pageUrl = (extra = '') =>
  `${site.url}/pages/iife.html?baseUrl=${encodeURIComponent(voice.url)}&apiKey=${encodeURIComponent(voice.apiKey)}${extra}`;

test(`under "${CSP}", workletBaseUrl to self-hosted worklets connects`, async () => {
  const result = await smokeIn(browser, pageUrl('&workletBaseUrl=/sdk/worklets/'));
  expect(result.error, JSON.stringify(result)).toBeUndefined();
  expect(result.connectedState?.toLowerCase()).toBe('connected');
  // Nothing else the SDK does (zod, Blob URLs, eval) trips the policy.
  expect(result.violations).toEqual([]);
});

test(`under "${CSP}", the default Blob-URL worklets are refused with WORKLET_LOAD_FAILED`, async () => {
  const result = await smokeIn(browser, pageUrl());
  expect(result.error, JSON.stringify(result)).toMatchObject({ code: 'WORKLET_LOAD_FAILED', isVoiceError: true });
  expect(result.connectedState).toBeUndefined();
  expect(result.violations.some((v) => v.includes('blob:'))).toBe(true);
});
