// The engine worker: loads the wasm core and answers requests from index.js.
// Requests are `{ id, type, ...payload }`; replies are `{ id, ok: true, result }`
// or `{ id, ok: false, error: { code, message } }`.

import init, { probe } from './wasm/frameloom.js';

let ready = false;

self.addEventListener('message', async ({ data }) => {
  try {
    const result = await handle(data);
    self.postMessage({ id: data.id, ok: true, result });
  } catch (error) {
    self.postMessage({ id: data.id, ok: false, error: plainError(error) });
  }
});

async function handle(request) {
  switch (request.type) {
    case 'init':
      await load(request.wasmUrl);
      return null;
    case 'probe':
      if (!ready) throw { code: 'not_ready', message: 'the engine is not initialized; use Engine.create()' };
      return withDecodability(probe(request.blob));
    default:
      throw { code: 'invalid_argument', message: `unknown request type '${request.type}'` };
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

/** The wasm throws `{ code, message }` objects; anything else is an engine bug. */
function plainError(error) {
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return { code: error.code, message: error.message };
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
