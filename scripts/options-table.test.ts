/**
 * The README's options, error-code and event tables are generated from the source (scripts/options-table.mjs);
 * these tests fail when the README says something else, or when the source disagrees with itself (an `@default`
 * that is not the DEFAULTS value, a code without a description). Fix: `pnpm exec node scripts/options-table.mjs --write`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { errorsTable, eventsTable, optionsTable, README, readmeSection } from './options-table.mjs';

const readme = readFileSync(README, 'utf8');

describe.each([
  ['options', optionsTable],
  ['errors', errorsTable],
  ['events', eventsTable],
] as const)('README %s table', (name, generate) => {
  test('the source documents every row', async () => {
    const { problems } = await generate();
    expect(problems).toEqual([]);
  });

  test('matches the source', async () => {
    const { markdown } = await generate();
    const section = readmeSection(readme, name);
    expect(section, `README.md has no <!-- ${name}:start --> … <!-- ${name}:end --> section`).toBeDefined();
    expect(section).toBe(markdown);
  });
});

describe('the generator', () => {
  test('the options table has one row per option, with DEFAULTS values', async () => {
    const { DEFAULTS } = await import('../packages/sdk/src/options.ts');
    const { markdown } = await optionsTable();
    const rows = markdown.split('\n').slice(2);
    for (const [key, value] of Object.entries(DEFAULTS)) {
      const row = rows.find((r) => r.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      // A number default must appear as that number (the cell shows the @default text, which was checked equal).
      if (typeof value === 'number') expect(row).toContain(`\`${value}\``);
    }
  });

  test('a README whose section differs is caught', async () => {
    const { markdown } = await optionsTable();
    const drifted = markdown.replace(/`10000`/, '`1000`');
    expect(drifted).not.toBe(markdown);
    const fakeReadme = `# x\n<!-- options:start -->\n${drifted}\n<!-- options:end -->\n`;
    expect(readmeSection(fakeReadme, 'options')).not.toBe(markdown);
    expect(readmeSection('# no markers', 'options')).toBeUndefined();
  });
});
