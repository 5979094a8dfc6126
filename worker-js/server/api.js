// The render server's HTTP API (docs/server-api.md) as seen from the worker: capacity, source
// lookup, jobs, their SSE events (read with fetch, since EventSource cannot send a key) and
// the output, downloaded with Range resume.

/** A failure talking to the server: `code` is `server_unavailable` (unreachable, refused key), `server_busy` (429) or the server's own. */
export class ServerError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.code = code;
    Object.assign(this, details);
  }
}

/** Attempts (after the first) for a download cut mid-body. */
const DOWNLOAD_RETRIES = 5;

/** Waits `ms`, or rejects when `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

export class ServerApi {
  /** @param {{ url: string, apiKey?: string | null }} server */
  constructor({ url, apiKey }) {
    this.url = String(url).replace(/\/+$/, '');
    this.apiKey = apiKey ?? null;
  }

  /** `fetch` of `path` (absolute, or relative to the server) with the key; network failures become `server_unavailable`. */
  async fetch(path, init = {}) {
    const headers = new Headers(init.headers);
    if (this.apiKey) headers.set('Authorization', `Bearer ${this.apiKey}`);
    const target = new URL(path, `${this.url}/`).href;
    try {
      return await fetch(target, { ...init, headers });
    } catch (error) {
      if (init.signal?.aborted) throw init.signal.reason;
      throw new ServerError('server_unavailable', `the server at ${this.url} cannot be reached (${error.message}); check the connection`);
    }
  }

  /** Throws the server's `{ error: { code, message } }` for a failed response. */
  async fail(response, what) {
    const body = await response.json().catch(() => ({}));
    const byStatus = { 401: 'server_unavailable', 422: 'invalid_project', 429: 'server_busy' };
    const code = byStatus[response.status] ?? body?.error?.code ?? 'server_failed';
    const message = body?.error?.message ?? `${what} failed with HTTP ${response.status}`;
    const retryAfter = Number(response.headers.get('Retry-After')) || null;
    throw new ServerError(code, `the server refused ${what}: ${message}`, { status: response.status, retryAfter, errors: body?.errors });
  }

  /** `GET /capacity`, within `timeoutMs`. */
  async capacity(timeoutMs = 3000) {
    const response = await this.fetch('capacity', { signal: AbortSignal.timeout(timeoutMs) }).catch((error) => {
      if (error?.name === 'TimeoutError') throw new ServerError('server_unavailable', `the server at ${this.url} did not answer within ${timeoutMs / 1000} s`);
      throw error;
    });
    if (!response.ok) await this.fail(response, 'the capacity request');
    return response.json();
  }

  /** True when the server already has the source with this SHA-256 (`HEAD /sources/{sha256}`). */
  async hasSource(sha256, signal) {
    const response = await this.fetch(`sources/${sha256}`, { method: 'HEAD', signal });
    if (response.status === 404) return false;
    if (!response.ok) await this.fail(response, 'the source lookup');
    return true;
  }

  /** `POST /jobs` with the project JSON; resolves to the job id. */
  async submit(projectJson, signal) {
    const response = await this.fetch('jobs', { method: 'POST', body: projectJson, headers: { 'Content-Type': 'application/json' }, signal });
    if (response.status !== 202) await this.fail(response, 'the job');
    return (await response.json()).id;
  }

  /** Calls `onEvent(name, data)` for each SSE event of job `id` until the stream ends; resolves to the last event. */
  async events(id, onEvent, signal) {
    const response = await this.fetch(`jobs/${id}/events`, { headers: { Accept: 'text/event-stream' }, signal });
    if (!response.ok) await this.fail(response, 'the job events');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let last = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        let name = 'message';
        const data = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length === 0) continue;
        last = { name, data: JSON.parse(data.join('\n')) };
        onEvent(last.name, last.data);
      }
    }
    return last;
  }

  /** `GET /jobs/{id}`. */
  async job(id, signal) {
    const response = await this.fetch(`jobs/${id}`, { signal });
    if (!response.ok) await this.fail(response, 'the job status');
    return response.json();
  }

  /** `DELETE /jobs/{id}`, best effort (a cancelled render must not wait on the network). */
  async cancel(id) {
    await this.fetch(`jobs/${id}`, { method: 'DELETE', signal: AbortSignal.timeout(5000) }).catch(() => {});
  }

  /**
   * Downloads `path` into `file` (an `OutputFile`: `writeAt(offset, bytes)`, `finish(type)` → Blob),
   * resuming with `Range` after a cut; `onBytes(received, total)`.
   * @returns {Promise<{ blob: Blob, bytes: number }>} `bytes` counts every byte received, resumed ones included
   */
  async download(path, { type, file, signal, onBytes }) {
    let received = 0;
    let transferred = 0;
    let total = null;
    for (let attempt = 0; ; attempt++) {
      try {
        const headers = received > 0 ? { Range: `bytes=${received}-` } : {};
        const response = await this.fetch(path, { headers, signal });
        // A server that ignores Range sends the whole file again: it is written over from 0.
        if (received > 0 && response.status !== 206) received = 0;
        if (!response.ok) await this.fail(response, 'the output download');
        total ??= Number(response.headers.get('Content-Length')) + received || null;
        const reader = response.body.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          file.writeAt(received, value);
          received += value.byteLength;
          transferred += value.byteLength;
          onBytes?.(received, total);
        }
        if (total == null || received >= total) return { blob: await file.finish(type), bytes: transferred };
      } catch (error) {
        if (signal?.aborted || (error instanceof ServerError && error.code !== 'server_unavailable') || attempt >= DOWNLOAD_RETRIES) throw error;
      }
      await sleep(250 * 2 ** attempt, signal);
    }
  }
}
