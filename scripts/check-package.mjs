#!/usr/bin/env node
// `pnpm check` step `package`, run after `build`: is packages/sdk/dist fit to publish?
//   1. publint (strict) and @arethetypeswrong/cli (esm-only profile) report nothing;
//   2. every path the exports map (and unpkg/jsdelivr) names exists, and the worklet files ship;
//   3. size: the whole client (dist/index.js with zod, idb-keyval and the inlined worklets, min+gzip) against
//      issue 6's target (printed) and a regression ceiling (enforced); every entry's size is printed, and a
//      per-module breakdown while the client is over the target;
//   4. leaks: ./dsp pulls in no zod and no AudioWorkletNode; ./protocol no AudioWorkletNode and no indexedDB; the
//      worklet files no zod and no storage;
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
import { byLayer, inlinedWorkletCost, measureEntries, root, sdkDir, sourceBreakdown } from './package-size.mjs';

/**
 * Issue 6's target: 15 kB, read strictly as 15,000 bytes. NOT MET (23.3 kB): zod alone is 4.2 kB for one
 * `z.object` + `safeParse` and the inlined worklets are 6 kB, both required by other rules (every network JSON
 * through zod; worklets inlined by default). Reaching it needs the product owner to drop one of those rules, so
 * the target is printed on every run and the gate below only stops regressions.
 */
const CLIENT_TARGET_BYTES = 15_000;
/** The gate: today's size plus ~2.5% headroom. Lower it when the client shrinks; never raise it to pass a build. */
const CLIENT_CEILING_BYTES = 24_000;

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
  // The strict-CSP path: the self-hosted worklets must ship even though nothing in the exports map names them one by one.
  for (const name of ['capture.worklet.js', 'playback.worklet.js']) {
    const file = path.join(sdkDir, 'dist/worklets', name);
    if (!existsSync(file)) fail(`dist/worklets/${name} is missing`);
    else if (/^\s*(import|export)\s/m.test(readFileSync(file, 'utf8')))
      fail(`dist/worklets/${name} has an import/export: not self-contained`);
    else ok(`dist/worklets/${name} (self-contained)`);
  }
}

console.log('size (each entry bundled with its dependencies, minified, gzip -9)');
const entries = await measureEntries();
{
  console.table(entries.map((e) => ({ entry: e.name, file: `dist/${e.file}`, 'min B': e.minified, 'min+gzip B': e.gzip })));
  const client = entries.find((e) => e.name === '.');
  const worklets = inlinedWorkletCost(client.code);
  if (worklets !== undefined) console.log(`  of the client's ${client.gzip} B, the two inlined worklets are ${worklets} B`);
  if (client.gzip <= CLIENT_TARGET_BYTES) ok(`client ${client.gzip} B <= target ${CLIENT_TARGET_BYTES} B`);
  else console.log(`  NOT MET: client ${client.gzip} B > issue 6's target ${CLIENT_TARGET_BYTES} B (see CLIENT_TARGET_BYTES)`);
  if (client.gzip <= CLIENT_CEILING_BYTES) ok(`client ${client.gzip} B <= regression ceiling ${CLIENT_CEILING_BYTES} B`);
  if (client.gzip > CLIENT_TARGET_BYTES) {
    if (client.gzip > CLIENT_CEILING_BYTES) fail(`client ${client.gzip} B > regression ceiling ${CLIENT_CEILING_BYTES} B`);
    console.log('  what it is made of (bundled from source, so the inlined worklets are rows of their own):');
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
    'dist/worklets/capture.worklet.js': [zod, /idb-keyval/, /indexedDB/],
    'dist/worklets/playback.worklet.js': [zod, /idb-keyval/, /indexedDB/],
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
