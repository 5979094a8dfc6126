// The engine worker: loads the wasm core and answers requests from index.js.
// Requests are `{ id, type, ...payload }`; replies are `{ id, ok: true, result }`
// or `{ id, ok: false, error: { code, message, ...details } }`; a render also sends
// `{ id, progress }` events before its reply.

import init, { probe, render, cancelRender, debugStats, loadFont, parseSubtitles, extractRanges, thumbnail, spriteSheet, OutputFile } from './wasm/frameloom.js';
import { Router } from './route/router.js';

let ready = false;
/** Routes jobs between this browser and the server (set by `init`). */
let router = new Router({ loadFonts: () => loadDefaultFonts() });
/** Running jobs' abort controllers, by job id. */
const jobs = new Map();
/** This worker's OPFS folder for render outputs (removed by the next engine once this one is gone). */
let outputDir = null;
/** Noto Sans Regular and Bold (in this order, as the native core embeds them), relative to this worker unless `init` says otherwise. */
let fontUrls = [new URL('./fonts/NotoSans-Regular.ttf', import.meta.url), new URL('./fonts/NotoSans-Bold.ttf', import.meta.url)].map(String);
/** The fetch of the default fonts, started by the first job that draws text (`null` until then, or after it failed). */
let defaultFonts = null;

self.addEventListener('message', async ({ data }) => {
  try {
    const result = await handle(data);
    self.postMessage({ id: data.id, ok: true, result });
  } catch (error) {
    self.postMessage({ id: data.id, ok: false, error: plainError(error) });
  }
});

async function handle(request) {
  if (request.type === 'init') {
    await load(request.wasmUrl);
    if (Array.isArray(request.fontUrls)) fontUrls = request.fontUrls;
    router = new Router({ ...request.config, loadFonts: () => loadDefaultFonts() });
    outputDir = await claimOutputDir();
    return null;
  }
  if (!ready) throw { code: 'not_ready', message: 'the engine is not initialized; use Engine.create()' };
  // The client renders the engines of this page have made (their first ones load the codec libraries).
  if (request.renders !== undefined) router.renders = request.renders;
  switch (request.type) {
    case 'probe':
      return withDecodability(probe(request.blob));
    case 'estimate':
      return router.estimate(request.project, request.files);
    case 'render':
      return renderJob(request);
    case 'extractRanges': {
      // A range-only copy of `blob` for upload: `needs` is the plan's SourceNeeds of that source.
      const options = { outputDir: outputDir ?? 'frameloom', outputName: `extract-${request.id}`, storage: request.storage ?? 'auto' };
      return await extractRanges(request.blob, JSON.stringify(request.needs), options);
    }
    case 'cancel':
      jobs.get(request.jobId)?.abort();
      cancelRender(request.jobId);
      return null;
    case 'debugStats':
      return debugStats();
    case 'loadFont':
      await loadDefaultFonts(); // first, so faces keep the native order (fallback picks the first face with a glyph)
      return loadFont(new Uint8Array(request.bytes));
    case 'parseSubtitles':
      return parseSubtitles(request.text, request.format ?? undefined);
    case 'thumbnail': {
      const project = await stillProject(request);
      if (drawsText(project)) await loadDefaultFonts();
      return thumbnail(project, request.files, request.options);
    }
    case 'spriteSheet': {
      const project = await stillProject(request);
      if (drawsText(project)) await loadDefaultFonts();
      return spriteSheet(project, request.files, request.options);
    }
    default:
      throw { code: 'invalid_argument', message: `unknown request type '${request.type}'` };
  }
}

/** Whether a project (JSON text) has a text or subtitles layer, so its render needs the default fonts. */
function drawsText(projectJson) {
  try {
    const { scenes } = JSON.parse(projectJson);
    return Array.isArray(scenes) && scenes.some((scene) => Array.isArray(scene?.layers) && scene.layers.some((layer) => layer?.type === 'text' || layer?.type === 'subtitles'));
  } catch {
    return false; // the render reports the syntax error
  }
}

/**
 * Adds Noto Sans Regular and Bold to the wasm's fonts once (the wasm does not embed them, to stay
 * small): the same files the native core embeds, so text renders to the same pixels.
 */
function loadDefaultFonts() {
  defaultFonts ??= Promise.all(fontUrls.map(async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  })).then((files) => {
    for (const bytes of files) loadFont(bytes);
  }).catch((error) => {
    defaultFonts = null; // a later job tries again
    throw {
      code: 'font_unavailable',
      message: `could not load the default font Noto Sans from ${fontUrls.join(', ')}: ${error?.message ?? error}; serve the package's fonts/ folder next to index.js`,
    };
  });
  return defaultFonts;
}

/**
 * The project JSON of a still request: the project given, or for a lone video `blob` a
 * project showing all of it at its own size (files then hold it as `video`).
 */
async function stillProject(request) {
  if (!request.blob) return request.project;
  const info = probe(request.blob);
  const video = info.tracks?.find((t) => t.kind === 'video');
  if (!video) throw { code: 'invalid_argument', message: 'the file has no video track to take stills from' };
  request.files = { video: request.blob };
  const even = (v) => Math.max(16, Math.round(v / 2) * 2);
  const { width, height, rotation, frameRate } = video.video;
  const [w, h] = rotation % 180 ? [height, width] : [width, height];
  return JSON.stringify({
    version: 1,
    output: { width: even(w), height: even(h), fps: frameRate ?? 30, format: 'mp4', audioCodec: 'none' },
    sources: { video: { kind: 'video', name: 'video', size: Math.max(1, request.blob.size) } },
    scenes: [{ layers: [{ type: 'video', source: 'video', trimEnd: video.duration ?? info.duration }] }],
  });
}

/** Renders on the route the request asks for; a cancelled job rejects with code `aborted`. */
async function renderJob(request) {
  const options = { outputDir: outputDir ?? 'frameloom', outputName: `render-${request.id}`, storage: request.storage ?? 'auto' };
  const progress = (event) => self.postMessage({ id: request.id, progress: event });
  const controller = new AbortController();
  jobs.set(request.id, controller);
  const runClient = async () => {
    if (drawsText(request.project)) await loadDefaultFonts();
    return render(request.id, request.project, request.files, options, progress);
  };
  const compact = (blob, needs, n) =>
    extractRanges(blob, JSON.stringify(needs), { ...options, outputName: `upload-${request.id}-${n}` });
  const openOutput = () => OutputFile.open({ ...options, outputName: `download-${request.id}` });
  try {
    return await router.render({ projectJson: request.project, files: request.files, route: request.route ?? 'auto', runClient, compact, openOutput, signal: controller.signal, progress });
  } catch (error) {
    if (controller.signal.aborted) throw { code: 'aborted', message: 'the render was cancelled' };
    throw error;
  } finally {
    jobs.delete(request.id);
  }
}

async function load(wasmUrl) {
  try {
    await init({ module_or_path: wasmUrl });
    ready = true;
  } catch (error) {
    throw {
      code: 'wasm_init_failed',
      message: `could not load the engine's WebAssembly from ${wasmUrl}: ${error?.message ?? error}; check wasmUrl and that it is served as application/wasm`,
    };
  }
}

/**
 * Picks this worker's OPFS output folder and holds a Web Lock on it for the worker's life,
 * then removes the folders of engines that are gone (their lock is free). Render results are
 * Blobs backed by these files, so a live engine's folder is never touched.
 */
async function claimOutputDir() {
  if (!self.navigator?.storage?.getDirectory || !self.navigator?.locks) return null;
  const name = `frameloom-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  await new Promise((held) => {
    self.navigator.locks.request(name, () => {
      held();
      return new Promise(() => {}); // released when the worker ends
    });
  });
  try {
    const root = await self.navigator.storage.getDirectory();
    const { held = [] } = await self.navigator.locks.query();
    const live = new Set(held.map((lock) => lock.name));
    const stale = [];
    for await (const [entry, handle] of root.entries()) {
      if (handle.kind === 'directory' && entry.startsWith('frameloom-') && !live.has(entry)) stale.push(entry);
    }
    for (const entry of stale) await root.removeEntry(entry, { recursive: true }).catch(() => {});
  } catch {
    // OPFS is unavailable (e.g. a private window): renders fall back to memory.
  }
  return name;
}

/** The wasm throws `{ code, message, ...details }` objects; anything else is an engine bug. */
function plainError(error) {
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return { ...error, code: error.code, message: error.message };
  }
  return { code: 'internal', message: `the engine failed unexpectedly (${error?.message ?? error}); please report this with the file` };
}

/** Adds `decodableHere` to every track (WebCodecs support in this browser) and to the whole file. */
async function withDecodability(info) {
  for (const track of info.tracks) {
    track.decodableHere = await decodable(track);
  }
  info.decodableHere = info.tracks.length > 0 && info.tracks.every((track) => track.decodableHere);
  return info;
}

async function decodable(track) {
  const description = track.description ? { description: track.description } : {};
  try {
    if (track.kind === 'video' && track.video && typeof VideoDecoder !== 'undefined') {
      const config = { codec: track.codec, codedWidth: track.video.width, codedHeight: track.video.height, ...description };
      return (await VideoDecoder.isConfigSupported(config)).supported === true;
    }
    if (track.kind === 'audio' && track.audio && typeof AudioDecoder !== 'undefined') {
      const config = { codec: track.codec, sampleRate: track.audio.sampleRate, numberOfChannels: track.audio.channels, ...description };
      return (await AudioDecoder.isConfigSupported(config)).supported === true;
    }
  } catch {
    // isConfigSupported throws TypeError for configs WebCodecs considers invalid.
  }
  return false;
}
