/**
 * Where API keys come from: options, then `SAVANTS_API_KEYS`, then a JSON file, then the development key.
 * @module
 */
import { readFileSync } from 'node:fs';
import { type ApiKeyEntry, DEV_API_KEY } from './options.ts';

export function loadApiKeys(options: {
  apiKeys?: readonly ApiKeyEntry[] | undefined;
  apiKeysFile?: string | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
}): readonly ApiKeyEntry[] {
  if (options.apiKeys) return options.apiKeys;
  const fromEnv = (options.env ?? process.env).SAVANTS_API_KEYS;
  if (fromEnv?.trim())
    return fromEnv
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean)
      .map((key) => ({ key }));
  if (options.apiKeysFile) return parseKeyFile(readFileSync(options.apiKeysFile, 'utf8'), options.apiKeysFile);
  return [{ key: DEV_API_KEY }];
}

function parseKeyFile(text: string, file: string): ApiKeyEntry[] {
  const json: unknown = JSON.parse(text);
  if (!Array.isArray(json)) throw new Error(`${file}: expected a JSON array of keys`);
  return json.map((item, i): ApiKeyEntry => {
    if (typeof item === 'string' && item) return { key: item };
    if (item && typeof item === 'object' && typeof item.key === 'string' && item.key) {
      const ids: unknown = item.deviceIds;
      if (ids === undefined) return { key: item.key };
      if (Array.isArray(ids) && ids.every((d) => typeof d === 'string')) return { key: item.key, deviceIds: ids };
    }
    throw new Error(`${file}: entry ${i} is not a key string or {key, deviceIds?}`);
  });
}

/** Whether `apiKey` may mint tokens for `deviceId`. */
export function keyAllows(keys: readonly ApiKeyEntry[], apiKey: string, deviceId: string): boolean {
  return keys.some((k) => k.key === apiKey && (k.deviceIds === undefined || k.deviceIds.includes(deviceId)));
}
