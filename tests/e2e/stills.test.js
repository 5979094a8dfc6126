// GIF output, thumbnails and sprite sheets from the client engine (headless Chromium): a GIF
// checked with ffprobe (codec, size, frame count) and by pixels; a poster PNG of a project and a
// fitted JPEG of a bare video file; a sprite sheet's size, cells and pixels.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { COLORS, ffmpeg, frames, near, probeFile } from './media-check.js';
import { enginePage, freshDir, renderInPage } from './render-page.js';

const OUT = path.join(repoRoot, 'target/e2e-stills');
const W = 160;
const H = 90;
/** 1 s red then 1 s blue, 10 fps. */
const CLIP = 'red-blue.mp4';

let world;
let page;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  const color = (c) => ['-f', 'lavfi', '-i', `color=c=${c}:s=${W}x${H}:r=10:d=1`];
  await ffmpeg([...color('red'), ...color('blue'), '-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-pix_fmt', 'yuv420p', path.join(world.fixtures.dir, CLIP)]);
  page = await enginePage(world);
});

after(async () => {
  await world?.close();
});

/** The red/blue clip as a project at `output` (width, height, fps, format…), with a caption. */
function project(output) {
  return {
    version: 1,
    output: { width: W, height: H, fps: 10, audioCodec: 'none', ...output },
    sources: { clip: { kind: 'video', name: CLIP, size: 1 } },
    scenes: [{ layers: [
      { type: 'video', source: 'clip', trimEnd: 2 },
      { type: 'text', text: 'HI', x: 0, y: 0, width: 40, height: 30, style: { size: 20, weight: 700 } },
    ] }],
  };
}

/** Calls `engine[method](source, options)` in the page (`source`: the project, or 'clip' for the bare file) and saves the blob as `name`. */
async function still(method, source, options, name) {
  const got = await page.evaluate(async ({ method, source, options, clip }) => {
    const blob = await (await fetch(`/fixtures/${clip}`)).blob();
    const result = await window.engine[method](source === 'clip' ? blob : source, { ...options, files: { clip: blob } });
    const bytes = new Uint8Array(await result.blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { ...result, blob: undefined, type: result.blob.type, base64: btoa(binary) };
  }, { method, source, options, clip: CLIP });
  const file = path.join(OUT, name);
  await writeFile(file, Buffer.from(got.base64, 'base64'));
  return { ...got, file };
}

test('GIF output: ffprobe sees a 160×90 GIF with every frame, red then blue', { timeout: 120_000 }, async () => {
  const gif = project({ format: 'gif', videoCodec: 'gif', gif: { palette: 'scene', dither: false } });
  const got = await renderInPage(page, OUT, gif, { clip: CLIP });
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
  assert.equal(got.mimeType, 'image/gif');
  assert.equal(got.stats.encoder, 'gif');
  const probe = await probeFile(got.file);
  assert.equal(probe.video.codec_name, 'gif');
  assert.deepEqual([probe.video.width, probe.video.height], [W, H]);
  assert.equal(Number(probe.video.nb_read_frames), 20);
  const [red, blue] = await frames(got.file, [5, 15], W, H);
  assert.ok(near(red.at(100, 60), COLORS.red, 30), `frame 5 ${red.at(100, 60)}`);
  assert.ok(near(blue.at(100, 60), COLORS.blue, 30), `frame 15 ${blue.at(100, 60)}`);
  assert.ok(near(red.at(12, 15), COLORS.white, 60) || near(red.at(20, 15), COLORS.white, 60), 'the caption is drawn');
});

test('a GIF with a size cap stays under it', { timeout: 120_000 }, async () => {
  const noisy = project({ format: 'gif', videoCodec: 'gif', width: 320, height: 180, gif: { maxBytes: 16384 } });
  const got = await renderInPage(page, OUT, noisy, { clip: CLIP });
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
  assert.ok(got.stats.bytes <= 16384, `${got.stats.bytes} bytes`);
  const probe = await probeFile(got.file);
  assert.deepEqual([probe.video.width, probe.video.height], [320, 180]);
});

test('thumbnail: a poster PNG of a project at a time, a fitted JPEG of a bare video', { timeout: 120_000 }, async () => {
  const mp4 = project({ format: 'mp4', videoCodec: 'h264' });
  const early = await still('thumbnail', mp4, { time: 0.5 }, 'early.png');
  assert.deepEqual([early.type, early.width, early.height, early.time], ['image/png', W, H, 0.5]);
  const late = await still('thumbnail', mp4, { time: 1.5, format: 'png' }, 'late.png');
  const [a] = await frames(early.file, [0], W, H);
  const [b] = await frames(late.file, [0], W, H);
  assert.ok(near(a.at(100, 60), COLORS.red, 40), `0.5 s ${a.at(100, 60)}`);
  assert.ok(near(b.at(100, 60), COLORS.blue, 40), `1.5 s ${b.at(100, 60)}`);
  const past = await still('thumbnail', mp4, { time: 99 }, 'past.png');
  assert.equal(past.time, 1.9, 'a time past the end gives the last frame');

  const jpeg = await still('thumbnail', 'clip', { time: 1.5, format: 'jpeg', width: 80 }, 'bare.jpg');
  assert.deepEqual([jpeg.type, jpeg.width, jpeg.height], ['image/jpeg', 80, 45]);
  const probe = await probeFile(jpeg.file);
  assert.deepEqual([probe.video.codec_name, probe.video.width, probe.video.height], ['mjpeg', 80, 45]);
  const [c] = await frames(jpeg.file, [0], 80, 45);
  assert.ok(near(c.at(40, 22), COLORS.blue, 40), `bare file at 1.5 s ${c.at(40, 22)}`);
});

test('spriteSheet: N thumbnails in a grid with their cells and times', { timeout: 120_000 }, async () => {
  const mp4 = project({ format: 'mp4', videoCodec: 'h264' });
  const sheet = await still('spriteSheet', mp4, { count: 4, columns: 2, width: 80 }, 'sprite.png');
  assert.deepEqual([sheet.type, sheet.width, sheet.height], ['image/png', 160, 90]);
  assert.deepEqual(sheet.cells.map((c) => [c.x, c.y, c.width, c.height]), [[0, 0, 80, 45], [80, 0, 80, 45], [0, 45, 80, 45], [80, 45, 80, 45]]);
  assert.deepEqual(sheet.cells.map((c) => c.time), [0.2, 0.7, 1.2, 1.7]);
  const [px] = await frames(sheet.file, [0], 160, 90);
  const centre = (c) => px.at(c.x + 60, c.y + 30);
  const seen = sheet.cells.map(centre).join(' / ');
  assert.deepEqual(sheet.cells.map((c) => near(centre(c), COLORS.red, 40)), [true, true, false, false], seen);
  assert.deepEqual(sheet.cells.map((c) => near(centre(c), COLORS.blue, 40)), [false, false, true, true], seen);
});
