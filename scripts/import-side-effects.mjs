// Does importing a module do anything? Imports files in a fresh Node process (no DOM: no AudioContext,
// AudioWorkletNode, indexedDB or document) whose globals count every construction, timer, network call and read
// of a browser global. A library that does work at import time slows every page that bundles it, breaks
// server-side rendering, and cannot be tree-shaken; a module-scope `class X extends AudioWorkletNode` throws here
// just as it throws during server-side rendering.
import { spawnSync } from 'node:child_process';

// Runs inside the child, before the imports. Kept as a string: it must run in a process of its own.
const PROBE = `
  const counts = {};
  const count = (name) => { counts[name] = (counts[name] ?? 0) + 1; };
  for (const name of ['WebSocket', 'EventTarget', 'Worker', 'Blob', 'MessageChannel', 'BroadcastChannel', 'AbortController']) {
    const Original = globalThis[name];
    if (typeof Original !== 'function') continue;
    globalThis[name] = new Proxy(Original, { construct(t, a, nt) { count('new ' + name); return Reflect.construct(t, a, nt); } });
  }
  for (const name of ['fetch', 'setTimeout', 'setInterval', 'queueMicrotask', 'requestAnimationFrame']) {
    const original = globalThis[name];
    if (typeof original === 'function') globalThis[name] = (...a) => { count(name); return original(...a); };
  }
  // Getters, so even a 'typeof indexedDB' feature test at import time counts: support is checked in connect().
  for (const name of ['indexedDB', 'navigator', 'document', 'window', 'localStorage', 'AudioContext', 'AudioWorkletNode']) {
    const had = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, { configurable: true, get() { count('read ' + name); return had?.get ? had.get.call(globalThis) : had?.value; } });
  }
  const { createObjectURL } = URL;
  URL.createObjectURL = (...a) => { count('URL.createObjectURL'); return createObjectURL(...a); };
  for (const file of process.argv.slice(1)) await import(file);
  process.stdout.write(JSON.stringify(counts));
`;

/**
 * Imports `files` (absolute paths, in order) in a child Node process.
 * @returns {{ threw: string } | { counts: Record<string, number> }} what the import did: an empty `counts` is clean
 */
export function importSideEffects(files) {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, ...files], { encoding: 'utf8' });
  if (run.status !== 0) return { threw: run.stderr.trim() };
  return { counts: JSON.parse(run.stdout || '{}') };
}
