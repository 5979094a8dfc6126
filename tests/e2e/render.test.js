// The client render engine in headless Chromium: real projects rendered through WebCodecs in
// the worker, every output checked with ffprobe (codecs, duration, frame count), by pixels
// (solid-colour test sources make each splice half identifiable) and by sound.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { COLORS, ffmpeg, frames, frequency, near, probeFile, psnr, rms, samples } from './media-check.js';
import { enginePage, freshDir, project, renderInPage as renderPage } from './render-page.js';

let world;
let page;
let dir;
/** Rendered files stay here for inspection after the run. */
const OUT = path.join(repoRoot, 'target/e2e-render');

/** A solid-colour clip: `colors` of `seconds` each at `size`, with a sine tone of `hz`. */
function colorClip(size, colors, seconds, hz, rate = 44100, preset = 'ultrafast') {
  const inputs = colors.flatMap((c) => ['-f', 'lavfi', '-i', `color=c=${c}:s=${size}:r=30:d=${seconds}`]);
  const total = colors.length * seconds;
  const chain = colors.map((_, i) => `[${i}:v]`).join('') + `concat=n=${colors.length}:v=1:a=0[v]`;
  return [...inputs, '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=${rate}:duration=${total}`,
    '-filter_complex', chain, '-map', '[v]', '-map', `${colors.length}:a`, '-ac', '2',
    '-c:v', 'libx264', '-preset', preset, '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart'];
}

const RECIPES = {
  'a720.mp4': colorClip('1280x720', ['red', 'green'], 4.5, 440),
  'a360.mp4': colorClip('640x360', ['red', 'green'], 4.5, 440),
  // With B-frames (decode order differs from presentation order) and an edit list.
  'b360.mp4': colorClip('640x360', ['blue', 'yellow'], 4, 880, 48000, 'veryfast'),
  'c1080.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  'upright.mp4': ['-f', 'lavfi', '-i', 'color=c=blue:s=640x360:r=30:d=2,drawbox=x=0:y=0:w=640:h=90:color=red:t=fill',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  'tone440.m4a': ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4', '-ac', '2', '-c:a', 'aac'],
  'tone880.m4a': ['-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=48000:duration=4', '-ac', '2', '-c:a', 'aac'],
  // Near-lossless 720p (about 2 MB a second): a copy of it is past the sink's 16 MiB in memory.
  'big720.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-qp', '2', '-g', '30', '-pix_fmt', 'yuv420p'],
  'mp3.mp4': ['-f', 'lavfi', '-i', 'color=c=blue:s=320x240:r=30:d=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'libmp3lame', '-shortest'],
  'pcm.mov': ['-f', 'lavfi', '-i', 'color=c=blue:s=320x240:r=30:d=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'pcm_s16le', '-ac', '2', '-shortest', '-f', 'mov'],
  'hevc.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=1', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-tag:v', 'hvc1', '-x265-params', 'log-level=error'],
};

before(async () => {
  world = await startHarness();
  dir = world.fixtures.dir;
  await freshDir(OUT);
  await Promise.all(Object.entries(RECIPES).map(([name, args]) => ffmpeg([...args, path.join(dir, name)])));
  // ffmpeg 5.1 writes the rotate tag (a display matrix) only when copying.
  await ffmpeg(['-i', path.join(dir, 'upright.mp4'), '-c', 'copy',
    '-metadata:s:v:0', 'rotate=90', path.join(dir, 'rot.mp4')]);
  // A file cut in the middle of its media data: the header reads fine, the packets do not.
  await copyFile(path.join(dir, 'a360.mp4'), path.join(dir, 'truncated.mp4'));
  const { size } = await stat(path.join(dir, 'truncated.mp4'));
  await truncate(path.join(dir, 'truncated.mp4'), Math.floor(size * 0.4));
  await writeFile(path.join(dir, 'garbage.mp4'), randomBytes(64 * 1024));
  page = await enginePage(world);
});

after(async () => {
  await world?.close();
});

/** Renders `proj` in the test page and writes the output under OUT. */
function renderInPage(proj, sources, options) {
  return renderPage(page, OUT, proj, sources, options);
}

function debugStats() {
  return page.evaluate(() => window.engine.debugStats());
}

const NOTHING_OPEN = { videoDecoders: 0, audioDecoders: 0, videoEncoders: 0, audioEncoders: 0, videoFrames: 0, audioData: 0, imageBitmaps: 0 };

function assertRendered(got) {
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
}

/** Asserts `got`'s file has `frames` video frames of `codec`, lasting about `seconds`, with `audio` sound. */
async function assertStreams(got, { codec, audio, frames: count, seconds, width, height }) {
  const info = await probeFile(got.file);
  assert.equal(info.video.codec_name, codec);
  assert.equal(Number(info.video.nb_read_frames), count, 'frame count');
  assert.equal(got.stats.frames, count);
  if (width) assert.deepEqual([info.video.width, info.video.height], [width, height]);
  assert.ok(Math.abs(Number(info.format.duration) - seconds) < 0.1, `duration ${info.format.duration} is not about ${seconds} s`);
  if (audio) {
    assert.equal(info.audio?.codec_name, audio);
    assert.equal(Number(info.audio.sample_rate), 48000);
    assert.equal(info.audio.channels, 2);
    const heard = (await samples(got.file)).length / 48000;
    assert.ok(Math.abs(heard - seconds) < 0.1, `the sound lasts ${heard} s, not about ${seconds} s`);
  }
  return info;
}

/** Asserts frame `n` of `file` (scaled to w×h) is `color` at its centre. */
async function assertColors(file, w, h, expected) {
  const indices = Object.keys(expected).map(Number);
  const decoded = await frames(file, indices, w, h);
  indices.forEach((n, i) => {
    const rgb = decoded[i].at(w >> 1, h >> 1);
    assert.ok(near(rgb, COLORS[expected[n]]), `frame ${n} is ${rgb}, not ${expected[n]}`);
  });
}

const MP4_720 = { width: 1280, height: 720, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'aac' };
const MP4_360 = { width: 640, height: 360, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'opus' };
const SPLICE = [
  [{ type: 'video', source: 'clipA', trimStart: 0, trimEnd: 4 }],
  [{ type: 'video', source: 'clipB', trimStart: 2, trimEnd: 6 }],
];

describe('render in a worker', () => {
  test('(a) trim 2–8 s of a 720p H.264/AAC clip to MP4: 180 frames, H.264 + AAC, both copied', async () => {
    const proj = project(MP4_720, { clip: 'a720.mp4' }, [[{ type: 'video', source: 'clip', trimStart: 2, trimEnd: 8 }]]);
    const got = await renderInPage(proj, { clip: 'a720.mp4' });
    assertRendered(got);
    const info = await assertStreams(got, { codec: 'h264', frames: 180, seconds: 6, width: 1280, height: 720 });
    // Copied sound keeps the source's AAC at its own rate.
    assert.deepEqual([info.audio?.codec_name, Number(info.audio?.sample_rate)], ['aac', 44100]);
    assert.match(got.mimeType, /^video\/mp4; codecs="avc1\.[0-9a-f]{6}, mp4a\.40\.2"$/);
    assert.equal(got.blobType, got.mimeType);
    // The untouched AAC sound is copied (no AAC encoder needed; fast-paths.test.js covers the fallback).
    assert.equal(got.stats.audio, 'copy');
    assert.equal(got.stats.audioEncoder, 'mp4a.40.2');
    assert.equal(got.stats.audioFallback, null);
    // The cuts fall on the source's keyframes: its packets are copied, nothing is encoded.
    assert.equal(got.stats.fastPath, 'copy');
    assert.deepEqual(got.stats.treatments, ['copy']);
    // A short output never touches the disk (the sink holds 16 MiB before it spills to OPFS).
    assert.equal(got.stats.storage, 'memory');
    assert.equal(got.route, 'client');
    // The router's reason is prose for people: only check that it names the missing server.
    assert.match(got.reason, /\bserver\b/i);
    // Source 0–4.5 s is red, then green: output frames 0–74 red, 75–179 green.
    await assertColors(got.file, 64, 36, { 0: 'red', 74: 'red', 75: 'green', 179: 'green' });
    const pcm = await samples(got.file);
    assert.ok(Math.abs(frequency(pcm, 1, 5) - 440) < 10, 'the tone stays at 440 Hz');
    const stages = new Set(got.events.map((e) => e.stage));
    // Copied: nothing is decoded (the encode paths report `decode` too: see (d)).
    for (const stage of ['probe', 'render', 'encode', 'mux']) assert.ok(stages.has(stage), `no ${stage} progress`);
    assert.equal(got.events.at(-1).fraction, 1);
    const fractions = got.events.map((e) => e.fraction);
    assert.ok(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1])), `fractions not rising within 0–1: ${fractions}`);
    // However fast the job, the throttle (one event per 100 ms per stage) keeps each stage's
    // first timed event and its last: the render stage ends at 95 % of the job.
    const rendering = got.events.filter((e) => e.stage === 'render');
    assert.ok(rendering.some((e) => e.fps > 0 && typeof e.eta === 'number'), `no timed render event: ${JSON.stringify(rendering)}`);
    assert.ok(Math.abs(rendering.at(-1).fraction - 0.95) < 1e-9, `the last render event is at ${rendering.at(-1).fraction}, not 0.95`);
    console.log(`(a) 720p trim: ${got.stats.fps.toFixed(1)} fps, ${got.stats.frames} frames in ${got.stats.seconds.toFixed(2)} s`);
  });

  test('an output past 16 MiB spills to OPFS (a long render holds only the last MiB in memory)', async () => {
    const got = await renderInPage(project(MP4_720, { clip: 'big720.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 10 }]]), { clip: 'big720.mp4' });
    assertRendered(got);
    assert.equal(got.stats.fastPath, 'copy');
    assert.ok(got.stats.bytes > 16 * 2 ** 20, `only ${got.stats.bytes} bytes`);
    assert.equal(got.stats.storage, 'opfs');
    await assertStreams(got, { codec: 'h264', frames: 300, seconds: 10, width: 1280, height: 720, audio: null });
  });
});

describe('timeline', () => {
  test('(b) splice clipA[0–4] + clipB[2–6] to MP4: scenes in sequence', async () => {
    const got = await renderInPage(project(MP4_360, { clipA: 'a360.mp4', clipB: 'b360.mp4' }, SPLICE), { clipA: 'a360.mp4', clipB: 'b360.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 240, seconds: 8, width: 640, height: 360 });
    // clipA 0–4 is red; clipB 2–4 blue, 4–6 yellow.
    await assertColors(got.file, 64, 36, { 0: 'red', 119: 'red', 120: 'blue', 179: 'blue', 181: 'yellow', 239: 'yellow' });
    const pcm = await samples(got.file);
    assert.ok(Math.abs(frequency(pcm, 0.5, 3.5) - 440) < 10, 'clipA sounds at 440 Hz');
    assert.ok(Math.abs(frequency(pcm, 4.5, 7.5) - 880) < 15, 'clipB sounds at 880 Hz');
  });

  test('(c) the same splice to WebM: VP9 + Opus', async () => {
    const output = { ...MP4_360, format: 'webm', videoCodec: 'vp9', audioCodec: 'opus' };
    const got = await renderInPage(project(output, { clipA: 'a360.mp4', clipB: 'b360.mp4' }, SPLICE), { clipA: 'a360.mp4', clipB: 'b360.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'vp9', audio: 'opus', frames: 240, seconds: 8 });
    assert.match(got.mimeType, /^video\/webm; codecs="vp09\.[0-9.]+, opus"$/);
    await assertColors(got.file, 64, 36, { 0: 'red', 119: 'red', 120: 'blue', 181: 'yellow', 239: 'yellow' });
  });

  test('(d) downscale 1080p to 720p (the encoder scales the decoded frames)', async () => {
    const proj = project({ ...MP4_720, audioCodec: 'opus' }, { clip: 'c1080.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 2 }]]);
    const got = await renderInPage(proj, { clip: 'c1080.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 60, seconds: 2, width: 1280, height: 720 });
    assert.equal(got.stats.fastPath, 'encode');
    assert.equal(got.stats.passthrough, 'all');
    const stages = got.events.map((e) => e.stage);
    assert.deepEqual([...new Set(stages)], ['probe', 'decode', 'render', 'encode', 'mux'], 'stages in order');
    assert.ok(got.events.some((e) => e.stage === 'render' && e.fps > 0 && typeof e.eta === 'number'), 'render events carry speed and eta');
    const quality = await psnr(got.file, path.join(dir, 'c1080.mp4'), 1280, 720);
    assert.ok(quality >= 30, `PSNR ${quality} dB against ffmpeg's downscale`);
    console.log(`(d) 1080p→720p: ${got.stats.fps.toFixed(1)} fps, PSNR ${quality.toFixed(1)} dB`);
  });

  test('(e) rotation metadata: upright and pillarboxed in 1280×720', async () => {
    const proj = project({ ...MP4_720, audioCodec: 'none' }, { clip: 'rot.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 1 }]]);
    const got = await renderInPage(proj, { clip: 'rot.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', frames: 30, seconds: 1, width: 1280, height: 720 });
    assert.equal(got.stats.passthrough, 'none');
    // ffmpeg shows the source upright (it applies the rotation): 360×640. Fitted into 1280×720
    // it is 405×720 at x = 437.5; everything else is black.
    const [reference] = await frames(path.join(dir, 'rot.mp4'), [0], 360, 640);
    const [out] = await frames(got.file, [0], 1280, 720);
    for (const [x, y] of [[20, 20], [180, 40], [340, 320], [60, 600], [300, 620], [180, 320]]) {
      const want = reference.at(x, y);
      const have = out.at(Math.round(437.5 + x * 1.125), Math.round(y * 1.125));
      assert.ok(near(have, want), `display (${x}, ${y}) is ${have}, ffmpeg shows ${want}`);
    }
    for (const [x, y] of [[10, 360], [400, 100], [880, 600], [1270, 360]]) {
      assert.ok(near(out.at(x, y), COLORS.black, 16), `pillar (${x}, ${y}) is ${out.at(x, y)}`);
    }
  });

  test('compositing: position, size, crop, box rotation and opacity over the background', async () => {
    const output = { ...MP4_360, audioCodec: 'none', background: '#ffffff' };
    const proj = project(output, { red: 'a360.mp4', blue: 'b360.mp4' }, [[
      { type: 'video', source: 'red', trimEnd: 1, x: 100, y: 50, width: 200, height: 100, fit: 'fill', opacity: 0.5 },
      { type: 'video', source: 'blue', trimEnd: 1, x: 400, y: 100, width: 160, height: 90, rotation: 90,
        crop: { x: 0, y: 0, width: 320, height: 180 } },
    ]]);
    const got = await renderInPage(proj, { red: 'a360.mp4', blue: 'b360.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', frames: 30, seconds: 1, width: 640, height: 360 });
    assert.equal(got.stats.passthrough, 'none');
    const [frame] = await frames(got.file, [15], 640, 360);
    const expect = (x, y, rgb, what) => assert.ok(near(frame.at(x, y), rgb), `${what} at (${x}, ${y}) is ${frame.at(x, y)}`);
    expect(200, 100, [255, 128, 128], 'half-transparent red');
    expect(110, 60, [255, 128, 128], 'the red box corner');
    expect(90, 100, COLORS.white, 'left of the red box');
    expect(200, 160, COLORS.white, 'below the red box');
    // The 160×90 box turned a quarter around its centre (480, 145): 90 wide, 160 high.
    expect(480, 75, COLORS.blue, 'the turned box top');
    expect(480, 215, COLORS.blue, 'the turned box bottom');
    expect(420, 145, COLORS.white, 'left of the turned box');
    expect(540, 145, COLORS.white, 'right of the turned box');
  });

  test('speed 2× and 0.5× with audio: lengths follow the speed, the pitch stays', async () => {
    const proj = project(MP4_360, { clip: 'a360.mp4' }, [
      [{ type: 'video', source: 'clip', trimStart: 0, trimEnd: 8, speed: 2 }],
      [{ type: 'video', source: 'clip', trimStart: 4, trimEnd: 5, speed: 0.5 }],
    ]);
    const got = await renderInPage(proj, { clip: 'a360.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 180, seconds: 6 });
    // 2×: source 4.5 s (red → green) is at 2.25 s; 0.5×: source 4–5 s is 4–6 s, green from 5 s.
    await assertColors(got.file, 64, 36, { 10: 'red', 66: 'red', 69: 'green', 119: 'green', 121: 'red', 148: 'red', 152: 'green' });
    const pcm = await samples(got.file);
    assert.ok(Math.abs(frequency(pcm, 0.5, 3.5) - 440) < 15, `2×: ${frequency(pcm, 0.5, 3.5)} Hz`);
    assert.ok(Math.abs(frequency(pcm, 4.2, 5.8) - 440) < 15, `0.5×: ${frequency(pcm, 4.2, 5.8)} Hz`);
    assert.ok(rms(pcm, 0.5, 5.8) > 0.05, `the sound is there: ${rms(pcm, 0.5, 5.8)}`);
  });

  test('output at 24 fps from a 30 fps source, by timestamp', async () => {
    const proj = project({ ...MP4_360, fps: 24 }, { clip: 'a360.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 8 }]]);
    const got = await renderInPage(proj, { clip: 'a360.mp4' });
    assertRendered(got);
    const info = await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 192, seconds: 8 });
    assert.equal(info.video.r_frame_rate, '24/1');
    // Green starts at source 4.5 s: frame 107 (4.458 s) is red, 108 (4.5 s) green.
    await assertColors(got.file, 64, 36, { 0: 'red', 107: 'red', 108: 'green', 191: 'green' });
  });

  test('two audio layers mixed with volume and fades', async () => {
    const proj = project(MP4_360, { clip: 'a360.mp4', low: 'tone440.m4a', high: 'tone880.m4a' }, [[
      { type: 'video', source: 'clip', trimEnd: 4, volume: 0 },
      { type: 'audio', source: 'low', trimEnd: 4, fadeIn: 1 },
      { type: 'audio', source: 'high', start: 2, trimEnd: 2, volume: 0.5, fadeOut: 1 },
    ]]);
    const got = await renderInPage(proj, { clip: 'a360.mp4', low: 'tone440.m4a', high: 'tone880.m4a' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 120, seconds: 4 });
    const pcm = await samples(got.file);
    const [fading, steady, both, end] = [rms(pcm, 0.1, 0.3), rms(pcm, 1.2, 1.8), rms(pcm, 2.1, 2.6), rms(pcm, 3.8, 3.95)];
    assert.ok(fading < steady * 0.5, `fade-in: ${fading} vs ${steady}`);
    assert.ok(both > steady * 1.05, `both layers: ${both} vs ${steady}`);
    assert.ok(end < both && end > steady * 0.9, `the 880 Hz layer fades out: ${end}`);
    assert.ok(Math.abs(frequency(pcm, 1.2, 1.9) - 440) < 10, 'only the 440 Hz layer before 2 s');
  });

  for (const [name, what] of [['mp3.mp4', 'MP3 sound in MP4 (mp4a.6B, as phones and screen recorders write it)'],
    ['pcm.mov', 'PCM sound in MOV (as cameras write it; its one-frame samples are read 1024 to a packet)']]) {
    test(`${what} is decoded and mixed`, async () => {
      const got = await renderInPage(project(MP4_360, { clip: name }, [[{ type: 'video', source: 'clip', trimEnd: 2, volume: 0.8 }]]), { clip: name });
      assertRendered(got);
      await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 60, seconds: 2 });
      assert.ok(Math.abs(frequency(await samples(got.file), 0.5, 1.5) - 440) < 10, 'the tone stays at 440 Hz');
    });
  }
});

describe('failures and cancelling', () => {
  test('(f) cancel midway: AbortError within 500 ms, nothing left open, the engine renders again', async () => {
    const proj = project(MP4_720, { clip: 'a720.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 9, opacity: 0.9 }]]);
    const got = await renderInPage(proj, { clip: 'a720.mp4' }, { cancelAt: 0.3 });
    assert.equal(got.ok, false, 'the job finished before it was cancelled');
    assert.equal(got.name, 'AbortError');
    assert.ok(got.rejectedAfterMs < 500, `rejected ${got.rejectedAfterMs} ms after abort`);
    const fps = got.events.filter((e) => e.stage === 'render').at(-1).fps;
    console.log(`(f) 720p through the canvas: ${fps.toFixed(1)} fps; rejected ${got.rejectedAfterMs.toFixed(0)} ms after abort`);
    assert.deepEqual(await debugStats(), NOTHING_OPEN);
    const files = await page.evaluate(async () => {
      const names = [];
      const root = await navigator.storage.getDirectory();
      for await (const [name, handle] of root.entries()) {
        if (handle.kind === 'directory') for await (const [file] of handle.entries()) names.push(`${name}/${file}`);
      }
      return names;
    });
    assert.ok(!files.some((f) => f.endsWith(`render-${got.id}.mp4`)), `the cancelled output is still in OPFS: ${files}`);
    const next = await renderInPage(project(MP4_360, { clip: 'a360.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 1 }]]), { clip: 'a360.mp4' });
    assertRendered(next);
    await assertStreams(next, { codec: 'h264', audio: 'opus', frames: 30, seconds: 1 });
  });

  test('(g) a corrupt source: typed errors, then the same engine renders', async () => {
    const one = (source) => project(MP4_360, { clip: source }, [[{ type: 'video', source: 'clip', trimEnd: 4 }]]);
    const garbage = await renderInPage(one('garbage.mp4'), { clip: 'garbage.mp4' });
    assert.equal(garbage.ok, false);
    assert.equal(garbage.code, 'corrupt_source');
    assert.equal(garbage.sourceId, 'clip');
    const truncated = await renderInPage(one('truncated.mp4'), { clip: 'truncated.mp4' });
    assert.equal(truncated.ok, false, 'a file cut in half rendered');
    assert.equal(truncated.code, 'corrupt_source', truncated.message);
    assert.match(truncated.message, /"clip"/);
    assert.deepEqual(await debugStats(), NOTHING_OPEN);
    const next = await renderInPage(one('a360.mp4'), { clip: 'a360.mp4' });
    assertRendered(next);
  });

  test('a codec this browser cannot decode: codec_unsupported naming it', async () => {
    const got = await renderInPage(project(MP4_360, { clip: 'hevc.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 1 }]]), { clip: 'hevc.mp4' });
    assert.equal(got.ok, false);
    assert.equal(got.code, 'codec_unsupported');
    assert.match(got.codec, /^hvc1\./);
    assert.equal(got.sourceId, 'clip');
    assert.match(got.message, /cannot decode hvc1/);
  });

  test('invalid projects, missing files and the server route are typed errors', async () => {
    const bad = await renderInPage({ ...project(MP4_360, { clip: 'a360.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 4 }]]), version: 1, output: { ...MP4_360, width: 641 } }, { clip: 'a360.mp4' });
    assert.equal(bad.code, 'invalid_project');
    assert.equal(bad.errors[0].path, 'output.width');
    const past = await renderInPage(project(MP4_360, { clip: 'a360.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 60 }]]), { clip: 'a360.mp4' });
    assert.equal(past.code, 'invalid_project');
    assert.equal(past.errors[0].code, 'trim_past_end');
    const missing = await renderInPage(project(MP4_360, { clip: 'a360.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 1 }]]), {});
    assert.equal(missing.code, 'missing_file');
    const server = await page.evaluate(async () => {
      const job = window.engine.render({}, { route: 'server' });
      return job.done.catch((e) => ({ code: e.code, message: e.message }));
    });
    assert.equal(server.code, 'server_unavailable');
  });

  test('in-memory output when asked (the fallback where OPFS is missing)', async () => {
    const got = await renderInPage(project(MP4_360, { clip: 'a360.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 2 }]]), { clip: 'a360.mp4' }, { storage: 'memory' });
    assertRendered(got);
    assert.equal(got.stats.storage, 'memory');
    await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 60, seconds: 2 });
  });
});
