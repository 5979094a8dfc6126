// Client/server parity (issue #5 §9): one 3-scene project with 200 subtitle cues and a text
// layer with fades, rendered by the client engine in Chromium (`route: 'client'`) and by the
// real frameloom-server on loopback (the engine's server route: tus upload, POST /jobs,
// download), compared by PSNR frame by frame: the same pixels on both sides, cue times
// included, at ≥ 30 dB on every frame, for the default quality (`high`) and `medium` (`low` trades fidelity
// for size: about 30 dB, not asserted).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg, probeFile } from './media-check.js';
import { freshDir } from './render-page.js';
import { KEY, startServer } from '../server/server.js';

const OUT = path.join(repoRoot, 'target/e2e-parity');
const W = 640;
const H = 360;
const FPS = 30;
/** Frames per scene (2.4 s). */
const SCENE_FRAMES = 72;
/** Cues per scene: 67 + 67 + 66 = 200. */
const CUE_COUNTS = [67, 67, 66];
const OUTPUT = { width: W, height: H, fps: FPS, format: 'mp4', videoCodec: 'h264', audioCodec: 'none' };
/** The default quality (`high`), then `medium`. */
const QUALITIES = [undefined, 'medium'];

/**
 * `count` cues, cue k on scene frame k exactly (a few ms inside the frame's span, so no time
 * sits on a frame boundary), with a changing text and an opaque box.
 */
function cues(scene, count) {
  return Array.from({ length: count }, (_, k) => ({
    start: Math.max(0, Number(((k - 0.2) / FPS).toFixed(4))),
    end: Number(((k + 0.8) / FPS).toFixed(4)),
    text: `Scene ${scene} cue ${k} — ${'#'.repeat(k % 7)}`,
  }));
}

/** The 3-scene project at `quality` (none: the default): video from different points of the clip, captions, a faded text. */
function parityProject(quality) {
  const scenes = CUE_COUNTS.map((count, i) => ({
    layers: [
      { type: 'video', source: 'clip', trimStart: 2.5 * i, trimEnd: 2.5 * i + SCENE_FRAMES / FPS },
      { type: 'subtitles', cues: cues(i, count), x: 0, y: 270, width: W, height: 80,
        style: { size: 28, color: '#ffff00', verticalAlign: 'middle', box: { color: '#102080' } } },
    ],
  }));
  scenes[1].layers.push({ type: 'text', text: 'Parity 42', start: 0.2, duration: 2, fadeIn: 0.5, fadeOut: 0.5,
    x: 40, y: 30, width: 400, height: 100, opacity: 0.8, style: { size: 56, weight: 700, align: 'center', verticalAlign: 'middle' } });
  return {
    version: 1,
    output: quality ? { ...OUTPUT, quality } : OUTPUT,
    sources: { clip: { kind: 'video', name: 'clip.mp4', size: 1 } },
    scenes,
  };
}

let world;
let server;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${FPS}:duration=8`, '-c:v', 'libx264', '-preset', 'veryfast',
    '-g', '30', '-pix_fmt', 'yuv420p', path.join(world.fixtures.dir, 'clip.mp4')]);
  server = await startServer(['--cors-origin', new URL(world.url).origin]);
});

after(async () => {
  await server?.stop();
  await world?.close();
});

/** Renders `proj` on `route` in a page whose engine knows the server; writes `name` in OUT. */
async function render(page, proj, route, name) {
  const outcome = await page.evaluate(async ({ proj, route }) => {
    const files = { clip: await (await fetch('/fixtures/clip.mp4')).blob() };
    try {
      const result = await window.engine.render(proj, { files, route }).done;
      const bytes = new Uint8Array(await result.blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { ok: true, base64: btoa(binary), route: result.route, stats: result.stats };
    } catch (error) {
      return { ok: false, code: error.code, message: error.message };
    }
  }, { proj, route });
  assert.ok(outcome.ok, `${route} render failed: ${outcome.code}: ${outcome.message}`);
  assert.equal(outcome.route, route);
  const file = path.join(OUT, name);
  await writeFile(file, Buffer.from(outcome.base64, 'base64'));
  return file;
}

/**
 * Per-frame PSNR (dB) of `a` against `b` by ffmpeg's psnr filter, frame `n` against frame `n`
 * (container clocks differ by microseconds), in RGB: each file is decoded as its own colour
 * tags (range, matrix) say, as a player shows it.
 */
async function framePsnr(a, b) {
  const log = path.join(OUT, 'psnr.log');
  const rgb = 'settb=1/30,setpts=N,format=gbrp';
  await ffmpeg(['-i', a, '-i', b, '-lavfi', `[0:v]${rgb}[a];[1:v]${rgb}[b];[a][b]psnr=stats_file=${log}`, '-f', 'null', '-']);
  const text = await readFile(log, 'utf8');
  return text.trim().split('\n').map((line) => {
    const value = /psnr_avg:(\S+)/.exec(line)?.[1];
    return value === 'inf' ? Infinity : Number(value);
  });
}

/**
 * Frame `n` of `file` seeked with `-ss` (as a player would), as raw RGB. ffmpeg shows the first
 * frame starting at or after the seek point, so it seeks a quarter frame before frame `n`.
 */
function frameAt(file, n) {
  const at = (Math.max(0, n - 0.25) / FPS).toFixed(4);
  return ffmpeg(['-ss', at, '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
}

/** PSNR (dB) between two RGB buffers of the same size. */
function rgbPsnr(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Checks frame count and size of `file`. */
async function checkShape(file) {
  const { video } = await probeFile(file);
  assert.equal(Number(video.nb_read_frames), SCENE_FRAMES * CUE_COUNTS.length, `${path.basename(file)} frame count`);
  assert.equal(video.width, W);
  assert.equal(video.height, H);
}

/** Worst PSNR (dB) and its frame of `client` against `remote`: every frame, then frames seeked with -ss. */
async function parity(client, remote) {
  const total = SCENE_FRAMES * CUE_COUNTS.length;
  // Every frame, in decode order.
  const perFrame = await framePsnr(client, remote);
  assert.equal(perFrame.length, total);
  const worst = Math.min(...perFrame);
  const mean = perFrame.reduce((s, v) => s + Math.min(v, 99), 0) / perFrame.length;
  // Sampled cue times (first, middle and last cues of each scene, the text's fades), seeked with -ss.
  const samples = [0, 1, 33, 66, 72, 72 + 9, 72 + 15, 72 + 40, 72 + 57, 72 + 66, 144, 144 + 30, 144 + 65, total - 1];
  let seeked = { db: Infinity, frame: -1 };
  for (const n of samples) {
    const [a, b] = await Promise.all([frameAt(client, n), frameAt(remote, n)]);
    assert.equal(a.length, W * H * 3);
    const db = rgbPsnr(a, b);
    if (db < seeked.db) seeked = { db, frame: n };
  }
  return { mean, worst, frame: perFrame.indexOf(worst), seeked };
}

// The browser's H.264 encoder needs about twice libx264's bits for the same PSNR: H.264 bitrates
// are 0.2 / 0.14 / 0.12 bits per pixel, and the server encodes with libx264's constant rate factor
// (src/plan/encode.rs); contentHint "detail" would follow text fades closer but encodes several
// times slower, so the browser does not set it;
// the server subsamples chroma by 2 × 2 averages as the browser does (scene_graph::yuv_finish).
// What is left is mostly chroma: the canvas path (decoded frame → drawImage) loses it (U/V 37 dB
// against a lossless server render even at 3.3 Mbit/s, where luma is at 44 dB).
test('a 3-scene project with 200 cues and a faded text renders the same pixels on the client and the server at the default and medium quality', { timeout: 300_000 }, async () => {
  const page = await world.newPage();
  await page.evaluate(async ({ url, key }) => {
    const { Engine } = await import('/frameloom/index.js');
    window.engine = await Engine.create({ server: { url, apiKey: key } });
  }, { url: server.url, key: KEY });
  const results = [];
  for (const quality of QUALITIES) {
    const name = quality ?? 'default';
    const proj = parityProject(quality);
    const client = await render(page, proj, 'client', `client-${name}.mp4`);
    const remote = await render(page, proj, 'server', `server-${name}.mp4`);
    for (const file of [client, remote]) await checkShape(file);
    const r = await parity(client, remote);
    console.log(`parity ${name}: mean ${r.mean.toFixed(2)} dB, worst ${r.worst.toFixed(2)} dB (frame ${r.frame}), seeked worst ${r.seeked.db.toFixed(2)} dB (frame ${r.seeked.frame})`);
    results.push({ name, ...r });
  }
  await page.close();
  for (const r of results) {
    assert.ok(r.worst >= 30, `${r.name}: frame ${r.frame} differs: ${r.worst.toFixed(2)} dB`);
    assert.ok(r.seeked.db >= 30, `${r.name}: frame ${r.seeked.frame} (seeked) differs: ${r.seeked.db.toFixed(2)} dB`);
  }
});
