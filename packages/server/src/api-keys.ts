/**
 * Where API keys come from: options, then `SAVANTS_API_KEYS`, then a JSON file, then the development key.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
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

/** A configured key as the server keeps it: only its digest is ever compared. */
export interface KeyDigestEntry {
  digest: Buffer;
  deviceIds?: readonly string[];
}

/**
 * SHA-256 of a key. Keys are compared as digests with `timingSafeEqual`: the time taken does not depend on how much of
 * a real key the presented one shares (a plain `===` returns sooner the earlier the strings differ).
 */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function digestKeys(keys: readonly ApiKeyEntry[]): readonly KeyDigestEntry[] {
  return keys.map((k) => (k.deviceIds === undefined ? { digest: keyDigest(k.key) } : { digest: keyDigest(k.key), deviceIds: k.deviceIds }));
}

/**
 * Whether the key with digest `presented` may mint tokens for `deviceId`. Every configured key is compared, with no
 * early exit, so neither the position of the matching key nor the presented key's content shows in the timing.
 */
export function keyAllows(keys: readonly KeyDigestEntry[], presented: Buffer, deviceId: string): boolean {
  let allowed = false;
  for (const k of keys) {
    const same = timingSafeEqual(k.digest, presented);
    if (same && (k.deviceIds === undefined || k.deviceIds.includes(deviceId))) allowed = true;
  }
  return allowed;
}
