/**
 * Property mangling for the worklet bundle: the DSP classes' public members (`turnFirstArrivalMs`, `fasterSamples`,
 * `maxOutput`…) are renamed to one or two letters, as the minifier already does for `#private` ones (measured: about
 * 340 B less min+gzip for the worklet module). Safe because the worklet bundle is closed: all its code is minified
 * together, and a name is kept wherever it meets code outside the bundle:
 * - names of the JavaScript and Web built-ins (read from this process's globals and their prototypes), plus the
 *   AudioWorkletGlobalScope API, which Node lacks;
 * - every property name of the message contract between the processors and their nodes
 *   (`src/audio/worklet-messages.ts`: its types and the types they reach, such as the stats): those objects cross
 *   `postMessage` and are read or written by unmangled main-thread code.
 * A name missed here breaks a worklet loudly: the browser tests run the bundled (mangled) worklets.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const contract = path.join(here, '../src/audio/worklet-messages.ts');

/** AudioWorkletGlobalScope, AudioWorkletProcessor and MessagePort names Node's globals do not have. */
const AUDIO_WORKLET_NAMES = [
  'port',
  'process',
  'processorOptions',
  'numberOfInputs',
  'numberOfOutputs',
  'outputChannelCount',
  'parameterDescriptors',
  'parameterData',
  'onprocessorerror',
  'onmessage',
  'onmessageerror',
  'postMessage',
  'data',
  'sampleRate',
  'currentTime',
  'currentFrame',
  'registerProcessor',
];

/** Own and inherited property names of the built-ins a worklet may touch. */
function builtinNames(): Set<string> {
  const names = new Set<string>();
  const typedArray = Object.getPrototypeOf(Int8Array) as object;
  const constructors = [Object, Function, Array, typedArray, Float32Array, Float64Array, Int16Array, Uint8Array, ArrayBuffer];
  const more = [String, Number, Boolean, Symbol, Promise, Map, Set, WeakMap, Error, RangeError, RegExp, Date];
  const objects: object[] = [globalThis, Math, JSON, Reflect, Atomics, ...constructors, ...more];
  for (const c of [...constructors, ...more]) objects.push((c as { prototype: object }).prototype);
  for (const name of ['MessagePort', 'MessageEvent', 'EventTarget', 'Event']) {
    const c = (globalThis as Record<string, unknown>)[name] as { prototype: object } | undefined;
    if (c) objects.push(c, c.prototype);
  }
  for (const object of objects) {
    for (let o: object | null = object; o; o = Object.getPrototypeOf(o)) for (const n of Object.getOwnPropertyNames(o)) names.add(n);
  }
  return names;
}

/**
 * Every property name of every type the contract module exports, followed through unions, arrays, nested objects and
 * imported types (a `stats` field brings in the stats' names), read by the TypeScript checker: only what the types
 * reach, not everything declared in the files they come from.
 */
function contractNames(file: string): Set<string> {
  const program = ts.createProgram([file], { strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${file}: no module to read the worklet message contract from`);
  const names = new Set<string>();
  const seen = new Set<ts.Type>();
  const visit = (type: ts.Type): void => {
    if (seen.has(type)) return;
    seen.add(type);
    if (type.isUnionOrIntersection()) type.types.forEach(visit);
    else if (checker.isArrayType(type)) checker.getTypeArguments(type as ts.TypeReference).forEach(visit);
    else if (type.flags & ts.TypeFlags.Object) {
      for (const property of checker.getPropertiesOfType(type)) {
        names.add(property.name);
        visit(checker.getNonNullableType(checker.getTypeOfSymbol(property)));
      }
    }
  };
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (symbol.flags & ts.SymbolFlags.Type) visit(checker.getDeclaredTypeOfSymbol(symbol));
  }
  if (names.size === 0) throw new Error(`${file}: the worklet message contract declares no property`);
  return names;
}

/** The names the worklet bundle must keep, sorted. */
export function reservedPropertyNames(): string[] {
  return [...new Set([...builtinNames(), ...AUDIO_WORKLET_NAMES, ...contractNames(contract)])].sort();
}
