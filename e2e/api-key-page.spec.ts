/**
 * `apiKey` in a real page on a host that is not loopback (issue 12): the built IIFE, opened in Chromium as
 * `http://app.voice.test`, refuses an API key without `dangerouslyAllowBrowser`, and says to use `token`/`tokenUrl`.
 * Chromium's host-resolver rule maps that name to 127.0.0.1, so the page sees a non-loopback host while no packet
 * leaves loopback (tests here never address the machine's LAN interfaces). The constructor never connects, so no
 * server or microphone is needed.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../engines.ts';
import { sdkDist } from './package-smoke-fixture.ts';

const PAGE_HOST = 'app.voice.test';

// The host name needs Chromium's resolver flag; what is checked (the SDK's constructor) does not depend on the engine.
test.skip(() => test.info().project.name !== 'chromium', 'maps a non-loopback host name with a Chromium-only flag');

let browser: Browser;
let site: Server;
let origin: string;

test.beforeAll(async () => {
  const iife = readFileSync(path.join(sdkDist, 'savants-voice.iife.js'));
  site = createServer((req, res) => {
    if (req.url === '/savants-voice.iife.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(iife);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script src="/savants-voice.iife.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://${PAGE_HOST}:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${PAGE_HOST} 127.0.0.1`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  if (!site) return; // skipped in this project: nothing was started
  site.closeAllConnections();
  await new Promise((resolve) => site.close(resolve));
});

test('a page on a non-loopback host gets INVALID_OPTIONS for apiKey, unless dangerouslyAllowBrowser; a token callback is fine', async () => {
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
  expect(result.host).toBe(PAGE_HOST);
  expect(result.plain.code).toBe('INVALID_OPTIONS');
  expect(result.plain.message).toContain('use token or tokenUrl');
  expect(result.plain.message).toContain('dangerouslyAllowBrowser');
  expect(result.optedIn).toEqual({ state: 'idle' });
  expect(result.callback).toEqual({ state: 'idle' });
});
