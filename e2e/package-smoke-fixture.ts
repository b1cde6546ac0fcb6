/**
 * Helpers of the artifact smoke tests (package-smoke.spec.ts, csp.spec.ts, csp-demo.spec.ts): they test what users
 * install, the packed tarball and the files in dist/ (built by the global setup), never the source.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, firefox } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, type Engine, FIREFOX_PATH, FIREFOX_PREFS, fakeMicArgs } from '../engines.ts';
import type { TestBrowser } from './test-page.ts';
import { webkitBrowser } from './webkit-page.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sdkDir = path.join(repoRoot, 'packages/sdk');
export const sdkDist = path.join(sdkDir, 'dist');
export const pagesDir = path.join(repoRoot, 'e2e/package-smoke-pages');

/** What the smoke pages leave in `window.smoke` (see package-smoke-pages/smoke.mjs). */
export interface SmokeResult {
  exports: string[];
  constructedState?: string;
  connectedState?: string;
  finalState?: string;
  states: string[];
  error?: { code?: string; message?: string; isVoiceError?: boolean } | string;
  violations: string[];
  /** The page's console messages and uncaught errors, added by smokeIn. */
  console: string[];
}

/** Runs a command and throws with its output if it fails: the smoke steps are set-up, not assertions. */
export function run(cmd: string, args: string[], cwd: string): string {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (result.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** `pnpm pack`s the SDK into a fresh temp dir; returns the tarball's path. */
export function packSdk(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'savants-pack-'));
  run('pnpm', ['pack', '--pack-destination', dir], sdkDir);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack left no .tgz in ${dir}`);
  return path.join(dir, tarball);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves files on 127.0.0.1 (a secure context, so getUserMedia and AudioWorklet work) from `mounts`, a map of URL
 * prefix to directory, with the same extra `headers` on every response (e.g. a Content-Security-Policy).
 */
export async function serveStatic(mounts: Record<string, string>, headers: OutgoingHttpHeaders = {}): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    const dir = prefix === undefined ? undefined : mounts[prefix];
    let file = dir === undefined || prefix === undefined ? undefined : path.join(dir, pathname.slice(prefix.length));
    if (file && dir && !file.startsWith(dir)) file = undefined;
    if (file && existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file || !existsSync(file)) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface VoiceServerProcess {
  /** HTTP base URL of the reference server, for the client's `baseUrl`. */
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

/**
 * The reference server (echo agent) as its CLI runs it, in a child process: these tests treat the server the way
 * a user of the published package would, from outside.
 */
export async function startVoiceServer(): Promise<VoiceServerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@savants/source', '--no-warnings', 'src/cli.ts', '--port', '0', '--host', '127.0.0.1', '--agent', 'echo'],
    { cwd: path.join(repoRoot, 'packages/server'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const ready = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reference server did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /API base URL\s*:\s*(\S+)/.exec(output)?.[1];
      const apiKey = /API key\s*:\s*(\S+)/.exec(output)?.[1];
      if (url && apiKey) {
        clearTimeout(timer);
        resolve({ url, apiKey });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference server exited ${code}:\n${output}`));
    });
  });
  const { url, apiKey } = await ready;
  return {
    url,
    apiKey,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The project's engine with its fake microphone (Chromium's beeps, Firefox's 1 kHz, WebKit's mock hum) and autoplay
 * allowed: connect() needs a mic. WebKit's pages are WebDriver pages in the worker's one session (webkit-page.ts).
 */
export async function launchBrowser(engine: Engine): Promise<TestBrowser> {
  if (engine === 'webkit') return webkitBrowser();
  if (engine === 'firefox')
    return firefox.launch({ channel: 'moz-firefox', executablePath: FIREFOX_PATH, firefoxUserPrefs: FIREFOX_PREFS } as Parameters<
      typeof firefox.launch
    >[0]);
  if (engine === 'chromium') return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...fakeMicArgs()] });
  throw new Error(`no launcher for ${engine}`);
}

/** Opens `url` and waits for the smoke script's result. */
export async function smokeIn(browser: TestBrowser, url: string): Promise<SmokeResult> {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url);
    await page
      .waitForFunction(() => 'smoke' in window, undefined, { timeout: 10_000 })
      .catch(() => {
        throw new Error(`the page never started its smoke run; console:\n${console.join('\n')}`);
      });
    const result = await page.evaluate(() => (window as unknown as { smoke: Promise<SmokeResult> }).smoke);
    return { ...result, console };
  } finally {
    await page.close();
  }
}
