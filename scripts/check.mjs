#!/usr/bin/env node
// `pnpm check`: every gate the repository has, in order, each in its own process. It goes on past a failure so
// one run shows everything, then prints a table and the closing line "N passed, N failed" (tests of all runners,
// plus one per non-test gate). Exit code 1 if anything failed.
//   node scripts/check.mjs                 everything
//   node scripts/check.mjs --only unit,e2e some steps
//   node scripts/check.mjs --skip e2e
//   node scripts/check.mjs --engines firefox,webkit   only the browser and e2e steps of those engines
// Without --engines, the engine steps are DEFAULT_ENGINE_STEPS (what `npm test` and CI run).
// Browser steps run with a time limit (a frozen engine must not stall the run). The one failure retried is the
// WebKit WebProcess crash (ENGINE_CRASH_MESSAGE, retried once by playwright.config.ts); any retry of another
// failure counts as a failure, and the summary prints the retries.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ENGINES = ['chromium', 'firefox', 'webkit'];
/** Kept in step with engines.ts (a .ts file this plain-node script cannot import). */
const ENGINE_CRASH_MESSAGE = 'session deleted because of page crash or hang';
/**
 * The engine steps `npm test` runs: every Chromium tier, and Firefox's browser tier. The other engine steps
 * (Firefox e2e, WebKit browser and e2e) run with `pnpm run test:engines` (`--engines firefox,webkit`) until a whole
 * run of each is green inside its time limit (README, Browser support: where each stands, and what still fails).
 */
const DEFAULT_ENGINE_STEPS = new Set(['browser', 'e2e', 'browser-firefox']);
/** A browser step that runs longer than this has frozen: it is killed and fails. */
const BROWSER_STEP_TIMEOUT_MS = 8 * 60_000;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const reports = path.join(root, 'test-results', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
// What the e2e steps of one run share across engines (the package smoke's built consumer app), outside the
// workspace (a pnpm install inside it would join the workspace); removed when the run ends.
const shared = mkdtempSync(path.join(tmpdir(), 'savants-check-'));
process.on('exit', () => rmSync(shared, { recursive: true, force: true }));

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
  ...ENGINES.map((engine) => {
    const project = engine === 'chromium' ? 'browser' : `browser-${engine}`;
    const r = vitestReport(project);
    return { name: project, engine, cmd: ['pnpm', 'exec', 'vitest', 'run', '--project', project, ...r.args], report: r };
  }),
  { name: 'build', cmd: ['pnpm', '--filter', '@savants/voice', 'run', 'build'] },
  { name: 'package', cmd: ['node', 'scripts/check-package.mjs'] },
  { name: 'docs', cmd: ['pnpm', 'exec', 'typedoc', '--options', 'packages/sdk/typedoc.json'] },
  ...ENGINES.map((engine) => {
    const name = engine === 'chromium' ? 'e2e' : `e2e-${engine}`;
    const file = path.join(reports, `${name}.json`);
    return {
      name,
      engine,
      cmd: ['pnpm', 'exec', 'playwright', 'test', '--project', engine, '--reporter=list,json'],
      env: { PLAYWRIGHT_JSON_OUTPUT_NAME: file, E2E_SHARED_DIR: shared },
      report: { file, kind: 'playwright' },
    };
  }),
];

const argv = process.argv.slice(2);
const listArg = (flag) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? new Set(argv[i + 1].split(',')) : null;
};
const only = listArg('--only');
const skip = listArg('--skip') ?? new Set();
const engines = listArg('--engines');

/** Failed attempts whose error is the known engine crash, and any other retried failures, of a Playwright report. */
function retriesOf(json) {
  let crash = 0;
  let other = 0;
  const visit = (suite) => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests ?? [])
        for (const result of (t.results ?? []).slice(0, -1)) {
          const message = [result.error, ...(result.errors ?? [])].map((e) => e?.message ?? '').join('\n');
          if (message.includes(ENGINE_CRASH_MESSAGE)) crash++;
          else other++;
        }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of json.suites ?? []) visit(suite);
  return { crash, other };
}

function countTests(report) {
  try {
    const json = JSON.parse(readFileSync(report.file, 'utf8'));
    if (report.kind === 'vitest')
      return {
        passed: json.numPassedTests,
        failed: json.numFailedTests + (json.numRuntimeErrors ?? 0),
        skipped: json.numPendingTests + json.numTodoTests,
        retries: 0,
      };
    const s = json.stats;
    const retries = retriesOf(json);
    // A test that passed only on a retry of anything but the engine crash is a failure.
    return {
      passed: s.expected + s.flaky - retries.other,
      failed: s.unexpected + retries.other,
      skipped: s.skipped,
      retries: retries.crash,
    };
  } catch {
    return null;
  }
}

/** Every process group of `pid` and its descendants (Playwright starts browsers and its web server in groups of their own). */
function processGroupsUnder(pid) {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, parent] of table)
      if (tree.has(parent) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
  }
  return new Set(table.filter(([p]) => tree.has(p)).map(([, , group]) => group));
}

/**
 * Runs a step's command. A browser step over its time limit has frozen: it is killed with every process it started
 * (pnpm, the runner, its workers, the browsers and web server they started, each group of them). Killing only the
 * direct child (pnpm) left the runner and its browser running the remaining tests, competing with the next steps
 * for the CPU.
 */
function runStep(step) {
  return new Promise((resolve) => {
    const child = spawn(step.cmd[0], step.cmd.slice(1), {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...step.env },
      detached: true,
    });
    let timedOut = false;
    const killAll = () => {
      for (const group of processGroupsUnder(child.pid))
        try {
          process.kill(-group, 'SIGKILL');
        } catch {}
    };
    const timer = step.engine
      ? setTimeout(() => {
          timedOut = true;
          killAll();
        }, BROWSER_STEP_TIMEOUT_MS)
      : undefined;
    // Ctrl-C of `pnpm check` reaches this process only (the step has its own group): the step goes with it.
    const onSignal = () => {
      killAll();
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    child.on('close', (status) => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve({ status, timedOut });
    });
  });
}

const rows = [];
let passed = 0,
  failed = 0,
  skipped = 0,
  retries = 0;
/** Per engine: tests passed / failed / skipped over its browser and e2e steps. */
const perEngine = Object.fromEntries(ENGINES.map((e) => [e, { passed: 0, failed: 0, skipped: 0, retries: 0 }]));
const started = Date.now();
for (const step of steps) {
  if ((only && !only.has(step.name)) || skip.has(step.name)) continue;
  if (engines && !(step.engine && engines.has(step.engine))) continue;
  if (!engines && step.engine && !DEFAULT_ENGINE_STEPS.has(step.name)) continue;
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  const res = await runStep(step);
  const seconds = (Date.now() - t0) / 1000;
  if (res.timedOut) console.log(`${step.name}: stopped after ${BROWSER_STEP_TIMEOUT_MS / 60_000} min (frozen?)`);
  const ok = res.status === 0;
  const counts = step.report ? countTests(step.report) : null;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    retries += counts.retries;
    // A runner that failed without reporting a failed test (crash, config error) still counts as one failure.
    if (!ok && counts.failed === 0) failed += 1;
    if (step.engine) {
      const e = perEngine[step.engine];
      e.passed += counts.passed;
      e.failed += counts.failed + (!ok && counts.failed === 0 ? 1 : 0);
      e.skipped += counts.skipped;
      e.retries += counts.retries;
    }
  } else if (ok) passed += 1;
  else {
    failed += 1;
    if (step.engine) perEngine[step.engine].failed += 1;
  }
  rows.push({
    step: step.name,
    result: ok ? 'ok' : 'FAILED',
    tests: counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : '',
    retries: counts?.retries ?? '',
    seconds: seconds.toFixed(1),
  });
}

console.log('\n=== summary');
console.table(rows);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const [engine, c] of Object.entries(perEngine)) {
  if (c.passed + c.failed + c.skipped === 0) continue;
  console.log(`${engine}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped, ${c.retries} engine-crash retries`);
}
console.log(`engine-crash retries: ${retries} (only '${ENGINE_CRASH_MESSAGE}' is retried)`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(rows.some((r) => r.result !== 'ok') ? 1 : 0);
