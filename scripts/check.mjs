#!/usr/bin/env node
// `pnpm check`: every gate the repository has, in order, each in its own process. It goes on past a failure so
// one run shows everything, then prints a table and the closing line "N passed, N failed" (tests of all runners,
// plus one per non-test gate). Exit code 1 if anything failed.
//   node scripts/check.mjs                 everything
//   node scripts/check.mjs --only unit,e2e some steps
//   node scripts/check.mjs --skip e2e
//   node scripts/check.mjs --engines firefox,webkit   only the browser and e2e steps of those engines
//   node scripts/check.mjs --lanes 1      engine steps one after another (default: LANES at a time)
// Without --engines, every engine step runs (what `npm test` and CI run): both tiers in Chromium, Firefox and WebKit.
// The steps that are not an engine's run first, one after another; then the engine steps run LANES at a time, each
// with its own demo port and Playwright output folder, its output kept in a log and printed when it ends.
// Browser steps run with a time limit (a frozen engine must not stall the run). The one failure retried is the
// WebKit WebProcess crash (in e2e: ENGINE_CRASH_MESSAGE, retried up to three times by playwright.config.ts; in the
// browser tier: a file whose run MiniBrowser logged as crashed, by scripts/vitest-per-file.mjs); any retry of another failure
// counts as a failure, and the summary prints the retries.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ENGINES = ['chromium', 'firefox', 'webkit'];
/** Kept in step with engines.ts (a .ts file this plain-node script cannot import). */
const ENGINE_CRASH_MESSAGE = 'session deleted because of page crash or hang';
/** The order engine steps are started in: the longest first, so the lanes end close together. */
const ENGINE_STEP_ORDER = ['e2e-webkit', 'e2e-firefox', 'browser-webkit', 'e2e', 'browser-firefox', 'browser'];
/** A browser step that runs longer than this has frozen: it is killed and fails. */
const BROWSER_STEP_TIMEOUT_MS = 8 * 60_000;
/**
 * Engine steps run at once. Most of a browser step's time is audio played in real time, not CPU, so on a 2-core
 * machine two at a time take about half the wall time of one after another (README, Tests, has the figures).
 */
const LANES = 2;
/** Each lane's demo server port (Playwright's webServer): lanes must not share one. */
const LANE_DEMO_PORT = 5190;

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
    if (engine !== 'webkit')
      return { name: project, engine, cmd: ['pnpm', 'exec', 'vitest', 'run', '--project', project, ...r.args], report: r };
    // WebKit: one browser session per test file (its WebProcess crashes once a page has made enough AudioContexts;
    // see the script). Vitest cannot see the WebDriver session die: a crash shows as "Browser connection was
    // closed"; the driver's log says which it was, and only that reruns a file, once, counted.
    const crashLog = path.join(reports, 'webkit-driver.log');
    return {
      name: project,
      engine,
      cmd: ['node', 'scripts/vitest-per-file.mjs', '--project', project, '--report', r.file, '--crash-log', crashLog],
      report: r,
    };
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
const lanes = Number(listArg('--lanes')?.values().next().value ?? LANES);
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
        retries: json.crashRetries ?? 0,
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
function runStep(step, env, log) {
  return new Promise((resolve) => {
    const out = log === undefined ? 'inherit' : openSync(log, 'w');
    const child = spawn(step.cmd[0], step.cmd.slice(1), {
      cwd: root,
      stdio: log === undefined ? 'inherit' : ['ignore', out, out],
      env: { ...process.env, ...step.env, ...env },
      detached: true,
    });
    if (typeof out === 'number') closeSync(out);
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
const readText = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** Adds a finished step's counts to the totals and its row to the table. */
function record(step, res, seconds) {
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
    // A runner that exits 0 can still hold failures: a Playwright test that passed only on a retry of anything
    // but the engine crash.
    result: ok && !(counts?.failed > 0) ? 'ok' : 'FAILED',
    tests: counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : '',
    retries: counts?.retries ?? '',
    seconds: seconds.toFixed(1),
  });
}

const selected = steps.filter(
  (step) => !((only && !only.has(step.name)) || skip.has(step.name)) && !(engines && !(step.engine && engines.has(step.engine))),
);
for (const step of selected.filter((s) => !s.engine)) {
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  record(step, await runStep(step), (Date.now() - t0) / 1000);
}

// The engine steps, longest first, pulled by `lanes` workers: each lane has its own demo port and Playwright
// output folder (Playwright empties its output folder when it starts).
const queue = selected.filter((s) => s.engine).sort((a, b) => ENGINE_STEP_ORDER.indexOf(a.name) - ENGINE_STEP_ORDER.indexOf(b.name));
const logs = path.join(root, 'test-results', 'logs');
mkdirSync(logs, { recursive: true });
const lane = async (index) => {
  const env = { E2E_DEMO_PORT: String(LANE_DEMO_PORT + index), E2E_OUTPUT_DIR: path.join('test-results', `e2e-lane${index}`) };
  for (let step = queue.shift(); step; step = queue.shift()) {
    const log = lanes > 1 ? path.join(logs, `${step.name}.log`) : undefined;
    console.log(`\n=== ${step.name}${lanes > 1 ? ` (lane ${index}, output in ${path.relative(root, log)})` : ''}: ${step.cmd.join(' ')}`);
    const t0 = Date.now();
    const res = await runStep(step, env, log);
    const seconds = (Date.now() - t0) / 1000;
    if (log) console.log(`\n=== ${step.name} ended after ${seconds.toFixed(1)} s; its output:\n${readText(log)}`);
    record(step, res, seconds);
  }
};
await Promise.all(Array.from({ length: Math.max(1, lanes) }, (_, i) => lane(i)));

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
