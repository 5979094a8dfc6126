// A tiny key-value store in IndexedDB for what the router keeps between page loads: the device
// profile, the measured uplink and unfinished uploads. Falls back to memory where IndexedDB is
// unavailable (private windows, some workers).

const DB = 'frameloom';
const STORE = 'kv';
const memory = new Map();
let opened = null;

function open() {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  opened ??= new Promise((resolve) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
  });
  return opened;
}

function run(mode, action) {
  return open().then((db) => {
    if (!db) return undefined;
    return new Promise((resolve) => {
      const request = action(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => resolve(undefined);
    });
  });
}

/** The value stored under `key`, or `undefined`. */
export async function get(key) {
  const value = await run('readonly', (store) => store.get(key));
  return value === undefined ? memory.get(key) : value;
}

/** Stores `value` (structured-clonable) under `key`. */
export async function put(key, value) {
  memory.set(key, value);
  await run('readwrite', (store) => store.put(value, key));
}

/** Removes `key`. */
export async function remove(key) {
  memory.delete(key);
  await run('readwrite', (store) => store.delete(key));
}
