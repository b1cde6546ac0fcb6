/**
 * Class members the worklet never uses, left out of its bundle. Minifiers drop unused functions but never a class's
 * methods, so the DSP classes' public API for other callers (`reset()`, `pendingSamples`, `inputRate`…) rides along
 * in the worklet module unused (measured: about 65 B min+gzip).
 *
 * Which members: those of classes declared under `within` (the DSP) that no identifier of the worklet's program
 * refers to, read by the TypeScript checker from the worklet entry and everything it imports. A member stays when:
 * - anything reads it, even code that is itself unused; a member only ever written, by statements that do nothing
 *   else (`this.count++;`, `this.rate = rate;`), goes with those statements (a counter the worklet never reports);
 * - its name is used anywhere through something the checker does not tie to a class member (an interface, an
 *   object type, an untyped access): such a use may reach the class structurally;
 * - it is a constructor, a `#private` member (the minifier handles those), static, or a field whose initializer is
 *   more than a literal or a name.
 * A member wrongly left out breaks the worklet loudly (a call of undefined): the browser tests run the bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

type Member = ts.MethodDeclaration | ts.PropertyDeclaration | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration;

function isCandidate(node: ts.Node): node is Member {
  if (
    !(
      ts.isMethodDeclaration(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)
    )
  ) {
    return false;
  }
  if (!ts.isIdentifier(node.name)) return false;
  // A field whose initializer could do something (a call, a `new`) stays: only literals and names go.
  const value = ts.isPropertyDeclaration(node) ? node.initializer : undefined;
  if (value && !(ts.isLiteralExpression(value) || ts.isIdentifier(value) || isKeywordLiteral(value))) return false;
  return !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword || m.kind === ts.SyntaxKind.DeclareKeyword);
}

function isKeywordLiteral(node: ts.Expression): boolean {
  return node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword || node.kind === ts.SyntaxKind.NullKeyword;
}

/**
 * For each source file under `within` that has any, the `[start, end, replacement]` edits that cut the unused
 * members (their doc comments stay: the minifier drops comments) and the statements that only write them.
 */
export function unusedMemberRanges(entry: string, within: string): Map<string, Array<[number, number, string]>> {
  const key = `${entry}\0${within}`;
  const cached = cache.get(key);
  if (cached && [...cached.texts].every(([file, text]) => existsSync(file) && readFileSync(file, 'utf8') === text)) return cached.edits;
  const { edits, texts } = analyse(entry, within);
  cache.set(key, { edits, texts });
  return edits;
}

/** Per process (a build bundles the worklet three times, a dev server once per entry), while no source changes. */
const cache = new Map<string, { edits: Map<string, Array<[number, number, string]>>; texts: Map<string, string> }>();

function analyse(entry: string, within: string): { edits: Map<string, Array<[number, number, string]>>; texts: Map<string, string> } {
  const globals = path.join(path.dirname(entry), 'worklet-globals.d.ts');
  const program = ts.createProgram([entry, ...(existsSync(globals) ? [globals] : [])], {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
    // No built-in declarations (they take most of the time): an access the checker cannot resolve without them
    // (`Math.min`, `array.length`) counts as a use of its name, so a member is only ever kept for it, never cut.
    noLib: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  });
  const checker = program.getTypeChecker();
  const inside = (file: string) => !path.relative(within, file).startsWith('..');

  const candidates = new Map<ts.Symbol, Member>();
  const sources = program.getSourceFiles().filter((f) => !f.isDeclarationFile);
  for (const source of sources.filter((f) => inside(f.fileName))) {
    const visit = (node: ts.Node): void => {
      if (ts.isClassLike(node)) {
        for (const member of node.members) {
          const symbol = isCandidate(member) ? checker.getSymbolAtLocation(member.name) : undefined;
          if (symbol && isCandidate(member)) candidates.set(symbol, member);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  const used = new Set<ts.Symbol>();
  /** The statements that only write each member that is written and never read. */
  const writes = new Map<ts.Symbol, ts.ExpressionStatement[]>();
  /** Names used through something that is not one of the candidate members. */
  const namesUsedOtherwise = new Set<string>();
  for (const source of sources) {
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) {
        const parent = node.parent;
        const isDeclarationName = isCandidate(parent) && parent.name === node;
        if (!isDeclarationName) {
          const symbol = checker.getSymbolAtLocation(node);
          if (symbol && candidates.has(symbol)) {
            const statement = plainWrite(node);
            if (statement) writes.set(symbol, [...(writes.get(symbol) ?? []), statement]);
            else used.add(symbol);
          } else if (isMemberName(node)) namesUsedOtherwise.add(node.text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }

  const ranges = new Map<string, Array<[number, number, string]>>();
  const cut = (node: ts.Node, replacement: string): void => {
    const file = path.resolve(node.getSourceFile().fileName);
    if (!ranges.has(file)) ranges.set(file, []);
    ranges.get(file)!.push([node.getStart(), node.getEnd(), replacement]);
  };
  for (const [symbol, member] of candidates) {
    if (used.has(symbol) || namesUsedOtherwise.has(symbol.name)) continue;
    cut(member, '');
    // An empty statement where a write was: it may be the body of an `if`.
    for (const statement of writes.get(symbol) ?? []) cut(statement, ';');
  }
  return { edits: ranges, texts: new Map(sources.map((f) => [path.resolve(f.fileName), f.text])) };
}

/**
 * The statement, if `name` is the member in a statement that only writes it with nothing else to run:
 * `this.m = x;`, `this.m += 1;`, `this.m++;` with `x` a name or a literal.
 */
function plainWrite(name: ts.Identifier): ts.ExpressionStatement | undefined {
  const access = name.parent;
  if (!ts.isPropertyAccessExpression(access) || access.name !== name || access.expression.kind !== ts.SyntaxKind.ThisKeyword)
    return undefined;
  const write = access.parent;
  const statement = write.parent;
  if (!ts.isExpressionStatement(statement)) return undefined;
  if ((ts.isPostfixUnaryExpression(write) || ts.isPrefixUnaryExpression(write)) && write.operand === access) {
    return write.operator === ts.SyntaxKind.PlusPlusToken || write.operator === ts.SyntaxKind.MinusMinusToken ? statement : undefined;
  }
  const assignments = [ts.SyntaxKind.EqualsToken, ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.MinusEqualsToken];
  if (!ts.isBinaryExpression(write) || write.left !== access || !assignments.includes(write.operatorToken.kind)) return undefined;
  const value = write.right;
  return ts.isIdentifier(value) || ts.isNumericLiteral(value) || ts.isStringLiteral(value) ? statement : undefined;
}

/** Whether an identifier names a property (`a.name`, `{ name: … }`, `{ name }`, a member of a type), not a binding. */
function isMemberName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    ((ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent)) && parent.name === node) ||
    ((ts.isPropertySignature(parent) || ts.isMethodSignature(parent)) && parent.name === node) ||
    ((ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) &&
      parent.name === node) ||
    (ts.isBindingElement(parent) && (parent.propertyName ?? parent.name) === node) ||
    ts.isQualifiedName(parent)
  );
}

/** `code` with the edits made; throws if `code` is not the text the edits were read from. */
export function withoutRanges(file: string, code: string, edits: Array<[number, number, string]>): string {
  if (code !== readFileSync(file, 'utf8')) throw new Error(`${file}: changed before its unused members were cut`);
  let out = code;
  for (const [start, end, replacement] of [...edits].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + replacement + out.slice(end);
  return out;
}
