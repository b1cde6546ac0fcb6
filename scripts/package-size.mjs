// Sizes of the built package as an app would ship it: each entry of packages/sdk/dist bundled in memory with its
// dependencies resolved (zod, idb-keyval), minified, gzipped. Also a per-module breakdown, so an over-budget build
// says which module costs what.
//   node scripts/package-size.mjs              table of entry sizes
//   node scripts/package-size.mjs --breakdown  plus what each entry is made of, module by module (from source)
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, minifySync } from 'vite';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const sdkDir = path.join(root, 'packages/sdk');
const dist = path.join(sdkDir, 'dist');

export const gzipSize = (code) => gzipSync(code, { level: 9 }).length;

/**
 * Bundles one ESM file with everything it imports, minified as an app's production build ships it, without writing.
 * Every export of the entry is kept, so this is the cost of the whole entry, not of one import.
 * App mode, not lib mode: vite's lib mode leaves whitespace in `es` output (to keep `@__PURE__` annotations for
 * the next bundler), which would overstate what users ship.
 * @returns {Promise<{code: string, modules: {id: string, code: string}[]}>}
 */
export async function bundleEntry(entry, plugins = []) {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: sdkDir,
    plugins,
    build: {
      write: false,
      minify: true,
      sourcemap: false,
      modulePreload: false,
      rolldownOptions: {
        input: entry,
        preserveEntrySignatures: 'strict',
        output: { format: 'es', comments: { legal: true, annotation: false, jsdoc: false } },
      },
    },
  });
  const chunks = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output).filter((o) => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`${entry}: expected one chunk, got ${chunks.length} (a dynamic import splits the bundle)`);
  const [chunk] = chunks;
  return { code: chunk.code, modules: Object.entries(chunk.modules).map(([id, m]) => ({ id, code: m.code ?? '' })) };
}

/** Entries of the package, as an app imports them. `file` is under dist/. */
export const ENTRIES = [
  { name: '.', file: 'index.js', bundled: true },
  { name: './dsp', file: 'dsp.js', bundled: true },
  { name: './protocol', file: 'protocol.js', bundled: true },
  { name: 'IIFE', file: 'savants-voice.iife.js', bundled: false },
];

/** @returns {Promise<{name: string, file: string, minified: number, gzip: number, code: string, modules: {id: string, code: string}[]}[]>} */
export async function measureEntries() {
  const rows = [];
  for (const entry of ENTRIES) {
    const file = path.join(dist, entry.file);
    const { code, modules } = entry.bundled ? await bundleEntry(file) : { code: readFileSync(file, 'utf8'), modules: [] };
    rows.push({ ...entry, minified: Buffer.byteLength(code), gzip: gzipSize(code), code, modules });
  }
  return rows;
}

/**
 * What the inlined worklets add to a bundle, exactly: its gzip size minus that of the same code with the two
 * worklet strings cut out (they are embedded verbatim as string literals of dist/worklets/*.js).
 */
export function inlinedWorkletCost(code) {
  let without = code;
  for (const name of ['capture.worklet.js', 'playback.worklet.js']) {
    const file = path.join(dist, 'worklets', name);
    const literal = existsSync(file) ? JSON.stringify(readFileSync(file, 'utf8')) : undefined;
    const at = literal ? without.indexOf(literal.slice(1, -1)) : -1;
    if (at < 0) return undefined;
    without = without.slice(0, at) + without.slice(at + literal.length - 2);
  }
  return gzipSize(code) - gzipSize(without);
}

/** Groups a module id into something a reader can act on: a dependency, an SDK layer, or an inlined worklet. */
function moduleGroup(id) {
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(id);
  if (dep) return `${dep[1]}/${dep[2]}`;
  if (id.includes('?worklet-inline')) return `worklet (inlined): ${path.basename(id.replace(/\?.*$/, ''))}`;
  return path.relative(sdkDir, id);
}

/** A module's rendered code, minified alone (top-level names kept, as in the bundle where they are shared). */
function minifyFragment(id, code) {
  try {
    return minifySync(`${path.basename(id).replace(/\W/g, '_')}.js`, code, { compress: true, mangle: { toplevel: false } }).code;
  } catch {
    return code;
  }
}

/**
 * Each module's share of the gzipped bundle. Gzip is not additive, so each module's code is minified and gzipped
 * alone and the results are scaled to the real total: good for ranking, approximate to a few hundred bytes.
 */
export function breakdown(bundle, totalGzip) {
  const rows = bundle.modules.map((m) => ({ module: moduleGroup(m.id), alone: m.code ? gzipSize(minifyFragment(m.id, m.code)) : 0 }));
  const sum = rows.reduce((s, r) => s + r.alone, 0) || 1;
  return rows
    .map((r) => ({ module: r.module, 'gzip ≈ B': Math.round((r.alone / sum) * totalGzip) }))
    .sort((a, b) => b['gzip ≈ B'] - a['gzip ≈ B']);
}

/** Sums a breakdown by what a reader can act on: a dependency, the inlined worklets, or a layer of src/. */
export function byLayer(rows) {
  const layer = (m) => {
    if (m.startsWith('worklet (inlined)')) return 'worklets (inlined)';
    if (!m.startsWith('src/')) return m.split('/')[0];
    const [, first] = m.split('/');
    return first.endsWith('.ts') ? `src/${first}` : `src/${first}/`;
  };
  const sums = new Map();
  for (const r of rows) sums.set(layer(r.module), (sums.get(layer(r.module)) ?? 0) + r['gzip ≈ B']);
  return [...sums].map(([part, bytes]) => ({ part, 'gzip ≈ B': bytes })).sort((a, b) => b['gzip ≈ B'] - a['gzip ≈ B']);
}

/**
 * An entry (default: the client) bundled from SOURCE, so the inlined worklets appear as modules of their own (in dist they are already
 * strings inside index.js). Used only for the breakdown; the budget is measured on dist.
 */
export async function sourceBreakdown(entry = 'src/index.ts') {
  const { workletInline } = await import('../packages/sdk/tools/worklet-inline-plugin.ts');
  const bundle = await bundleEntry(path.join(sdkDir, entry), [workletInline()]);
  return breakdown(bundle, gzipSize(bundle.code));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await measureEntries();
  console.table(rows.map((r) => ({ entry: r.name, file: `dist/${r.file}`, 'min B': r.minified, 'min+gzip B': r.gzip })));
  if (process.argv.includes('--breakdown')) {
    for (const entry of ['src/index.ts', 'src/dsp/index.ts', 'src/protocol/index.ts']) {
      console.log(`\n${entry}, bundled from source:`);
      const rows = await sourceBreakdown(entry);
      console.table(byLayer(rows));
      console.table(rows);
    }
  }
}
