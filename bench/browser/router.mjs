// `make bench`, router part: a matrix of jobs (short and long, 480p to 1080p, 0 to 1,000
// subtitles, a HEVC source, a splice, a 10-second cut of a minute) rendered both ways — in
// headless Chromium through the engine (`route: 'client'`) and on the real server on loopback
// (`route: 'server'`: hash, upload, render, download, all timed) — next to the router's
// predictions from `engine.estimate`. Prints, per job and side, predicted and measured seconds,
// and the share of jobs where the router chose the faster side and of estimates within ±35 %.
//
//   node bench/browser/router.mjs          (after `make site`)
//   BENCH_ROUTER_JOBS=1,8 node bench/browser/router.mjs
//   BENCH_ROUTER_VERBOSE=1 …   (also prints each estimate's breakdown and the device profile)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SITE, launchChromium } from '../../tests/e2e/harness.js';
import { serveStatic } from '../../tests/e2e/static-server.js';
import { KEY, startServer } from '../../tests/server/server.js';

const run = promisify(execFile);
// The servers' per-job log lines would bury the progress lines.
process.env.RUST_LOG ??= 'warn';
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = path.join(REPO, 'target/bench-fixtures');
/** Targets: the faster side chosen this often, estimates within this relative error. */
const CHOICE_TARGET = 0.9;
const ERROR_TARGET = 0.35;
/** Client renders per job (their median is compared); the server side runs once, on a fresh server. */
const CLIENT_RUNS = Number(process.env.BENCH_ROUTER_CLIENT_RUNS ?? 3);

/** An H.264/AAC clip (`video` lavfi source at `size`, 30 fps, `seconds` long), like a phone's: B-frames, 1 s GOP. */
function clip(video, size, seconds, codec = ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '30']) {
  return ['-f', 'lavfi', '-i', `${video}=size=${size}:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-ac', '2',
    ...codec, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart'];
}

/** Sources, made once into target/bench-fixtures (cached by name). */
const INPUTS = {
  'r480s.mp4': clip('testsrc2', '854x480', 5),
  'r480m.mp4': clip('testsrc2', '854x480', 60),
  'r720.mp4': clip('testsrc2', '1280x720', 10),
  'r720a.mp4': clip('testsrc2', '1280x720', 6),
  'r720b.mp4': clip('testsrc', '1280x720', 6),
  'r1080s.mp4': clip('testsrc2', '1920x1080', 5),
  'r1080l.mp4': clip('testsrc2', '1920x1080', 15),
  'hevc720.mp4': clip('testsrc2', '1280x720', 6, ['-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-x265-params', 'log-level=error']),
};

const P480 = { width: 854, height: 480, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'opus' };
const P720 = { ...P480, width: 1280, height: 720 };
const P1080 = { ...P480, width: 1920, height: 1080 };

/** `count` subtitle cues spread over `seconds`. */
function cues(count, seconds) {
  const step = seconds / count;
  return Array.from({ length: count }, (_, i) => ({ start: i * step, end: (i + 1) * step, text: `Line ${i + 1} of the subtitles` }));
}

/** A v1 project: one scene per entry of `scenes` (video layers `{ source, trimStart, trimEnd }`), plus `subtitles` cues on the first. */
function project(output, sources, scenes, subtitles = 0) {
  const layers = scenes.map((videos) => videos.map((l) => ({ type: 'video', ...l })));
  if (subtitles > 0) {
    const seconds = scenes[0].reduce((m, l) => Math.max(m, l.trimEnd - (l.trimStart ?? 0)), 0);
    layers[0].push({ type: 'subtitles', cues: cues(subtitles, seconds) });
  }
  const entries = Object.entries(sources).map(([id, name]) => [id, { kind: 'video', name, size: 1 }]);
  return { version: 1, output, sources: Object.fromEntries(entries), scenes: layers.map((l) => ({ layers: l })) };
}

/** The matrix. */
const JOBS = [
  { id: 1, name: '480p trim 5 s', project: project(P480, { c: 'r480s.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 5 }]]) },
  { id: 2, name: '480p, 60 s whole', project: project(P480, { c: 'r480m.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 60 }]]) },
  { id: 3, name: '480p, 10 s cut of 60 s', project: project(P480, { c: 'r480m.mp4' }, [[{ source: 'c', trimStart: 20, trimEnd: 30 }]]) },
  { id: 4, name: '720p trim 2–8 s', project: project(P720, { c: 'r720.mp4' }, [[{ source: 'c', trimStart: 2, trimEnd: 8 }]]) },
  { id: 5, name: '720p → 480p, 10 s', project: project(P480, { c: 'r720.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 10 }]]) },
  { id: 6, name: '1080p trim 5 s', project: project(P1080, { c: 'r1080s.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 5 }]]) },
  { id: 7, name: '1080p → 720p, 10 s', project: project(P720, { c: 'r1080l.mp4' }, [[{ source: 'c', trimStart: 5, trimEnd: 15 }]]) },
  { id: 8, name: '1080p → WebM VP9, 5 s', project: project({ ...P1080, format: 'webm', videoCodec: 'vp9' }, { c: 'r1080s.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 5 }]]) },
  { id: 9, name: 'HEVC 720p, 6 s', project: project(P720, { c: 'hevc720.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 6 }]]) },
  { id: 10, name: 'splice A[0–4] + B[2–6], 720p', project: project(P720, { a: 'r720a.mp4', b: 'r720b.mp4' }, [[{ source: 'a', trimStart: 0, trimEnd: 4 }], [{ source: 'b', trimStart: 2, trimEnd: 6 }]]) },
  { id: 11, name: '480p + 100 subtitles', project: project(P480, { c: 'r480s.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 5 }]], 100) },
  { id: 12, name: '720p + 1,000 subtitles', project: project(P720, { c: 'r720.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 10 }]], 1000) },
  { id: 13, name: '1080p + 100 subtitles, 5 s', project: project(P1080, { c: 'r1080s.mp4' }, [[{ source: 'c', trimStart: 0, trimEnd: 5 }]], 100) },
];

async function makeInputs() {
  await mkdir(FIXTURES, { recursive: true });
  for (const [name, args] of Object.entries(INPUTS)) {
    const file = path.join(FIXTURES, name);
    if (existsSync(file)) continue;
    console.error(`bench router: making ${name}`);
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args, `${file}.part.mp4`]);
    await rename(`${file}.part.mp4`, file);
  }
}

/**
 * Waits for the fresh server's start-up measurement and returns its `/capacity` once it says
 * `measured` (each request waits up to 2 s for it), as a server that has been up for a while
 * has it: else it runs while the page measures its device and each side slows the other's figures.
 */
async function settled(url) {
  for (;;) {
    const response = await fetch(`${url}/capacity`, { headers: { Authorization: `Bearer ${KEY}` } });
    if (!response.ok) throw new Error(`GET /capacity: ${response.status}`);
    const capacity = await response.json();
    if (capacity.measured) return capacity;
  }
}

/** In the page: a fresh engine on the server at `url`, the job's files as Blobs (cached). */
async function openEngine(page, url) {
  await page.evaluate(async ({ url, key }) => {
    window.engine?.terminate();
    const { Engine } = await import('/frameloom/index.js');
    window.engine = await Engine.create({ server: { url, apiKey: key } });
    window.blobs ??= {};
  }, { url, key: KEY });
}

/**
 * The router's prediction for `job`: `{ client, server, choice, reasons }` with seconds per side
 * (`null` for a side it has no estimate for), or `null` when this engine has no `estimate`.
 * The only place that reads the estimate's shape.
 */
async function predict(page, job) {
  return page.evaluate(async ({ project, sources }) => {
    if (typeof window.engine.estimate !== 'function') return null;
    const files = {};
    for (const [id, name] of Object.entries(sources)) files[id] = window.blobs[name] ??= await (await fetch(`/fixtures/${name}`)).blob();
    const d = await window.engine.estimate(project, files);
    const parts = (e) => e && Object.fromEntries(Object.entries(e.breakdown).map(([k, v]) => [k, Math.round(v * 100) / 100]));
    return { client: d.clientFeasible ? d.client.seconds : null, server: d.server?.seconds ?? null, choice: d.choice, reasons: d.reasons,
      breakdown: { client: parts(d.client), server: parts(d.server) } };
  }, { project: job.project, sources: sourcesOf(job) });
}

/** In the page: the device profiles the worker stored in IndexedDB (for BENCH_ROUTER_VERBOSE). */
function deviceProfile(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('frameloom');
    open.onsuccess = () => {
      const all = open.result.transaction('kv').objectStore('kv').getAll();
      all.onsuccess = () => resolve(all.result.filter((v) => v && typeof v === 'object' && 'encodePps' in v));
      all.onerror = () => resolve(null);
    };
    open.onerror = () => resolve(null);
  }));
}

/** Renders `job` on `route` in the page; `{ seconds, uploadedBytes }` or `{ error }`. */
async function measure(page, job, route) {
  return page.evaluate(async ({ project, sources, route }) => {
    const files = {};
    for (const [id, name] of Object.entries(sources)) files[id] = window.blobs[name] ??= await (await fetch(`/fixtures/${name}`)).blob();
    const started = performance.now();
    try {
      const result = await window.engine.render(project, { files, route }).done;
      return { seconds: (performance.now() - started) / 1000, route: result.route, uploadedBytes: result.stats?.uploadedBytes ?? 0 };
    } catch (error) {
      return { error: `${error.code ?? error.name}: ${error.message}` };
    }
  }, { project: job.project, sources: sourcesOf(job), route });
}

/**
 * The client side of `job`, rendered CLIENT_RUNS times (a sub-second job varies by tens of
 * milliseconds between runs), each run after its own estimate (the first render of a page pays
 * a cold start the router predicts); sets `predicted.client` to the median prediction and
 * returns the median measurement, or the first run's error.
 */
async function measureClient(page, job, predicted) {
  const runs = [];
  for (let i = 0; i < CLIENT_RUNS; i++) {
    const estimate = i === 0 ? predicted : await predict(page, job);
    const measured = await measure(page, job, 'client');
    if (measured.error) return measured;
    runs.push({ estimate: estimate?.client, seconds: measured.seconds });
  }
  if (predicted && predicted.client != null) predicted.client = median(runs.map((r) => r.estimate));
  return { seconds: median(runs.map((r) => r.seconds)), runs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function sourcesOf(job) {
  return Object.fromEntries(Object.entries(job.project.sources).map(([id, s]) => [id, s.name]));
}

/** Relative error of `predicted` against `measured`, or null when either is missing. */
function relError(predicted, measured) {
  return predicted != null && measured != null ? (predicted - measured) / measured : null;
}

const fmt = (x) => (x == null ? '—' : x.toFixed(2));
const pct = (x) => (x == null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)} %`);

function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main() {
  if (!existsSync(path.join(SITE, 'frameloom/wasm/frameloom_bg.wasm'))) throw new Error(`${SITE} is not built: run 'make site' first`);
  await makeInputs();
  const wanted = process.env.BENCH_ROUTER_JOBS?.split(',').map(Number);
  const jobs = JOBS.filter((j) => !wanted || wanted.includes(j.id));
  const loadBefore = os.loadavg()[0];
  const site = await serveStatic({ '/': SITE, '/fixtures/': FIXTURES });
  const browser = await launchChromium();
  const results = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(site.url);
    for (const job of jobs) {
      // A fresh server per job: an empty queue, and no source uploaded yet (each job pays its upload).
      const server = await startServer(['--cors-origin', new URL(site.url).origin], { release: true });
      try {
        const capacity = await settled(server.url);
        await openEngine(page, server.url);
        const predicted = await predict(page, job);
        const client = await measureClient(page, job, predicted);
        const remote = await measure(page, job, 'server');
        results.push({ job, predicted, client, server: remote });
        if (process.env.BENCH_ROUTER_VERBOSE) {
          console.error(`bench router: ${job.id}. breakdown ${JSON.stringify(predicted?.breakdown)}; device ${JSON.stringify(await deviceProfile(page))}`);
          console.error(`bench router: ${job.id}. capacity ${JSON.stringify(capacity)}`);
          console.error(`bench router: ${job.id}. client runs (predicted, measured s): ${(client.runs ?? []).map((r) => `${r.estimate?.toFixed(3)}, ${r.seconds.toFixed(3)}`).join('; ')}`);
        }
        console.error(`bench router: ${job.id}. ${job.name}: predicted ${JSON.stringify(predicted && { client: predicted.client, server: predicted.server, choice: predicted.choice })}, `
          + `client ${client.error ?? `${client.seconds.toFixed(2)} s`}, server ${remote.error ?? `${remote.seconds.toFixed(2)} s (${remote.uploadedBytes} B up)`}`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
    await site.close();
  }
  report(results, [loadBefore, os.loadavg()[0]]);
}

/** Prints the table and the two shares; `load` is the 1-minute load average before and after the run. */
function report(results, load) {
  let chosen = 0;
  let decided = 0;
  let within = 0;
  let estimated = 0;
  const rows = results.map(({ job, predicted, client, server }) => {
    const measured = { client: client.error ? null : client.seconds, server: server.error ? null : server.seconds };
    const faster = measured.client == null && measured.server == null ? null
      : measured.server == null || (measured.client != null && measured.client <= measured.server) ? 'client' : 'server';
    const errors = { client: relError(predicted?.client, measured.client), server: relError(predicted?.server, measured.server) };
    for (const e of [errors.client, errors.server]) {
      if (e == null) continue;
      estimated++;
      if (Math.abs(e) <= ERROR_TARGET) within++;
    }
    if (predicted && faster) {
      decided++;
      if (predicted.choice === faster) chosen++;
    }
    const mark = !predicted || !faster ? '—' : predicted.choice === faster ? 'ok' : 'MISS';
    return [`${job.id}. ${job.name}`, fmt(predicted?.client), client.error ? 'fails' : fmt(measured.client), pct(errors.client),
      fmt(predicted?.server), server.error ? 'fails' : fmt(measured.server), pct(errors.server), predicted?.choice ?? '—', faster ?? '—', mark];
  });
  const cpus = os.cpus().length;
  console.log(`## router accuracy (headless Chromium and frameloom-server on loopback, ${cpus} cores, load average ${load.map((l) => l.toFixed(1)).join(' → ')}; client: median of ${CLIENT_RUNS} runs, each after its own estimate; server: one run)`);
  console.log(table(['job', 'client predicted s', 'client measured s', 'client error', 'server predicted s', 'server measured s',
    'server error', 'router chose', 'faster', 'target'], rows));
  if (decided === 0) {
    console.log('No predictions: this engine has no estimate() (the router is not merged); measured seconds only.');
  } else {
    const share = chosen / decided;
    const accurate = estimated ? within / estimated : 0;
    console.log(`Faster side chosen: ${chosen}/${decided} = ${(share * 100).toFixed(0)} % (target ≥ ${CHOICE_TARGET * 100} %) ${share >= CHOICE_TARGET ? 'ok' : 'MISS'}.`);
    console.log(`Estimates within ±${ERROR_TARGET * 100} %: ${within}/${estimated} = ${(accurate * 100).toFixed(0)} % ${accurate === 1 ? 'ok' : 'MISS'}.`);
  }
  console.log('Measured seconds run from engine.render() to done with the files already in memory: client = decode, composite, encode,');
  console.log('mux in the worker; server = hash, upload over tus, queue, render, download (each job gets a fresh server and pays its upload).');
  console.log('"fails" = that side cannot render the job (e.g. HEVC in Chromium); the other side is then the faster.');
  for (const { job, client, server } of results) {
    for (const [side, r] of [['client', client], ['server', server]]) if (r.error) console.log(`- ${job.id} ${side}: ${r.error}`);
  }
}

main().catch((error) => {
  console.error(`bench/browser/router: ${error.stack ?? error}`);
  process.exit(1);
});
