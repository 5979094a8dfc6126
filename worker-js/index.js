// frameloom: the browser entry. The Rust core runs as WebAssembly inside a
// dedicated module worker; this file is the thin promise-based client for it.

import { ingest } from './ingest.js';

/** An error reported by the engine, with a stable machine-readable `code` (and, per code, details such as `codec` or `sourceId`). */
export class FrameloomError extends Error {
  /**
   * @param {string} code stable error code, e.g. `unknown_format`
   * @param {string} message what went wrong and what the user can do
   * @param {object} [details] extra fields for this code (`codec`, `sourceId`, `errors`, ...)
   */
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'FrameloomError';
    this.code = code;
    for (const [key, value] of Object.entries(details)) {
      if (key !== 'code' && key !== 'message') this[key] = value;
    }
  }
}

/** Creates the engine worker; the literal `new URL(…, import.meta.url)` lets bundlers find worker.js. */
function spawnWorker(workerUrl) {
  return workerUrl
    ? new Worker(workerUrl, { type: 'module' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

/** The rejection of a cancelled job. */
function abortError() {
  return new DOMException('the render was cancelled', 'AbortError');
}

const ROUTES = ['auto', 'client', 'server'];

/** Longest subtitles text sent to the worker (the wasm's limit is 16 MiB of UTF-8). */
const MAX_SUBTITLES_CHARS = 16 * 1024 * 1024;

/** Throws `invalid_argument` unless `files` maps source ids to Blobs. */
function checkFiles(files) {
  if (files == null || typeof files !== 'object') {
    throw new FrameloomError('invalid_argument', 'options.files must map source ids to File or Blob objects');
  }
  for (const [sourceId, blob] of Object.entries(files)) {
    if (!(blob instanceof Blob)) {
      throw new FrameloomError('invalid_argument', `options.files["${sourceId}"] is not a File or Blob`);
    }
  }
}

/** The worker request of `thumbnail`/`spriteSheet` for a project or a video Blob. */
function stillRequest(method, source, { files = {}, ...options }) {
  if (options.format !== undefined && !['png', 'jpeg'].includes(options.format)) {
    throw new FrameloomError('invalid_argument', `${method}() format must be 'png' or 'jpeg', not ${JSON.stringify(options.format)}`);
  }
  if (source instanceof Blob) return { blob: source, files: {}, options };
  if (source == null || (typeof source !== 'object' && typeof source !== 'string')) {
    throw new FrameloomError('invalid_argument', `${method}() takes a project (object or JSON text) or a video File/Blob`);
  }
  checkFiles(files);
  return { project: typeof source === 'string' ? source : JSON.stringify(source), files, options };
}

/**
 * Client renders run in the workers of this page (every engine's router learns it: a page's
 * first renders pay for loading the browser's codec libraries).
 */
let pageRenders = 0;

/** A frameloom engine: one worker running the wasm core. Create it with `Engine.create()`. */
export class Engine {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #closed = null;
  #config;

  /** Base URL of a frameloom render server, or `null` when none was given. */
  server;

  /** Use `Engine.create()`; the constructor only wires a worker that is not initialized yet. */
  constructor(worker, server = null, { clientBias } = {}) {
    this.#worker = worker;
    const url = server != null && typeof server === 'object' && !(server instanceof URL) ? server.url : server;
    this.server = url == null ? null : String(url);
    const own = this.server == null ? null : { url: this.server, apiKey: server?.apiKey ?? null, chunkSize: server?.chunkSize };
    this.#config = { server: own, clientBias };
    worker.addEventListener('message', (event) => this.#settle(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const why = event.message || 'the worker script could not be loaded (check workerUrl and that it is served as JavaScript)';
      this.#close(new FrameloomError('worker_failed', `the engine worker failed: ${why}`));
    });
    worker.addEventListener('messageerror', () => {
      this.#close(new FrameloomError('worker_failed', 'the engine worker sent a message that could not be read'));
    });
  }

  /**
   * Starts the worker and loads the wasm; resolves once the engine is ready.
   * @param {{ workerUrl?: string | URL, wasmUrl?: string | URL, clientBias?: number,
   *           server?: string | URL | { url: string | URL, apiKey?: string, chunkSize?: number } }} [options]
   * @returns {Promise<Engine>}
   */
  static async create({ workerUrl, wasmUrl, server, clientBias } = {}) {
    const engine = new Engine(spawnWorker(workerUrl), server, { clientBias });
    const wasm = String(wasmUrl ?? new URL('./wasm/frameloom_bg.wasm', import.meta.url));
    // Noto Sans, the default text faces: the worker fetches them the first time a job draws text.
    const fontUrls = [new URL('./fonts/NotoSans-Regular.ttf', import.meta.url), new URL('./fonts/NotoSans-Bold.ttf', import.meta.url)].map(String);
    try {
      await engine.#call('init', { wasmUrl: wasm, fontUrls, config: engine.#config });
    } catch (error) {
      engine.terminate();
      throw error;
    }
    return engine;
  }

  /**
   * Reads the container headers of a file: format, duration, tracks, codecs, keyframes,
   * and whether this browser can decode each track.
   * @param {Blob} blob a `File` or `Blob`
   * @returns {Promise<object>} a `ProbeInfo` (see index.d.ts)
   */
  async probe(blob) {
    if (!(blob instanceof Blob)) {
      throw new FrameloomError('invalid_argument', 'probe() takes a File or Blob');
    }
    return this.#call('probe', { blob });
  }

  /**
   * Estimates a render in this browser and on the server and says where `render(…, { route: 'auto' })`
   * would run it: `{ client, server, choice, reasons, clientFeasible, serverFeasible, features }`
   * (`client`/`server`: `{ seconds, breakdown }`; `server` is `null` without a reachable server).
   * @param {object | string} project a v1 project (object or JSON text)
   * @param {Record<string, Blob>} [files] the media files, by source id
   * @returns {Promise<object>}
   */
  async estimate(project, files = {}) {
    checkFiles(files);
    return this.#call('estimate', { project: typeof project === 'string' ? project : JSON.stringify(project), files, renders: pageRenders });
  }

  /**
   * Renders a project. Returns at once with `{ id, done, cancel }`; `done` resolves to
   * `{ blob, mimeType, route, reason, stats }` or rejects with a `FrameloomError`
   * (an `AbortError` `DOMException` when cancelled).
   * @param {object | string} project a v1 project (object or JSON text)
   * @param {{ files?: Record<string, Blob>, route?: 'auto' | 'client' | 'server', signal?: AbortSignal,
   *           onProgress?: (event: { stage: string, fraction: number, fps: number, eta: number | null }) => void,
   *           storage?: 'auto' | 'memory' }} [options]
   */
  render(project, { files = {}, route = 'auto', signal, onProgress, storage = 'auto' } = {}) {
    const id = this.#nextId++;
    let settled = false;
    const cancel = () => {
      if (!settled && !this.#closed) this.#worker.postMessage({ id: 0, type: 'cancel', jobId: id });
    };
    const start = () => {
      if (!ROUTES.includes(route)) {
        throw new FrameloomError('invalid_argument', `route must be 'auto', 'client' or 'server', not ${JSON.stringify(route)}`);
      }
      checkFiles(files);
      if (signal?.aborted) throw abortError();
      const json = typeof project === 'string' ? project : JSON.stringify(project);
      signal?.addEventListener('abort', cancel, { once: true });
      return this.#call('render', { project: json, files, storage, route, renders: pageRenders }, { id, onProgress }).then((result) => {
        if (result?.route === 'client') pageRenders++;
        return result;
      }, (error) => {
        throw error?.code === 'aborted' ? abortError() : error;
      }).finally(() => {
        settled = true;
        signal?.removeEventListener('abort', cancel);
      });
    };
    let done;
    try {
      done = start();
    } catch (error) {
      done = Promise.reject(error);
    }
    return { id, done, cancel };
  }

  /**
   * Adds a font (TTF, OTF or TTC bytes) to the worker for every later render: text in its
   * family, and fallback for characters other fonts lack. Resolves to the faces added,
   * `[{ family, weight, italic }]`; rejects with code `font_invalid`, `font_unsupported`
   * (WOFF/WOFF2) or `font_too_large`.
   * @param {ArrayBuffer | ArrayBufferView | Blob} bytes
   * @returns {Promise<Array<{ family: string, weight: number, italic: boolean }>>}
   */
  async loadFont(bytes) {
    let buffer;
    if (bytes instanceof Blob) buffer = await bytes.arrayBuffer();
    else if (bytes instanceof ArrayBuffer) buffer = bytes.slice(0);
    else if (ArrayBuffer.isView(bytes)) buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    else throw new FrameloomError('invalid_argument', 'loadFont() takes an ArrayBuffer, a typed array or a Blob');
    return this.#call('loadFont', { bytes: buffer });
  }

  /**
   * Reads SRT or WebVTT text with the core's parser (the one renders use): valid cues are kept,
   * each problem is reported at its line. Rejects with `invalid_argument` (not text, unknown
   * format) or `limit_exceeded` (above 16 MiB).
   * @param {string} text the file's text
   * @param {{ format?: 'srt' | 'vtt' }} [options] the format; by default `WEBVTT` at the start means WebVTT, else SRT
   * @returns {Promise<{ cues: Array<{ id?: string, startUs: number, endUs: number, text: string, settings: object }>,
   *                     errors: Array<{ line: number, code: string, message: string }> }>}
   */
  async parseSubtitles(text, { format } = {}) {
    if (typeof text !== 'string') throw new FrameloomError('invalid_argument', 'parseSubtitles() takes the file\'s text as a string');
    if (format != null && format !== 'srt' && format !== 'vtt') {
      throw new FrameloomError('invalid_argument', `format must be 'srt' or 'vtt', not ${JSON.stringify(format)}`);
    }
    if (text.length > MAX_SUBTITLES_CHARS) {
      throw new FrameloomError('limit_exceeded', `the subtitles text has ${text.length} characters, above the limit of ${MAX_SUBTITLES_CHARS}; split the file`);
    }
    return this.#call('parseSubtitles', { text, format: format ?? null });
  }

  /**
   * Probes a file and, when this browser cannot decode it or it is too heavy to edit smoothly
   * (above 1080p, or above twice the typical bitrate for its size), makes a 480p H.264 preview
   * proxy: in this browser, or on the render server for files it cannot decode. Use the proxy
   * for preview only: renders always read the original file.
   * @param {Blob} file a `File` or `Blob`
   * @param {{ signal?: AbortSignal, onProgress?: (event: object) => void }} [options]
   * @returns {Promise<{ probe: object, proxy?: Blob, proxyReason?: 'not_decodable' | 'resolution' | 'bitrate',
   *                     proxyRoute?: 'client' | 'server', proxyError?: { code: string, message: string } }>}
   */
  async ingest(file, options) {
    if (!(file instanceof Blob)) {
      throw new FrameloomError('invalid_argument', 'ingest() takes a File or Blob');
    }
    return ingest(this, file, options);
  }

  /**
   * A poster frame: the frame showing at `options.time` seconds (default 0; clamped to the
   * last frame) of a project (with `options.files`) or of a video file, as PNG or JPEG, at
   * output size or fitted into `options.width` × `options.height`.
   * Resolves to `{ blob, width, height, time }`.
   * @param {object | string | Blob} source a v1 project or a video File/Blob
   * @param {{ time?: number, format?: 'png' | 'jpeg', width?: number, height?: number, files?: Record<string, Blob> }} [options]
   */
  async thumbnail(source, options = {}) {
    return this.#call('thumbnail', stillRequest('thumbnail', source, options));
  }

  /**
   * A sprite sheet: `options.count` frames (default 10) spread evenly over the timeline, in a
   * grid of `options.columns` (default 5) cells of `options.width` (default 160) ×
   * `options.height` (default: output proportions), as PNG or JPEG. Resolves to
   * `{ blob, width, height, cells: [{ x, y, width, height, time }] }`.
   * @param {object | string | Blob} source a v1 project or a video File/Blob
   * @param {{ count?: number, columns?: number, width?: number, height?: number, format?: 'png' | 'jpeg', files?: Record<string, Blob> }} [options]
   */
  async spriteSheet(source, options = {}) {
    return this.#call('spriteSheet', stillRequest('spriteSheet', source, options));
  }

  /** Open codecs and unclosed media objects in the worker: `{ videoDecoders, audioDecoders, videoEncoders, audioEncoders, videoFrames, audioData, imageBitmaps }`. */
  async debugStats() {
    return this.#call('debugStats', {});
  }

  /** Stops the worker; pending and later calls reject with code `terminated`. */
  terminate() {
    this.#close(new FrameloomError('terminated', 'the engine was terminated'));
  }

  #call(type, payload, { id = this.#nextId++, onProgress } = {}) {
    if (this.#closed) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      try {
        this.#worker.postMessage({ id, type, ...payload });
      } catch (error) {
        this.#pending.delete(id);
        reject(new FrameloomError('invalid_argument', `could not send the request to the engine: ${error.message}`));
      }
    });
  }

  #settle(message) {
    const call = this.#pending.get(message?.id);
    if (!call) return;
    if (message.progress) {
      try {
        call.onProgress?.(message.progress);
      } catch (error) {
        console.error('frameloom: onProgress threw', error);
      }
      return;
    }
    this.#pending.delete(message.id);
    if (message.ok) {
      call.resolve(message.result);
    } else {
      const { code, message: text, ...details } = message.error;
      call.reject(new FrameloomError(code, text, details));
    }
  }

  #close(error) {
    if (this.#closed) return;
    this.#closed = error;
    this.#worker.terminate();
    for (const call of this.#pending.values()) call.reject(error);
    this.#pending.clear();
  }
}
