// The server route from the worker: replace each media source by a range-only copy when that
// saves at least 30 % of its bytes, hash every source (streaming SHA-256), upload the ones the
// server lacks over tus, submit the project with `sources.<id>.sha256`, relay the job's SSE
// progress, and download the output with Range resume. Aborting deletes the server job.
import { recordDownload } from '../route/device.js';
import { ServerError, sleep } from './api.js';
import { sha256Blob } from './sha256.js';
import { upload } from './tus.js';

/** Share of the progress bar for uploading; the server's render fills up to DOWNLOAD_AT. */
const UPLOAD_SHARE = 0.3;
const DOWNLOAD_AT = 0.95;
/** Submissions refused with 429 before giving up (when no fallback is possible). */
const BUSY_RETRIES = 8;

/**
 * Renders `project` (a v1 project object) on the server behind `api`.
 * @param {import('./api.js').ServerApi} api
 * @param {{ project: object, files: Record<string, Blob>, needs?: Record<string, object>,
 *           compact?: (blob: Blob, needs: object, n: number) => Promise<{ blob: Blob, worthIt: boolean, saving: number }>,
 *           openOutput: () => Promise<{ writeAt(offset: number, bytes: Uint8Array): void, finish(type: string): Promise<Blob>, storage(): string }>,
 *           signal?: AbortSignal, progress: (event: object) => void, chunkSize?: number, retryWhenBusy: boolean }} options
 *   `needs` (the plan's per-source needs) and `compact` enable range-only uploads; `openOutput` opens the file the
 *   output is downloaded into (the wasm `OutputFile`: OPFS, or memory); `retryWhenBusy` false throws
 *   `server_busy` at the first 429
 * @returns {Promise<{ blob: Blob, mimeType: string, uploadedBytes: number, downloadedBytes: number, rangeOnlySources: number,
 *   storage: string, stats: object | null }>} `stats` is the server's own (`GET /jobs/{id}`), when it reports them
 */
export async function renderOnServer(api, { project, files, needs = {}, compact, openOutput, signal, progress, chunkSize, retryWhenBusy }) {
  const report = (stage, fraction, message) => progress({ stage, fraction: Math.min(1, fraction), fps: 0, eta: null, ...(message ? { message } : {}) });
  const body = structuredClone(project);
  const entries = Object.entries(body.sources ?? {});
  for (const [id] of entries) {
    if (!(files[id] instanceof Blob)) throw new ServerError('missing_file', `no file for source "${id}": pass it in options.files["${id}"] as a File or Blob`, { sourceId: id });
  }
  const blobs = {};
  let rangeOnlySources = 0;
  for (const [n, [id]] of entries.entries()) {
    blobs[id] = await rangeOnly(files[id], needs[id], n, compact);
    if (blobs[id] !== files[id]) rangeOnlySources += 1;
    signal?.throwIfAborted();
  }
  const total = entries.reduce((sum, [id]) => sum + blobs[id].size, 0) || 1;
  let done = 0;
  let uploadedBytes = 0;
  report('upload', 0, 'hashing the sources');
  for (const [id, source] of entries) {
    const blob = blobs[id];
    source.sha256 = await sha256Blob(blob, signal);
    if (!(await api.hasSource(source.sha256, signal))) {
      const onProgress = (offset, size, message) => report('upload', (UPLOAD_SHARE * (done + offset)) / total, message);
      const filename = typeof files[id].name === 'string' && files[id].name ? files[id].name : id;
      uploadedBytes += (await upload(api, blob, { sha256: source.sha256, filename, chunkSize, signal, onProgress })).uploadedBytes;
    }
    done += blob.size;
    report('upload', (UPLOAD_SHARE * done) / total);
  }
  const jobId = await submit(api, JSON.stringify(body), { signal, retryWhenBusy, report });
  const cancel = () => api.cancel(jobId);
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const last = await api.events(jobId, (name, data) => {
      if (name === 'progress') {
        const message = data.stage === 'queued' ? 'waiting in the server queue' : undefined;
        progress({ stage: 'server', fraction: UPLOAD_SHARE + (DOWNLOAD_AT - UPLOAD_SHARE) * (data.fraction ?? 0), fps: data.fps ?? 0, eta: data.etaSeconds ?? null, ...(message ? { message } : {}) });
      }
    }, signal);
    const job = last?.name === 'done' ? last.data : await api.job(jobId, signal);
    if (job.status !== 'succeeded') {
      const error = job.error ?? {};
      throw new ServerError('server_failed', `the server could not render the project: ${error.message ?? job.status}`, { serverCode: error.code ?? job.status });
    }
    report('server', DOWNLOAD_AT, 'downloading the result');
    const file = await openOutput();
    // The downlink is timed from the first bytes to the last: the request's round trip and the
    // file's opening are fixed costs the estimate counts elsewhere (on a short download they
    // made the link look ten times slower).
    let first = null;
    let lastAt = 0;
    const { blob, bytes } = await api.download(job.output.url, {
      type: job.output.mimeType,
      file,
      signal,
      onBytes: (received, size) => {
        lastAt = performance.now();
        first ??= { at: lastAt, received };
        report('server', DOWNLOAD_AT + (1 - DOWNLOAD_AT) * (size ? received / size : 0));
      },
    });
    if (first) await recordDownload(bytes - first.received, (lastAt - first.at) / 1000);
    const stats = job.stats ?? (await api.job(jobId, signal).catch(() => ({}))).stats ?? null;
    return { blob, mimeType: job.output.mimeType, uploadedBytes, downloadedBytes: bytes, rangeOnlySources, storage: file.storage(), stats };
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/**
 * The range-only copy of a media source (the whole GOPs its `needs` reads, source timestamps
 * kept, so the project is unchanged) when it saves at least 30 % of the bytes, else `blob`.
 */
async function rangeOnly(blob, needs, n, compact) {
  if (!compact || !needs || needs.wholeFile || (needs.video.length === 0 && needs.audio.length === 0)) return blob;
  try {
    const copy = await compact(blob, needs, n);
    return copy.worthIt ? copy.blob : blob;
  } catch {
    return blob; // a file the copier cannot cut is uploaded whole
  }
}

/** `POST /jobs`; on 429 waits (Retry-After, else backoff) and tries again, or throws when `retryWhenBusy` is false. */
async function submit(api, json, { signal, retryWhenBusy, report }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.submit(json, signal);
    } catch (error) {
      if (!(error instanceof ServerError) || error.code !== 'server_busy' || !retryWhenBusy || attempt > BUSY_RETRIES) throw error;
      const seconds = Math.min(60, error.retryAfter ?? 2 ** attempt);
      report('upload', UPLOAD_SHARE, `the server is busy (its queue is full); retrying in ${seconds} s`);
      await sleep(seconds * 1000, signal);
    }
  }
}
