// The YUV overlay path (headless Chromium): a 720p clip with a logo PNG (alpha, opacity, odd
// position) and captions, rendered once with the overlays blended straight into the decoded
// Y'CbCr frames, and once through the canvas (the same project with the video at opacity
// 0.999, which the YUV path refuses). Above the captions the YUV render must match the clip
// as ffmpeg decodes it with the logo blended in R'G'B' (PSNR), the logo must have the colour
// of its blend, the captions must match the canvas render's, and stats.yuvFrames must say
// which path ran. (The canvas path itself is ~3 codes off in colour: it is the looser reference.)
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg, frames, near } from './media-check.js';
import { enginePage, freshDir, renderInPage } from './render-page.js';

const OUT = path.join(repoRoot, 'target/e2e-yuv-overlay');
const W = 1280;
const H = 720;
const FPS = 30;
/** The logo: 240×96, red at 60 % alpha, drawn at 80 % opacity on an odd position over a flat box. */
const LOGO = { x: 41, y: 37, width: 240, height: 96, opacity: 0.8 };
/** The logo's alpha at its opacity. */
const LOGO_ALPHA = 0.6 * 0.8;
/** A flat box under the logo, of a colour inside the gamut (the canvas clamps R'G'B' before blending). */
const BOX = { x: 0, y: 0, w: 400, h: 200, color: '0x3060a0' };
const CUES = [
  { start: 0, end: 0.7, text: 'The first caption' },
  { start: 0.7, end: 1.4, text: 'Ünïcode, and a second one' },
  { start: 1.4, end: 2, text: 'The last caption' },
];
/** Where the captions are: the bottom band. */
const BAND_TOP = 600;
/** Frames compared between the two renders (each cue, and their changes). */
const SAMPLED = [3, 20, 21, 30, 45, 59];

let world;
let page;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  const dir = world.fixtures.dir;
  await ffmpeg(['-f', 'lavfi', '-i', `gradients=size=${W}x${H}:rate=${FPS}:duration=2:speed=0.05:seed=1,drawbox=x=${BOX.x}:y=${BOX.y}:w=${BOX.w}:h=${BOX.h}:color=${BOX.color}:t=fill`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '10', '-g', '30', '-pix_fmt', 'yuv420p',
    // Tagged, so ffmpeg reads the reference as the browser does (untagged, it would read BT.601).
    '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv', path.join(dir, 'yuv720.mp4')]);
  await ffmpeg(['-f', 'lavfi', '-i', `color=c=red@0.6:s=${LOGO.width}x${LOGO.height},format=rgba`, '-frames:v', '1', path.join(dir, 'yuv-logo.png')]);
  page = await enginePage(world);
});

after(async () => {
  await world?.close();
});

/** The project, with the video layer at `videoOpacity`. */
function project(videoOpacity) {
  return {
    version: 1,
    output: { width: W, height: H, fps: FPS, format: 'mp4', videoCodec: 'h264', audioCodec: 'none', quality: 'high' },
    sources: { clip: { kind: 'video', name: 'yuv720.mp4', size: 1 }, logo: { kind: 'image', name: 'yuv-logo.png', size: 1 } },
    scenes: [{
      layers: [
        { type: 'video', source: 'clip', trimStart: 0, trimEnd: 2, opacity: videoOpacity },
        { type: 'image', source: 'logo', start: 0, duration: 2, fit: 'fill', ...LOGO },
        { type: 'subtitles', cues: CUES, style: { size: 40, outline: { width: 2, color: '#000000' } } },
      ],
    }],
  };
}

/** PSNR (dB) of RGB frames `a` against `b` (from `frames` or [`withLogo`]) over rows `top` to `bottom`. */
function psnr(a, b, top, bottom) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    for (let y = top; y < bottom; y++) {
      for (let x = 0; x < W; x++) {
        const [p, q] = [a[i].at(x, y), b[i].at(x, y)];
        for (let c = 0; c < 3; c++) sum += (p[c] - q[c]) ** 2;
        count += 3;
      }
    }
  }
  return 10 * Math.log10((255 * 255) / (sum / count));
}

/** `frame` (from `frames`) with the logo blended over it in R'G'B'. */
function withLogo(frame) {
  const inside = (x, y) => x >= LOGO.x && x < LOGO.x + LOGO.width && y >= LOGO.y && y < LOGO.y + LOGO.height;
  return { at: (x, y) => frame.at(x, y).map((v, c) => (inside(x, y) ? (c === 0 ? 255 : 0) * LOGO_ALPHA + v * (1 - LOGO_ALPHA) : v)) };
}

test('overlays blended in Y\'CbCr match the canvas, and the YUV path is taken', { timeout: 180_000 }, async () => {
  const sources = { clip: 'yuv720.mp4', logo: 'yuv-logo.png' };
  const yuv = await renderInPage(page, OUT, project(1), sources);
  assert.equal(yuv.ok, true, `render failed: ${yuv.code}: ${yuv.message}`);
  assert.equal(yuv.stats.frames, 2 * FPS);
  assert.equal(yuv.stats.yuvFrames, 2 * FPS, 'every frame shows the logo over the whole clip: all take the YUV path');
  const canvas = await renderInPage(page, OUT, project(0.999), sources);
  assert.equal(canvas.ok, true, `render failed: ${canvas.code}: ${canvas.message}`);
  assert.equal(canvas.stats.yuvFrames, 0, 'a translucent video layer goes through the canvas');

  const clip = path.join(OUT, 'clip.mp4');
  await copyFile(path.join(world.fixtures.dir, 'yuv720.mp4'), clip);
  const [ours, theirs, source] = await Promise.all([yuv.file, canvas.file, clip].map((file) => frames(file, SAMPLED, W, H)));
  const reference = source.map(withLogo);
  const db = psnr(ours, reference, 0, BAND_TOP);
  const canvasDb = psnr(theirs, reference, 0, BAND_TOP);
  const bandDb = psnr(ours, theirs, BAND_TOP, H);
  console.log(`yuv-overlay: YUV path ${db.toFixed(1)} dB, canvas ${canvasDb.toFixed(1)} dB against the reference; captions against the canvas ${bandDb.toFixed(1)} dB`);
  assert.ok(db >= 40, `YUV path against the clip with the logo blended in R'G'B': ${db.toFixed(1)} dB`);
  assert.ok(bandDb >= 34, `captions of the YUV path against the canvas's: ${bandDb.toFixed(1)} dB`);

  for (const frame of ours) {
    // The box as decoded, beside the logo; the logo is red at LOGO_ALPHA over it.
    const box = frame.at(LOGO.x + LOGO.width + 20, LOGO.y + 20);
    assert.ok(near(box, frame.at(LOGO.x - 20, LOGO.y + LOGO.height + 20), 8), 'the box is flat');
    const want = box.map((v, c) => Math.round((c === 0 ? 255 : 0) * LOGO_ALPHA + v * (1 - LOGO_ALPHA)));
    for (const [x, y] of [[LOGO.x + 8, LOGO.y + 8], [LOGO.x + 120, LOGO.y + 48], [LOGO.x + LOGO.width - 8, LOGO.y + LOGO.height - 8]]) {
      assert.ok(near(frame.at(x, y), want, 8), `logo at ${x},${y}: ${frame.at(x, y)} ≠ ${want}`);
    }
    for (const [x, y] of [[LOGO.x - 8, LOGO.y + 10], [LOGO.x + LOGO.width + 8, LOGO.y + 10], [LOGO.x + 50, LOGO.y - 8]]) {
      assert.ok(near(frame.at(x, y), box, 8), `beside the logo at ${x},${y}: ${frame.at(x, y)} is not the box's ${box}`);
    }
  }
  // The captions are drawn: white text in the bottom band of every sampled frame.
  for (const frame of ours) {
    let white = 0;
    for (let y = H - 120; y < H; y += 2) for (let x = 0; x < W; x += 2) white += frame.at(x, y).every((v) => v > 230) ? 1 : 0;
    assert.ok(white > 100, `a caption shows (${white} white samples)`);
  }
});
