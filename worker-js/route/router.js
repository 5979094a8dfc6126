// The router in the worker: gathers what the cost model needs (device profile, network,
// the server's /capacity), asks the wasm `estimateRoute` for the decision, runs the job on the
// chosen side, and falls back: server unreachable or busy → this browser when it can render
// the job (else retries with backoff, said in progress events); a client codec failure → the
// server when one is configured.
import { estimateRoute } from '../wasm/frameloom.js';
import { ServerApi, ServerError, sleep } from '../server/api.js';
import { renderOnServer } from '../server/render.js';
import { deviceProfile, networkProfile } from './device.js';

/** Attempts of an unreachable server when the browser cannot render the job itself. */
const UNREACHABLE_RETRIES = 4;

export class Router {
  /** @param {{ server?: { url: string, apiKey?: string, chunkSize?: number } | null, clientBias?: number }} config */
  constructor({ server = null, clientBias } = {}) {
    this.api = server?.url ? new ServerApi(server) : null;
    this.chunkSize = server?.chunkSize;
    this.options = clientBias > 0 ? { clientBias } : {};
  }

  /** The server's state for `route::ServerState`. */
  async serverState() {
    if (!this.api) return { state: 'notConfigured' };
    try {
      return { state: 'available', ...(await this.api.capacity()) };
    } catch (error) {
      const message = error.code === 'server_unavailable' ? `no answer from ${this.api.url}` : error.message;
      return { state: 'unreachable', message };
    }
  }

  /** `{ client, server, choice, reasons, clientFeasible, serverFeasible, features }` for the project. */
  async estimate(projectJson, files) {
    const [device, network, server] = await Promise.all([deviceProfile(), networkProfile(), this.serverState()]);
    return estimateRoute(projectJson, files, JSON.stringify({ device, network, server, options: this.options }));
  }

  /**
   * Renders on the side `route` asks for (`auto`: the estimate's choice, with fallbacks).
   * `runClient()` renders in this browser (the wasm `render`), resolving to `{ blob, mimeType, stats }`;
   * `compact(blob, needs, n)` makes a range-only copy for upload (the wasm `extractRanges`).
   * @returns {Promise<{ blob: Blob, mimeType: string, stats: object, route: 'client' | 'server', reason: string }>}
   */
  async render({ projectJson, files, route, runClient, compact, signal, progress }) {
    if (route === 'client') return this.#client(runClient, 'the client route was asked for');
    if (!this.api) {
      if (route === 'auto') return this.#client(runClient, 'no server configured: rendering in this browser');
      throw new ServerError('server_unavailable', 'no server is configured; pass server: { url, apiKey } to Engine.create()');
    }
    const decision = await this.estimate(projectJson, files);
    const job = { projectJson, files, signal, progress, compact, features: decision.features, needs: decision.needs };
    if (route === 'server') return this.#server(job, 'the server route was asked for', true);
    const reason = decision.reasons[0] ?? '';
    if (decision.choice === 'server') {
      try {
        return await this.#server(job, reason, !decision.clientFeasible);
      } catch (error) {
        const fallback = decision.clientFeasible && !signal?.aborted && ['server_unavailable', 'server_busy'].includes(error?.code);
        if (!fallback) throw error;
        progress({ stage: 'probe', fraction: 0, fps: 0, eta: null, message: `${error.message}; rendering in this browser instead` });
        return this.#client(runClient, `${error.message}; rendered in this browser instead`);
      }
    }
    try {
      return await this.#client(runClient, reason);
    } catch (error) {
      if (error?.code !== 'codec_unsupported' || !this.api || signal?.aborted) throw error;
      const why = `this browser cannot ${error.action ?? 'handle'} ${error.codec ?? 'a codec of the job'}`;
      progress({ stage: 'upload', fraction: 0, fps: 0, eta: null, message: `${why}; rendering on the server instead` });
      return this.#server(job, `${why}; rendered on the server instead`, true);
    }
  }

  async #client(runClient, reason) {
    const result = await runClient();
    return { ...result, stats: { ...result.stats, uploadedBytes: 0, downloadedBytes: 0 }, route: 'client', reason };
  }

  /** Renders on the server; `persistent` retries an unreachable or busy server with backoff. */
  async #server({ projectJson, files, signal, progress, compact, features, needs }, reason, persistent) {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const project = JSON.parse(projectJson);
        const options = { project, files, needs, compact, signal, progress, chunkSize: this.chunkSize, retryWhenBusy: persistent };
        const out = await renderOnServer(this.api, options);
        return { blob: out.blob, mimeType: out.mimeType, route: 'server', reason, stats: serverStats(out, features, started) };
      } catch (error) {
        if (!persistent || error?.code !== 'server_unavailable' || signal?.aborted || attempt > UNREACHABLE_RETRIES) throw error;
        const seconds = 2 ** attempt;
        progress({ stage: 'upload', fraction: 0, fps: 0, eta: null, message: `${error.message}; retrying in ${seconds} s` });
        await sleep(seconds * 1000, signal);
      }
    }
  }
}

/** `RenderStats` of a server render (codec strings are the server's; frames from the plan). */
function serverStats(out, features, started) {
  const seconds = (performance.now() - started) / 1000;
  const frames = features?.outputFrames ?? 0;
  return {
    frames,
    seconds,
    fps: seconds > 0 ? frames / seconds : null,
    duration: (features?.durationUs ?? 0) / 1e6,
    encoder: null,
    audioEncoder: null,
    audioFallback: null,
    fastPath: 'none',
    bytes: out.blob.size,
    storage: 'memory',
    uploadedBytes: out.uploadedBytes,
    rangeOnlySources: out.rangeOnlySources,
    downloadedBytes: out.downloadedBytes,
  };
}
