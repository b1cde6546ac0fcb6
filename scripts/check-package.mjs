#!/usr/bin/env node
// `pnpm check` step `package`, run after `build`: is packages/sdk/dist fit to publish?
//   1. publint (strict) and @arethetypeswrong/cli (esm-only profile) report nothing;
//   2. every path the exports map (and unpkg/jsdelivr) names exists, and the worklet module ships;
//   3. size, against issue 12's budgets (printed and enforced): the ESM first load (dist/index.js with everything
//      it imports statically, dependencies included; no call machinery, no worklet code), the worklet chunk connect() imports,
//      and the self-contained IIFE; a per-module breakdown while the first load is over budget;
//   4. leaks: ./dsp pulls in no zod and no AudioWorkletNode; ./protocol no AudioWorkletNode and no indexedDB; the
//      worklet module no zod and no storage;
//   5. importing each entry in Node (no DOM globals) throws nothing and constructs nothing.
// Prints every failure, exit code 1 if any.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The size breakdown imports the SDK's TypeScript build plugin, which needs Node's type stripping (Node 22, the
// workspace's `node` devDependency). `pnpm check` runs on it; a bare `node scripts/check.mjs` on the system's
// Node 20 does not, so hand over to the workspace's Node.
if (!process.features.typescript) {
  const workspaceNode = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/.bin/node');
  if (existsSync(workspaceNode)) {
    const rerun = spawnSync(workspaceNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(rerun.status ?? 1);
  }
}

import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { importSideEffects } from './import-side-effects.mjs';
import {
  BUDGETS,
  budgetFigures,
  budgetTable,
  byLayer,
  entryTable,
  inlinedWorkletCost,
  measureEntries,
  root,
  sdkDir,
  sourceBreakdown,
  workletChunk,
} from './package-size.mjs';

const pkg = JSON.parse(readFileSync(path.join(sdkDir, 'package.json'), 'utf8'));
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};
const ok = (what) => console.log(`  ok   ${what}`);

console.log('publint (strict)');
{
  const { messages } = await publint({ pkgDir: sdkDir, strict: true, pack: 'pnpm' });
  if (messages.length === 0) ok('no messages');
  for (const m of messages) fail(`publint ${m.type}: ${formatMessage(m, pkg)}`);
}

console.log('@arethetypeswrong/cli --profile esm-only');
{
  const attw = spawnSync('pnpm', ['exec', 'attw', '--pack', sdkDir, '--profile', 'esm-only', '--format', 'table-flipped'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (attw.status === 0) ok('no problems');
  else fail(`attw exited ${attw.status}:\n${attw.stdout}${attw.stderr}`);
}

console.log('exports map: every target exists');
{
  /** Collects [where, target] for every string in a conditions tree. */
  const targets = (value, where) =>
    typeof value === 'string' ? [[where, value]] : Object.entries(value ?? {}).flatMap(([k, v]) => targets(v, `${where} > ${k}`));
  const all = [...targets(pkg.exports, 'exports'), ['unpkg', pkg.unpkg], ['jsdelivr', pkg.jsdelivr]].filter(([, t]) => t);
  for (const [where, target] of all) {
    if (target.includes('*')) {
      const [dir, pattern] = [path.dirname(target), path.basename(target)];
      const re = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace('*', '.+')}$`);
      const matches = existsSync(path.join(sdkDir, dir)) ? readdirSync(path.join(sdkDir, dir)).filter((f) => re.test(f)) : [];
      if (matches.length > 0) ok(`${where} -> ${target} (${matches.join(', ')})`);
      else fail(`${where} -> ${target} matches no file`);
    } else if (existsSync(path.join(sdkDir, target))) ok(`${where} -> ${target}`);
    else fail(`${where} -> ${target} does not exist`);
  }
  // The strict-CSP path: the self-hosted worklet module must ship even though the exports map names it only by a pattern.
  for (const name of ['voice.worklet.js']) {
    const file = path.join(sdkDir, 'dist/worklets', name);
    if (!existsSync(file)) fail(`dist/worklets/${name} is missing`);
    else if (/^\s*(import|export)\s/m.test(readFileSync(file, 'utf8')))
      fail(`dist/worklets/${name} has an import/export: not self-contained`);
    else ok(`dist/worklets/${name} (self-contained)`);
  }
}

console.log('size (each entry bundled with its dependencies, minified, gzip -9; issue 12 budgets)');
const entries = await measureEntries();
{
  console.table(entryTable(entries));
  console.table(budgetTable(entries));
  const iife = entries.find((e) => e.name === 'IIFE');
  const inlined = inlinedWorkletCost(iife.code);
  if (inlined !== undefined) console.log(`  of the IIFE's ${iife.gzip} B, the inlined worklet module is ${inlined} B`);
  else fail('the IIFE does not carry the worklet module verbatim: it must stay one self-contained file');
  const client = entries.find((e) => e.name === '.');
  if (inlinedWorkletCost(client.code) !== undefined || /registerProcessor/.test(client.code))
    fail('the ESM first load carries the worklet sources: they belong in the chunk connect() imports');
  if (!workletChunk(client)) fail('the ESM build has no lazily imported worklet chunk');
  for (const f of budgetFigures(entries)) {
    if (f.bytes <= f.budget) ok(`${f.what}: ${f.bytes} B <= ${f.budget} B`);
    else fail(`${f.what}: ${f.bytes} B > budget ${f.budget} B`);
  }
  if (client.gzip > BUDGETS.firstLoad) {
    console.log('  what the first load is made of (bundled from source):');
    const rows = await sourceBreakdown();
    console.table(byLayer(rows));
    console.table(rows);
  }
}

console.log('leaks between entries');
{
  // zod shows up as module ids when bundled, and by its internals (`_zod`, `$ZodType`) in pre-bundled worklets.
  const zod = /\bzod\b|_zod\b|\$Zod[A-Z]/;
  const leaks = {
    './dsp': [zod, /AudioWorkletNode/, /idb-keyval/, /indexedDB/],
    './protocol': [/AudioWorkletNode/, /indexedDB/, /idb-keyval/],
    'dist/worklets/voice.worklet.js': [zod, /idb-keyval/, /indexedDB/],
  };
  const workletFile = (file) => {
    const full = path.join(sdkDir, file);
    return { modules: [], code: existsSync(full) ? readFileSync(full, 'utf8') : '' };
  };
  for (const [name, forbidden] of Object.entries(leaks)) {
    const entry = entries.find((e) => e.name === name) ?? workletFile(name);
    const ids = entry.modules.map((m) => m.id).join('\n');
    for (const re of forbidden) {
      const where = [re.test(ids) ? 'a module' : null, re.test(entry.code) ? 'the code' : null].filter(Boolean);
      if (where.length) fail(`${name} contains ${re.source} (in ${where.join(' and ')})`);
      else ok(`${name} has no ${re.source}`);
    }
  }
}

console.log('importing each entry in Node (no DOM) constructs nothing');
{
  const result = importSideEffects(['index.js', 'dsp.js', 'protocol.js'].map((f) => path.join(sdkDir, 'dist', f)));
  if ('threw' in result) fail(`importing dist in Node failed:\n${result.threw}`);
  else if (Object.keys(result.counts).length === 0) ok('no constructor, timer, network, storage or DOM access at import');
  else fail(`import-time side effects: ${JSON.stringify(result.counts)}`);
}

console.log(failures.length ? `\npackage check: ${failures.length} failure(s)` : '\npackage check: all good');
process.exit(failures.length ? 1 : 0);
