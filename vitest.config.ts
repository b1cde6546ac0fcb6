import { playwright } from '@vitest/browser-playwright';
import { webdriverio } from '@vitest/browser-webdriverio';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH, FIREFOX_PATH, FIREFOX_PREFS, fakeMicArgs, freePortSync, webkitCapabilities } from './engines.ts';
import { workletInline } from './packages/sdk/tools/worklet-inline-plugin.ts';

// Browser tests run cross-origin isolated, like the demo (see vite.config.ts): the SDK must work on isolated pages.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** The browser tier, once per engine: the same files, the same reference servers. */
const browserProject = (
  name: string,
  browser: NonNullable<TestProjectInlineConfiguration['test']>['browser'],
  globalSetup: string[] = [],
) =>
  ({
    extends: true,
    test: {
      name,
      include: ['packages/*/test/**/*.browser.test.ts'],
      globalSetup: ['packages/sdk/test/browser-global-setup.ts', ...globalSetup],
      setupFiles: ['packages/sdk/test/browser-setup.ts'],
      testTimeout: 30_000,
      browser,
    },
  }) satisfies TestProjectInlineConfiguration;

// WebKitWebDriver's port: the WebKit project's global setup starts the driver (and an X server) on it.
const webkitDriverPort = Number(process.env.WEBKIT_DRIVER_PORT ?? freePortSync());
process.env.WEBKIT_DRIVER_PORT = String(webkitDriverPort);

export default defineConfig({
  plugins: [workletInline()],
  resolve: { conditions: ['@savants/source', ...defaultClientConditions], externalConditions: ['@savants/source'] },
  ssr: { resolve: { conditions: ['@savants/source', ...defaultServerConditions], externalConditions: ['@savants/source'] } },
  server: { headers: isolation },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts', '**/node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      browserProject('browser', {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeMicArgs()] } }),
        instances: [{ browser: 'chromium' }],
      }),
      browserProject('browser-firefox', {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({
          launchOptions: { channel: 'moz-firefox', executablePath: FIREFOX_PATH, firefoxUserPrefs: FIREFOX_PREFS },
        } as Parameters<typeof playwright>[0]),
        instances: [{ browser: 'firefox' }],
      }),
      browserProject(
        'browser-webkit',
        {
          enabled: true,
          // MiniBrowser has no headless mode: it runs on the Xvfb display the global setup starts.
          headless: false,
          screenshotFailures: false,
          provider: webdriverio({
            hostname: '127.0.0.1',
            port: webkitDriverPort,
            capabilities: webkitCapabilities(),
            // The provider only knows Safari by name ('safari'); WebKitWebDriver only answers to 'MiniBrowser'.
            transformRequest: (request) => {
              if (typeof request.body === 'string')
                request.body = request.body.replaceAll('"browserName":"safari"', '"browserName":"MiniBrowser"');
              return request;
            },
          } as Parameters<typeof webdriverio>[0]),
          instances: [{ browser: 'safari' }],
        },
        ['packages/sdk/test/webkit-global-setup.ts'],
      ),
    ],
  },
});
