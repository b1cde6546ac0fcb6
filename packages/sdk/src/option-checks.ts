/**
 * Checks of single option values, shared by the sections that validate their options once, in the client's
 * constructor (`transport/resolve-options.ts`, `audio/audio-options.ts`): a mistake is a
 * `VoiceError('INVALID_OPTIONS')` that names the option and what it accepts.
 * @module
 */
import { VoiceError } from './errors.ts';
import { DEFAULTS, type VoiceClientOptions } from './options.ts';

type Defaults = typeof DEFAULTS;
/** Options whose default is a number, or a boolean. */
type NumberOption = { [K in keyof Defaults]: Defaults[K] extends number ? K : never }[keyof Defaults];
type FlagOption = { [K in keyof Defaults]: Defaults[K] extends boolean ? K : never }[keyof Defaults];

export function invalidOption(message: string): VoiceError {
  return new VoiceError('INVALID_OPTIONS', message);
}

/** `fallback` when `value` is undefined, else `value` if it is a number from `min` to `max`. */
export function numberIn(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidOption(`${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** `options[name]`, or its default when undefined, if it is a number from `min` to `max`. */
export function numberOption(options: VoiceClientOptions, name: NumberOption, min: number, max: number): number {
  return numberIn(name, options[name], DEFAULTS[name], min, max);
}

/** `options[name]`, or its default when undefined, if it is a boolean. */
export function flagOption(options: VoiceClientOptions, name: FlagOption): boolean {
  const value = options[name];
  if (value === undefined) return DEFAULTS[name];
  if (typeof value !== 'boolean') throw invalidOption(`${name} must be true or false, got ${String(value)}`);
  return value;
}

/** `value` if it is a string with something other than whitespace in it. */
export function nonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidOption(`${name} must be a non-empty string`);
  return value;
}

/** Undefined when `value` is, else `value` if it is a string. */
export function optionalString(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw invalidOption(`${name} must be a string`);
  return value;
}
