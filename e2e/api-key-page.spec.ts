/**
 * `apiKey` in a real page on a host that is not loopback (issue 12): the built IIFE, served from this machine's LAN
 * address and opened by that address in Chromium, refuses an API key without `dangerouslyAllowBrowser`, and says to
 * use `token`/`tokenUrl`. The constructor never connects, so no server or microphone is needed.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { type Browser, expect, test } from '@playwright/test';
import { launchChromium, sdkDist } from './package-smoke-fixture.ts';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let browser: Browser;
let site: Server;
let origin: string;

test.skip(!lanAddress, 'this machine has no non-loopback IPv4 address to serve the page from');

test.beforeAll(async () => {
  const iife = readFileSync(path.join(sdkDist, 'savants-voice.iife.js'));
  site = createServer((req, res) => {
    if (req.url === '/savants-voice.iife.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(iife);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script src="/savants-voice.iife.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, lanAddress, resolve));
  origin = `http://${lanAddress}:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

test.afterAll(async () => {
  await browser?.close();
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
});

test('a page on a LAN host gets INVALID_OPTIONS for apiKey, unless dangerouslyAllowBrowser; a token callback is fine', async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  const result = await page.evaluate(() => {
    const { VoiceClient } = (window as unknown as { SavantsVoice: typeof import('@savants/voice') }).SavantsVoice;
    const attempt = (options: ConstructorParameters<typeof VoiceClient>[0]) => {
      try {
        return { state: new VoiceClient(options).state };
      } catch (error) {
        return { code: (error as { code?: string }).code, message: String((error as Error).message) };
      }
    };
    return {
      host: location.hostname,
      plain: attempt({ apiKey: 'sk_live_not_for_pages' }),
      optedIn: attempt({ apiKey: 'sk_live_not_for_pages', dangerouslyAllowBrowser: true }),
      // (An http:// tokenUrl to this host would be INSECURE_URL: cleartext is for loopback only.)
      callback: attempt({ token: async () => 'minted-by-the-backend' }),
    };
  });
  await page.close();
  expect(result.host).toBe(lanAddress);
  expect(result.plain.code).toBe('INVALID_OPTIONS');
  expect(result.plain.message).toContain('use token or tokenUrl');
  expect(result.plain.message).toContain('dangerouslyAllowBrowser');
  expect(result.optedIn).toEqual({ state: 'idle' });
  expect(result.callback).toEqual({ state: 'idle' });
});
