/**
 * The device id sent with an API key when the app gives none: generated once (`crypto.randomUUID()`) and kept, so
 * the same browser stays the same device across visits (and shares one rate-limit and socket budget).
 * @module
 */
import { indexedDbStore, type KeyValueStore } from './key-value-store.ts';

/** Key of the device id in the store. */
export const DEVICE_ID_KEY = 'device-id';

/** Why the device id lives in memory only. */
export interface StorageFallback {
  reason: 'indexeddb-unavailable' | 'storage-failed';
  /** The storage's own error, when it failed rather than being absent. */
  error?: unknown;
}

/**
 * The page-wide memory fallback: created on first use, shared so that several clients in one page agree on one id
 * even without IndexedDB. It lives as long as the page.
 */
let pageDeviceId: string | undefined;

/**
 * Reads the device id from `storage` (default: the SDK's IndexedDB store), creating and saving one if there is none.
 * When the storage is missing or fails, the id comes from memory and `onFallback` says why.
 */
export async function loadDeviceId(
  options: { storage?: KeyValueStore; onFallback?: (fallback: StorageFallback) => void } = {},
): Promise<string> {
  const storage = options.storage ?? indexedDbStore();
  if (storage) {
    try {
      const stored = await storage.get(DEVICE_ID_KEY);
      if (typeof stored === 'string' && stored.length > 0) return stored;
      const created = crypto.randomUUID();
      await storage.set(DEVICE_ID_KEY, created);
      return created;
    } catch (error) {
      options.onFallback?.({ reason: 'storage-failed', error });
    }
  } else {
    options.onFallback?.({ reason: 'indexeddb-unavailable' });
  }
  pageDeviceId ??= crypto.randomUUID();
  return pageDeviceId;
}
