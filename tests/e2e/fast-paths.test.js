// Fast paths in the browser (issue #8): a keyframe-aligned splice of same-codec H.264 inputs
// copies their packets byte for byte (packet hashes by ffprobe), mid-GOP cuts are frame-accurate
// (first, last and join frames against the source's by PSNR) through a smart cut or, when the
// browser's encoder writes other codec parameters than the source, a full encode that says so,
// and a target size lands at or under the target and above 90 % of it. An AAC splice into
// AAC copies its audio packets as well (no AAC encoder needed).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg } from './media-check.js';
import { enginePage, freshDir, project, renderInPage as renderPage } from './render-page.js';

const run = promisify(execFile);
const OUT = path.join(repoRoot, 'target/e2e-fast-paths');
const W = 640;
const H = 360;
const MP4 = { width: W, height: H, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'opus' };

/** A `seconds` clip of lavfi `video` at 640×360 30 fps, H.264 with B-frames and a keyframe every second exactly, AAC tone. */
function clip(video, seconds) {
  return ['-f', 'lavfi', '-i', `${video}=size=${W}x${H}:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-ac', '2',
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-keyint_min', '30', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart'];
}

const RECIPES = {
  'p1.mp4': clip('testsrc2', 4),
  'p2.mp4': clip('testsrc', 4),
  // Opus in fragmented MP4, as Chrome's MediaRecorder writes it.
  'rec.mp4': ['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=30:duration=4`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'libopus', '-movflags', 'frag_keyframe+empty_moov+default_base_moof'],
  'q720.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-pix_fmt', 'yuv420p'],
};

let world;
let page;
let dir;

before(async () => {
  world = await startHarness();
  dir = world.fixtures.dir;
  await freshDir(OUT);
  await Promise.all(Object.entries(RECIPES).map(([name, args]) => ffmpeg([...args, path.join(dir, name)])));
  page = await enginePage(world);
});

after(async () => {
  await world?.close();
});

async function render(proj, sources) {
  const got = await renderPage(page, OUT, proj, sources);
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
  return got;
}

/** The video packets of `file` in decode order: `[{ pts, hash }]` (pts in seconds). */
async function packets(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_packets', '-show_data_hash', 'sha256',
    '-show_entries', 'packet=pts_time,data_hash', '-of', 'json', file], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout).packets.map((p) => ({ pts: Number(p.pts_time), hash: p.data_hash }));
}

/** Errors ffmpeg reports decoding all of `file`'s video. */
async function decodeErrors(file) {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v', '-f', 'null', '-']);
  return stderr.trim();
}

/** Frame `n` of `file` as raw RGB24 at 640×360. */
async function frame(file, n) {
  return ffmpeg(['-i', file, '-vf', `select='eq(n\\,${n})',scale=${W}:${H}`, '-vsync', '0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
}

/** PSNR (dB) between two RGB24 frames. */
function psnr(a, b) {
  assert.equal(a.length, b.length, 'frames of the same size');
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  const mse = sum / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/**
 * Asserts output frame `n` of `file` shows source frame `m` of `source`: close to it, and
 * clearly closer than to its neighbours (testsrc2 moves every frame; re-encoded frames of its
 * fine detail at the default bitrate are near 24 dB, copied ones exact).
 */
async function assertShows(file, n, source, m) {
  const got = await frame(file, n);
  const quality = psnr(got, await frame(source, m));
  assert.ok(quality >= 20, `output frame ${n} vs source frame ${m}: ${quality.toFixed(1)} dB`);
  for (const other of [m - 1, m + 1].filter((k) => k >= 0)) {
    const neighbour = psnr(got, await frame(source, other));
    assert.ok(neighbour < quality - 3, `output frame ${n} is ${neighbour.toFixed(1)} dB from source frame ${other}, ${quality.toFixed(1)} dB from ${m}`);
  }
}

test('a keyframe-aligned splice of same-codec H.264 inputs copies their packets byte for byte', async () => {
  const scenes = [
    [{ type: 'video', source: 'a', trimStart: 0, trimEnd: 2 }],
    [{ type: 'video', source: 'b', trimStart: 1, trimEnd: 3 }],
  ];
  const got = await render(project(MP4, { a: 'p1.mp4', b: 'p2.mp4' }, scenes), { a: 'p1.mp4', b: 'p2.mp4' });
  assert.equal(got.stats.fastPath, 'copy');
  assert.deepEqual(got.stats.treatments, ['copy', 'copy']);
  assert.equal(got.stats.fastPathFallback, null);
  assert.equal(got.stats.frames, 120);
  const [a, b, out] = await Promise.all([packets(path.join(dir, 'p1.mp4')), packets(path.join(dir, 'p2.mp4')), packets(got.file)]);
  const inSpan = (list, from, to) => list.filter((p) => p.pts >= from - 1e-3 && p.pts < to - 1e-3).map((p) => p.hash);
  const expected = [...inSpan(a, 0, 2), ...inSpan(b, 1, 3)];
  assert.equal(out.length, 120);
  assert.deepEqual(out.map((p) => p.hash), expected, 'the copied packets are the sources\' bytes, in order');
  assert.equal(await decodeErrors(got.file), '');
  console.log(`copy splice: ${got.stats.fps.toFixed(0)} fps, ${got.stats.seconds.toFixed(2)} s`);
  // `forceTranscode`: the same splice, every frame and the sound encoded anew, still in place.
  const forced = await render(project({ ...MP4, forceTranscode: true }, { a: 'p1.mp4', b: 'p2.mp4' }, scenes), { a: 'p1.mp4', b: 'p2.mp4' });
  assert.deepEqual([forced.stats.fastPath, forced.stats.treatments, forced.stats.audio, forced.stats.audioReason],
    ['encode', ['encode', 'encode'], 'encode', 'forced']);
  assert.equal(forced.stats.frames, 120);
  const encoded = await packets(forced.file);
  assert.ok(!encoded.some((p) => expected.includes(p.hash)), 'no source packet is copied');
  await assertShows(forced.file, 30, path.join(dir, 'p1.mp4'), 30);
  const bQuality = psnr(await frame(forced.file, 90), await frame(path.join(dir, 'p2.mp4'), 60));
  assert.ok(bQuality >= 20, `output frame 90 vs b's frame 60: ${bQuality.toFixed(1)} dB`);
});

/** The audio packets of `file` in decode order: `[{ pts, duration, hash }]` (seconds). */
async function audioPackets(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_packets', '-show_data_hash', 'sha256',
    '-show_entries', 'packet=pts_time,duration_time,data_hash', '-of', 'json', file], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout).packets.map((p) => ({ pts: Number(p.pts_time), duration: Number(p.duration_time), hash: p.data_hash }));
}

test('an AAC splice copies its audio packets too, each clip\'s sound within half a packet of its video, with no AAC encoder', async () => {
  const scenes = [
    [{ type: 'video', source: 'a', trimStart: 0, trimEnd: 2 }],
    [{ type: 'video', source: 'b', trimStart: 1, trimEnd: 3 }],
  ];
  const files = { a: 'p1.mp4', b: 'p2.mp4' };
  const got = await render(project({ ...MP4, audioCodec: 'aac' }, files, scenes), files);
  assert.equal(got.stats.fastPath, 'copy');
  assert.equal(got.stats.audio, 'copy', `audio encoded: ${got.stats.audioReason}`);
  assert.equal(got.stats.audioEncoder, 'mp4a.40.2');
  assert.equal(got.stats.audioFallback, null);
  const [a, b, out] = await Promise.all([audioPackets(path.join(dir, 'p1.mp4')), audioPackets(path.join(dir, 'p2.mp4')), audioPackets(got.file)]);
  const d = a[1].duration;
  // Clip a from its priming packet (before zero, under the edit list), then clip b from the
  // packet whose middle is at or after its trim start; every packet byte for byte.
  assert.ok(a[0].pts < 0 && Math.abs(out[0].pts - a[0].pts) < 1e-3, `out starts at ${out[0].pts} s, a at ${a[0].pts} s`);
  const join = out.findIndex((p) => p.pts + d / 2 >= 2);
  assert.deepEqual(out.slice(0, join).map((p) => p.hash), a.slice(0, join).map((p) => p.hash));
  const bFrom = b.findIndex((p) => p.pts + d / 2 >= 1);
  assert.deepEqual(out.slice(join).map((p) => p.hash), b.slice(bFrom, bFrom + out.length - join).map((p) => p.hash));
  assert.ok(Math.abs(out[join].pts - (b[bFrom].pts + 1)) <= d / 2 + 1e-6, `b's sound is ${out[join].pts - (b[bFrom].pts + 1)} s off its video`);
  const end = out.at(-1).pts + out.at(-1).duration;
  assert.ok(Math.abs(end - 4) <= d / 2 + 5e-4, `the sound ends at ${end} s`);
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', got.file, '-f', 'null', '-']);
  assert.equal(stderr.trim(), '');
  // A volume change needs the mixer: the sound is encoded, as Opus (this browser has no AAC encoder).
  const quieter = scenes.map(([layer]) => [{ ...layer, volume: 0.5 }]);
  const mixed = await render(project({ ...MP4, audioCodec: 'aac' }, files, quieter), files);
  assert.equal(mixed.stats.fastPath, 'copy');
  assert.deepEqual([mixed.stats.audio, mixed.stats.audioReason, mixed.stats.audioEncoder], ['encode', 'edited', 'opus']);
  assert.match(mixed.stats.audioFallback, /cannot encode mp4a\.40\.2/);
});

test('Opus copied into WebM from a mid-stream cut starts at zero (WebM has no edit list) and stays in sync', async () => {
  const files = { r: 'rec.mp4' };
  const got = await render(project({ ...MP4, format: 'webm', videoCodec: 'vp9' }, files, [[{ type: 'video', source: 'r', trimStart: 0.5, trimEnd: 3.5 }]]), files);
  assert.equal(got.stats.audio, 'copy', `audio encoded: ${got.stats.audioReason}`);
  const out = await audioPackets(got.file);
  const d = out[1].duration;
  assert.ok(out[0].pts >= 0 && out[0].pts <= d / 2, `the sound starts at ${out[0].pts} s`);
  const end = out.at(-1).pts + out.at(-1).duration;
  assert.ok(Math.abs(end - 3) <= d / 2 + 7e-3, `the sound ends at ${end} s`);
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-i', got.file, '-f', 'null', '-']);
  assert.equal(stderr.trim(), '');
});

test('mid-GOP cuts of an x264 source are frame-accurate; the browser encoder\'s parameters differ, so it encodes and says so', async () => {
  const scenes = [[{ type: 'video', source: 'a', trimStart: 0.5, trimEnd: 3.5 }]];
  const got = await render(project(MP4, { a: 'p1.mp4' }, scenes), { a: 'p1.mp4' });
  assert.equal(got.stats.frames, 90);
  // The plan asks for a smart cut; x264's SPS/PPS are not what the browser's encoder writes.
  assert.equal(got.stats.fastPath, 'encode');
  assert.match(got.stats.fastPathFallback, /codec parameters \(SPS\/PPS\)/);
  assert.deepEqual(got.stats.treatments, ['encode']);
  assert.equal(got.stats.passes, 1, "the mismatch is found before any packet is copied: the same pass encodes on");
  const source = path.join(dir, 'p1.mp4');
  await assertShows(got.file, 0, source, 15);
  await assertShows(got.file, 89, source, 104);
  assert.equal(await decodeErrors(got.file), '');
});

test('a smart cut of a file this browser encoded: head and tail encoded, the whole GOPs between copied, frame-accurate', async () => {
  // The engine's own 640×360 encode (keyframes every 2 s) is a source its encoder matches.
  const made = await render(project({ ...MP4, audioCodec: 'opus' }, { q: 'q720.mp4' }, [[{ type: 'video', source: 'q', trimEnd: 6 }]]),
    { q: 'q720.mp4' });
  assert.equal(made.stats.fastPath, 'encode');
  const own = path.join(dir, 'own.mp4');
  await ffmpeg(['-i', made.file, '-c', 'copy', own]);
  const got = await render(project(MP4, { s: 'own.mp4' }, [[{ type: 'video', source: 's', trimStart: 0.5, trimEnd: 4.5 }]]), { s: 'own.mp4' });
  assert.equal(got.stats.fastPath, 'smartCut', `fell back: ${got.stats.fastPathFallback}`);
  assert.deepEqual(got.stats.treatments, ['smartCut']);
  assert.equal(got.stats.frames, 120);
  // Head: source 0.5–2 s (output 0–44), copied GOP 2–4 s (45–104), tail 4–4.5 s (105–119).
  const [src, out] = await Promise.all([packets(own), packets(got.file)]);
  const copied = src.filter((p) => p.pts >= 2 - 1e-3 && p.pts < 4 - 1e-3).map((p) => p.hash);
  assert.deepEqual(out.slice(45, 105).map((p) => p.hash), copied, 'the middle GOP is copied byte for byte');
  for (const [n, m] of [[0, 15], [44, 59], [45, 60], [104, 119], [105, 120], [119, 134]]) await assertShows(got.file, n, own, m);
  assert.equal(await decodeErrors(got.file), '');
});

test('a target size lands at or under the target and above 90 % of it', async () => {
  const target = 300_000;
  const scenes = [[{ type: 'video', source: 'a', trimStart: 0, trimEnd: 4 }]];
  const got = await render(project({ ...MP4, targetSizeBytes: target }, { a: 'p1.mp4' }, scenes), { a: 'p1.mp4' });
  assert.equal(got.stats.fastPath, 'encode');
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_packets',
    '-of', 'csv=p=0', got.file]);
  assert.equal(Number(stdout.trim()), 120, 'no frame dropped to meet the bitrate');
  assert.ok(got.stats.bytes <= target, `${got.stats.bytes} bytes > target ${target} (after ${got.stats.passes} passes)`);
  assert.ok(got.stats.bytes >= target * 0.9, `${got.stats.bytes} bytes < 90 % of ${target} (after ${got.stats.passes} passes)`);
  console.log(`target size: ${got.stats.bytes} of ${target} bytes in ${got.stats.passes} pass(es), video at ${got.stats.videoBitrate} bit/s`);
});

test('a target size below the browser encoder\'s floor fails with target_size_unreachable instead of a file over the target', async () => {
  // 90 kB for 4 s of 360p: video at about 48 kbit/s (0.007 bits per pixel), which the plan
  // accepts (its floor is 0.005) but Chromium's H.264 encoder cannot get down to.
  const target = 90_000;
  const scenes = [[{ type: 'video', source: 'a', trimStart: 0, trimEnd: 4 }]];
  const got = await renderPage(page, OUT, project({ ...MP4, targetSizeBytes: target }, { a: 'p1.mp4' }, scenes), { a: 'p1.mp4' });
  assert.equal(got.ok, false, `rendered ${got.stats?.bytes} bytes for a ${target}-byte target`);
  assert.equal(got.code, 'target_size_unreachable', `${got.code}: ${got.message}`);
  assert.match(got.message, /targetSizeBytes 90000 .*render on the server/);
});
