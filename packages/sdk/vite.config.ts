/**
 * Library build of `@savants/voice`. Two passes, because an IIFE cannot have several entries:
 *   vite build               ESM: dist/index.js, dist/dsp.js, dist/protocol.js (+ shared chunks), zod and
 *                            idb-keyval external, plus dist/worklets/voice.worklet.js for strict-CSP pages.
 *   vite build --mode iife   dist/savants-voice.iife.js: global `SavantsVoice`, everything bundled, for script tags.
 * Declarations come from `tsc -p tsconfig.build.json` (see the `build` script), not from a vite plugin.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { exportModuleConstants, INLINE_CONSTANTS } from './tools/inline-constants.ts';
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
 * The imported names become a plain object (`Promise.resolve({ a, b })`) rather than a module namespace, whose
 * getters and `Symbol.toStringTag` would need a helper in the bundle. The names are read from the module's
 * `export { … }` and `export function|const|class` statements; `export *` is refused (no names to read).
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
        const names = exportedNames(path.resolve(path.dirname(id), spec));
        const index = imports.length;
        const local = (name: string) => `__static_import_${index}_${name}`;
        imports.push(`import { ${names.map((n) => `${n} as ${local(n)}`).join(', ')} } from ${quote}${spec}${quote};`);
        return `Promise.resolve({ ${names.map((n) => `${n}: ${local(n)}`).join(', ')} })`;
      });
      return { code: `${imports.join('\n')}\n${body}`, map: null };
    },
  };
}

/** The value exports of a module, from its source. */
function exportedNames(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  if (/^export\s*\*/m.test(source)) throw new Error(`${file}: export * cannot be made static for the IIFE`);
  const names = [...source.matchAll(/^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)/gm)].map((m) => m[1]!);
  for (const m of source.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1]!.split(',')) {
      const spec = part.trim();
      if (!spec || spec.startsWith('type ')) continue;
      names.push(spec.split(/\s+as\s+/).pop()!);
    }
  }
  return names;
}

export default defineConfig(({ mode }) => {
  if (mode === 'iife') {
    return {
      plugins: [workletInline(), staticImportsForIife(), exportModuleConstants()],
      build: {
        emptyOutDir: false,
        sourcemap: true,
        minify: true,
        lib: { entry: src('index.ts'), formats: ['iife'], name: 'SavantsVoice', fileName: () => 'savants-voice.iife.js' },
        rolldownOptions: {
          // Constants written as their values (`tools/inline-constants.ts`): about 75 B less min+gzip.
          optimization: INLINE_CONSTANTS,
          // `SavantsVoice` is a plain object: no `Symbol.toStringTag` of 'Module' on it.
          output: { generatedCode: { symbols: false } },
        },
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
