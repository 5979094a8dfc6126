// Range-only copies and preview proxies in headless Chromium: the worker's `extractRanges`
// writes a compact file of a 10-second cut of a 60-second source, and `engine.ingest` makes a
// 480p H.264 proxy of a high-bitrate 1080p clip in the browser, one of a HEVC clip on the real
// server on loopback (Chromium cannot decode HEVC), and none of a plain 480p clip.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startHarness } from './harness.js';
import { psnr, probeFile } from './media-check.js';
import { enginePage, freshDir } from './render-page.js';
import { repoRoot } from './fixtures.js';
import { KEY, startServer } from '../server/server.js';

const OUT = path.join(repoRoot, 'target/e2e-ingest');

let world;
let page;
let server;

before(async () => {
  world = await startHarness();
  await freshDir(OUT);
  const names = ['long_h264_aac.mp4', 'hd_high_bitrate.mp4', 'sd_480p.mp4', 'hevc_aac.mp4'];
  await Promise.all(names.map((name) => world.fixtures.make(name)));
  page = await enginePage(world);
  server = await startServer(['--cors-origin', new URL(world.url).origin]);
});

after(async () => {
  await server?.stop();
  await world?.close();
});

/** Copies a Blob out of the page as `name` in OUT (the page returns it as base64). */
async function save(base64, name) {
  const file = path.join(OUT, name);
  await writeFile(file, Buffer.from(base64, 'base64'));
  return file;
}

/** In the page: a Blob as base64. */
const TO_BASE64 = `async (blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}`;

describe('range-only copy in the worker', () => {
  test('a 10-second cut of a 60-second source keeps under 40 % of the bytes, at source times', async () => {
    const outcome = await page.evaluate(async (toBase64) => {
      const base64 = eval(toBase64);
      const blob = await (await fetch('/fixtures/long_h264_aac.mp4')).blob();
      const info = await window.engine.probe(blob);
      const [video, audio] = [info.tracks.find((t) => t.kind === 'video'), info.tracks.find((t) => t.kind === 'audio')];
      const us = (s) => Math.round(s * 1e6);
      const needs = {
        wholeFile: false,
        video: [{ trackId: video.id, fromUs: us(20), toUs: us(30), decodeFromUs: us(20) }],
        audio: [{ trackId: audio.id, fromUs: us(20), toUs: us(30), decodeFromUs: us(19.92) }],
      };
      const worker = new Worker('/frameloom/worker.js', { type: 'module' });
      let next = 1;
      const call = (type, payload) => new Promise((resolve, reject) => {
        const id = next++;
        const listen = ({ data }) => {
          if (data.id !== id) return;
          worker.removeEventListener('message', listen);
          if (data.ok) resolve(data.result);
          else reject(Object.assign(new Error(data.error.message), data.error));
        };
        worker.addEventListener('message', listen);
        worker.postMessage({ id, type, ...payload });
      });
      try {
        await call('init', { wasmUrl: '/frameloom/wasm/frameloom_bg.wasm' });
        const result = await call('extractRanges', { blob, needs });
        const refused = await call('extractRanges', { blob, needs: { ...needs, wholeFile: true } }).catch((e) => e.code);
        return { ...result, blob: undefined, base64: await base64(result.blob), blobSize: result.blob.size, refused };
      } finally {
        worker.terminate();
      }
    }, TO_BASE64);
    assert.equal(outcome.mimeType, 'video/mp4');
    assert.equal(outcome.blobSize, outcome.outputBytes);
    assert.ok(outcome.outputBytes < 0.4 * outcome.sourceBytes, `kept ${outcome.outputBytes} of ${outcome.sourceBytes} bytes`);
    assert.ok(outcome.worthIt && outcome.saving > 0.6);
    assert.equal(outcome.refused, 'invalid_input');
    const file = await save(outcome.base64, 'compact.mp4');
    const { video, audio } = await probeFile(file);
    assert.equal(video.codec_name, 'h264');
    assert.ok(Math.abs(Number(video.start_time) - 20) < 0.001, `video starts at ${video.start_time}`);
    assert.equal(Number(video.nb_read_frames), 300, 'five whole 2-second GOPs');
    assert.ok(Number(audio.start_time) > 19.7 && Number(audio.start_time) < 20, `audio starts at ${audio.start_time}`);
  });
});

describe('engine.ingest', () => {
  /** Ingests fixture `name` in the page (`on`: the engine, by default `window.engine`); returns the result with the proxy as base64. */
  function ingest(name, server = null) {
    return page.evaluate(async ({ name, toBase64, server }) => {
      const base64 = eval(toBase64);
      const { Engine } = await import('/frameloom/index.js');
      const engine = server ? await Engine.create({ server }) : window.engine;
      try {
        const blob = await (await fetch(`/fixtures/${name}`)).blob();
        const result = await engine.ingest(blob);
        return { reason: result.proxyReason ?? null, route: result.proxyRoute ?? null, error: result.proxyError?.code ?? null,
          probeSize: result.probe.size, size: blob.size, proxy: result.proxy ? await base64(result.proxy) : null,
          proxyType: result.proxy?.type ?? null };
      } finally {
        if (server) engine.terminate();
      }
    }, { name, toBase64: TO_BASE64, server });
  }

  test('a high-bitrate 1080p clip gets a 480p H.264 proxy in the browser', async () => {
    const got = await ingest('hd_high_bitrate.mp4');
    assert.equal(got.reason, 'bitrate');
    assert.equal(got.route, 'client');
    assert.equal(got.probeSize, got.size);
    assert.ok(got.proxy, 'a proxy was made');
    assert.match(got.proxyType, /^video\/mp4/);
    const file = await save(got.proxy, 'proxy.mp4');
    const { video, audio, format } = await probeFile(file);
    assert.equal(video.codec_name, 'h264');
    assert.deepEqual([video.width, video.height], [854, 480]);
    assert.equal(Number(video.nb_read_frames), 60);
    assert.equal(audio?.codec_name, 'opus', 'the proxy keeps the sound');
    assert.ok(Number(format.size) < got.size / 5, `proxy ${format.size} bytes vs ${got.size}`);
    const quality = await psnr(file, world.fixtures.file('hd_high_bitrate.mp4'), 854, 480);
    assert.ok(quality > 25, `the proxy shows the same pictures (PSNR ${quality} dB)`);
  });

  test('a HEVC clip gets its proxy from the server, or none without one', async () => {
    const alone = await ingest('hevc_aac.mp4');
    assert.deepEqual([alone.reason, alone.proxy, alone.error], ['not_decodable', null, 'server_unavailable']);
    const got = await ingest('hevc_aac.mp4', { url: server.url, apiKey: KEY });
    assert.deepEqual([got.reason, got.route], ['not_decodable', 'server']);
    const file = await save(got.proxy, 'hevc-proxy.mp4');
    const { video, audio } = await probeFile(file);
    assert.equal(video.codec_name, 'h264');
    assert.deepEqual([video.width, video.height], [640, 360], 'a 360p source keeps its size (proxies never upscale)');
    assert.equal(Number(video.nb_read_frames), 60);
    assert.equal(audio?.codec_name, 'opus');
    // The untagged 360p source is BT.601, the proxy BT.709: compare the same colours (about 35 dB).
    const quality = await psnr(file, world.fixtures.file('hevc_aac.mp4'), 640, 360, { referenceMatrix: 'bt601' });
    assert.ok(quality > 30, `the proxy shows the same pictures (PSNR ${quality} dB)`);
  });

  test('a plain 480p clip gets none', async () => {
    const got = await ingest('sd_480p.mp4');
    assert.equal(got.reason, null);
    assert.equal(got.proxy, null);
  });
});
