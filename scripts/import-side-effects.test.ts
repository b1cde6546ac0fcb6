/**
 * The import probe of the package check (scripts/import-side-effects.mjs) must see work done at import time,
 * or its "constructs nothing" verdict on dist/ means nothing. Fixture modules written to a temp dir.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { importSideEffects } from './import-side-effects.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'import-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, code: string): string {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  return file;
}

describe('importSideEffects', () => {
  test('a module that only declares things is clean', () => {
    const file = fixture(
      'clean',
      'export class Client extends EventTarget {}\nexport const codes = new Set(["A"]);\nexport function connect() { return new WebSocket("ws://x"); }\n',
    );
    expect(importSideEffects([file])).toEqual({ counts: {} });
  });

  test.each([
    ['constructs an EventTarget', 'export const bus = new EventTarget();', 'new EventTarget'],
    ['starts a timer', 'setTimeout(() => {}, 0);', 'setTimeout'],
    ['fetches', 'fetch("http://127.0.0.1:9/").catch(() => {});', 'fetch'],
    ['feature-tests IndexedDB', 'export const hasIdb = typeof indexedDB !== "undefined";', 'read indexedDB'],
    ['makes a Blob URL', 'export const url = URL.createObjectURL(new Blob(["x"]));', 'URL.createObjectURL'],
  ])('a module that %s is caught', (name, code, counted) => {
    const result = importSideEffects([fixture(name.replace(/\W/g, '-'), code)]);
    expect(result).toHaveProperty(['counts', counted]);
  });

  test('a module-scope class extending a browser-only global throws, as in server-side rendering', () => {
    const result = importSideEffects([fixture('worklet-node', 'export class CaptureNode extends AudioWorkletNode {}')]);
    expect(result).toHaveProperty('threw');
    expect('threw' in result && result.threw).toMatch(/AudioWorkletNode/);
  });
});
