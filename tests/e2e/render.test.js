// The client render engine in headless Chromium: real projects rendered through WebCodecs in
// the worker, every output checked with ffprobe (codecs, duration, frame count), by pixels
// (solid-colour test sources make each splice half identifiable) and by sound.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { COLORS, frames, frequency, near, probeFile, psnr, rms, samples } from './media-check.js';

const run = promisify(execFile);
let world;
let page;
let dir;
/** Rendered files stay here for inspection after the run. */
const OUT = path.join(repoRoot, 'target/e2e-render');

/** A solid-colour clip: `colors` of `seconds` each at `size`, with a sine tone of `hz`. */
function colorClip(size, colors, seconds, hz, rate = 44100) {
  const inputs = colors.flatMap((c) => ['-f', 'lavfi', '-i', `color=c=${c}:s=${size}:r=30:d=${seconds}`]);
  const total = colors.length * seconds;
  const chain = colors.map((_, i) => `[${i}:v]`).join('') + `concat=n=${colors.length}:v=1:a=0[v]`;
  return [...inputs, '-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=${rate}:duration=${total}`,
    '-filter_complex', chain, '-map', '[v]', '-map', `${colors.length}:a`, '-ac', '2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart'];
}

const RECIPES = {
  'a720.mp4': colorClip('1280x720', ['red', 'green'], 4.5, 440),
  'a360.mp4': colorClip('640x360', ['red', 'green'], 4.5, 440),
  'b360.mp4': colorClip('640x360', ['blue', 'yellow'], 4, 880, 48000),
  'c1080.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
  'rot.mp4': ['-f', 'lavfi', '-i', 'color=c=blue:s=640x360:r=30:d=2,drawbox=x=0:y=0:w=640:h=90:color=red:t=fill',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-metadata:s:v:0', 'rotate=90'],
  'tone440.m4a': ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4', '-ac', '2', '-c:a', 'aac'],
  'tone880.m4a': ['-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=48000:duration=4', '-ac', '2', '-c:a', 'aac'],
  'hevc.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=1', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-tag:v', 'hvc1', '-x265-params', 'log-level=error'],
};

before(async () => {
  world = await startHarness();
  dir = world.fixtures.dir;
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  await Promise.all(Object.entries(RECIPES).map(([name, args]) =>
    run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, path.join(dir, name)])));
  // A file cut in the middle of its media data: the header reads fine, the packets do not.
  await copyFile(path.join(dir, 'a360.mp4'), path.join(dir, 'truncated.mp4'));
  const { size } = await stat(path.join(dir, 'truncated.mp4'));
  await truncate(path.join(dir, 'truncated.mp4'), Math.floor(size * 0.4));
  await writeFile(path.join(dir, 'garbage.mp4'), randomBytes(64 * 1024));
  page = await world.newPage();
  await page.evaluate(async () => {
    const { Engine } = await import('/frameloom/index.js');
    window.engine = await Engine.create();
  });
});

after(async () => {
  await world?.close();
});

/** A v1 project with one scene per entry of `scenes` (arrays of layers). */
function project(output, sources, scenes) {
  const kinds = { m4a: 'audio' };
  const entries = Object.entries(sources).map(([id, file]) => [id, { kind: kinds[file.split('.').pop()] ?? 'video', name: file, size: 1 }]);
  return { version: 1, output, sources: Object.fromEntries(entries), scenes: scenes.map((layers) => ({ layers })) };
}

/**
 * Renders `proj` in the page with `sources` ({ id: fixture name }); writes the output to a file.
 * `cancelAt` (fraction) aborts through an AbortSignal once progress passes it.
 */
async function renderInPage(proj, sources, { cancelAt = null, storage = 'auto' } = {}) {
  const outcome = await page.evaluate(async ({ proj, sources, cancelAt, storage }) => {
    const files = {};
    for (const [id, name] of Object.entries(sources)) files[id] = await (await fetch(`/fixtures/${name}`)).blob();
    const controller = new AbortController();
    const events = [];
    let abortedAt = null;
    const job = window.engine.render(proj, {
      files,
      storage,
      signal: controller.signal,
      onProgress: (event) => {
        events.push(event);
        if (cancelAt != null && abortedAt == null && event.stage === 'render' && event.fraction >= cancelAt) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    try {
      const result = await job.done;
      const bytes = new Uint8Array(await result.blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { ok: true, id: job.id, base64: btoa(binary), mimeType: result.mimeType, blobType: result.blob.type,
        route: result.route, reason: result.reason, stats: result.stats, events };
    } catch (error) {
      return { ok: false, name: error.name, code: error.code, message: error.message, codec: error.codec, sourceId: error.sourceId,
        errors: error.errors, rejectedAfterMs: abortedAt == null ? null : performance.now() - abortedAt, events };
    }
  }, { proj, sources, cancelAt, storage });
  if (outcome.ok) {
    outcome.file = path.join(OUT, `out-${outcome.id}.${proj.output.format ?? 'mp4'}`);
    await writeFile(outcome.file, Buffer.from(outcome.base64, 'base64'));
    delete outcome.base64;
  }
  return outcome;
}

function debugStats() {
  return page.evaluate(() => window.engine.debugStats());
}

const NOTHING_OPEN = { videoDecoders: 0, audioDecoders: 0, videoEncoders: 0, audioEncoders: 0, videoFrames: 0, audioData: 0 };

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
    assert.ok(Math.abs(Number(info.audio.duration) - seconds) < 0.1, `audio duration ${info.audio.duration} is not about ${seconds} s`);
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
  test('(a) trim 2–8 s of a 720p H.264/AAC clip to MP4: 180 frames, H.264 + Opus (AAC fallback reported)', async () => {
    const proj = project(MP4_720, { clip: 'a720.mp4' }, [[{ type: 'video', source: 'clip', trimStart: 2, trimEnd: 8 }]]);
    const got = await renderInPage(proj, { clip: 'a720.mp4' });
    assertRendered(got);
    await assertStreams(got, { codec: 'h264', audio: 'opus', frames: 180, seconds: 6, width: 1280, height: 720 });
    assert.match(got.mimeType, /^video\/mp4; codecs="avc1\.[0-9a-f]{6}, opus"$/);
    assert.equal(got.blobType, got.mimeType);
    assert.equal(got.stats.audioEncoder, 'opus');
    assert.match(got.stats.audioFallback, /cannot encode mp4a\.40\.2/);
    assert.equal(got.stats.fastPath, 'passthrough');
    assert.equal(got.stats.storage, 'opfs');
    assert.equal(got.route, 'client');
    assert.match(got.reason, /no server configured/);
    // Source 0–4.5 s is red, then green: output frames 0–74 red, 75–179 green.
    await assertColors(got.file, 64, 36, { 0: 'red', 74: 'red', 75: 'green', 179: 'green' });
    const pcm = await samples(got.file);
    assert.ok(Math.abs(frequency(pcm, 1, 5) - 440) < 10, 'the tone stays at 440 Hz');
    const stages = new Set(got.events.map((e) => e.stage));
    for (const stage of ['probe', 'render', 'mux']) assert.ok(stages.has(stage), `no ${stage} progress`);
    assert.equal(got.events.at(-1).fraction, 1);
    assert.ok(got.events.some((e) => e.stage === 'render' && e.fps > 0 && typeof e.eta === 'number'));
    console.log(`(a) 720p trim: ${got.stats.fps.toFixed(1)} fps, ${got.stats.frames} frames in ${got.stats.seconds.toFixed(2)} s`);
  });
});
