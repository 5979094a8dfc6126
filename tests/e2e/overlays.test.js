// Overlays in the client engine (headless Chromium): 300 subtitle cues over a 20-second clip,
// an image with alpha and a text layer with fades, composited over the video in the worker and
// checked in the decoded output by pixels; loadFont; the caption pixels against the native raster.
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg, frames, near, probeFile } from './media-check.js';
import { enginePage, freshDir, renderInPage } from './render-page.js';

const OUT = path.join(repoRoot, 'target/e2e-overlays');
const W = 640;
const H = 360;
const FPS = 30;
const BLUE = [0, 0, 255];
/** 300 cues, cue k over output frames 2k (shown) and 2k + 1 (gap): 1/15 s apart, 1/30 s long. */
const CUES = Array.from({ length: 300 }, (_, k) => ({ start: k / 15, end: k / 15 + 1 / 30, text: `Cue ${k}` }));
/** The caption box: the bottom band of the frame. */
const CAPTION = { x: 0, y: 260, w: W, h: 100 };

let world;
let page;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  const dir = world.fixtures.dir;
  await ffmpeg(['-f', 'lavfi', '-i', `color=c=blue:s=${W}x${H}:r=${FPS}:d=20`, '-c:v', 'libx264', '-preset', 'ultrafast',
    '-g', '30', '-pix_fmt', 'yuv420p', path.join(dir, 'blue20.mp4')]);
  // Half-transparent red, 100×50.
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=red@0.5:s=100x50,format=rgba', '-frames:v', '1', path.join(dir, 'logo.png')]);
  await copyFile('/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf', path.join(dir, 'hebrew.ttf'));
  page = await enginePage(world);
});

after(async () => {
  await world?.close();
});

/** Pixels of the caption band at frame `n` that are near white (the text). */
function whitePixels(frame) {
  let count = 0;
  for (let y = CAPTION.y; y < CAPTION.y + CAPTION.h; y += 2) {
    for (let x = CAPTION.x; x < CAPTION.x + CAPTION.w; x += 2) {
      if (frame.at(x, y).every((v) => v > 200)) count++;
    }
  }
  return count;
}

/** The brightest red channel in a rectangle (the text layer over blue has r = g = b where it is white). */
function maxRed(frame, x0, y0, w, h) {
  let max = 0;
  for (let y = y0; y < y0 + h; y += 2) for (let x = x0; x < x0 + w; x += 2) max = Math.max(max, frame.at(x, y)[0]);
  return max;
}

test('300 subtitle cues, an image with alpha and a faded text over a 20-second clip', { timeout: 240_000 }, async () => {
  const project = {
    version: 1,
    output: { width: W, height: H, fps: FPS, format: 'mp4', videoCodec: 'h264', audioCodec: 'none', quality: 'high' },
    sources: {
      clip: { kind: 'video', name: 'blue20.mp4', size: 1 },
      logo: { kind: 'image', name: 'logo.png', size: 1 },
    },
    scenes: [{
      layers: [
        { type: 'video', source: 'clip', trimStart: 0, trimEnd: 20 },
        { type: 'image', source: 'logo', start: 0, duration: 20, x: 20, y: 20, width: 100, height: 50, opacity: 0.5 },
        { type: 'text', text: 'FADE', start: 2, duration: 4, fadeIn: 1, fadeOut: 1, x: 200, y: 20, width: 240, height: 120,
          style: { size: 64, weight: 700, align: 'center', verticalAlign: 'middle' } },
        { type: 'subtitles', cues: CUES, x: CAPTION.x, y: CAPTION.y, width: CAPTION.w, height: CAPTION.h,
          style: { size: 40, color: '#ffffff', verticalAlign: 'middle' } },
      ],
    }],
  };
  const got = await renderInPage(page, OUT, project, { clip: 'blue20.mp4', logo: 'logo.png' });
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
  const probe = await probeFile(got.file);
  assert.equal(Number(probe.video.nb_read_frames), 20 * FPS);
  assert.equal(got.stats.passthrough, 'none');

  // Cue k shows on frame 2k and is gone on frame 2k + 1, at several cue times.
  const cues = [0, 1, 57, 150, 299];
  const picked = await frames(got.file, cues.flatMap((k) => [2 * k, 2 * k + 1]), W, H);
  cues.forEach((k, i) => {
    const [shown, gap] = [picked[2 * i], picked[2 * i + 1]];
    assert.ok(whitePixels(shown) > 40, `cue ${k} is drawn on frame ${2 * k}`);
    assert.equal(whitePixels(gap), 0, `nothing is drawn on frame ${2 * k + 1}, between cues`);
    assert.ok(near(gap.at(320, 310), BLUE, 30), `the caption band is video between cues: ${gap.at(320, 310)}`);
  });

  // The logo: red at alpha 0.5, layer opacity 0.5, over blue → a quarter red.
  const [still] = await frames(got.file, [10], W, H);
  assert.ok(near(still.at(70, 45), [64, 0, 191], 24), `logo pixel ${still.at(70, 45)}`);
  assert.ok(near(still.at(10, 10), BLUE, 24), `outside the logo ${still.at(10, 10)}`);
  assert.ok(near(still.at(130, 45), BLUE, 24), `right of the logo ${still.at(130, 45)}`);

  // The text fades in over 2–3 s, stays, fades out over 5–6 s.
  const [before, rising, full, gone] = await frames(got.file, [59, 75, 120, 185], W, H);
  const text = (f) => maxRed(f, 200, 20, 240, 120);
  assert.ok(text(before) < 40, `no text before it starts: ${text(before)}`);
  assert.ok(text(full) > 220, `the text at full opacity: ${text(full)}`);
  assert.ok(text(rising) > 80 && text(rising) < 190, `half faded in: ${text(rising)}`);
  assert.ok(text(gone) < 40, `no text after it ends: ${text(gone)}`);

  const open = await page.evaluate(() => window.engine.debugStats());
  assert.equal(open.imageBitmaps, 0, 'every overlay bitmap was closed');
  assert.equal(open.videoFrames, 0);
});

test('loadFont adds faces; junk is refused with a code', async () => {
  const result = await page.evaluate(async () => {
    const bytes = await (await fetch('/fixtures/hebrew.ttf')).arrayBuffer();
    const faces = await window.engine.loadFont(bytes);
    let error = null;
    try {
      await window.engine.loadFont(new Uint8Array([1, 2, 3, 4]));
    } catch (e) {
      error = { name: e.name, code: e.code };
    }
    return { faces, error };
  });
  assert.deepEqual(result.faces, [{ family: 'Noto Sans Hebrew', weight: 400, italic: false }]);
  assert.deepEqual(result.error, { name: 'FrameloomError', code: 'font_invalid' });
});

test('a subtitles file with a bad cue renders its valid cues and reports the bad one', async () => {
  const srt = '1\n00:00:00,000 --> 00:00:00,500\nGood\n\n2\n00:00:0x,000 --> 00:00:01,000\nBad\n';
  const got = await page.evaluate(async (srt) => {
    const files = {
      clip: await (await fetch('/fixtures/blue20.mp4')).blob(),
      subs: new Blob([srt]),
    };
    const project = {
      version: 1,
      output: { width: 320, height: 180, fps: 10, format: 'mp4', videoCodec: 'h264', audioCodec: 'none' },
      sources: { clip: { kind: 'video', name: 'c.mp4', size: 1 }, subs: { kind: 'subtitles', name: 's.srt', size: 1 } },
      scenes: [{ layers: [
        { type: 'video', source: 'clip', trimStart: 0, trimEnd: 1 },
        { type: 'subtitles', source: 'subs' },
      ] }],
    };
    const result = await window.engine.render(project, { files, storage: 'memory' }).done;
    return { warnings: result.warnings, frames: result.stats.frames };
  }, srt);
  assert.equal(got.frames, 10);
  assert.equal(got.warnings.length, 1);
  assert.equal(got.warnings[0].path, 'scenes[0].layers[1].source');
  assert.equal(got.warnings[0].line, 6);
});
