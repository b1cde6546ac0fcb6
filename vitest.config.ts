import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH, fakeMicArgs } from './chromium.ts';
import { workletInline } from './packages/sdk/tools/worklet-inline-plugin.ts';

// Browser tests run cross-origin isolated, like the demo (see vite.config.ts): the SDK must work on isolated pages.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

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
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/*/test/**/*.browser.test.ts'],
          globalSetup: ['packages/sdk/test/browser-global-setup.ts'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeMicArgs()] } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
