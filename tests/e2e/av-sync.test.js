// Audio/video sync through the client engine. The source (made by ffmpeg like a phone file:
// H.264 with B-frames, AAC with its 1024-sample priming, both behind MP4 edit lists) is 60 s of
// black with a white flash and a 1 kHz beep starting together at every whole second. After
// trims, speed changes and concatenation, every flash and beep is found again in the output
// and paired: the beep must start within one output frame of its flash.
//
// Tolerance math (output 30 fps, frame d = 33.3 ms):
// - Flashes are 2 source frames (66.7 ms) long, so even at 1.5× or 2× (which skip source frames)
//   the output shows at least one flash frame. Every expected flash time in these projects is a
//   whole number of output frames ((s − trimStart) / speed × 30 is an integer), so a correct
//   render puts the flash onset exactly on the frame it belongs to: video error 0, or a whole
//   frame when a timestamp is wrong.
// - A flash is measured at the presentation time (pts) of the first frame whose mean luma
//   crosses mid-grey, read with ffprobe after the container's edit lists: not index × duration,
//   so a shifted video track is caught too.
// - A beep is measured where the 1 ms RMS envelope first passes 0.25 (the beep's peak is 0.8,
//   the background is silence), in the PCM decoded by ffmpeg with the audio track's own start
//   time (aresample first_pts: samples land at their pts, padding a late start with silence).
//   The 20 ms beep is stretched with pitch kept at speed ≠ 1 (WSOLA, ~20 ms windows): its onset
//   may smear by up to half a window (≈ 10 ms) and Opus adds ±2.5 ms of edge ringing; both stay
//   well inside one frame.
// - So |beep − flash| < 33.3 ms asserts sync to one output frame; the table also logs each
//   scene's worst pair and the worst absolute error against the project's expected times.
// - At speed 1 nothing smears the beep, so those scenes must be within SAMPLE_EXACT (3 ms: the
//   1 ms envelope window plus Opus edge ringing). This catches a constant bias one frame would
//   hide, such as the encoder's Opus priming (6.5 ms) left in the audio timestamps.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg } from './media-check.js';
import { enginePage, freshDir, project, renderInPage } from './render-page.js';

const run = promisify(execFile);
const OUT = path.join(repoRoot, 'target/e2e-av-sync');
const FPS = 30;
const FRAME = 1 / FPS;
const RATE = 48000;
const SOURCE = 'sync60.mp4';
/** Largest |audio − video| allowed in scenes played at speed 1 (see above). */
const SAMPLE_EXACT = 0.003;

/** 60 s, 320×240, 30 fps: a 2-frame white flash and a 20 ms 1 kHz beep at each whole second. */
const SOURCE_ARGS = [
  '-f', 'lavfi', '-i', `color=c=black:s=320x240:r=${FPS}:d=60,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n\\,${FPS})\\,2)'`,
  '-f', 'lavfi', '-i', `aevalsrc='if(lt(mod(t\\,1)\\,0.02)\\,0.8*sin(2*PI*1000*t)\\,0)':s=${RATE}:d=60`,
  '-ac', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '60', '-pix_fmt', 'yuv420p',
  '-c:a', 'aac', '-b:a', '128k', '-shortest',
];

const OUTPUT = { width: 320, height: 240, fps: FPS, format: 'mp4', videoCodec: 'h264', audioCodec: 'opus' };
const WEBM = { ...OUTPUT, format: 'webm', videoCodec: 'vp9' };

/** The projects: name → scenes of one video layer each ({ trimStart, trimEnd, speed }). */
const CASES = {
  'trim 10–40 s': [{ trimStart: 10, trimEnd: 40 }],
  'speed 1.5× over 0–60 s': [{ trimStart: 0, trimEnd: 60, speed: 1.5 }],
  'speed 0.5× on 0–8 s': [{ trimStart: 0, trimEnd: 8, speed: 0.5 }],
  'concat 5–15, 30–36 at 2×, 50–58': [{ trimStart: 5, trimEnd: 15 }, { trimStart: 30, trimEnd: 36, speed: 2 }, { trimStart: 50, trimEnd: 58 }],
};

let world;
let page;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  await ffmpeg([...SOURCE_ARGS, path.join(world.fixtures.dir, SOURCE)]);
  page = await enginePage(world);
});

after(async () => {
  await world?.close();
});

/** Where each scene's events should be: `[{ scene, times: [output seconds] }]`. */
function expectedEvents(scenes) {
  let sceneStart = 0;
  return scenes.map(({ trimStart, trimEnd, speed = 1 }, scene) => {
    const times = [];
    for (let s = Math.ceil(trimStart); s < trimEnd; s++) times.push(sceneStart + (s - trimStart) / speed);
    sceneStart += (trimEnd - trimStart) / speed;
    return { scene, times, speed };
  });
}

/** Presentation times of the flash onsets in `file` (frames turning from dark to bright). */
async function flashOnsets(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-f', 'lavfi', '-i', `movie=${file},signalstats`,
    '-show_entries', 'frame=pts_time:frame_tags=lavfi.signalstats.YAVG', '-of', 'csv=p=0'], { maxBuffer: 64 << 20 });
  const frames = stdout.trim().split('\n').map((line) => line.split(',').map(Number)).map(([pts, luma]) => ({ pts, luma }));
  return frames.filter((f, i) => f.luma > 125 && (i === 0 || frames[i - 1].luma <= 125)).map((f) => f.pts);
}

/** Beep onsets in `file`: where the 1 ms RMS envelope of the 48 kHz mono sound first passes 0.25. */
async function beepOnsets(file) {
  // `-copyts` keeps the file's own times; aresample puts the first sample at its pts (0 = file start).
  const raw = await ffmpeg(['-copyts', '-i', file, '-vn', '-af', `aresample=${RATE}:async=1:first_pts=0`, '-ac', '1', '-f', 'f32le', '-']);
  const pcm = new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 4));
  const window = RATE / 1000;
  const onsets = [];
  let sum = 0;
  let quietSince = -Infinity;
  for (let i = 0; i < pcm.length; i++) {
    sum += pcm[i] * pcm[i] - (i >= window ? pcm[i - window] ** 2 : 0);
    const loud = Math.sqrt(Math.max(0, sum) / window) > 0.25;
    if (loud && i - quietSince > 0.1 * RATE) onsets.push(Math.max(0, i - window + 1) / RATE);
    if (loud) quietSince = i;
  }
  return onsets;
}

/** The event in `found` nearest `t`, if within `radius` seconds. */
function nearest(found, t, radius = 0.2) {
  let best = null;
  for (const x of found) if (Math.abs(x - t) <= radius && (best == null || Math.abs(x - t) < Math.abs(best - t))) best = x;
  return best;
}

const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

/** Renders `scenes` of the sync source to `output`; checks and logs every scene's sync. */
async function checkSync(name, scenes, output) {
  const layers = scenes.map((scene) => [{ type: 'video', source: 'clip', ...scene }]);
  const got = await renderInPage(page, OUT, project(output, { clip: SOURCE }, layers), { clip: SOURCE });
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
  const [flashes, beeps] = await Promise.all([flashOnsets(got.file), beepOnsets(got.file)]);
  const lines = [];
  let worst = 0;
  let worstAbsolute = 0;
  for (const { scene, times, speed } of expectedEvents(scenes)) {
    const pairs = times.map((t) => ({ t, flash: nearest(flashes, t), beep: nearest(beeps, t) }));
    for (const [which, pair] of [['first', pairs[0]], ['last', pairs.at(-1)]]) {
      assert.ok(pair.flash != null, `${name}, scene ${scene}: no flash near ${pair.t.toFixed(3)} s (${which})`);
      assert.ok(pair.beep != null, `${name}, scene ${scene}: no beep near ${pair.t.toFixed(3)} s (${which})`);
      const offset = pair.beep - pair.flash;
      assert.ok(Math.abs(offset) < FRAME, `${name}, scene ${scene}, ${which} pair at ${pair.t.toFixed(3)} s: audio − video = ${ms(offset)}`);
    }
    const complete = pairs.filter((p) => p.flash != null && p.beep != null);
    assert.ok(complete.length >= times.length - 1, `${name}, scene ${scene}: found ${complete.length} of ${times.length} flash/beep pairs`);
    const offsets = complete.map((p) => p.beep - p.flash);
    const sceneWorst = Math.max(...offsets.map(Math.abs));
    worst = Math.max(worst, sceneWorst);
    if (speed === 1) assert.ok(sceneWorst < SAMPLE_EXACT, `${name}, scene ${scene} at speed 1: max |audio − video| ${ms(sceneWorst)}`);
    for (const p of complete) worstAbsolute = Math.max(worstAbsolute, Math.abs(p.flash - p.t), Math.abs(p.beep - p.t));
    lines.push(`scene ${scene}: ${complete.length} pairs, first ${ms(offsets[0])}, last ${ms(offsets.at(-1))}, max |a−v| ${ms(sceneWorst)}`);
  }
  assert.ok(worst < FRAME, `${name}: max |audio − video| ${ms(worst)}`);
  console.log(`A/V sync ${name} (${output.format}): max |a−v| ${ms(worst)}, max |event − expected| ${ms(worstAbsolute)}\n  ${lines.join('\n  ')}`);
}

describe('A/V sync within one output frame', () => {
  for (const [name, scenes] of Object.entries(CASES)) {
    test(`${name} to MP4 (H.264 + Opus)`, () => checkSync(name, scenes, OUTPUT));
  }
  test('concat 5–15, 30–36 at 2×, 50–58 to WebM (VP9 + Opus)', () => checkSync('concat', CASES['concat 5–15, 30–36 at 2×, 50–58'], WEBM));
});
