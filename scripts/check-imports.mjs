#!/usr/bin/env node
// Import rules, checked on every run: no circular imports in the SDK or worklets, and the layering of
// ../shared/notes/style.md: protocol, dsp, errors and events are leaves; transport never imports audio and
// audio never imports transport; dsp and protocol never import browser-only modules; worklets import only dsp
// and the worklet message contract. Reads relative import specifiers with a regex: the code base uses no others
// for its own files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const sdkSrc = path.join(root, 'packages/sdk/src');
const dirs = [sdkSrc, path.join(root, 'worklets')];

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) files.push(p);
  }
};
dirs.forEach(walk);

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const graph = new Map();
const problems = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith('.')) {
      deps.push({ external: spec });
      continue;
    }
    const target = path.resolve(path.dirname(file), spec.replace(/\?.*$/, ''));
    deps.push({ file: target, typeOnly: /^\s*(?:import|export)\s+type\s/.test(m[0].trim()) });
  }
  graph.set(file, deps);
}

const rel = (f) => path.relative(root, f);
const layerOf = (f) => {
  if (f.startsWith(path.join(root, 'worklets'))) return 'worklets';
  const r = path.relative(sdkSrc, f);
  if (r.startsWith('..')) return 'outside';
  const first = r.split(path.sep)[0];
  return first.endsWith('.ts') ? first.replace(/\.ts$/, '') : first;
};

// Which layers each layer may import (itself always allowed).
const allowed = {
  protocol: [],
  dsp: [],
  errors: ['protocol'],
  events: [],
  transport: ['protocol', 'errors', 'events', 'persistence', 'dsp', 'options', 'option-checks'],
  persistence: ['errors', 'events'],
  options: ['protocol', 'errors', 'dsp'],
  'option-checks': ['errors', 'options'],
  client: ['audio', 'transport', 'persistence', 'protocol', 'errors', 'events', 'options', 'option-checks', 'dsp'],
  audio: ['dsp', 'errors', 'events', 'protocol', 'worklets', 'options', 'option-checks'],
  worklets: ['dsp', 'audio'],
};
const browserOnlyExternal = /^(idb-keyval)/;

for (const [file, deps] of graph) {
  const from = layerOf(file);
  for (const d of deps) {
    if (d.external) {
      if ((from === 'dsp' || from === 'protocol' || from === 'worklets') && browserOnlyExternal.test(d.external))
        problems.push(`${rel(file)} imports browser-only ${d.external}`);
      if ((from === 'dsp' || from === 'worklets') && /^zod/.test(d.external))
        problems.push(`${rel(file)} imports zod: dsp and worklets validate nothing`);
      continue;
    }
    const to = layerOf(d.file);
    if (to === from || !(from in allowed)) continue;
    if (from === 'worklets' && to === 'audio' && !(d.typeOnly || d.file.endsWith('worklet-messages.ts')))
      problems.push(`${rel(file)} may import only the message contract from audio/`);
    else if (!allowed[from].includes(to)) problems.push(`${rel(file)} (${from}) must not import ${rel(d.file)} (${to})`);
  }
}

// Cycles, over value and type imports alike.
const state = new Map();
const stack = [];
const visit = (f) => {
  state.set(f, 1);
  stack.push(f);
  for (const d of graph.get(f) ?? []) {
    if (!d.file || !graph.has(d.file)) continue;
    if (state.get(d.file) === 1) problems.push(`circular import: ${[...stack.slice(stack.indexOf(d.file)), d.file].map(rel).join(' -> ')}`);
    else if (!state.has(d.file)) visit(d.file);
  }
  stack.pop();
  state.set(f, 2);
};
for (const f of graph.keys()) if (!state.has(f)) visit(f);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`imports: ${files.length} files, no cycles, layering holds`);
