#!/usr/bin/env node
// Rewrites relative `.ts` specifiers in the emitted declarations to `.js` (`from './errors.ts'` → `'./errors.js'`,
// also `import('./x.ts')` types). The source imports `.ts` files (Node's type stripping needs that), and tsc keeps
// the specifiers as written in .d.ts output even with rewriteRelativeImportExtensions; TypeScript before 5.0 and
// some .d.ts tools cannot resolve `.ts` specifiers in a published package.
//   node tools/dts-js-extensions.mjs dist/types
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? 'dist/types');
const specifier = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.ts(['"])/g;
let files = 0;
for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = path.join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const next = text.replace(specifier, '$1$2.js$3');
  if (next !== text) {
    writeFileSync(file, next);
    files += 1;
  }
}
console.log(`dts-js-extensions: rewrote .ts specifiers in ${files} declaration file(s) under ${path.relative(process.cwd(), dir)}`);
