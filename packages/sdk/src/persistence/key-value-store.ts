/**
 * Where the SDK keeps the little it persists (the generated device id): IndexedDB through idb-keyval, in a store
 * of the SDK's own so it never touches the app's default idb-keyval store. Opened lazily, on first use.
 * @module
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';

/** The shape of a store: the `storage` option is structurally the same (`DeviceIdStorage` in options.ts). */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<void>;
}

/** Database and object store names of the SDK's own IndexedDB store. */
export const IDB_DATABASE = 'savants-voice';
export const IDB_STORE = 'kv';

/**
 * The IndexedDB store, or `null` where IndexedDB does not exist at all (Node, some webviews). Where it exists but
 * refuses to open (private windows of some browsers), the returned store's promises reject and the caller falls back.
 */
export function indexedDbStore(): KeyValueStore | null {
  if (typeof indexedDB === 'undefined') return null;
  let store: UseStore | undefined;
  const use = (): UseStore => {
    store ??= createStore(IDB_DATABASE, IDB_STORE);
    return store;
  };
  return {
    get: (key) => get(key, use()),
    set: (key, value) => set(key, value, use()),
  };
}
