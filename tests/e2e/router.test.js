// The router with the real server on loopback and real Chromium: auto routing sends a HEVC
// source (which Chromium cannot decode) to the server and a 5-second trim to the browser; a
// 10-second cut uploads a range-only copy; with the server stopped the job renders in the
// browser; an upload cut at about 50 % (or by a page reload) resumes without sending the
// finished bytes again (counted by a tiny proxy); aborting deletes the server job; a server
// answering 429 sends the job back to the browser; a file the browser's decoder fails on goes
// to the server; server outputs are checked with ffprobe.
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';
import { ffmpeg, probeFile } from './media-check.js';
import { freshDir, project } from './render-page.js';
import { KEY, startServer } from '../server/server.js';

const OUT = path.join(repoRoot, 'target/e2e-router');
const OUTPUT = { width: 320, height: 240, fps: 30, format: 'mp4', audioCodec: 'none' };
const RECIPES = {
  'hevc.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=2', '-c:v', 'libx265', '-preset', 'ultrafast',
    '-tag:v', 'hvc1', '-x265-params', 'log-level=error'],
  'long.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=8', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-g', '30', '-pix_fmt', 'yuv420p'],
  'minute.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=60', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-g', '30', '-pix_fmt', 'yuv420p'],
  // Noise keeps the file large (a few MB) so an upload can be cut in the middle.
  'noisy.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=2,noise=alls=100:allf=t+u', '-c:v', 'libx264',
    '-preset', 'ultrafast', '-qp', '4', '-pix_fmt', 'yuv420p'],
};
const HEVC = project(OUTPUT, { clip: 'hevc.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 2 }]]);
const TRIM = project(OUTPUT, { clip: 'long.mp4' }, [[{ type: 'video', source: 'clip', trimStart: 1, trimEnd: 6 }]]);
const NOISY = project(OUTPUT, { clip: 'noisy.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 2 }]]);

let world;
let server;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  await Promise.all(Object.entries(RECIPES).map(([name, args]) => ffmpeg([...args, path.join(world.fixtures.dir, name)])));
  server = await startServer(['--cors-origin', new URL(world.url).origin]);
});

after(async () => {
  // A failed test leaves its proxy open; close it here so the file can still exit.
  await Promise.all([...openProxies].map((close) => close()));
  await server?.stop();
  await world?.close();
});

/** A harness page with `window.engine` talking to the server at `url`. */
async function enginePage(url, extra = {}) {
  const page = await world.newPage();
  await page.evaluate(async ({ url, key, extra }) => {
    const { Engine } = await import('/frameloom/index.js');
    window.engine = await Engine.create({ server: { url, apiKey: key, ...extra } });
  }, { url, key: KEY, extra });
  return page;
}

/** `engine.estimate` of `proj` with `sources` ({ id: fixture name }). */
function estimate(page, proj, sources) {
  return page.evaluate(async ({ proj, sources }) => {
    const files = {};
    for (const [id, name] of Object.entries(sources)) files[id] = await (await fetch(`/fixtures/${name}`)).blob();
    return window.engine.estimate(proj, files);
  }, { proj, sources });
}

/** Renders `proj` in `page` on `route`; returns `{ base64, route, reason, stats, mimeType, events }`. */
async function render(page, proj, sources, route = 'auto') {
  const outcome = await page.evaluate(async ({ proj, sources, route }) => {
    const files = {};
    for (const [id, name] of Object.entries(sources)) files[id] = await (await fetch(`/fixtures/${name}`)).blob();
    const events = [];
    try {
      const result = await window.engine.render(proj, { files, route, onProgress: (event) => events.push(event) }).done;
      const bytes = new Uint8Array(await result.blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { ok: true, base64: btoa(binary), route: result.route, reason: result.reason, stats: result.stats, mimeType: result.mimeType, events };
    } catch (error) {
      return { ok: false, code: error.code, message: error.message, events };
    }
  }, { proj, sources, route });
  assert.ok(outcome.ok, `render failed: ${outcome.code}: ${outcome.message}`);
  return outcome;
}

/** Writes the rendered file and checks it with ffprobe: H.264, 320×240, about `seconds` long. */
async function checkOutput(outcome, name, seconds) {
  const file = path.join(OUT, name);
  await writeFile(file, Buffer.from(outcome.base64, 'base64'));
  const info = await probeFile(file);
  const { video } = info;
  assert.equal(video.codec_name, 'h264');
  assert.equal(video.width, 320);
  assert.equal(video.height, 240);
  assert.ok(Math.abs(Number(info.format.duration) - seconds) < 0.2, `duration ${info.format.duration}, expected ${seconds}`);
  assert.equal(Number(video.nb_read_frames), seconds * 30);
  return file;
}

test('auto routing sends a HEVC source to the server and a 5-second trim to the browser', async () => {
  const page = await enginePage(server.url);
  const hevc = await estimate(page, HEVC, { clip: 'hevc.mp4' });
  assert.equal(hevc.choice, 'server', JSON.stringify(hevc.reasons));
  assert.equal(hevc.clientFeasible, false);
  assert.match(hevc.reasons[0], /cannot decode hvc1/);
  assert.ok(hevc.server.seconds > 0 && hevc.server.breakdown.upload >= 0);
  const trim = await estimate(page, TRIM, { clip: 'long.mp4' });
  assert.equal(trim.choice, 'client', JSON.stringify(trim));
  assert.ok(trim.client.seconds > 0 && trim.server.seconds > 0);

  const size = (await stat(path.join(world.fixtures.dir, 'hevc.mp4'))).size;
  const remote = await render(page, HEVC, { clip: 'hevc.mp4' });
  assert.equal(remote.route, 'server');
  assert.match(remote.reason, /cannot decode hvc1/);
  assert.equal(remote.stats.uploadedBytes, size);
  assert.equal(remote.stats.downloadedBytes, Buffer.from(remote.base64, 'base64').length);
  assert.equal(remote.stats.frames, 60);
  assert.equal(remote.stats.encoder, 'libx264', 'the server job stats name its encoder');
  assert.equal(remote.stats.storage, 'memory', 'a small download stays in memory like a small client render (16 MiB, then OPFS)');
  assert.ok(remote.events.some((e) => e.stage === 'upload') && remote.events.some((e) => e.stage === 'server'));
  await checkOutput(remote, 'hevc-server.mp4', 2);
  // The same source again: the server has it (HEAD /sources/{sha256}), nothing is uploaded.
  const again = await render(page, HEVC, { clip: 'hevc.mp4' });
  assert.equal(again.route, 'server');
  assert.equal(again.stats.uploadedBytes, 0);

  const local = await render(page, TRIM, { clip: 'long.mp4' });
  assert.equal(local.route, 'client', local.reason);
  assert.equal(local.stats.uploadedBytes, 0);
  await checkOutput(local, 'trim-client.mp4', 5);
  await page.close();
});

test('a 10-second cut of a 60-second source uploads a range-only copy under 40 % of its bytes', async () => {
  const size = (await stat(path.join(world.fixtures.dir, 'minute.mp4'))).size;
  const cut = project(OUTPUT, { clip: 'minute.mp4' }, [[{ type: 'video', source: 'clip', trimStart: 20, trimEnd: 30 }]]);
  const page = await enginePage(server.url);
  const outcome = await render(page, cut, { clip: 'minute.mp4' }, 'server');
  assert.equal(outcome.route, 'server');
  assert.equal(outcome.stats.rangeOnlySources, 1);
  assert.ok(outcome.stats.uploadedBytes > 0 && outcome.stats.uploadedBytes < 0.4 * size,
    `${outcome.stats.uploadedBytes} bytes uploaded of a ${size}-byte source`);
  await checkOutput(outcome, 'cut-range-only.mp4', 10);
  await page.close();
});

test('with the server stopped the job renders in the browser', async () => {
  const gone = await startServer(['--cors-origin', new URL(world.url).origin]);
  const page = await enginePage(gone.url);
  await gone.stop();
  const decision = await estimate(page, TRIM, { clip: 'long.mp4' });
  assert.equal(decision.choice, 'client');
  assert.equal(decision.server, null);
  assert.match(decision.reasons[0], /cannot be reached/);
  const outcome = await render(page, TRIM, { clip: 'long.mp4' });
  assert.equal(outcome.route, 'client');
  assert.match(outcome.reason, /cannot be reached/);
  await checkOutput(outcome, 'trim-offline-server.mp4', 5);
  await page.close();
});

test('an upload cut at about 50 % resumes without sending the finished bytes again', async () => {
  const size = (await stat(path.join(world.fixtures.dir, 'noisy.mp4'))).size;
  assert.ok(size > 1_000_000, `the noisy fixture is only ${size} bytes`);
  const proxy = await cuttingProxy(server.url, Math.floor(size / 2));
  const page = await enginePage(proxy.url);
  const outcome = await render(page, NOISY, { clip: 'noisy.mp4' }, 'server');
  assert.equal(outcome.route, 'server');
  assert.equal(proxy.cuts, 1, 'the proxy cut one upload request');
  // One PATCH after the cut, from the offset HEAD confirmed (the server's tus responses close
  // their connection, so Chromium does not silently re-send the cut PATCH from offset 0).
  assert.equal(proxy.patchOffsets.length, 2, `PATCH offsets: ${proxy.patchOffsets}`);
  assert.ok(proxy.patchOffsets[1] >= size / 2 * 0.9, `resumed from the server's offset: ${proxy.patchOffsets}`);
  // Only what was in flight when the connection dropped is sent twice.
  assert.ok(proxy.patchBytes < size * 1.05, `${proxy.patchBytes} bytes sent for a ${size}-byte file`);
  assert.ok(outcome.events.some((e) => /interrupted/.test(e.message ?? '')), 'progress events say the upload is resuming');
  await checkOutput(outcome, 'noisy-server.mp4', 2);
  await page.close();
  await proxy.close();
});

test('an upload cut by a page reload resumes from IndexedDB on the next page', async () => {
  const size = (await stat(path.join(world.fixtures.dir, 'noisy.mp4'))).size;
  const own = await startServer(['--cors-origin', new URL(world.url).origin]);
  const proxy = await cuttingProxy(own.url, Math.floor(size / 2), { blockAfterCut: true });
  const page = await enginePage(proxy.url);
  const first = page.evaluate(async (proj) => {
    const files = { clip: await (await fetch('/fixtures/noisy.mp4')).blob() };
    return window.engine.render(proj, { files, route: 'server' }).done.then(() => 'done', (error) => error.code);
  }, NOISY).catch(() => 'page gone');
  while (proxy.cuts === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await page.reload();
  assert.equal(await first, 'page gone');
  proxy.blocked = false;
  await page.evaluate(async ({ url, key }) => {
    const { Engine } = await import('/frameloom/index.js');
    window.engine = await Engine.create({ server: { url, apiKey: key } });
  }, { url: proxy.url, key: KEY });
  const outcome = await render(page, NOISY, { clip: 'noisy.mp4' }, 'server');
  assert.equal(outcome.route, 'server');
  assert.ok(outcome.stats.uploadedBytes < size, `the second page sent only the rest (${outcome.stats.uploadedBytes} of ${size})`);
  assert.ok(proxy.patchOffsets.at(-1) > 0, `the second page resumed at the server's offset: ${proxy.patchOffsets}`);
  assert.ok(proxy.patchBytes < size * 1.2, `${proxy.patchBytes} bytes sent for a ${size}-byte file`);
  await checkOutput(outcome, 'noisy-reload.mp4', 2);
  await page.close();
  await proxy.close();
  await own.stop();
});

test('aborting a server render deletes the server job', async () => {
  const own = await startServer(['--cors-origin', new URL(world.url).origin]);
  const page = await enginePage(own.url);
  const big = project({ ...OUTPUT, width: 1280, height: 720 }, { clip: 'long.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 8 }]]);
  const outcome = await page.evaluate(async (proj) => {
    const files = { clip: await (await fetch('/fixtures/long.mp4')).blob() };
    const controller = new AbortController();
    const job = window.engine.render(proj, {
      files,
      route: 'server',
      signal: controller.signal,
      onProgress: (event) => {
        if (event.stage === 'server') controller.abort();
      },
    });
    return job.done.then(() => ({ ok: true }), (error) => ({ ok: false, name: error.name }));
  }, big);
  assert.deepEqual(outcome, { ok: false, name: 'AbortError' });
  const metrics = async () => {
    const response = await fetch(`${own.url}/metrics`, { headers: { Authorization: `Bearer ${KEY}` } });
    return /^frameloom_jobs_cancelled_total (\d+)/m.exec(await response.text())?.[1];
  };
  for (let i = 0; i < 50 && (await metrics()) !== '1'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(await metrics(), '1', 'the server job was cancelled');
  await page.close();
  await own.stop();
});

/**
 * In `page`: stores a device profile for this browser that makes it look very slow, so `auto`
 * picks the server for jobs the browser could render (what a weak phone's benchmark gives);
 * returns a function that removes it. The engine's worker reads the profile from IndexedDB.
 */
async function slowDevice(page) {
  const run = (action) => page.evaluate(async (action) => {
    const { deviceKey } = await import('/frameloom/route/device.js');
    const key = deviceKey();
    const slow = { decodePps: 1e4, encodePps: 1e4, compositePps: 1e4, setupSeconds: 60, memoryBudgetBytes: 2 ** 31 };
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('frameloom', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('kv');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite');
      if (action === 'put') tx.objectStore('kv').put(slow, key);
      else tx.objectStore('kv').delete(key);
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, action);
  await run('put');
  return () => run('delete');
}

test('a server answering 429 to the job sends it back to the browser, and says so', async () => {
  // No job may wait: every POST /jobs is refused with 429.
  const full = await startServer(['--cors-origin', new URL(world.url).origin, '--max-queued', '0']);
  const page = await world.newPage();
  const forget = await slowDevice(page);
  // A fade makes the browser encode (on a slow device); a plain trim is a packet copy, fast anywhere.
  const faded = project(OUTPUT, { clip: 'long.mp4' }, [[{ type: 'video', source: 'clip', trimStart: 1, trimEnd: 6, fadeIn: 1 }]]);
  try {
    await page.evaluate(async ({ url, key }) => {
      const { Engine } = await import('/frameloom/index.js');
      window.engine = await Engine.create({ server: { url, apiKey: key } });
    }, { url: full.url, key: KEY });
    const decision = await estimate(page, faded, { clip: 'long.mp4' });
    assert.equal(decision.choice, 'server', JSON.stringify(decision));
    assert.equal(decision.clientFeasible, true);
    const outcome = await render(page, faded, { clip: 'long.mp4' });
    assert.equal(outcome.route, 'client');
    assert.match(outcome.reason, /queue|busy|429/i);
    assert.ok(outcome.stats.uploadedBytes === 0, 'the client result reports no upload');
    const said = outcome.events.find((e) => /rendering in this browser instead/.test(e.message ?? ''));
    assert.ok(said, `a progress event says the job moved: ${JSON.stringify(outcome.events.filter((e) => e.message))}`);
    await checkOutput(outcome, 'trim-server-busy.mp4', 5);
  } finally {
    await forget();
    await page.close();
    await full.stop();
  }
});

test('a source the browser claims to decode but fails on is rendered on the server', async () => {
  // 4 KB of 0xFF in the middle of the media data: Chromium's decoder stops at the damaged NAL
  // unit ("decode_failed"), ffmpeg skips it and renders the file.
  const clean = path.join(world.fixtures.dir, 'clean.mp4');
  await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-g', '30', '-pix_fmt', 'yuv420p', clean]);
  const bytes = await readFile(clean);
  const mdat = bytes.indexOf('mdat') - 4;
  const middle = mdat + Math.floor(bytes.readUInt32BE(mdat) / 2);
  bytes.fill(0xff, middle, middle + 4000);
  await writeFile(path.join(world.fixtures.dir, 'damaged.mp4'), bytes);
  // A smaller output: the server decodes and re-encodes (a stream copy would keep the damage).
  const damaged = project({ ...OUTPUT, width: 240, height: 180 }, { clip: 'damaged.mp4' }, [[{ type: 'video', source: 'clip', trimEnd: 2 }]]);
  const page = await enginePage(server.url);
  const decision = await estimate(page, damaged, { clip: 'damaged.mp4' });
  assert.equal(decision.choice, 'client', 'the browser says it can decode H.264');
  const outcome = await render(page, damaged, { clip: 'damaged.mp4' });
  assert.equal(outcome.route, 'server');
  assert.match(outcome.reason, /decoder failed/);
  assert.ok(outcome.events.some((e) => /rendering on the server instead/.test(e.message ?? '')), 'progress says the job moved');
  assert.ok(outcome.stats.uploadedBytes > 0);
  const file = path.join(OUT, 'damaged-server.mp4');
  await writeFile(file, Buffer.from(outcome.base64, 'base64'));
  const { video } = await probeFile(file);
  assert.deepEqual([video.codec_name, video.width, video.height, Number(video.nb_read_frames)], ['h264', 240, 180, 60]);
  await page.close();
});

/**
 * A loopback proxy to `target` that counts PATCH body bytes and drops the connection of the
 * PATCH during which the count passes `cutAt` (once). With `blockAfterCut`, every request after
 * the cut is dropped too until the test sets `blocked = false`.
 */
async function cuttingProxy(target, cutAt, { blockAfterCut = false } = {}) {
  const state = { patchBytes: 0, cuts: 0, patchOffsets: [], blocked: false };
  const proxy = createServer((req, res) => {
    if (state.blocked) {
      req.socket.destroy();
      return;
    }
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    if (req.method === 'PATCH') state.patchOffsets.push(Number(req.headers['upload-offset']));
    req.on('data', (chunk) => {
      if (req.method !== 'PATCH') return upstream.write(chunk);
      state.patchBytes += chunk.length;
      if (state.cuts === 0 && state.patchBytes >= cutAt) {
        state.cuts += 1;
        state.blocked = blockAfterCut;
        upstream.destroy();
        req.socket.destroy();
        return;
      }
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const close = () => {
    openProxies.delete(close);
    proxy.closeAllConnections();
    return new Promise((resolve) => proxy.close(resolve));
  };
  openProxies.add(close);
  return Object.assign(state, { url: `http://127.0.0.1:${proxy.address().port}`, close });
}

/** The `close` of every cutting proxy still open. */
const openProxies = new Set();
