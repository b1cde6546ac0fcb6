#!/usr/bin/env node
// The README's reference tables, generated from the source so they cannot drift:
//   options  <- the interfaces joined by `VoiceClientOptions` in packages/sdk/src/options.ts (TSDoc) + `DEFAULTS`
//   errors   <- CLIENT_ERROR_CODES (errors.ts), HTTP_ERRORS and SOCKET_ERRORS (protocol/codes.ts, with their TSDoc)
//   events   <- the client's event-map interface (TSDoc per event)
// Each sits in README.md between `<!-- NAME:start -->` and `<!-- NAME:end -->`; scripts/options-table.test.ts
// fails when a section differs from what this prints.
//   node scripts/options-table.mjs                 print every table
//   node scripts/options-table.mjs options         print one
//   node scripts/options-table.mjs --write         rewrite the README sections in place
// It also reports drift inside the source: a DEFAULTS key with no documented option, or an `@default` tag that
// says something else than DEFAULTS.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import ts from 'typescript';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'packages/sdk/src');
export const README = path.join(root, 'README.md');

// ─── TSDoc reading ──────────────────────────────────────────────────────────────────────────────────────────────

const parse = (file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);

/** One line of Markdown from a TSDoc comment: `{@link X.y}` becomes `` `y` ``, pipes are escaped. */
const toCell = (text) =>
  (text ?? '')
    .replace(/\{@link\s+(?:[\w.]+\.)?(\w+)(?:\s*\|\s*([^}]+))?\}/g, (_, name, label) => `\`${(label ?? name).trim()}\``)
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

/** Summary text and tags of the JSDoc on a node. */
function docOf(node) {
  const jsDoc = node.jsDoc?.at(-1);
  const tags = Object.fromEntries(ts.getJSDocTags(node).map((t) => [t.tagName.text, ts.getTextOfJSDocComment(t.comment) ?? '']));
  return { summary: ts.getTextOfJSDocComment(jsDoc?.comment) ?? '', tags };
}

// ─── options ────────────────────────────────────────────────────────────────────────────────────────────────────

/** The value a `@default` tag spells, when it is a literal (a number, string, boolean, plain object); else undefined. */
function literalOf(tagText) {
  try {
    const value = new Function(`return (${tagText});`)();
    return typeof value === 'function' || value === undefined ? undefined : { value };
  } catch {
    return undefined;
  }
}

const formatValue = (value) =>
  typeof value === 'string'
    ? `'${value}'`
    : JSON.stringify(value)
        .replace(/"(\w+)":/g, '$1: ')
        .replace(/,/g, ', ');

/** @returns {Promise<{markdown: string, problems: string[]}>} */
export async function optionsTable() {
  const file = path.join(src, 'options.ts');
  if (!existsSync(file)) return { markdown: '', problems: ['packages/sdk/src/options.ts does not exist'] };
  const { DEFAULTS } = await import(file);
  const sf = parse(file);
  const interfaces = new Map();
  let joined;
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st)) interfaces.set(st.name.text, st);
    if (ts.isTypeAliasDeclaration(st) && st.name.text === 'VoiceClientOptions') joined = st.type;
  }
  const problems = [];
  if (!joined) return { markdown: '', problems: ['options.ts declares no `type VoiceClientOptions`'] };
  const parts = ts.isIntersectionTypeNode(joined) ? joined.types : [joined];
  const rows = [];
  const documented = new Set();
  for (const part of parts) {
    const name = ts.isTypeReferenceNode(part) ? part.typeName.getText(sf) : part.getText(sf);
    const decl = interfaces.get(name);
    if (!decl) {
      problems.push(`VoiceClientOptions joins ${name}, which is not an interface of options.ts`);
      continue;
    }
    for (const member of decl.members) {
      if (!ts.isPropertySignature(member)) continue;
      const key = member.name.getText(sf);
      documented.add(key);
      const { summary, tags } = docOf(member);
      const tag = tags.default;
      const hasDefault = Object.hasOwn(DEFAULTS, key);
      let shown = '—';
      if (hasDefault) {
        const literal = tag === undefined ? undefined : literalOf(tag);
        if (tag === undefined) problems.push(`${key}: in DEFAULTS but its TSDoc has no @default`);
        else if (!literal || !isDeepStrictEqual(literal.value, DEFAULTS[key]))
          problems.push(`${key}: @default ${tag} but DEFAULTS has ${formatValue(DEFAULTS[key])}`);
        shown = `\`${literal ? tag : formatValue(DEFAULTS[key])}\``;
      } else if (tag !== undefined) {
        if (literalOf(tag)) problems.push(`${key}: @default ${tag} is a value, but DEFAULTS has no ${key}`);
        shown = toCell(tag);
      }
      if (!summary) problems.push(`${key}: no TSDoc`);
      rows.push(`| \`${key}\` | ${shown} | ${toCell(summary)} |`);
    }
  }
  for (const key of Object.keys(DEFAULTS))
    if (!documented.has(key)) problems.push(`DEFAULTS.${key} is not an option of VoiceClientOptions`);
  return { markdown: ['| Option | Default | Description |', '| --- | --- | --- |', ...rows].join('\n'), problems };
}

// ─── errors ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** TSDoc of each property of `export const NAME = { … }` in a file, by key. */
function objectDocs(file, constName) {
  const docs = {};
  ts.forEachChild(parse(file), function visit(node) {
    if (ts.isVariableDeclaration(node) && node.name.getText() === constName) {
      let init = node.initializer;
      while (init && (ts.isSatisfiesExpression(init) || ts.isAsExpression(init))) init = init.expression;
      for (const p of init?.properties ?? []) docs[p.name.getText()] = docOf(p).summary;
      return;
    }
    ts.forEachChild(node, visit);
  });
  return docs;
}

/** Which HTTP error statuses `advise` retries, as ranges: e.g. "if 408, 429, 500–599". */
function retriedStatuses(advise) {
  const ranges = [];
  for (let status = 400; status < 600; status++) {
    if (advise(status) !== 'retry') continue;
    const last = ranges.at(-1);
    if (last && last[1] === status - 1) last[1] = status;
    else ranges.push([status, status]);
  }
  return ranges.length ? `if ${ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ')}` : 'no';
}

/** @returns {Promise<{markdown: string, problems: string[]}>} */
export async function errorsTable() {
  const errorsFile = path.join(src, 'errors.ts');
  const codesFile = path.join(src, 'protocol/codes.ts');
  const { CLIENT_ERROR_CODES } = await import(errorsFile);
  const { HTTP_ERRORS, SOCKET_ERRORS, CLIENT_FAILURES, httpStatusAdvice } = await import(codesFile);
  const socketDocs = objectDocs(codesFile, 'SOCKET_ERRORS');
  const httpDocs = objectDocs(codesFile, 'HTTP_ERRORS');
  const problems = [];
  const advice = (retry) => (retry === 'retry' ? 'yes' : retry === 'stop' ? 'no' : '—');
  const rows = [];
  // A code's description is its TSDoc, so the bundle need not carry the text.
  const clientDocs = objectDocs(errorsFile, 'CLIENT_ERROR_CODES');
  for (const code of Object.keys(CLIENT_ERROR_CODES)) {
    const meaning = clientDocs[code];
    if (!meaning) problems.push(`CLIENT_ERROR_CODES.${code} has no TSDoc: its row has no description`);
    const retried = code === 'HTTP_ERROR' ? retriedStatuses(httpStatusAdvice) : advice(CLIENT_FAILURES[code]);
    rows.push(`| \`${code}\` | client | ${retried} | ${toCell(meaning)} |`);
  }
  for (const [code, { status, retry }] of Object.entries(HTTP_ERRORS)) {
    if (!httpDocs[code]) problems.push(`HTTP_ERRORS.${code} has no TSDoc: its row has no description`);
    rows.push(`| \`${code}\` | token endpoint, HTTP ${status} | ${advice(retry)} | ${toCell(httpDocs[code])} |`);
  }
  for (const [code, { close, retry }] of Object.entries(SOCKET_ERRORS)) {
    if (!socketDocs[code]) problems.push(`SOCKET_ERRORS.${code} has no TSDoc: its row has no description`);
    const where = close === null ? 'socket error frame, session stays open' : `socket error frame, then close ${close}`;
    rows.push(`| \`${code}\` | ${where} | ${advice(retry)} | ${toCell(socketDocs[code])} |`);
  }
  return { markdown: ['| Code | Raised by | Retried | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n'), problems };
}

// ─── events ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** The client's event map: the interface or object type named `VoiceClientEvents` or `VoiceClientEventMap`, wherever in src. */
function findEventMap() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, name.name);
      if (name.isDirectory()) walk(p);
      else if (name.name.endsWith('.ts') && !name.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(src);
  for (const file of files) {
    const sf = parse(file);
    for (const st of sf.statements) {
      if (!/^VoiceClientEvent(s|Map)$/.test(st.name?.text ?? '')) continue;
      if (ts.isInterfaceDeclaration(st)) return { sf, members: st.members };
      if (ts.isTypeAliasDeclaration(st) && ts.isTypeLiteralNode(st.type)) return { sf, members: st.type.members };
    }
  }
  return undefined;
}

/** @returns {Promise<{markdown: string, problems: string[]}>} */
export async function eventsTable() {
  const found = findEventMap();
  if (!found)
    return { markdown: '', problems: ['no `VoiceClientEvents` (or VoiceClientEventMap) interface or object type in packages/sdk/src'] };
  const { sf, members } = found;
  const problems = [];
  const rows = [];
  for (const member of members) {
    if (!ts.isPropertySignature(member)) continue;
    const name = member.name.getText(sf).replace(/^['"]|['"]$/g, '');
    const { summary } = docOf(member);
    if (!summary) problems.push(`event ${name}: no TSDoc`);
    const detail = member.type ? member.type.getText(sf).replace(/\s+/g, ' ') : 'unknown';
    rows.push(`| \`${name}\` | \`${detail.replace(/\|/g, '\\|')}\` | ${toCell(summary)} |`);
  }
  return { markdown: ['| Event | `detail` | When |', '| --- | --- | --- |', ...rows].join('\n'), problems };
}

// ─── README sections ────────────────────────────────────────────────────────────────────────────────────────────

export const SECTIONS = { options: optionsTable, errors: errorsTable, events: eventsTable };

const markers = (name) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];

/** Where a section's text starts (after its start marker) and ends (at its end marker), or undefined. */
function sectionBounds(readme, name) {
  const [start, end] = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  return from < 0 || to < from ? undefined : { from: from + start.length, to };
}

/** The text between a section's markers (trimmed), or undefined when the README has no such section. */
export function readmeSection(readme, name) {
  const at = sectionBounds(readme, name);
  return at && readme.slice(at.from, at.to).trim();
}

function replaceSection(readme, name, markdown) {
  const at = sectionBounds(readme, name);
  return at && `${readme.slice(0, at.from)}\n${markdown}\n${readme.slice(at.to)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const names = args.filter((a) => !a.startsWith('--'));
  let readme = write ? readFileSync(README, 'utf8') : '';
  let failed = false;
  for (const name of names.length ? names : Object.keys(SECTIONS)) {
    const { markdown, problems } = await SECTIONS[name]();
    for (const p of problems) console.error(`${name}: ${p}`);
    failed ||= problems.length > 0;
    if (!write) {
      console.log(`${markers(name)[0]}\n${markdown}\n${markers(name)[1]}\n`);
      continue;
    }
    const next = replaceSection(readme, name, markdown);
    if (next === undefined) console.error(`${name}: README.md has no ${markers(name).join(' … ')} section; not written`);
    else readme = next;
  }
  if (write) writeFileSync(README, readme);
  process.exit(failed ? 1 : 0);
}
