/**
 * The demo page's dev server (`demo/`), used by `pnpm run demo` and the end-to-end tests.
 * - The SDK resolves to its TypeScript source (`@savants/source` condition); the worklets are inlined by the same
 *   plugin the library build uses.
 * - `?build=esm` / `?build=iife` load the built files of packages/sdk/dist instead (see demo/sdk-loader.ts):
 *   the ESM bundle through `/@fs/` (so its bare `zod` / `idb-keyval` imports resolve), the IIFE and the
 *   self-hosted worklets as plain files under `/sdk-dist/`. The first request for dist builds the SDK if dist is
 *   missing or older than the sources (a few seconds), so no prior `pnpm build` is needed.
 * - COOP/COEP headers make the page cross-origin isolated, as an app that needs SharedArrayBuffer must be: the SDK
 *   (which uses none) has to work on such pages too. The artifact smoke tests (e2e/package-smoke*) cover pages
 *   without isolation.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { ensureSdkBuild } from './e2e/sdk-build.ts';
import { workletInline } from './packages/sdk/tools/worklet-inline-plugin.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
const sdkDist = path.join(root, 'packages/sdk/dist');
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const port = Number(process.env.DEMO_PORT ?? 5173);
/** End-to-end runs: no file watching, no hot reload (another edit in the repo must not reload a page mid-call). */
const frozen = process.env.DEMO_FROZEN === '1';

/** Serves packages/sdk/dist as-is under /sdk-dist/ (no transform: the IIFE must stay a classic script). */
function serveSdkDist(): Plugin {
  const distUrl = `/@fs${sdkDist}/`;
  return {
    name: 'savants-serve-sdk-dist',
    configureServer(server) {
      // Before Vite's own /@fs/ handler: a page that asks for dist gets a current one.
      server.middlewares.use((req, _res, next) => {
        if (req.url?.startsWith('/sdk-dist/') || req.url?.startsWith(distUrl)) {
          try {
            ensureSdkBuild(root, 'demo');
          } catch (error) {
            return next(error);
          }
        }
        next();
      });
      server.middlewares.use('/sdk-dist', (req, res, next) => {
        const file = path.join(sdkDist, decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
        if (!file.startsWith(sdkDist + path.sep) || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('Content-Type', file.endsWith('.map') ? 'application/json' : 'text/javascript; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        for (const [name, value] of Object.entries(isolation)) res.setHeader(name, value);
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig({
  root: path.join(root, 'demo'),
  plugins: [workletInline(), serveSdkDist()],
  resolve: { conditions: ['@savants/source', ...defaultClientConditions] },
  define: { 'import.meta.env.VITE_SDK_DIST_URL': JSON.stringify(`/@fs${sdkDist}`) },
  // zod and idb-keyval are plain ESM: serving them unbundled avoids a mid-test reload when the optimiser
  // discovers them late (through the dist bundle or a dynamic import).
  optimizeDeps: { noDiscovery: true, include: [] },
  server: {
    host: '127.0.0.1',
    port,
    strictPort: true,
    headers: isolation,
    fs: { allow: [root] },
    ...(frozen ? { hmr: false, watch: null } : {}),
  },
  preview: { host: '127.0.0.1', port, strictPort: true, headers: isolation },
  build: { outDir: path.join(root, 'demo/dist'), emptyOutDir: true },
});
