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
 * A dynamic `import()` becomes a chunk of its own, as in the app: `first` is the entry chunk plus every chunk it
 * imports statically (what a page downloads and parses when it imports the entry); `lazy` is everything reached only
 * through a dynamic import (the worklet sources, fetched at the first `connect()`).
 * @returns {Promise<{first: Part, lazy: Part, lazyChunks: Part[]}>} where
 *   Part = {name: string, code: string, gzip: number, modules: {id, code}[]}; `lazy` sums `lazyChunks`.
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
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const entryChunk = chunks.find((c) => c.isEntry);
  if (!entryChunk) throw new Error(`${entry}: no entry chunk`);
  const first = new Set();
  const visit = (c) => {
    if (first.has(c)) return;
    first.add(c);
    for (const name of c.imports) visit(byName.get(name));
  };
  visit(entryChunk);
  const part = (list) => ({
    name: list.map((c) => c.name).join(' + '),
    // Each chunk is a file of its own: gzip them one by one, as a server sends them.
    code: list.map((c) => c.code).join('\n'),
    gzip: list.reduce((sum, c) => sum + gzipSize(c.code), 0),
    modules: list.flatMap((c) => Object.entries(c.modules).map(([id, m]) => ({ id, code: m.code ?? '' }))),
  });
  const lazy = chunks.filter((c) => !first.has(c));
  return { first: part([...first]), lazy: part(lazy), lazyChunks: lazy.map((c) => part([c])) };
}

/** Entries of the package, as an app imports them. `file` is under dist/. */
export const ENTRIES = [
  { name: '.', file: 'index.js', bundled: true },
  { name: './dsp', file: 'dsp.js', bundled: true },
  { name: './protocol', file: 'protocol.js', bundled: true },
  { name: 'IIFE', file: 'savants-voice.iife.js', bundled: false },
];

/**
 * Budgets in bytes, min+gzip (issue 12, "Size"), read strictly: 1 KB = 1,000 B.
 *   first load: what a page parses before connect(): dist/index.js and all it imports statically, dependencies
 *   included (zod and idb-keyval come with the call machinery, imported at the first connect()); worklets: the chunk connect() imports; IIFE: the one script-tag file, worklets inlined.
 */
export const BUDGETS = { firstLoad: 18_000, worklets: 6_500, iife: 25_000 };

/**
 * @returns {Promise<{name: string, file: string, minified: number, gzip: number, code: string,
 *   modules: {id: string, code: string}[], lazy?: {minified: number, gzip: number, code: string},
 *   lazyChunks: {name: string, minified: number, gzip: number, code: string}[]}[]>}
 *   `minified`/`gzip`/`code` are the first load; `lazy` what the entry loads later through `import()`, in total
 *   and chunk by chunk.
 */
export async function measureEntries() {
  const rows = [];
  for (const entry of ENTRIES) {
    const file = path.join(dist, entry.file);
    if (!entry.bundled) {
      const code = readFileSync(file, 'utf8');
      rows.push({ ...entry, minified: Buffer.byteLength(code), gzip: gzipSize(code), code, modules: [] });
      continue;
    }
    const { first, lazy, lazyChunks } = await bundleEntry(file);
    rows.push({
      ...entry,
      minified: Buffer.byteLength(first.code),
      gzip: first.gzip,
      code: first.code,
      modules: first.modules,
      ...(lazy.code ? { lazy: { minified: Buffer.byteLength(lazy.code), gzip: lazy.gzip, code: lazy.code } } : {}),
      lazyChunks: lazyChunks.map((c) => ({ name: c.name, minified: Buffer.byteLength(c.code), gzip: c.gzip, code: c.code })),
    });
  }
  return rows;
}

/** The client's lazily imported chunk that carries the worklet sources (the one with `registerProcessor` in it). */
export function workletChunk(client) {
  return client.lazyChunks.find((c) => /registerProcessor/.test(c.code));
}

/** The three budgeted figures, from measureEntries() rows. */
export function budgetFigures(rows) {
  const client = rows.find((r) => r.name === '.');
  const iife = rows.find((r) => r.name === 'IIFE');
  return [
    { what: 'ESM first load (index.js + its static imports, dependencies included)', bytes: client.gzip, budget: BUDGETS.firstLoad },
    { what: 'ESM worklet chunk (imported at connect())', bytes: workletChunk(client)?.gzip ?? 0, budget: BUDGETS.worklets },
    { what: 'IIFE (one file, worklets inlined)', bytes: iife.gzip, budget: BUDGETS.iife },
  ];
}

/**
 * What the inlined worklet module adds to a bundle, exactly: its gzip size minus that of the same code with the
 * worklet string cut out (it is embedded verbatim as a string literal of dist/worklets/voice.worklet.js).
 */
export function inlinedWorkletCost(code) {
  const file = path.join(dist, 'worklets', 'voice.worklet.js');
  const literal = existsSync(file) ? JSON.stringify(readFileSync(file, 'utf8')) : undefined;
  const at = literal ? code.indexOf(literal.slice(1, -1)) : -1;
  if (at < 0) return undefined;
  return gzipSize(code) - gzipSize(code.slice(0, at) + code.slice(at + literal.length - 2));
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
 * An entry (default: the client) bundled from SOURCE, so the worklets appear as modules of their own (in dist they
 * are already strings). `part`: 'first' (first load) or 'lazy' (dynamic imports). Only for the breakdown; the
 * budgets are measured on dist.
 */
export async function sourceBreakdown(entry = 'src/index.ts', part = 'first') {
  const { workletInline } = await import('../packages/sdk/tools/worklet-inline-plugin.ts');
  const bundle = (await bundleEntry(path.join(sdkDir, entry), [workletInline()]))[part];
  return breakdown(bundle, bundle.gzip);
}

/** One row per entry (first load, and what it imports later in all), then one per lazily imported chunk. */
export function entryTable(rows) {
  return rows.flatMap((r) => [
    {
      entry: r.name,
      file: `dist/${r.file}`,
      'first load min B': r.minified,
      'first load min+gzip B': r.gzip,
      'at connect() min+gzip B': r.lazy?.gzip ?? '',
    },
    ...(r.lazyChunks ?? []).map((c) => ({ entry: `  ${r.name} import()`, file: c.name, 'at connect() min+gzip B': c.gzip })),
  ]);
}

/** The three budgeted figures against their budgets. */
export function budgetTable(rows) {
  return budgetFigures(rows).map((f) => ({ 'min+gzip': f.what, B: f.bytes, 'budget B': f.budget, ok: f.bytes <= f.budget }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await measureEntries();
  console.table(entryTable(rows));
  console.table(budgetTable(rows));
  if (process.argv.includes('--breakdown')) {
    for (const entry of ['src/index.ts', 'src/dsp/index.ts', 'src/protocol/index.ts']) {
      console.log(`\n${entry}, bundled from source:`);
      const rows = await sourceBreakdown(entry);
      console.table(byLayer(rows));
      console.table(rows);
    }
  }
}
