import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLOSE_CODES, HTTP_ERRORS, SOCKET_ERRORS } from '@savants/voice/protocol';
import { describe, expect, it } from 'vitest';
import { AGENT_NAMES, DEFAULTS } from '../src/index.ts';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');

/** The text of the `## heading` section. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The cells of the table row, in `heading`'s section, whose first cell is exactly `first`; or undefined. */
function row(first: string, heading: string): string[] | undefined {
  return section(heading)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .find((cells) => cells[0] === first);
}

describe('packages/server/README.md', () => {
  it('lists every HTTP error code with its status and retry advice from HTTP_ERRORS', () => {
    for (const [code, { status, retry }] of Object.entries(HTTP_ERRORS)) {
      expect(row(`\`${code}\``, 'HTTP errors'), code).toEqual([
        `\`${code}\``,
        String(status),
        retry,
        expect.any(String),
        expect.any(String),
      ]);
    }
  });

  it('lists every socket error code with its close code and retry advice from SOCKET_ERRORS', () => {
    for (const [code, { close, retry }] of Object.entries(SOCKET_ERRORS)) {
      expect(row(`\`${code}\``, 'Socket errors'), code).toEqual([
        `\`${code}\``,
        close === null ? 'none (session continues)' : String(close),
        retry,
        expect.any(String),
      ]);
    }
  });

  it('lists every close code with its name and retry advice from CLOSE_CODES', () => {
    for (const [code, { name, retry }] of Object.entries(CLOSE_CODES)) {
      expect(row(code, 'Close codes'), code).toEqual([code, `\`${name}\``, retry, expect.any(String)]);
    }
  });

  it('documents every option default exactly as DEFAULTS has it', () => {
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect(row(`\`${name}\``, 'Library')?.[1], name).toBe(`\`${JSON.stringify(value)}\``);
    }
  });

  it('documents every built-in agent', () => {
    for (const name of AGENT_NAMES) expect(row(`\`${name}\``, 'Agents'), name).toBeDefined();
  });

  it('has a decision for each server-side gap of section 12.2', () => {
    const decisions = section("Decisions on the protocol's gaps");
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 19, 20, 21, 22, 24, 25, 29]) {
      expect(decisions, `gap ${n}`).toContain(`\n- **Gap ${n}: `);
    }
  });
});
