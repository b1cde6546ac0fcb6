/**
 * WebKit (WebKitGTK's MiniBrowser, the engine Safari is built on) as a `TestPage`, so the same specs run in it:
 * Playwright cannot drive WebKitGTK, so this speaks W3C WebDriver classic to WebKitWebDriver (engines.ts starts it
 * on its own Xvfb display).
 *
 * - One engine per test worker: Xvfb, the driver and one browser session, reused by every page while the
 *   MiniBrowser flags stay the same (a session takes ~1.5 s to start); a page is one at a time, and closing it
 *   loads about:blank, which ends everything the page held. A WebProcess crash ends the session (the next page
 *   starts a new one) and is thrown as EngineCrash, the one failure the runners retry.
 * - Init scripts: WebDriver classic has none, so pages load through a small proxy (one per origin) that puts
 *   `<script src="/__e2e-init.js">` first in every HTML document; a same-origin file, so it passes a
 *   `script-src 'self'` policy too. The console and uncaught errors are collected in the page by the first of
 *   those scripts and handed to `on('console' | 'pageerror')` listeners after every call.
 * - `evaluate` sends the function's source, as Playwright does, and its argument and result as JSON that keeps
 *   undefined, NaN and ±Infinity.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Disposable } from '@playwright/test';
import {
  ENGINE_CRASH_LOG,
  ENGINE_CRASH_MESSAGE,
  type EngineProcess,
  freePortSync,
  startWebKitDriver,
  startXvfb,
  webkitArgs,
  webkitCapabilities,
} from '../engines.ts';
import { type InitProxy, startInitProxy } from './init-script-proxy.ts';
import type { ConsoleMessageLike, TestBrowser, TestPage } from './test-page.ts';

/** Thrown when WebKitWebDriver reports the WebProcess crash: the one failure the runners retry. */
export class EngineCrash extends Error {}

/** How long one WebDriver script may run: longer than any wait a test asks for (the test's own timeout ends it first). */
const SCRIPT_TIMEOUT_MS = 300_000;

interface Session {
  id: string;
  argsKey: string;
}

/** Xvfb + WebKitWebDriver + the current session, shared by the worker's pages. */
class WebKitEngine {
  #xvfb?: EngineProcess & { display: string };
  #driver?: EngineProcess & { url: string };
  #session?: Session;
  #proxies = new Map<string, Promise<InitProxy>>();
  /** The init scripts of the page being loaded (one page at a time), served by every proxy. */
  initScript = '';
  /** The driver's output (MiniBrowser's included): where a WebProcess crash shows when the driver does not say it. */
  readonly #driverLog = path.join(mkdtempSync(path.join(tmpdir(), 'e2e-webkit-')), 'driver.log');

  async #start(): Promise<string> {
    if (this.#driver) return this.#driver.url;
    this.#xvfb = await startXvfb();
    this.#driver = await startWebKitDriver(freePortSync(), this.#xvfb.display, { compositing: false, log: this.#driverLog });
    return this.#driver.url;
  }

  /** Where the driver's output ends now: `crashLoggedSince` looks only at what comes after. */
  logMark(): number {
    try {
      return statSync(this.#driverLog).size;
    } catch {
      return 0;
    }
  }

  /**
   * Whether MiniBrowser logged a WebProcess crash after `mark`. If it did, the session is gone like after a crash the
   * driver reports (the next page starts a new one).
   */
  crashLoggedSince(mark: number): boolean {
    let text = '';
    try {
      text = readFileSync(this.#driverLog).subarray(mark).toString();
    } catch {}
    if (!text.includes(ENGINE_CRASH_LOG)) return false;
    this.#session = undefined;
    return true;
  }

  async call<T>(method: string, route: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const base = await this.#start();
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const json = (await response.json()) as { value: T & { error?: string; message?: string } };
    const value = json.value;
    if (value && typeof value === 'object' && 'error' in value && value.error) {
      const message = `${value.error}: ${value.message}`;
      if (message.includes(ENGINE_CRASH_MESSAGE)) {
        this.#session = undefined;
        throw new EngineCrash(message);
      }
      throw new Error(message);
    }
    return value;
  }

  /** The session for these MiniBrowser flags: the current one, or a new one in its place. */
  async session(args: string[]): Promise<string> {
    const argsKey = args.join(' ');
    if (this.#session?.argsKey === argsKey) return this.#session.id;
    await this.endSession();
    const { sessionId } = await this.call<{ sessionId: string }>('POST', '/session', {
      capabilities: { alwaysMatch: webkitCapabilities(args) },
    });
    await this.call('POST', `/session/${sessionId}/timeouts`, { script: SCRIPT_TIMEOUT_MS, pageLoad: 30_000 });
    this.#session = { id: sessionId, argsKey };
    return sessionId;
  }

  async endSession(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) await this.call('DELETE', `/session/${session.id}`, undefined, AbortSignal.timeout(5000)).catch(() => undefined);
  }

  /** The proxy that serves `origin` with the init scripts in front. */
  proxyFor(origin: string): Promise<InitProxy> {
    let proxy = this.#proxies.get(origin);
    if (!proxy) {
      proxy = startInitProxy(origin, () => this.initScript);
      this.#proxies.set(origin, proxy);
    }
    return proxy;
  }

  async close(): Promise<void> {
    await this.endSession();
    for (const proxy of this.#proxies.values()) await (await proxy).close();
    this.#proxies.clear();
    await this.#driver?.close();
    await this.#xvfb?.close();
    this.#driver = undefined;
    this.#xvfb = undefined;
    rmSync(path.dirname(this.#driverLog), { recursive: true, force: true });
  }

  kill(): void {
    this.#driver?.kill();
    this.#xvfb?.kill();
  }
}

let shared: WebKitEngine | undefined;

function engine(): WebKitEngine {
  if (!shared) {
    const created = new WebKitEngine();
    shared = created;
    // Whatever way the worker ends, nothing of WebKit's outlives it.
    process.once('exit', () => created.kill());
  }
  return shared;
}

/** Ends the worker's WebKit (the fixtures' worker teardown). */
export async function closeWebKit(): Promise<void> {
  const current = shared;
  shared = undefined;
  await current?.close();
}

/** Runs in the page before anything else: keeps console messages and uncaught errors for the listeners. */
const CONSOLE_CAPTURE = `(() => {
  const log = (window.__e2eConsole = []);
  for (const type of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[type].bind(console);
    console[type] = (...args) => { log.push({ type: type === 'warn' ? 'warning' : type, text: args.map(String).join(' ') }); original(...args); };
  }
  addEventListener('error', (e) => log.push({ type: 'pageerror', text: String(e.message) }));
  addEventListener('unhandledrejection', (e) => log.push({ type: 'pageerror', text: String(e.reason && e.reason.message || e.reason) }));
})();`;

/**
 * The page side of every call: decodes the argument, runs the function, encodes the result, hands over the console.
 * JSON with tags for what JSON cannot hold (undefined, NaN, ±Infinity), both ways.
 */
const PAGE_PRELUDE = `
  const done = arguments[arguments.length - 1];
  const rawArg = arguments[0];
  const decode = (text) => JSON.parse(text, (k, v) => v && typeof v === 'object' && '__n' in v ? Number(v.__n) : v && typeof v === 'object' && '__u' in v ? undefined : v);
  const encode = (value) => JSON.stringify(value === undefined ? { __u: 1 } : value, (k, v) => v === undefined ? { __u: 1 } : typeof v === 'number' && !Number.isFinite(v) ? { __n: String(v) } : v);
  const drain = () => (window.__e2eConsole ? window.__e2eConsole.splice(0) : []);
  const finish = (result) => {
    const answer = { ...result, console: drain(), url: location.href };
    window.__e2eLastResult = { id: arguments[1], answer };
    done(answer);
  };`;

/**
 * WebKitWebDriver answers "Could not parse script result" now and then (loads of 4-13 on two cores, about once per
 * 20-30 specs): after the page stalled mid-script, which may end in the WebProcess crash (the one traced did), or
 * with the result lost between the page and the driver. The script ran once and is not run again: its result is read
 * back from the page, where `finish` kept it; a crashed page makes the read-back throw the crash (EngineCrash).
 */
const LOST_RESULT_MESSAGE = 'Could not parse script result';
/** The same loss reported with no message at all (`unknown error: `, once in the 30 cycles at load). */
const LOST_RESULT_BARE = /^Error: unknown error: ?$/;
/** How long the read-back waits for a script that is still running (a stalled page that comes back). */
const READ_BACK_TIMEOUT_MS = 10_000;

const encodeArg = (value: unknown) =>
  JSON.stringify(value === undefined ? { __u: 1 } : value, (_k, v) =>
    v === undefined ? { __u: 1 } : typeof v === 'number' && !Number.isFinite(v) ? { __n: String(v) } : v,
  );
const decodeResult = (text: string): unknown =>
  JSON.parse(text, (_k, v) =>
    v && typeof v === 'object' && '__n' in v ? Number(v.__n) : v && typeof v === 'object' && '__u' in v ? undefined : v,
  );

interface CallResult {
  value?: string;
  error?: string;
  console: { type: string; text: string }[];
  url: string;
}

type Listener = ((message: ConsoleMessageLike) => void) | ((error: Error) => void);

export interface WebKitPageOptions {
  /** Resolves relative `goto` addresses (the project's baseURL). */
  baseURL?: string;
  /** MiniBrowser flags (engines.ts webkitArgs): the page shares the session of pages with the same flags. */
  args?: string[];
}

/** Numbers the scripts run in pages, so a result read back is the one of the script that lost it. */
let callCount = 0;

class WebKitPage implements TestPage {
  readonly #engine: WebKitEngine;
  readonly #sessionId: string;
  readonly #baseURL: string | undefined;
  readonly #initScripts: string[] = [CONSOLE_CAPTURE];
  readonly #listeners = { console: [] as ((m: ConsoleMessageLike) => void)[], pageerror: [] as ((e: Error) => void)[] };
  /** Proxy origin → the origin it stands for, so `url()` reports the address the test asked for. */
  readonly #origins = new Map<string, string>();
  #url = 'about:blank';
  #closed = false;

  constructor(engine: WebKitEngine, sessionId: string, baseURL: string | undefined) {
    this.#engine = engine;
    this.#sessionId = sessionId;
    this.#baseURL = baseURL;
  }

  #route(path: string): string {
    return `/session/${this.#sessionId}${path}`;
  }

  #emit(messages: { type: string; text: string }[], url: string): void {
    for (const [proxy, origin] of this.#origins) if (url.startsWith(proxy)) this.#url = origin + url.slice(proxy.length);
    for (const message of messages) {
      if (message.type === 'pageerror') for (const listener of this.#listeners.pageerror) listener(new Error(message.text));
      else for (const listener of this.#listeners.console) listener({ type: () => message.type, text: () => message.text });
    }
  }

  /** Runs `body` (statements that end by calling `finish({ value })` or `finish({ error })`) in the page. */
  async #run(body: string, arg: unknown): Promise<unknown> {
    if (this.#closed) throw new Error('the page is closed');
    const id = ++callCount;
    const logMark = this.#engine.logMark();
    const result = await this.#engine
      .call<CallResult>('POST', this.#route('/execute/async'), { script: `${PAGE_PRELUDE}\n${body}`, args: [encodeArg(arg), id] })
      .catch((error: unknown) => {
        if (!String(error).includes(LOST_RESULT_MESSAGE) && !LOST_RESULT_BARE.test(String(error))) throw error;
        return this.#readBack(id, error, logMark);
      });
    this.#emit(result.console ?? [], result.url ?? this.#url);
    if (result.error !== undefined) throw new Error(`page error: ${result.error}`);
    return result.value === undefined ? undefined : decodeResult(result.value);
  }

  /**
   * The result of script `id`, kept in the page by `finish`. A crashed page throws the crash (EngineCrash): as the
   * driver reports it, or, where the driver answers only `unknown error` (the read-back too, once in the 30 cycles at
   * load), as MiniBrowser logged it after `logMark`. Any other loss throws the driver's error.
   */
  async #readBack(id: number, lost: unknown, logMark: number): Promise<CallResult> {
    const until = Date.now() + READ_BACK_TIMEOUT_MS;
    while (Date.now() < until) {
      const kept = await this.#engine
        .call<CallResult | null>('POST', this.#route('/execute/sync'), {
          script: 'const kept = window.__e2eLastResult; return kept && kept.id === arguments[0] ? kept.answer : null;',
          args: [id],
        })
        .catch((error: unknown) => {
          if (error instanceof EngineCrash || !LOST_RESULT_BARE.test(String(error))) throw error;
          return null;
        });
      if (kept) {
        console.log(`webkit: WebKitWebDriver lost the result of a script (${String(lost)}); read back from the page`);
        return kept;
      }
      if (this.#engine.crashLoggedSince(logMark)) {
        throw new EngineCrash(`${ENGINE_CRASH_MESSAGE}: MiniBrowser logged '${ENGINE_CRASH_LOG}' (the driver said: ${String(lost)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw lost;
  }

  async goto(url: string): Promise<void> {
    const address = new URL(url, this.#baseURL);
    const proxy = await this.#engine.proxyFor(address.origin);
    this.#origins.set(proxy.origin, address.origin);
    this.#engine.initScript = this.#initScripts.join('\n');
    await this.#engine.call('POST', this.#route('/url'), { url: `${proxy.origin}${address.pathname}${address.search}${address.hash}` });
    this.#url = address.href;
  }

  url(): string {
    return this.#url;
  }

  evaluate<R>(pageFunction: () => R | Promise<R>): Promise<R>;
  evaluate<R, Arg>(pageFunction: (arg: Arg) => R | Promise<R>, arg: Arg): Promise<R>;
  async evaluate<R, Arg>(pageFunction: (arg?: Arg) => R | Promise<R>, arg?: Arg): Promise<R> {
    return (await this.#run(
      `Promise.resolve().then(() => (${pageFunction.toString()})(decode(rawArg)))
        .then((v) => finish({ value: encode(v) }), (e) => finish({ error: String(e && e.stack ? e + '\\n' + e.stack : e) }));`,
      arg,
    )) as R;
  }

  async waitForFunction<Arg>(pageFunction: (arg: Arg) => unknown, arg?: Arg, options: { timeout?: number } = {}): Promise<unknown> {
    const timeout = options.timeout ?? 0;
    return this.#run(
      `const fn = (${pageFunction.toString()}); const a = decode(rawArg); const until = ${timeout} > 0 ? performance.now() + ${timeout} : Infinity;
      (async () => {
        for (;;) {
          const v = await fn(a);
          if (v) return v;
          if (performance.now() > until) throw new Error('waitForFunction: Timeout ${timeout}ms exceeded.');
          await new Promise((r) => setTimeout(r, 16));
        }
      })().then((v) => finish({ value: encode(v) }), (e) => finish({ error: String(e) }));`,
      arg,
    );
  }

  async waitForTimeout(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }

  async addInitScript(script: unknown, arg?: unknown): Promise<Disposable> {
    if (typeof script !== 'function') throw new Error('WebKit pages take init scripts as functions only');
    const source = `(${script.toString()})(${JSON.stringify(arg ?? null)});`;
    this.#initScripts.push(source);
    const dispose = async () => {
      const index = this.#initScripts.indexOf(source);
      if (index >= 0) this.#initScripts.splice(index, 1);
    };
    return { dispose, [Symbol.asyncDispose]: dispose };
  }

  async #waitForSelector(selector: string): Promise<void> {
    await this.waitForFunction((s) => document.querySelector(s) !== null, selector, { timeout: 30_000 });
  }

  async click(selector: string): Promise<void> {
    await this.#waitForSelector(selector);
    const element = await this.#engine.call<Record<string, string>>('POST', this.#route('/element'), {
      using: 'css selector',
      value: selector,
    });
    const id = Object.values(element)[0];
    await this.#engine.call('POST', this.#route(`/element/${id}/click`), {});
  }

  async textContent(selector: string): Promise<string | null> {
    await this.#waitForSelector(selector);
    return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
  }

  async getAttribute(selector: string, name: string): Promise<string | null> {
    await this.#waitForSelector(selector);
    return this.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [selector, name] as const);
  }

  async inputValue(selector: string): Promise<string> {
    await this.#waitForSelector(selector);
    return this.evaluate((s) => (document.querySelector(s) as HTMLInputElement).value, selector);
  }

  isHidden(selector: string): Promise<boolean> {
    return this.evaluate((s) => {
      const element = document.querySelector(s);
      return !element || element.getClientRects().length === 0 || getComputedStyle(element).visibility === 'hidden';
    }, selector);
  }

  on(event: 'console', listener: (message: ConsoleMessageLike) => void): this;
  on(event: 'pageerror', listener: (error: Error) => void): this;
  on(event: 'console' | 'pageerror', listener: Listener): this {
    (this.#listeners[event] as Listener[]).push(listener);
    return this;
  }

  /** Loads about:blank: the page and everything it held (contexts, microphone, sockets) end; the session stays. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#engine.call('POST', this.#route('/url'), { url: 'about:blank' }).catch(() => undefined);
  }
}

/** A page in the worker's WebKit session for these flags (default: mock microphone, autoplay allowed). */
export async function openWebKitPage({ baseURL, args = webkitArgs() }: WebKitPageOptions = {}): Promise<TestPage> {
  const shared = engine();
  return new WebKitPage(shared, await shared.session(args), baseURL);
}

/** WebKit as a TestBrowser for the artifact specs: its pages share the worker's session; close() closes them. */
export function webkitBrowser(options: WebKitPageOptions = {}): TestBrowser {
  const pages: TestPage[] = [];
  return {
    async newPage() {
      const page = await openWebKitPage(options);
      pages.push(page);
      return page;
    },
    async close() {
      for (const page of pages) await page.close();
    },
  };
}
