// `make bench`, browser part: renders cases (a)–(d) with frameloom in headless Chromium and,
// in the same page and run, with a bare WebCodecs decode → encode loop (the ceiling) and with
// Mediabunny (the fastest browser peer); the compose case (e) against Mediabunny drawing the same
// overlays on a canvas; 1,000 captions rasterized in the worker; the copy and smart-cut fast paths
// against re-encoding, and target-size accuracy. Prints markdown tables of medians and the targets.
//
//   node bench/browser/run.mjs            (after `make site`)
//   BENCH_REPS=7 BENCH_WARMUP=1 BENCH_CASES=a,d,e,raster node bench/browser/run.mjs
//   (case ids: a b c d e, raster, copy smart (issue #8 fast paths vs re-encode), size (target sizes))
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SITE, launchChromium } from '../../tests/e2e/harness.js';
import { serveStatic } from '../../tests/e2e/static-server.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = path.join(REPO, 'target/bench-fixtures');
const REPS = Number(process.env.BENCH_REPS ?? 7);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
/** frameloom's fps must reach this share of the ceiling's on the cases marked `ceiling`. */
const CEILING_TARGET = 0.85;
/** The compose case must take at most this share of Mediabunny's time (issue #4 §8). */
const COMPOSE_TARGET = 0.6;
/** Cues in the in-worker raster bench, and its budget for the distinct ones (issue #4 §8). */
const RASTER_CUES = 1000;
const RASTER_TARGET_MS = 1500;

/** A clip made by ffmpeg: `video` lavfi source at `size`, 30 fps, `seconds` long, with a 48 kHz stereo AAC tone. */
function clip(video, size, seconds) {
  return ['-f', 'lavfi', '-i', `${video}=size=${size}:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-ac', '2',
    // Like a phone file: H.264 with B-frames, 1 s GOP, AAC.
    '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart'];
}

/** Inputs, made once into target/bench-fixtures (cached by name). */
const INPUTS = {
  'a720.mp4': clip('testsrc2', '1280x720', 10),
  'clipA720.mp4': clip('testsrc2', '1280x720', 6),
  'clipB720.mp4': clip('testsrc', '1280x720', 6),
  'c1080.mp4': clip('testsrc2', '1920x1080', 20),
  'd1080.mp4': clip('testsrc', '1920x1080', 20),
  'e1080.mp4': clip('smptebars', '1920x1080', 20),
};

const MP4 = { width: 1280, height: 720, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'opus' };
const SPLICE = [[{ source: 'clipA', trimStart: 0, trimEnd: 4 }], [{ source: 'clipB', trimStart: 2, trimEnd: 6 }]];
const SPLICE_SOURCES = { clipA: 'clipA720.mp4', clipB: 'clipB720.mp4' };

/** The cases; `ceiling` marks those with the ceiling target. */
const CASES = [
  { id: 'a', name: '(a) trim 2–8 s, 720p → MP4', ceiling: true,
    spec: { output: MP4, sources: { clip: 'a720.mp4' }, scenes: [[{ source: 'clip', trimStart: 2, trimEnd: 8 }]], reencode: true } },
  { id: 'b', name: '(b) splice A[0–4] + B[2–6], 720p → MP4', ceiling: false,
    spec: { output: MP4, sources: SPLICE_SOURCES, scenes: SPLICE, reencode: true } },
  { id: 'c', name: '(c) the same splice → WebM (VP9)', ceiling: false,
    spec: { output: { ...MP4, format: 'webm', videoCodec: 'vp9' }, sources: SPLICE_SOURCES, scenes: SPLICE } },
  { id: 'd', name: '(d) 1080p (20 s) → 720p MP4', ceiling: true,
    spec: { output: MP4, sources: { clip: 'c1080.mp4' }, scenes: [[{ source: 'clip', trimStart: 0, trimEnd: 20 }]], reencode: true } },
  { id: 'e', name: '(e) compose: splice + logo PNG + 20 cues, 720p → MP4', compose: true,
    spec: { output: MP4, sources: SPLICE_SOURCES, scenes: SPLICE, compose: true } },
];

const MP4_1080 = { ...MP4, width: 1920, height: 1080 };
/**
 * Issue #8 cases: the fast path against the same timeline fully re-encoded (`reencode`), in
 * the same run. The smart cut's source is first rendered by this browser's encoder (a smart
 * cut of an x264 file falls back to a full encode: the SPS/PPS differ).
 */
const FAST_CASES = [
  { id: 'copy', name: 'splice of three 1080p clips (60 s), copy', target: 20,
    // AAC sources into AAC: the packets of both tracks are copied (Chromium has no AAC
    // encoder; the re-encode reference falls back to Opus for its sound).
    spec: { output: { ...MP4_1080, audioCodec: 'aac' }, sources: { a: 'c1080.mp4', b: 'd1080.mp4', c: 'e1080.mp4' },
      scenes: ['a', 'b', 'c'].map((source) => [{ source, trimStart: 0, trimEnd: 20 }]) } },
  { id: 'smart', name: 'smart cut 1–9 s of a 10 s 720p file this browser encoded', target: null,
    prepare: [{ output: MP4, sources: { s: 'a720.mp4' }, scenes: [[{ source: 's', trimStart: 0, trimEnd: 10 }]], reencode: true, keepAs: 'own720.mp4' }],
    spec: { output: MP4, sources: { s: 'own720.mp4' }, scenes: [[{ source: 's', trimStart: 1, trimEnd: 9 }]] } },
];
/** Issue #8: target sizes (bytes) for the 20 s 720p render of `c1080.mp4`. */
const TARGETS = [1_000_000, 2_500_000, 5_000_000];

async function makeInputs() {
  await mkdir(FIXTURES, { recursive: true });
  for (const [name, args] of Object.entries(INPUTS)) {
    const file = path.join(FIXTURES, name);
    if (existsSync(file)) continue;
    console.error(`bench: making ${name}`);
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, `${file}.part.mp4`]);
    await rename(`${file}.part.mp4`, file);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** One table row from a case's runs (medians of the timed rounds). */
function row(kase, runs) {
  const seconds = (list) => median(list.map((r) => r.seconds));
  const frames = runs.engine[0].frames;
  const [ours, ceiling, peer] = [seconds(runs.engine), seconds(runs.ceiling), seconds(runs.mediabunny)];
  const duration = kase.spec.scenes.reduce((sum, [l]) => sum + (l.trimEnd - (l.trimStart ?? 0)), 0);
  const fps = frames / ours;
  const ceilingFps = runs.ceiling[0].frames / ceiling;
  const ofCeiling = fps / ceilingFps;
  const ofPeer = ours / peer;
  const misses = [];
  if (kase.ceiling && ofCeiling < CEILING_TARGET) misses.push(`< ${CEILING_TARGET * 100} % of ceiling`);
  if (ofPeer > 1) misses.push('slower than mediabunny');
  return {
    cells: [kase.name, String(frames), ours.toFixed(2), fps.toFixed(1), `${(duration / ours).toFixed(2)}×`, ceilingFps.toFixed(1),
      kase.ceiling ? `${(ofCeiling * 100).toFixed(0)} %` : `(${(ofCeiling * 100).toFixed(0)} %)`, peer.toFixed(2), ofPeer.toFixed(2),
      misses.length ? `MISS: ${misses.join(', ')}` : 'ok'],
    detail: `${kase.id}: frameloom ${runs.engine.map((r) => r.seconds.toFixed(2)).join('/')} s (${runs.engine[0].encoder}, fast path ${runs.engine[0].fastPath}); `
      + `ceiling ${runs.ceiling.map((r) => r.seconds.toFixed(2)).join('/')} s; mediabunny ${runs.mediabunny.map((r) => r.seconds.toFixed(2)).join('/')} s; `
      + `bytes (first round): frameloom ${runs.engine[0].bytes}, ceiling video ${runs.ceiling[0].bytes}, mediabunny ${runs.mediabunny[0].bytes}; `
      + `frameloom passes ${runs.engine[0].passes}${runs.engine[0].fallback ? ` (${runs.engine[0].fallback})` : ''}; `
      + `frameloom ms waiting/working (first round): ${Object.entries(runs.engine[0].timings ?? {}).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}`,
  };
}

/** The compose row: frameloom against Mediabunny with a canvas `process` step. */
function composeRow(kase, runs) {
  const seconds = (list) => median(list.map((r) => r.seconds));
  const [ours, peer] = [seconds(runs.engine), seconds(runs.mediabunny)];
  const ratio = ours / peer;
  return {
    cells: [kase.name, String(runs.engine[0].frames), ours.toFixed(2), (runs.engine[0].frames / ours).toFixed(1), peer.toFixed(2),
      `${ratio.toFixed(2)}×`, ratio <= COMPOSE_TARGET ? 'ok' : `MISS: > ${COMPOSE_TARGET}×`],
    detail: `${kase.id}: frameloom ${runs.engine.map((r) => r.seconds.toFixed(2)).join('/')} s (${runs.engine[0].encoder}, `
      + `${runs.engine[0].yuvFrames} of ${runs.engine[0].frames} frames through the YUV overlay path); `
      + `mediabunny ${runs.mediabunny.map((r) => r.seconds.toFixed(2)).join('/')} s; `
      + `frameloom ms waiting/working (first round): ${Object.entries(runs.engine[0].timings ?? {}).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}`,
  };
}

/** The in-worker raster rows (medians of the rounds). */
function rasterRows({ distinct, repeated }) {
  return [['distinct', distinct], ['10 texts repeated', repeated]].map(([label, rounds]) => {
    const ms = median(rounds.map((r) => r.ms));
    const { drawn, hits, misses } = rounds[0];
    return { cells: [label, String(drawn), ms.toFixed(0), (ms / drawn).toFixed(2), `${hits}/${misses}`, `${(RASTER_TARGET_MS / ms).toFixed(2)}×`,
      label === 'distinct' && ms > RASTER_TARGET_MS ? `MISS: > ${RASTER_TARGET_MS} ms` : 'ok'] };
  });
}

const CASE_HEADERS = ['case', 'frames', 'frameloom s', 'fps', '× realtime', 'ceiling fps', 'frameloom/ceiling', 'mediabunny s', 'frameloom/mediabunny', 'target'];
const COMPOSE_HEADERS = ['case', 'frames', 'frameloom s', 'fps', 'mediabunny + canvas s', 'frameloom/mediabunny', `target ≤ ${COMPOSE_TARGET}×`];
const RASTER_HEADERS = ['cues (1080p, in the worker)', 'count', 'ms', 'ms/cue', 'cache hits/misses', 'vs 1.5 s target', 'target'];

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(r.cells))].join('\n');
}

async function main() {
  if (!existsSync(path.join(SITE, 'frameloom/wasm/frameloom_bg.wasm'))) throw new Error(`${SITE} is not built: run 'make site' first`);
  await makeInputs();
  const wanted = process.env.BENCH_CASES?.split(',');
  const cases = CASES.filter((c) => !wanted || wanted.includes(c.id));
  const fastCases = FAST_CASES.filter((c) => !wanted || wanted.includes(c.id));
  const fastRows = [];
  let targets = [];
  const server = await serveStatic({
    '/': SITE,
    '/bench/': path.join(REPO, 'bench/browser'),
    '/fixtures/': FIXTURES,
    '/mediabunny/': path.join(REPO, 'node_modules/mediabunny/dist/bundles'),
  });
  const browser = await launchChromium();
  const rows = [];
  const composeRows = [];
  let raster = null;
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(`${server.url}bench/page.html`);
    await page.waitForFunction(() => window.benchReady === true);
    for (const kase of cases) {
      console.error(`bench: ${kase.name} (${WARMUP} warm-up + ${REPS} rounds)`);
      const runs = await page.evaluate(({ spec, reps, warmup }) => window.bench.runCase(spec, { reps, warmup }), { spec: kase.spec, reps: REPS, warmup: WARMUP });
      const done = kase.compose ? composeRow(kase, runs) : row(kase, runs);
      (kase.compose ? composeRows : rows).push(done);
      console.error(`bench: ${done.detail}`);
    }
    if (!wanted || wanted.includes('raster')) {
      console.error(`bench: ${RASTER_CUES} captions at 1080p in the worker (${REPS} rounds)`);
      raster = rasterRows(await page.evaluate((options) => window.bench.runRaster(options), { count: RASTER_CUES, reps: REPS }));
    }
    for (const kase of fastCases) {
      console.error(`bench: ${kase.name} vs re-encode (${WARMUP} warm-up + ${REPS} rounds)`);
      const runs = await page.evaluate(({ spec, reps, warmup, prepare }) => window.bench.runFastPath(spec, { reps, warmup, prepare }),
        { spec: kase.spec, reps: REPS, warmup: WARMUP, prepare: kase.prepare ?? [] });
      fastRows.push(fastRow(kase, runs));
      const t = runs.fast[0].timings ?? {};
      console.error(`bench: ${kase.id}: fast ${runs.fast.map((r) => r.seconds.toFixed(2)).join('/')} s, re-encode ${runs.encode.map((r) => r.seconds.toFixed(2)).join('/')} s; `
        + `fast ms: ${Object.entries(t).map(([k, v]) => `${k.replace(/Ms$/, '')} ${v}`).join(', ')}`);
    }
    if (!wanted || wanted.includes('size')) {
      console.error('bench: target sizes');
      const spec = { output: MP4, sources: { clip: 'c1080.mp4' }, scenes: [[{ source: 'clip', trimStart: 0, trimEnd: 20 }]] };
      targets = await page.evaluate(({ spec, sizes }) => window.bench.runTargets(spec, sizes), { spec, sizes: TARGETS });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const cpus = (await import('node:os')).cpus().length;
  if (rows.length) {
    console.log(`## browser render (headless Chromium, ${cpus} cores, software codecs; medians of ${REPS} after ${WARMUP} warm-up)`);
    console.log(table(CASE_HEADERS, rows));
    console.log(`frameloom s: Engine.render() to done (probe, decode, encode, audio, mux to OPFS). ceiling: bare VideoDecoder → VideoEncoder and`);
    console.log(`AudioDecoder → AudioEncoder (Opus) loops in a worker on the same files with the engine's encoder configs (its clock includes demuxing`);
    console.log(`with Mediabunny, streamed into the decoders, since the engine must demux too; no resampling, mixing, compositing or mux).`);
    console.log(`mediabunny ${'1.61.0'}: Conversion (a, d) or its sample sinks → sources (b, c).`);
    console.log(`Targets: frameloom ≥ ${CEILING_TARGET * 100} % of the ceiling's fps on (a) and (d) (in brackets where not a target); frameloom/mediabunny ≤ 1.`);
    for (const r of rows) console.log(`- ${r.detail}`);
  }
  if (composeRows.length) {
    console.log(`\n## compose job (headless Chromium, ${cpus} cores; issue #4 §8; medians of ${REPS} after ${WARMUP} warm-up)`);
    console.log(table(COMPOSE_HEADERS, composeRows));
    console.log('The splice of (b) plus a 240×96 PNG logo (alpha, opacity 0.8) over both scenes and 20 captions (40 px, outline) → MP4 (H.264 + Opus).');
    console.log('mediabunny + canvas: its sample sinks → sources (Conversion cannot splice) through a `process` step drawing each frame, the logo');
    console.log('and the caption (canvas text) on an OffscreenCanvas, as a Conversion `process` callback would.');
    for (const r of composeRows) console.log(`- ${r.detail}`);
  }
  if (raster) {
    console.log(`\n## caption rasterization in the worker (wasm, 1080p; medians of ${REPS} rounds)`);
    console.log(table(RASTER_HEADERS, raster));
    console.log('The rasterOverlays bench export: overlay timeline → text renderer, as a render does, without video; style as the native');
    console.log('bench (Noto Sans 54 px, 3 px outline, soft shadow). Distinct cues miss the cache every round; 10 repeated texts hit it.');
  }
  if (fastRows.length) {
    console.log(`\n## browser fast paths (issue #8; medians of ${REPS}; re-encode = the same timeline with \`forceTranscode\`, so every frame is encoded)`);
    console.log(table(['case', 'fast path', 'fast s', 're-encode s', 'speed-up', 'target'], fastRows));
  }
  if (targets.length) {
    console.log('\n## browser target size (20 s 1080p → 720p MP4; at or under the target, ≥ 90 % of it)');
    console.log(table(['target bytes', 'output bytes', 'of target', 'passes', 's', 'target'], targets.map((t) => {
      const ratio = t.bytes / t.target;
      // Below the browser encoder's floor the job fails with target_size_unreachable ('auto' → server).
      const verdict = t.unreachable ? 'refused: target_size_unreachable' : ratio <= 1 && ratio >= 0.9 ? 'ok' : 'MISS';
      return { cells: [String(t.target), String(t.bytes), `${(ratio * 100).toFixed(1)} %`, String(t.passes), t.unreachable ? '–' : t.seconds.toFixed(2), verdict] };
    })));
  }
}

/** A fast-path row: medians of the fast and the re-encode renders, and the speed-up. */
function fastRow(kase, runs) {
  const seconds = (list) => median(list.map((r) => r.seconds));
  const [fast, encode] = [seconds(runs.fast), seconds(runs.encode)];
  const speedup = encode / fast;
  const path = runs.fast[0].fastPath + (runs.fast[0].fallback ? ` (fell back: ${runs.fast[0].fallback})` : '');
  const verdict = kase.target == null ? '' : speedup >= kase.target ? 'ok' : `MISS: < ${kase.target}×`;
  return { cells: [kase.name, path, fast.toFixed(2), encode.toFixed(2), `${speedup.toFixed(1)}×`, verdict] };
}

main().catch((error) => {
  console.error(`bench/browser: ${error.stack ?? error}`);
  process.exit(1);
});
