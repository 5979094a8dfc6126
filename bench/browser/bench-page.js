// The browser bench page: for one case, times frameloom's `Engine.render`, the bare WebCodecs
// ceiling (ceiling-worker.js) and Mediabunny on the same inputs in this page, interleaved,
// and returns every time (run.mjs takes medians and prints the table). Compose cases (overlays,
// compose.js) have no ceiling; the in-worker caption raster bench runs in raster-worker.js.
import { Engine } from '/frameloom/index.js';
import {
  ALL_FORMATS, AudioSampleSink, AudioSampleSource, BlobSource, BufferTarget, Conversion, Input, Mp4OutputFormat, Output,
  VideoSample, VideoSampleSink, VideoSampleSource, WebMOutputFormat,
} from '/mediabunny/mediabunny.mjs';
import { logoBlob, overlayLayers, overlayProcess, runRaster } from './compose.js';

/** Bits per pixel per frame at quality `high`, as src/plan/encode.rs. */
const BPP = { h264: 0.2, vp9: 0.065 };
/** Opus at quality `high`, as src/plan/encode.rs. */
const AUDIO_BPS = 128_000;
/** The engine forces a keyframe every 2 s. */
const KEY_SECONDS = 2;

let engine;
const blobs = new Map();

async function file(name) {
  if (!blobs.has(name)) blobs.set(name, await (await fetch(`/fixtures/${name}`)).blob());
  return blobs.get(name);
}

/**
 * The project for `spec` ({ output, sources: { id: file }, scenes: [[{ source, trimStart, trimEnd }]],
 * compose, reencode }); with `compose`, each scene also gets the logo and its cues (compose.js).
 * `reencode` sets `forceTranscode`, so the plan encodes every frame and the sound (no copy or
 * smart cut) of the same pictures: the path of any edit, and what the ceiling and Mediabunny do.
 */
function project(spec) {
  const sources = Object.fromEntries(Object.entries(spec.sources).map(([id, name]) => [id, { kind: 'video', name, size: 1 }]));
  if (spec.compose) sources.logo = { kind: 'image', name: 'logo.png', size: 1 };
  const scenes = spec.scenes.map((layers, i) => {
    const video = layers.map((l) => ({ type: 'video', ...l }));
    const seconds = layers[0].trimEnd - (layers[0].trimStart ?? 0);
    return { layers: spec.compose ? [...video, ...overlayLayers(i, seconds)] : video };
  });
  const output = spec.reencode ? { ...spec.output, forceTranscode: true } : spec.output;
  return { version: 1, output, sources, scenes };
}

function videoBitrate(output) {
  return Math.round(BPP[output.videoCodec] * output.width * output.height * output.fps);
}

/** The spliced segments of `spec`: [{ blob, start, end }]. */
async function segments(spec) {
  const out = [];
  for (const [layer] of spec.scenes) out.push({ blob: await file(spec.sources[layer.source]), start: layer.trimStart ?? 0, end: layer.trimEnd });
  return out;
}

/** frameloom: from `render()` to `done`. */
async function runEngine(spec) {
  const files = {};
  for (const [id, name] of Object.entries(spec.sources)) files[id] = await file(name);
  if (spec.compose) files.logo = await logoBlob();
  const t0 = performance.now();
  const { blob, stats } = await engine.render(project(spec), { files }).done;
  const seconds = (performance.now() - t0) / 1000;
  if (spec.keepAs) blobs.set(spec.keepAs, blob);
  return { seconds, frames: stats.frames, bytes: blob.size, encoder: stats.encoder, fastPath: stats.fastPath, passes: stats.passes,
    fallback: stats.fastPathFallback, yuvFrames: stats.yuvFrames, timings: stats.timings };
}

/** The ceiling loops in a fresh worker with the engine's encoder configs. */
async function runCeiling(spec, codec) {
  const { output } = spec;
  const config = { codec, width: output.width, height: output.height, bitrate: videoBitrate(output), framerate: output.fps };
  // H.264 as the engine configures it for a project without text and size target
  // (src/web/render/video_encode.rs); the ceiling cases draw no text.
  if (codec.startsWith('avc1')) Object.assign(config, { avc: { format: 'avc' } });
  const worker = new Worker(new URL('./ceiling-worker.js', import.meta.url), { type: 'module' });
  try {
    const answer = await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (e) => reject(new Error(e.message));
      segments(spec).then((segs) => worker.postMessage({ segments: segs, config, keyEvery: KEY_SECONDS * output.fps, audioBitrate: AUDIO_BPS }));
    });
    if (!answer.ok) throw new Error(`ceiling: ${answer.message}`);
    return answer.result;
  } finally {
    worker.terminate();
  }
}

function mediabunnyOutput(output) {
  const format = output.format === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' });
  return new Output({ format, target: new BufferTarget() });
}

const MB_CODEC = { h264: 'avc', vp9: 'vp9' };

/**
 * Mediabunny: one input → `Conversion` (trim, resize, codecs, bitrates, forced transcode);
 * a splice (which `Conversion` cannot do) → its decode sinks feeding encode sources, through
 * the same `process` step a `Conversion` would run (the overlays on a canvas) for `compose`.
 */
async function runMediabunny(spec) {
  const { output } = spec;
  const video = { codec: MB_CODEC[output.videoCodec], bitrate: videoBitrate(output), keyFrameInterval: KEY_SECONDS };
  const audio = { codec: 'opus', bitrate: AUDIO_BPS };
  const segs = await segments(spec);
  const t0 = performance.now();
  const out = mediabunnyOutput(output);
  if (segs.length === 1) {
    const [{ blob, start, end }] = segs;
    const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
    const conversion = await Conversion.init({
      input, output: out, trim: { start, end },
      video: { ...video, width: output.width, height: output.height, fit: 'contain', frameRate: output.fps, forceTranscode: true },
      audio: { ...audio, numberOfChannels: 2, sampleRate: 48000, forceTranscode: true },
    });
    if (!conversion.isValid) throw new Error(`mediabunny: ${JSON.stringify(conversion.discardedTracks)}`);
    await conversion.execute();
  } else {
    const videoSource = new VideoSampleSource({ ...video, sizeChangeBehavior: 'contain' });
    const audioSource = new AudioSampleSource(audio);
    out.addVideoTrack(videoSource, { frameRate: output.fps });
    out.addAudioTrack(audioSource);
    await out.start();
    const overlays = spec.compose ? await overlayProcess(output.width, output.height) : null;
    const inputs = segs.map((s) => ({ ...s, input: new Input({ source: new BlobSource(s.blob), formats: ALL_FORMATS }) }));
    const videoTask = (async () => {
      let offset = 0;
      for (const { input, start, end } of inputs) {
        for await (const sample of new VideoSampleSink(await input.getPrimaryVideoTrack()).samples(start, end)) {
          sample.setTimestamp(offset + sample.timestamp - start);
          if (overlays) {
            const drawn = new VideoSample(overlays.process(sample), { timestamp: sample.timestamp, duration: sample.duration });
            await videoSource.add(drawn);
            drawn.close();
          } else {
            await videoSource.add(sample);
          }
          sample.close();
        }
        offset += end - start;
      }
      videoSource.close();
      overlays?.close();
    })();
    const audioTask = (async () => {
      let offset = 0;
      for (const { input, start, end } of inputs) {
        for await (const sample of new AudioSampleSink(await input.getPrimaryAudioTrack()).samples(start, end)) {
          if (sample.timestamp >= start - 1e-6) {
            sample.setTimestamp(offset + sample.timestamp - start);
            await audioSource.add(sample);
          }
          sample.close();
        }
        offset += end - start;
      }
      audioSource.close();
    })();
    await Promise.all([videoTask, audioTask]);
  }
  await out.finalize();
  return { seconds: (performance.now() - t0) / 1000, bytes: out.target.buffer.byteLength };
}

/**
 * Runs `spec` with each contender: `warmup` unmeasured rounds, then `reps` rounds, the
 * contenders' order rotating each round (engine, ceiling, mediabunny; then ceiling first; …)
 * so neither a slow moment nor the garbage the previous run left favours one of them.
 */
async function runCase(spec, { reps, warmup }) {
  engine ??= await Engine.create();
  const runs = { engine: [], ceiling: [], mediabunny: [] };
  // The ceiling encodes with the engine's codec string, known after its first render.
  let codec = null;
  const contenders = {
    engine: async () => {
      const e = await runEngine(spec);
      codec ??= e.encoder;
      return e;
    },
    ceiling: async () => (spec.compose ? null : runCeiling(spec, codec)),
    mediabunny: () => runMediabunny(spec),
  };
  const names = Object.keys(contenders);
  for (let i = 0; i < warmup + reps; i++) {
    const order = i < warmup ? names : names.map((_, k) => names[(k + i) % names.length]);
    for (const name of order) {
      const result = await contenders[name]();
      if (i >= warmup && result) runs[name].push(result);
    }
  }
  return runs;
}

/**
 * Issue #8: `spec` with its fast path against the same timeline re-encoded, interleaved;
 * `prepare` specs are rendered first (once, e.g. to make a source with this browser's encoder).
 */
async function runFastPath(spec, { reps, warmup, prepare = [] }) {
  engine ??= await Engine.create();
  for (const p of prepare) await runEngine(p);
  const runs = { fast: [], encode: [] };
  for (let i = 0; i < warmup + reps; i++) {
    const fast = await runEngine(spec);
    const encode = await runEngine({ ...spec, reencode: true });
    if (i >= warmup) {
      runs.fast.push(fast);
      runs.encode.push(encode);
    }
  }
  return runs;
}

/** Issue #8: the sizes `spec` renders to at each of `targets` (bytes). */
async function runTargets(spec, targets) {
  engine ??= await Engine.create();
  const out = [];
  for (const target of targets) {
    try {
      const r = await runEngine({ ...spec, output: { ...spec.output, targetSizeBytes: target } });
      out.push({ target, bytes: r.bytes, passes: r.passes, seconds: r.seconds });
    } catch (error) {
      if (error?.code !== 'target_size_unreachable') throw error;
      out.push({ target, bytes: error.bytes, passes: 2, seconds: NaN, unreachable: true });
    }
  }
  return out;
}

window.bench = { runCase, runRaster, runFastPath, runTargets };
window.benchReady = true;
