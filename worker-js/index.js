// frameloom: the browser entry. The Rust core runs as WebAssembly inside a
// dedicated module worker; this file is the thin promise-based client for it.

/** An error reported by the engine, with a stable machine-readable `code`. */
export class FrameloomError extends Error {
  /**
   * @param {string} code stable error code, e.g. `unknown_format`
   * @param {string} message what went wrong and what the user can do
   */
  constructor(code, message) {
    super(message);
    this.name = 'FrameloomError';
    this.code = code;
  }
}

/** Creates the engine worker; the literal `new URL(…, import.meta.url)` lets bundlers find worker.js. */
function spawnWorker(workerUrl) {
  return workerUrl
    ? new Worker(workerUrl, { type: 'module' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

/** A frameloom engine: one worker running the wasm core. Create it with `Engine.create()`. */
export class Engine {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #closed = null;

  /** Base URL of a frameloom render server, or `null` when none was given. */
  server;

  /** Use `Engine.create()`; the constructor only wires a worker that is not initialized yet. */
  constructor(worker, server = null) {
    this.#worker = worker;
    this.server = server == null ? null : String(server);
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
   * @param {{ workerUrl?: string | URL, wasmUrl?: string | URL, server?: string | URL }} [options]
   * @returns {Promise<Engine>}
   */
  static async create({ workerUrl, wasmUrl, server } = {}) {
    const engine = new Engine(spawnWorker(workerUrl), server);
    const wasm = String(wasmUrl ?? new URL('./wasm/frameloom_bg.wasm', import.meta.url));
    try {
      await engine.#call('init', { wasmUrl: wasm });
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

  /** Stops the worker; pending and later calls reject with code `terminated`. */
  terminate() {
    this.#close(new FrameloomError('terminated', 'the engine was terminated'));
  }

  #call(type, payload) {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
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
    this.#pending.delete(message.id);
    if (message.ok) {
      call.resolve(message.result);
    } else {
      call.reject(new FrameloomError(message.error.code, message.error.message));
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
