// A minimal tus 1.0 client (core + creation, docs/server-api.md): create, PATCH from the
// server's offset, HEAD to resume after a network drop. The upload URL is kept in IndexedDB
// by the file's SHA-256, so a reloaded page resumes where the last one stopped.
import * as store from '../route/store.js';
import { recordUpload } from '../route/device.js';
import { ServerError, sleep } from './api.js';

/** Bytes per PATCH request by default. */
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
/** Attempts in a row without progress before the upload gives up. */
const MAX_RETRIES = 6;
const TUS = { 'Tus-Resumable': '1.0.0' };

const base64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/**
 * Uploads `blob` (whose SHA-256 is `sha256`) to `api`'s `/files/`, resuming a stored upload.
 * `onProgress(offset, size, message?)` follows the server's offset.
 *
 * A body is only sent from an offset the server confirmed: after any failed or refused PATCH
 * (cut connection, 409, 423, 5xx) the client backs off and asks `HEAD` again (the server answers
 * once the request it may still be writing has stopped), so finished bytes are never re-sent
 * and no body goes out that the server would turn away.
 * @returns {Promise<{ uploadedBytes: number }>} bytes the server stored in this call (not those of an earlier, resumed session)
 */
export async function upload(api, blob, { sha256, filename = 'source', chunkSize = DEFAULT_CHUNK_SIZE, signal, onProgress }) {
  const key = `upload:${api.url}|${sha256}`;
  const start = async () => {
    const location = await create(api, blob.size, { filename, sha256 }, signal);
    await store.put(key, location);
    return location;
  };
  let location = await store.get(key);
  let offset = location ? await serverOffset(api, location, signal) : null;
  if (offset == null) {
    location = await start();
    offset = 0;
  }
  const startOffset = offset;
  let confirmed = true;
  let failures = 0;
  onProgress?.(offset, blob.size);
  while (offset < blob.size) {
    try {
      if (!confirmed) {
        const resumed = await serverOffset(api, location, signal);
        if (resumed == null) {
          location = await start(); // the upload expired meanwhile: start over
        }
        offset = resumed ?? 0;
        confirmed = true;
        continue;
      }
      const end = Math.min(blob.size, offset + chunkSize);
      const started = performance.now();
      const response = await api.fetch(location, {
        method: 'PATCH',
        headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) },
        body: blob.slice(offset, end),
        signal,
      });
      if (response.status === 204) {
        const next = Number(response.headers.get('Upload-Offset'));
        await recordUpload(next - offset, (performance.now() - started) / 1000);
        offset = next;
        failures = 0;
        onProgress?.(offset, blob.size);
        continue;
      }
      if (response.status !== 409 && response.status !== 423 && response.status < 500) await api.fail(response, 'the upload');
    } catch (error) {
      if (signal?.aborted || (error instanceof ServerError && error.code !== 'server_unavailable')) throw error;
    }
    confirmed = false;
    if (++failures > MAX_RETRIES) {
      throw new ServerError('server_unavailable', `the upload to ${api.url} failed ${MAX_RETRIES} times in a row; check the connection and try again (it will resume)`);
    }
    const wait = Math.min(8000, 250 * 2 ** (failures - 1));
    onProgress?.(offset, blob.size, `the upload was interrupted; resuming in ${(wait / 1000).toFixed(1)} s`);
    await sleep(wait, signal);
  }
  await store.remove(key);
  return { uploadedBytes: blob.size - startOffset };
}

/** `POST /files/`: a new upload of `size` bytes; resolves to its URL. */
async function create(api, size, { filename, sha256 }, signal) {
  const response = await api.fetch('files/', {
    method: 'POST',
    headers: { ...TUS, 'Upload-Length': String(size), 'Upload-Metadata': `filename ${base64(filename)},sha256 ${base64(sha256)}` },
    signal,
  });
  if (response.status !== 201) await api.fail(response, 'the upload creation');
  return new URL(response.headers.get('Location'), `${api.url}/`).href;
}

/**
 * `HEAD` of an upload: the server's offset, or `null` when it is gone (expired, deleted). A
 * server still writing the upload (423) or failing (5xx) is `server_unavailable`, to retry.
 */
async function serverOffset(api, location, signal) {
  const response = await api.fetch(location, { method: 'HEAD', headers: TUS, signal });
  if (response.status === 404 || response.status === 410) return null;
  if (response.status === 423 || response.status >= 500) {
    throw new ServerError('server_unavailable', `the upload at ${api.url} is busy (HTTP ${response.status}); retrying`);
  }
  if (!response.ok) await api.fail(response, 'the upload lookup');
  return Number(response.headers.get('Upload-Offset'));
}
