/**
 * Vite plugin: `import code from './x.worklet.ts?worklet-inline'` gives the worklet bundled into one self-contained
 * minified script, as a string. The SDK loads it from a data: URL, so a script tag needs no second file.
 * `new URL('./x.ts', import.meta.url)` is not used: it passes in dev and breaks in the built library.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'vite';
import { exportModuleConstants, INLINE_CONSTANTS } from './inline-constants.ts';
import { reservedPropertyNames } from './worklet-mangle.ts';
import { unusedMemberRanges, withoutRanges } from './worklet-unused-members.ts';

const dspDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/dsp');

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

/** The DSP classes' members the worklet never uses, cut from their source (why and which: `worklet-unused-members.ts`). */
function noUnusedMembers(entry: string): Plugin {
  const ranges = unusedMemberRanges(entry, dspDir);
  return {
    name: 'savants-worklet-no-unused-members',
    enforce: 'pre',
    transform(code, id) {
      const cut = ranges.get(path.resolve(id));
      return cut ? { code: withoutRanges(id, code, cut), map: null } : null;
    },
  };
}

/**
 * Bundles one worklet entry into a self-contained script and returns its code: minified, public property names
 * included (`worklet-mangle.ts` says which names are kept), constants inlined (`inline-constants.ts`), without the
 * DSP's argument checks.
 */
export async function bundleWorklet(entry: string): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    plugins: [noArgumentChecks(), noUnusedMembers(entry), exportModuleConstants()],
    resolve: { conditions: ['@savants/source', 'module', 'browser', 'default'] },
    build: {
      write: false,
      // Minified by rolldown's own output option below, which can also mangle properties.
      minify: false,
      sourcemap: false,
      // An ES module without imports or exports: a worklet module is one, and needs no IIFE around its names.
      lib: { entry, formats: ['es'], fileName: 'worklet' },
      rolldownOptions: {
        optimization: INLINE_CONSTANTS,
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
