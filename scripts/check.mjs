#!/usr/bin/env node
// `pnpm check`: every gate the repository has, in order, each in its own process. It goes on past a failure so
// one run shows everything, then prints a table and the closing line "N passed, N failed" (tests of all runners,
// plus one per non-test gate). Exit code 1 if anything failed.
//   node scripts/check.mjs                 everything
//   node scripts/check.mjs --only unit,e2e some steps
//   node scripts/check.mjs --skip e2e
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const reports = path.join(root, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const vitestReport = (name) => ({
  args: ['--reporter=default', '--reporter=json', `--outputFile.json=${path.join(reports, `${name}.json`)}`],
  file: path.join(reports, `${name}.json`),
  kind: 'vitest',
});

/** @type {{name: string, cmd: string[], report?: {file: string, kind: string}, env?: Record<string,string>}[]} */
const steps = [
  { name: 'format+lint', cmd: ['pnpm', 'exec', 'biome', 'ci', '.'] },
  {
    name: 'typecheck',
    cmd: [
      'bash',
      '-c',
      'pnpm exec tsc -p tsconfig.json && pnpm exec tsc -p packages/sdk/tsconfig.json && pnpm exec tsc -p packages/sdk/tsconfig.domfree.json && pnpm exec tsc -p worklets/tsconfig.json',
    ],
  },
  { name: 'imports', cmd: ['node', 'scripts/check-imports.mjs'] },
  (() => {
    const r = vitestReport('unit');
    return { name: 'unit', cmd: ['pnpm', 'exec', 'vitest', 'run', '--project', 'unit', ...r.args], report: r };
  })(),
  (() => {
    const r = vitestReport('browser');
    return { name: 'browser', cmd: ['pnpm', 'exec', 'vitest', 'run', '--project', 'browser', ...r.args], report: r };
  })(),
  { name: 'build', cmd: ['pnpm', '--filter', '@savants/voice', 'run', 'build'] },
  { name: 'package', cmd: ['node', 'scripts/check-package.mjs'] },
  { name: 'docs', cmd: ['pnpm', 'exec', 'typedoc', '--options', 'packages/sdk/typedoc.json'] },
  {
    name: 'e2e',
    cmd: ['pnpm', 'exec', 'playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, 'e2e.json') },
    report: { file: path.join(reports, 'e2e.json'), kind: 'playwright' },
  },
];

const argv = process.argv.slice(2);
const listArg = (flag) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? new Set(argv[i + 1].split(',')) : null;
};
const only = listArg('--only');
const skip = listArg('--skip') ?? new Set();

function countTests(report) {
  try {
    const json = JSON.parse(readFileSync(report.file, 'utf8'));
    if (report.kind === 'vitest')
      return {
        passed: json.numPassedTests,
        failed: json.numFailedTests + (json.numRuntimeErrors ?? 0),
        skipped: json.numPendingTests + json.numTodoTests,
      };
    const s = json.stats;
    return { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped };
  } catch {
    return null;
  }
}

const rows = [];
let passed = 0,
  failed = 0,
  skipped = 0;
const started = Date.now();
for (const step of steps) {
  if ((only && !only.has(step.name)) || skip.has(step.name)) continue;
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  const res = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: 'inherit', env: { ...process.env, ...step.env } });
  const seconds = (Date.now() - t0) / 1000;
  const ok = res.status === 0;
  const counts = step.report ? countTests(step.report) : null;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    // A runner that failed without reporting a failed test (crash, config error) still counts as one failure.
    if (!ok && counts.failed === 0) failed += 1;
  } else if (ok) passed += 1;
  else failed += 1;
  rows.push({
    step: step.name,
    result: ok ? 'ok' : 'FAILED',
    tests: counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : '',
    seconds: seconds.toFixed(1),
  });
}

console.log('\n=== summary');
console.table(rows);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(rows.some((r) => r.result !== 'ok') ? 1 : 0);
