/**
 * Library build of `@savants/voice`. Two passes, because an IIFE cannot have several entries:
 *   vite build               ESM: dist/index.js, dist/dsp.js, dist/protocol.js (+ shared chunks), zod and
 *                            idb-keyval external, plus dist/worklets/voice.worklet.js for strict-CSP pages.
 *   vite build --mode iife   dist/savants-voice.iife.js: global `SavantsVoice`, everything bundled, for script tags.
 * Declarations come from `tsc -p tsconfig.build.json` (see the `build` script), not from a vite plugin.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { bundleWorklet, workletInline } from './tools/worklet-inline-plugin.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = (file: string) => path.join(here, 'src', file);
const workletsDir = path.join(here, '../../worklets');

/** Dependencies the ESM build leaves to the app's bundler (they are in `dependencies`). */
const external = /^(zod|idb-keyval)(\/|$)/;

/**
 * Emits `worklets/voice.worklet.ts` (both processors) as a self-contained `dist/worklets/voice.worklet.js`: the same
 * bundle the `?worklet-inline` import puts in a data: URL, as a file a page can serve from its own origin under a CSP
 * without `data:`.
 */
function emitWorklets(): Plugin {
  return {
    name: 'savants-emit-worklets',
    apply: 'build',
    async generateBundle() {
      const source = await bundleWorklet(path.join(workletsDir, 'voice.worklet.ts'));
      this.emitFile({ type: 'asset', fileName: 'worklets/voice.worklet.js', source });
    },
  };
}

/**
 * IIFE only: turns each relative `import('./x.ts')` into a static import, resolved at once. The one file carries
 * everything anyway; a dynamic import would only wrap the imported modules in lazy initializers (~800 B min+gzip).
 */
function staticImportsForIife(): Plugin {
  const dynamicImport = /\bimport\((['"])(\.{1,2}\/[^'"]+)\1\)/g;
  return {
    name: 'savants-static-imports-for-iife',
    apply: 'build',
    transform(code, id) {
      if (!id.endsWith('.ts') || !code.includes('import(')) return null;
      const imports: string[] = [];
      const body = code.replace(dynamicImport, (_match, quote: string, spec: string) => {
        const name = `__static_import_${imports.length}`;
        imports.push(`import * as ${name} from ${quote}${spec}${quote};`);
        return `Promise.resolve(${name})`;
      });
      return { code: `${imports.join('\n')}\n${body}`, map: null };
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'iife') {
    return {
      plugins: [workletInline(), staticImportsForIife()],
      build: {
        emptyOutDir: false,
        sourcemap: true,
        minify: true,
        lib: { entry: src('index.ts'), formats: ['iife'], name: 'SavantsVoice', fileName: () => 'savants-voice.iife.js' },
      },
    };
  }
  return {
    plugins: [workletInline(), emitWorklets()],
    build: {
      emptyOutDir: true,
      sourcemap: true,
      // Readable ESM: the app's bundler minifies. The worklet strings inside are minified already.
      minify: false,
      lib: {
        entry: { index: src('index.ts'), dsp: src('dsp/index.ts'), protocol: src('protocol/index.ts') },
        formats: ['es'],
        fileName: (_format, entryName) => `${entryName}.js`,
      },
      rolldownOptions: {
        external: (id) => external.test(id),
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  };
});
