// Colours of client renders (docs/server-api.md, "Colours"): pure colour bars, untagged (read
// BT.601 below 720 lines, as the server reads them) or tagged BT.709, rendered through the
// compositor and through the passthrough fast path, to H.264 and VP9; each output decoded by
// ffmpeg as its own tags say must show the bars' colours.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg, near } from './media-check.js';
import { enginePage, freshDir, project, renderInPage } from './render-page.js';

const OUT = path.join(repoRoot, 'target/e2e-colours');
const BARS = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [128, 128, 128], [255, 255, 0]];
const hex = (rgb) => rgb.map((v) => v.toString(16).padStart(2, '0')).join('');

/** ffmpeg args for 1 s of six bars (then black) at `w × h`, coded with `matrix`, tagged or not. */
function bars(w, h, matrix, tagged) {
  const cell = w / 8;
  const inputs = BARS.map((c, i) => `color=c=0x${hex(c)}:s=${cell}x${h}:r=30:d=1,format=rgb24[c${i}]`).join(';');
  const graph = `${inputs};color=c=black:s=${w - 6 * cell}x${h}:r=30:d=1,format=rgb24[k];${BARS.map((_, i) => `[c${i}]`).join('')}[k]` +
    `hstack=inputs=7,scale=out_color_matrix=${matrix}:out_range=tv,format=yuv420p[v]`;
  const tags = tagged ? ['-colorspace', matrix, '-color_primaries', matrix, '-color_trc', matrix, '-color_range', 'tv'] : [];
  return ['-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=1', '-filter_complex', graph, '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', ...tags];
}

const SOURCES = { 'bars360.mp4': [640, 360, bars(640, 360, 'bt601', false)], 'bars720.mp4': [1280, 720, bars(1280, 720, 'bt709', true)] };

let world;
let page;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  await Promise.all(Object.entries(SOURCES).map(([name, [, , args]]) => ffmpeg([...args, path.join(world.fixtures.dir, name)])));
  page = await enginePage(world);
});

after(async () => {
  await page?.close();
  await world?.close();
});

/** The colour at the middle of each bar of frame 15 of `file`, as ffmpeg shows it. */
async function barColours(file, w, h) {
  const raw = await ffmpeg(['-i', file, '-vf', 'select=eq(n\\,15)', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return BARS.map((_, i) => {
    const at = (Math.floor(h / 2) * w + Math.floor(((i + 0.5) * w) / 8)) * 3;
    return [raw[at], raw[at + 1], raw[at + 2]];
  });
}

for (const [name, [w, h]] of Object.entries(SOURCES)) {
  for (const [format, videoCodec, composite] of [['mp4', 'h264', false], ['mp4', 'h264', true], ['webm', 'vp9', true]]) {
    test(`${name} → ${videoCodec}${composite ? ' through the canvas' : ''} keeps its colours`, { timeout: 60_000 }, async () => {
      const layers = [{ type: 'video', source: 'v', trimStart: 0, trimEnd: 1 }];
      if (composite) layers.push({ type: 'text', text: '.', start: 0, duration: 1, x: w - 40, y: 0, width: 40, height: 40, style: { size: 20 } });
      const output = { width: w, height: h, fps: 30, format, videoCodec, audioCodec: 'none' };
      const result = await renderInPage(page, OUT, project(output, { v: name }, [layers]), { v: name });
      assert.ok(result.ok, `${result.code}: ${result.message}`);
      const colours = await barColours(result.file, w, h);
      // Chromium's canvas → YUV conversion is up to 13 off on saturated blue; a BT.601/BT.709 mix-up
      // is 40 off on green.
      colours.forEach((rgb, i) => assert.ok(near(rgb, BARS[i], 16), `bar ${i}: ${rgb} instead of ${BARS[i]}`));
    });
  }
}
