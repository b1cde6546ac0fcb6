/**
 * Vite plugin: `import code from './x.worklet.ts?worklet-inline'` gives the worklet bundled into one self-contained
 * minified script, as a string. The SDK loads it from a data: URL, so a script tag needs no second file.
 * `new URL('./x.ts', import.meta.url)` is not used: it passes in dev and breaks in the built library.
 */
import { build, type Plugin } from 'vite';
import { reservedPropertyNames } from './worklet-mangle.ts';

const SUFFIX = '?worklet-inline';

interface OutputChunkLike {
  type: string;
  code?: string;
}

/** The DSP's argument-checks flag, false inside the worklet bundle (why: `src/dsp/argument-checks.ts`). */
function noArgumentChecks(): Plugin {
  return {
    name: 'savants-worklet-no-argument-checks',
    load(id) {
      return /[\\/]dsp[\\/]argument-checks\.ts$/.test(id) ? 'export const CHECK_ARGUMENTS = false;' : null;
    },
  };
}

/**
 * Bundles one worklet entry into a self-contained script and returns its code: minified, public property names
 * included (`worklet-mangle.ts` says which names are kept), without the DSP's argument checks.
 */
export async function bundleWorklet(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [noArgumentChecks()],
    resolve: { conditions: ['@savants/source', 'module', 'browser', 'default'] },
    build: {
      write: false,
      // Minified by rolldown's own output option below, which can also mangle properties.
      minify: false,
      sourcemap: false,
      // An ES module without imports or exports: a worklet module is one, and needs no IIFE around its names.
      lib: { entry, formats: ['es'], fileName: 'worklet' },
      rolldownOptions: {
        output: {
          comments: false,
          minify: { compress: true, mangle: true, mangleProps: { include: /^[A-Za-z_$]/, reserved: reservedPropertyNames() } },
        },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Array<{ output: OutputChunkLike[] }>;
  const chunk = outputs[0]?.output.find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error(`worklet bundle of ${entry} produced no code`);
  return chunk.code;
}

export function workletInline(): Plugin {
  return {
    name: 'savants-worklet-inline',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!source.endsWith(SUFFIX)) return null;
      const resolved = await this.resolve(source.slice(0, -SUFFIX.length), importer, { skipSelf: true });
      return resolved ? resolved.id + SUFFIX : null;
    },
    async load(id) {
      if (!id.endsWith(SUFFIX)) return null;
      const file = id.slice(0, -SUFFIX.length);
      this.addWatchFile(file);
      return `export default ${JSON.stringify(await bundleWorklet(file))};`;
    },
  };
}
