// The router in the worker: gathers what the cost model needs (device profile, network,
// the server's /capacity), asks the wasm `estimateRoute` for the decision, runs the job on the
// chosen side, and falls back: server unreachable or busy → this browser when it can render
// the job (else retries with backoff, said in progress events); a client codec failure (a
// codec it lacks, or a decoder or encoder that failed on the file) → the server when one is
// configured.
import { estimateRoute } from '../wasm/frameloom.js';
import { ServerApi, ServerError, sleep } from '../server/api.js';
import { renderOnServer } from '../server/render.js';
import { correctedProfile, hasDeviceProfile, networkProfile, recordRender } from './device.js';

/**
 * Client errors that send an `auto` job to the server: a codec this browser lacks, or one it
 * claimed to support that failed on the file (ffmpeg decodes damaged or unusual streams that
 * WebCodecs rejects), or a size target below its encoder's floor (libx264's two passes reach it).
 */
const SERVER_FALLBACKS = ['codec_unsupported', 'decode_failed', 'encode_failed', 'target_size_unreachable'];

/** Attempts of an unreachable server when the browser cannot render the job itself. */
const UNREACHABLE_RETRIES = 4;
/** A server whose round trip is shorter than this is on this machine or the local network… */
const LAN_RTT_SECONDS = 0.005;
/** …where the link moves about this many bytes a second (until real transfers are measured). */
const LAN_BPS = 50e6;

/** True for a loopback or private-network host name or address (`localhost`, 127.x, 10.x, 192.168.x, 172.16–31.x, `::1`, fc00::/7, `.local`). */
function isLocalHost(host) {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.local') || name === '::1' || /^f[cd][0-9a-f]{2}:/.test(name)) return true;
  const ip = name.split('.').map(Number);
  if (ip.length !== 4 || ip.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return false;
  return ip[0] === 127 || ip[0] === 10 || (ip[0] === 192 && ip[1] === 168) || (ip[0] === 172 && ip[1] >= 16 && ip[1] <= 31);
}

export class Router {
  /**
   * @param {{ server?: { url: string, apiKey?: string, chunkSize?: number } | null, clientBias?: number,
   *   loadFonts?: () => Promise<void> }} config  `loadFonts` makes the text fonts available (the device benchmark draws captions)
   */
  constructor({ server = null, clientBias, loadFonts } = {}) {
    this.loadFonts = loadFonts;
    this.api = server?.url ? new ServerApi(server) : null;
    this.chunkSize = server?.chunkSize;
    this.options = clientBias > 0 ? { clientBias } : {};
    /** Client renders this page has made (in any engine's worker, as each request says): its first ones load the codec libraries. */
    this.renders = 0;
  }

  /** The server's state for `route::ServerState`, and the round trip of its `/capacity` request in seconds. */
  async serverState() {
    if (!this.api) return { state: 'notConfigured' };
    try {
      // The round trip is timed on /healthz: a fresh server's first /capacity waits for its
      // start-up speed measurement, which is no network time.
      const [capacity, rttSeconds] = await Promise.all([this.api.capacity(), this.#roundTrip()]);
      return { state: 'available', ...capacity, rttSeconds };
    } catch (error) {
      const message = error.code === 'server_unavailable' ? `no answer from ${this.api.url}` : error.message;
      return { state: 'unreachable', message };
    }
  }

  /**
   * Seconds of a `/healthz` round trip to the server (0 when it fails: the browser's hint is
   * used): the second of two, the first paying for the connection's set-up.
   */
  async #roundTrip() {
    let seconds = 0;
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      if (!(await this.api.fetch('healthz').then((r) => r.ok, () => false))) return 0;
      seconds = (performance.now() - started) / 1000;
    }
    return seconds;
  }

  /** `{ client, server, choice, reasons, clientFeasible, serverFeasible, features }` for the project. */
  async estimate(projectJson, files) {
    // The device first: its benchmark holds this worker's thread, which would lengthen the round trip timed next.
    const device = await this.#device();
    const [network, { rttSeconds, ...server }] = await Promise.all([networkProfile(), this.serverState()]);
    // The capacity request's round trip is a real measurement; the browser's RTT hint is coarse.
    if (rttSeconds > 0) network.rttSeconds = rttSeconds;
    // Before any transfer was measured, a server on this machine or the local network (a
    // private address, or a few milliseconds away) has a link far faster than the default's home uplink.
    if (this.api && (isLocalHost(new URL(this.api.url, self.location?.href).hostname) || (rttSeconds > 0 && rttSeconds < LAN_RTT_SECONDS))) {
      network.uplinkBps ??= LAN_BPS;
      network.downlinkBps ??= LAN_BPS;
    }
    return this.#decide(projectJson, files, { device, network, server });
  }

  /** The wasm estimate (`estimateRoute`) of the project for `device`, `network` and the `server` state. */
  #decide(projectJson, files, { device, network, server }) {
    return estimateRoute(projectJson, files, JSON.stringify({ device, network, server, options: this.options }));
  }

  /**
   * Renders on the side `route` asks for (`auto`: the estimate's choice, with fallbacks).
   * `runClient()` renders in this browser (the wasm `render`), resolving to `{ blob, mimeType, stats }`;
   * `compact(blob, needs, n)` makes a range-only copy for upload (the wasm `extractRanges`).
   * @returns {Promise<{ blob: Blob, mimeType: string, stats: object, route: 'client' | 'server', reason: string }>}
   */
  async render({ projectJson, files, route, runClient, compact, openOutput, signal, progress }) {
    if (route === 'client') return this.#client(runClient, 'the client route was asked for', await this.#clientSeconds(projectJson, files));
    if (!this.api) {
      if (route === 'auto') return this.#client(runClient, 'no server configured: rendering in this browser', await this.#clientSeconds(projectJson, files));
      throw new ServerError('server_unavailable', 'no server is configured; pass server: { url, apiKey } to Engine.create()');
    }
    const decision = await this.estimate(projectJson, files);
    const job = { projectJson, files, signal, progress, compact, openOutput, features: decision.features, needs: decision.needs };
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
      return await this.#client(runClient, reason, decision.client?.seconds);
    } catch (error) {
      if (!SERVER_FALLBACKS.includes(error?.code) || !this.api || signal?.aborted) throw error;
      const why = error.code === 'codec_unsupported'
        ? `this browser cannot ${error.action ?? 'handle'} ${error.codec ?? 'a codec of the job'}`
        : error.code === 'target_size_unreachable'
          ? `this browser's encoder cannot reach targetSizeBytes (${error.bytes} bytes at best)`
          : `this browser's ${error.code === 'decode_failed' ? 'decoder' : 'encoder'} failed (${error.message})`;
      progress({ stage: 'upload', fraction: 0, fps: 0, eta: null, message: `${why}; rendering on the server instead` });
      return this.#server(job, `${why}; rendered on the server instead`, true);
    }
  }

  /**
   * The client's predicted seconds for the project, for the device correction: `null` when it
   * cannot estimate, or before the device was measured (a client render does not wait for the benchmark).
   */
  async #clientSeconds(projectJson, files) {
    try {
      if (!(await hasDeviceProfile())) return null;
      const [device, network] = await Promise.all([this.#device(), networkProfile()]);
      const decision = await this.#decide(projectJson, files, { device, network, server: { state: 'notConfigured' } });
      return decision.clientFeasible ? decision.client.seconds : null;
    } catch {
      return null;
    }
  }

  /** The corrected device profile, and how many client renders this page has made (`renders`). */
  async #device() {
    return { ...(await correctedProfile(this.loadFonts)), renders: this.renders };
  }

  /** Renders in this browser; a render that was `predicted` (seconds) corrects the device profile. */
  async #client(runClient, reason, predicted = null) {
    const started = performance.now();
    const result = await runClient();
    if (predicted > 0) await recordRender(predicted, (performance.now() - started) / 1000);
    return { ...result, stats: { ...result.stats, uploadedBytes: 0, downloadedBytes: 0 }, route: 'client', reason };
  }

  /** Renders on the server; `persistent` retries an unreachable or busy server with backoff. */
  async #server({ projectJson, files, signal, progress, compact, openOutput, features, needs }, reason, persistent) {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const project = JSON.parse(projectJson);
        const options = { project, files, needs, compact, openOutput, signal, progress, chunkSize: this.chunkSize, retryWhenBusy: persistent };
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

/**
 * `RenderStats` of a server render: frames from the server's stats (else the plan), `encoder`
 * the server's (e.g. `libx264`; `null` from a server that reports no stats).
 */
function serverStats(out, features, started) {
  const seconds = (performance.now() - started) / 1000;
  const frames = out.stats?.frames ?? features?.outputFrames ?? 0;
  return {
    frames,
    seconds,
    fps: seconds > 0 ? frames / seconds : null,
    duration: (features?.durationUs ?? 0) / 1e6,
    encoder: out.stats?.encoder ?? null,
    audioEncoder: null,
    audioFallback: null,
    fastPath: 'none',
    bytes: out.blob.size,
    storage: out.storage,
    uploadedBytes: out.uploadedBytes,
    rangeOnlySources: out.rangeOnlySources,
    downloadedBytes: out.downloadedBytes,
  };
}
