/**
 * Property mangling for the worklet bundle: the DSP classes' public members (`turnFirstArrivalMs`, `fasterSamples`,
 * `maxOutput`…) are renamed to one or two letters, as the minifier already does for `#private` ones (measured: about
 * 340 B less min+gzip for the worklet module). Safe because the worklet bundle is closed: all its code is minified
 * together, and a name is kept wherever it meets code outside the bundle:
 * - names of the JavaScript and Web built-ins (read from this process's globals and their prototypes), plus the
 *   AudioWorkletGlobalScope API, which Node lacks;
 * - every property name declared in the message contract between the processors and their nodes
 *   (`src/audio/worklet-messages.ts`) and in the modules its types come from (options, stats): those objects cross
 *   `postMessage` and are read by unmangled main-thread code.
 * A name missed here breaks a worklet loudly: the browser tests run the bundled (mangled) worklets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** Property names declared in a module and in the relative modules it imports, recursively (`name:` or `name?:`). */
function declaredNames(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/\b([A-Za-z_$][\w$]*)\??\s*:/g)) names.add(m[1]!);
  for (const m of source.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    for (const n of declaredNames(path.resolve(path.dirname(file), m[1]!), seen)) names.add(n);
  }
  return names;
}

/** The names the worklet bundle must keep, sorted. */
export function reservedPropertyNames(): string[] {
  return [...new Set([...builtinNames(), ...AUDIO_WORKLET_NAMES, ...declaredNames(contract)])].sort();
}
