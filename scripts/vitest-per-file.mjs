#!/usr/bin/env node
// One vitest browser project, one test file per browser session: `check.mjs` runs WebKit's browser tier this way.
// Why: WebKitGTK's WebProcess crashes now and then at the start of an AudioContext in this tier (accelerated
// compositing on, which vitest's tester page needs): about 4 % of start-ups (measured on worklet-loader's start-ups:
// at the 4th to 12th of a page, 5 of 8 runs of 20 and 3 of 12 runs of 8), so a session that ran the whole tier (well
// over a hundred contexts) crashed in 4 of 4 runs. One session per file bounds what a crash takes down; a file whose
// run ends in that crash (MiniBrowser logs ENGINE_CRASH_LOG) runs again, up to CRASH_RERUNS times, each one counted;
// any other failure stands.
//   node scripts/vitest-per-file.mjs --project browser-webkit --report <merged.json> --crash-log <driver.log>
// The merged report has vitest's JSON counts summed over the files, plus `crashRetries`.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Kept in step with engines.ts ENGINE_CRASH_LOG (a .ts file this plain-node script cannot import). */
const ENGINE_CRASH_LOG = 'WebProcess CRASHED';
/** At ~4 % a start-up, a file of 8 start-ups crashes in about 1 run of 4: three reruns leave it 1 in 250 to fail. */
const CRASH_RERUNS = 3;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const argv = process.argv.slice(2);
const arg = (flag) => {
  const i = argv.indexOf(flag);
  if (i < 0 || !argv[i + 1]) throw new Error(`${flag} is required`);
  return argv[i + 1];
};
const project = arg('--project');
const report = arg('--report');
const crashLog = arg('--crash-log');

/** The project's test files, as vitest itself selects them (its config's include), in a stable order. */
function projectTestFiles() {
  const res = spawnSync('pnpm', ['exec', 'vitest', 'list', '--project', project, '--filesOnly', '--json'], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`vitest list failed:\n${res.stderr}`);
  return JSON.parse(res.stdout)
    .map((entry) => path.relative(root, entry.file))
    .sort();
}

const readText = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

function runFile(file, json) {
  rmSync(crashLog, { force: true });
  rmSync(json, { force: true });
  const args = ['exec', 'vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`, file];
  const res = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit', env: { ...process.env, WEBKIT_DRIVER_LOG: crashLog } });
  return { ok: res.status === 0, crashed: readText(crashLog).includes(ENGINE_CRASH_LOG) };
}

const totals = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numRuntimeErrors: 0, crashRetries: 0 };
const failedFiles = [];
for (const [i, file] of projectTestFiles().entries()) {
  const json = `${report}.${i}.json`;
  console.log(`\n--- ${project}: ${file}`);
  let result = runFile(file, json);
  for (let rerun = 1; !result.ok && result.crashed && rerun <= CRASH_RERUNS; rerun++) {
    console.log(`--- ${file}: the WebProcess crashed ('${ENGINE_CRASH_LOG}'): run again (${rerun} of ${CRASH_RERUNS})`);
    totals.crashRetries++;
    result = runFile(file, json);
  }
  let counts;
  try {
    counts = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    counts = null;
  }
  if (counts) for (const key of Object.keys(totals)) if (key !== 'crashRetries') totals[key] += counts[key] ?? 0;
  // A run that failed without a failed test in its report (a crash, a config error) still counts as one failure.
  if (!result.ok) {
    failedFiles.push(file);
    if (!counts || counts.numFailedTests + (counts.numRuntimeErrors ?? 0) === 0) totals.numRuntimeErrors++;
  }
  rmSync(json, { force: true });
}
writeFileSync(report, JSON.stringify(totals, null, 2));
console.log(
  `\n${project}, one browser session per file: ${totals.numPassedTests} passed, ${totals.numFailedTests + totals.numRuntimeErrors} failed, ${totals.numPendingTests + totals.numTodoTests} skipped, ${totals.crashRetries} engine-crash retries${failedFiles.length ? `; failed: ${failedFiles.join(', ')}` : ''}`,
);
process.exit(failedFiles.length ? 1 : 0);
