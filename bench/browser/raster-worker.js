// The in-worker caption raster bench: 1,000 cues at 1080p rasterized by the wasm engine in a
// worker (the `rasterOverlays` bench export: overlay timeline → text renderer, as a render does,
// without the video), in the style of the native bench (bench/src/raster.rs): Noto Sans 54 px
// white, 3 px black outline, soft shadow, ~45 characters a cue. Distinct cues carry a per-round
// tag, so every round misses the worker's (persistent) text cache; the repeated round draws 10
// texts over and over and reports the cache hits.
import init, { rasterOverlays } from '/frameloom/wasm/frameloom.js';

const STYLE = {
  size: 54, color: '#ffffff', outline: { width: 3, color: '#000000' }, shadow: { x: 2, y: 2, blur: 4, color: '#000000b3' },
};

/** A 1080p project with one subtitles layer of `count` cues (one every 2 s) from `text(i)`. */
function project(count, text) {
  const cues = Array.from({ length: count }, (_, i) => ({ start: i * 2, end: i * 2 + 1.5, text: text(i) }));
  return JSON.stringify({
    version: 1,
    output: { width: 1920, height: 1080, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'none' },
    scenes: [{ layers: [{ type: 'subtitles', cues, style: STYLE }] }],
  });
}

/** Times `rasterOverlays(json)`: `{ ms, drawn, hits, misses }`. */
function timed(json) {
  const t0 = performance.now();
  const counts = rasterOverlays(json);
  return { ms: performance.now() - t0, ...counts };
}

self.onmessage = async ({ data: { count, reps } }) => {
  try {
    await init();
    const distinct = [];
    const repeated = [];
    for (let round = 0; round < reps; round++) {
      distinct.push(timed(project(count, (i) => `Caption ${i} (${round}): the quick brown fox jumps over`)));
      repeated.push(timed(project(count, (i) => `Caption ${i % 10} (${round}): the quick brown fox jumps over`)));
    }
    self.postMessage({ ok: true, result: { distinct, repeated } });
  } catch (error) {
    self.postMessage({ ok: false, message: error?.message ?? String(error) });
  }
};
