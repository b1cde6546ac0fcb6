/** The shared checks of single option values: defaults from DEFAULTS, and a named INVALID_OPTIONS otherwise. Pure. */
import { expect, test } from 'vitest';
import { flagOption, nonEmptyString, numberOption, optionalString } from '../src/option-checks.ts';
import { DEFAULTS, type VoiceClientOptions } from '../src/options.ts';

const invalid = (name: string) => expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining(name) });

test('flags: the default when undefined, the value when a boolean, INVALID_OPTIONS naming the option otherwise', () => {
  expect(flagOption({}, 'muted')).toBe(DEFAULTS.muted);
  expect(flagOption({ echoCancellation: false }, 'echoCancellation')).toBe(false);
  expect(() => flagOption({ muted: 'yes' } as unknown as VoiceClientOptions, 'muted')).toThrow(invalid('muted must be true or false'));
});

test('numbers: the default when undefined, in range or INVALID_OPTIONS with the range', () => {
  expect(numberOption({}, 'minUptimeMs', 0, 10_000)).toBe(DEFAULTS.minUptimeMs);
  expect(numberOption({ minUptimeMs: 0 }, 'minUptimeMs', 0, 10_000)).toBe(0);
  expect(() => numberOption({ minUptimeMs: 10_001 }, 'minUptimeMs', 0, 10_000)).toThrow(
    invalid('minUptimeMs must be a number from 0 to 10000'),
  );
  expect(() => numberOption({ minUptimeMs: Number.POSITIVE_INFINITY }, 'minUptimeMs', 0, Number.MAX_VALUE)).toThrow(invalid('minUptimeMs'));
});

test('strings: blank is not a value where one is required; optional strings may be absent but not another type', () => {
  expect(nonEmptyString('apiKey', 'k')).toBe('k');
  expect(() => nonEmptyString('apiKey', '  ')).toThrow(invalid('apiKey must be a non-empty string'));
  expect(optionalString('inputDeviceId', undefined)).toBeUndefined();
  expect(() => optionalString('inputDeviceId', 7 as unknown as string)).toThrow(invalid('inputDeviceId must be a string'));
});
