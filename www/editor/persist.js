// Project files and autosave: the editor state as JSON (download / open), and IndexedDB
// keeping the state, the imported files and the queued server jobs across reloads and offline.

const DB = 'frameloom-editor';
const STORES = ['state', 'files', 'queue'];
/** Marks a saved editor file, with its version. */
const MAGIC = 'frameloom-editor';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      for (const name of STORES) if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function tx(store, mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const t = db.transaction(store, mode);
      const result = work(t.objectStore(store));
      t.oncomplete = () => resolve(result?.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error ?? new Error('the browser refused to store the project (storage full?)'));
    });
  } finally {
    db.close();
  }
}

/** Saves the state and any files not saved yet (files are kept by media id). */
export async function autosave(state, files) {
  await tx('state', 'readwrite', (s) => s.put(JSON.parse(JSON.stringify(state)), 'current'));
  const saved = new Set(await tx('files', 'readonly', (s) => s.getAllKeys()));
  for (const [id, blob] of files) if (!saved.has(id)) await tx('files', 'readwrite', (s) => s.put(blob, id));
  for (const id of saved) if (!state.media[id]) await tx('files', 'readwrite', (s) => s.delete(id));
}

/** The autosaved `{ state, files }`, or null when there is none. */
export async function restore() {
  const state = await tx('state', 'readonly', (s) => s.get('current'));
  if (!state) return null;
  const files = new Map();
  for (const id of Object.keys(state.media)) {
    const blob = await tx('files', 'readonly', (s) => s.get(id));
    if (blob) files.set(id, blob);
  }
  return { state, files };
}

/** The editor state as a JSON file to download. */
export function toFile(state) {
  return new Blob([JSON.stringify({ format: MAGIC, version: 1, state }, null, 2)], { type: 'application/json' });
}

/** Reads an editor file made by `toFile`; throws an Error saying what is wrong. */
export async function fromFile(file) {
  let json;
  try {
    json = JSON.parse(await file.text());
  } catch (error) {
    throw Object.assign(new Error(`${file.name} is not JSON: ${error.message}`), { code: 'invalid_json' });
  }
  if (json?.format !== MAGIC || json.version !== 1 || !Array.isArray(json.state?.scenes) || typeof json.state.media !== 'object') {
    throw Object.assign(new Error(`${file.name} is not a frameloom editor project (save one with "Save project")`), { code: 'not_a_project' });
  }
  return json.state;
}

/** Adds a server job `{ id, project, route }` to the queue sent once the network is back. */
export function queueJob(job) {
  return tx('queue', 'readwrite', (s) => s.put(job, job.id));
}

/** The queued jobs, oldest first. */
export async function queuedJobs() {
  const jobs = await tx('queue', 'readonly', (s) => s.getAll());
  return jobs.sort((a, b) => a.id - b.id);
}

/** Removes a queued job once it was sent. */
export function unqueueJob(id) {
  return tx('queue', 'readwrite', (s) => s.delete(id));
}
