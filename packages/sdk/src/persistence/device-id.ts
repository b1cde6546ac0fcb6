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

/** An id, and why it lives in memory only when it does. */
interface LoadedId {
  id: string;
  fallback?: StorageFallback;
}

/**
 * The default store's read-or-create while it is in flight. Clients that ask at the same time share it: otherwise
 * each reads "no id" from a new browser's store, creates its own and the last write wins, so two clients of one
 * page would sign in as two devices. (Tabs can still race each other; only the page shares this.)
 */
let loading: Promise<LoadedId> | undefined;

/**
 * Reads the device id from `storage` (default: the SDK's IndexedDB store), creating and saving one if there is none.
 * When the storage is missing or fails, the id comes from memory and `onFallback` says why.
 */
export async function loadDeviceId(
  options: { storage?: KeyValueStore; onFallback?: (fallback: StorageFallback) => void } = {},
): Promise<string> {
  let load: Promise<LoadedId>;
  if (options.storage) load = readOrCreate(options.storage);
  else {
    loading ??= readOrCreate(indexedDbStore()).finally(() => {
      loading = undefined;
    });
    load = loading;
  }
  const { id, fallback } = await load;
  if (fallback) options.onFallback?.(fallback);
  return id;
}

async function readOrCreate(storage: KeyValueStore | null): Promise<LoadedId> {
  if (!storage) return { id: memoryId(), fallback: { reason: 'indexeddb-unavailable' } };
  try {
    const stored = await storage.get(DEVICE_ID_KEY);
    if (typeof stored === 'string' && stored.length > 0) return { id: stored };
    const created = crypto.randomUUID();
    await storage.set(DEVICE_ID_KEY, created);
    return { id: created };
  } catch (error) {
    return { id: memoryId(), fallback: { reason: 'storage-failed', error } };
  }
}

function memoryId(): string {
  pageDeviceId ??= crypto.randomUUID();
  return pageDeviceId;
}
