/**
 * The one place that knows how tests launch each browser engine, from Debian packages only (never a downloaded
 * browser): the binary, its flags or prefs, and how its fake microphone is set up. Measured facts behind every
 * choice: shared/notes/cross-browser.md.
 *
 * - Chromium: Playwright's own protocol. CHROMIUM_PATH overrides the binary.
 * - Firefox ESR: Playwright 1.64.1 over WebDriver BiDi (`channel: 'moz-firefox'`; 1.65 sends a BiDi command ESR
 *   153 lacks). FIREFOX_PATH overrides the binary.
 * - WebKit (WebKitGTK's MiniBrowser, the engine Safari is built on): Playwright cannot drive it, so WebKitWebDriver
 *   (W3C WebDriver classic) under an X server (MiniBrowser has no headless mode). WEBKIT_DRIVER_PATH and
 *   MINIBROWSER_PATH override the binaries.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import type { Socket } from 'node:net';

export type Engine = 'chromium' | 'firefox' | 'webkit';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

const firstExisting = (candidates: string[], fallback: string) => candidates.find((p) => existsSync(p)) ?? fallback;

export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ??
  firstExisting(['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'], '/usr/bin/chromium');

/** Flags for a headless Chromium on a machine with no network but loopback and no sound card. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Flags for the fake microphone; with a WAV, Chromium plays that file as the mic. Append '%noloop' to play it once. */
export function fakeMicArgs(wav?: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    ...(wav ? [`--use-file-for-fake-audio-capture=${wav}`] : []),
  ];
}

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? firstExisting(['/usr/bin/firefox-esr', '/usr/bin/firefox'], '/usr/bin/firefox-esr');

/**
 * Firefox prefs for tests: its fake microphone (a 1 kHz sine, −20 dBFS peak), no permission prompt, audio allowed
 * to start without a gesture, and the mock audio backend: with no sound card (and no PulseAudio) every
 * AudioContext otherwise stays 'suspended' for ever and resume() never settles. The mock clock runs slow
 * (0.6–0.97× real time on a loaded machine), so tests compare against the audio clock, not the wall clock.
 */
export const FIREFOX_PREFS: Record<string, string | number | boolean> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.cubeb.force_mock_context': true,
  'media.autoplay.default': 0,
  'media.autoplay.block-webaudio': false,
};

/**
 * Firefox prefs that capture through the real path instead: PulseAudio, with the monitor of a null sink that a test
 * plays a WAV into as the microphone (e2e/pulse.ts starts the daemon; Firefox gets PULSE_SERVER in its environment).
 */
export function firefoxPulsePrefs(monitorDescription: string): Record<string, string | number | boolean> {
  return {
    ...FIREFOX_PREFS,
    'media.navigator.streams.fake': false,
    'media.cubeb.force_mock_context': false,
    'media.audio_loopback_dev': monitorDescription,
  };
}

/** Firefox refuses the microphone: no fake stream, and every permission prompt denied (headless cannot answer). */
export const FIREFOX_DENY_MIC_PREFS: Record<string, string | number | boolean> = {
  ...FIREFOX_PREFS,
  'media.navigator.permission.disabled': false,
  'permissions.default.microphone': 2,
};

export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH =
  process.env.MINIBROWSER_PATH ??
  firstExisting(
    ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser'],
    '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
  );

/**
 * MiniBrowser flags: `--automation` (WebKitWebDriver refuses a session without it), the mock capture devices (a
 * 150 Hz hum with 500/1500 Hz bursts once a second; without them getUserMedia rejects, there is no device), and
 * autoplay allowed (otherwise an AudioContext starts 'suspended' until a gesture).
 */
export function webkitArgs({ autoplay = true, mockMicrophone = true } = {}): string[] {
  return [
    '--automation',
    ...(mockMicrophone ? ['--enable-mock-capture-devices=true'] : []),
    ...(autoplay ? ['--autoplay-policy=allow'] : []),
  ];
}

/** New-session capabilities for WebKitWebDriver (no BiDi in Debian's build, and it only answers to 'MiniBrowser'). */
export function webkitCapabilities(args: string[] = webkitArgs()): Record<string, unknown> {
  return { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args } };
}

/** The error WebKitWebDriver answers with after the WebProcess crashed: the one failure the runners retry. */
export const ENGINE_CRASH_MESSAGE = 'session deleted because of page crash or hang';
/** What MiniBrowser writes to the driver's output when the WebProcess crashes (scripts/vitest-per-file.mjs keeps a copy). */
export const ENGINE_CRASH_LOG = 'WebProcess CRASHED';

/**
 * A free loopback port, found synchronously (a config file must know the WebDriver port before any async code
 * runs): a child node binds port 0, prints it and exits.
 */
export function freePortSync(): number {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  // No NODE_OPTIONS: a test runner's loaders and conditions would run (and print) in the child too.
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const port = Number(/(\d+)\s*$/.exec(out)?.[1]);
  if (!Number.isInteger(port)) throw new Error(`no free port: ${out}`);
  return port;
}

export interface EngineProcess {
  /** Kills the process group and waits for the process to exit. */
  close(): Promise<void>;
  /** Kills the process group at once (for `process.on('exit')`, where nothing can be awaited). */
  kill(): void;
}

function killGroupNow(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

/** Kills a detached child's whole process group (the process and everything it started), and waits for it. */
function killGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    killGroupNow(child);
  });
}

/**
 * An X server for MiniBrowser, which has no headless mode: Xvfb on the first free display (`-displayfd` picks it
 * and reports it). Sets nothing globally: the caller passes `display` in the driver's environment.
 */
export async function startXvfb(): Promise<EngineProcess & { display: string }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const displayFd = child.stdio[3] as Socket;
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb reported no display in 10 s')), 10_000);
    displayFd.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${out.trim()}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited ${code}`));
    });
  });
  // Nothing of Xvfb's may keep the test runner's event loop alive.
  displayFd.destroy();
  child.unref();
  return { display, close: () => killGroup(child), kill: () => killGroupNow(child) };
}

/**
 * WebKitWebDriver on `port`, in its own process group: MiniBrowser and WebKit's helper processes inherit its pipes,
 * and after a WebProcess crash they keep them open, so only killing the group ends them all.
 */
export async function startWebKitDriver(
  port: number,
  display: string,
  { log, compositing = true }: { log?: string; compositing?: boolean } = {},
): Promise<EngineProcess & { url: string }> {
  // Never PulseAudio for WebKit: with PULSE_SERVER set its audio clock ran 1.2× fast, with sidebands.
  const { PULSE_SERVER: _pulse, ...env } = process.env;
  const out = log === undefined ? 'ignore' : openSync(log, 'a');
  const child = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], {
    detached: true,
    stdio: ['ignore', out, out],
    // compositing: false turns accelerated compositing off: on Xvfb it is GL in software, and the WebProcess used
    // 9 s of CPU per 8 s of a call with it, 5 s without (e2e, 2-core machine at load 15). Not for vitest's browser
    // tier: without compositing its tester page closes before the first test (every file, every run, WebKitGTK 2.50).
    env: { ...env, DISPLAY: display, ...(compositing ? {} : { WEBKIT_DISABLE_COMPOSITING_MODE: '1' }) },
  });
  if (typeof out === 'number') closeSync(out);
  child.unref();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) break;
    } catch {}
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited ${child.exitCode}`);
    if (Date.now() > deadline) {
      await killGroup(child);
      throw new Error(`WebKitWebDriver did not answer on port ${port} in 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, close: () => killGroup(child), kill: () => killGroupNow(child) };
}
