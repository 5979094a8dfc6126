// The npm package in headless Chromium: the wasm core runs in a dedicated worker and
// probes real files passed as Blobs; results match the native CLI on the same files.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nativeProbe } from './fixtures.js';
import { startHarness } from './harness.js';

let world;
let page;

before(async () => {
  world = await startHarness();
  page = await world.newPage();
});

after(async () => {
  await world?.close();
});

/** Creates an engine in the page, probes the served fixture as a Blob, and returns a serializable outcome. */
function probeInPage(name) {
  return page.evaluate(async (fixture) => {
    const { Engine, FrameloomError } = await import('/frameloom/index.js');
    const engine = await Engine.create();
    try {
      const response = await fetch(`/fixtures/${fixture}`);
      const blob = await response.blob();
      const info = await engine.probe(blob);
      const descriptions = info.tracks.map((t) => (t.description instanceof Uint8Array ? Array.from(t.description) : t.description));
      for (const track of info.tracks) delete track.description;
      return { ok: true, info, descriptions, blobSize: blob.size };
    } catch (error) {
      return {
        ok: false,
        isFrameloomError: error instanceof FrameloomError,
        name: error.name,
        error: { code: error.code, message: error.message },
      };
    } finally {
      engine.terminate();
    }
  }, name);
}

/** The browser result without the fields only the browser adds. */
function coreFields(info) {
  const { decodableHere, ...rest } = info;
  assert.equal(typeof decodableHere, 'boolean');
  return { ...rest, tracks: rest.tracks.map(({ decodableHere: d, ...track }) => track) };
}

describe('probe in a worker', () => {
  test('H.264/AAC MP4: container, codec, size, duration, keyframes, decodable here', async () => {
    const got = await probeInPage('h264_aac.mp4');
    assert.equal(got.ok, true, `probe failed: ${JSON.stringify(got.error)}`);
    const { info } = got;
    assert.equal(info.container, 'mp4');
    assert.equal(info.size, got.blobSize);
    assert.ok(Math.abs(info.duration - 2) < 0.1, `duration ${info.duration} is not about 2 s`);
    const video = info.tracks.find((t) => t.kind === 'video');
    assert.ok(video, 'no video track');
    assert.match(video.codec, /^avc1\./);
    assert.equal(video.video.width, 320);
    assert.equal(video.video.height, 240);
    assert.ok(video.keyframes.length >= 1, 'no keyframes');
    assert.equal(video.keyframes[0], 0);
    assert.equal(video.decodableHere, true, 'Chromium should decode H.264 with WebCodecs');
    const videoDescription = got.descriptions[info.tracks.indexOf(video)];
    assert.ok(Array.isArray(videoDescription) && videoDescription[0] === 1, 'the avcC record starts with version 1');
    const audio = info.tracks.find((t) => t.kind === 'audio');
    assert.ok(audio, 'no audio track');
    assert.match(audio.codec, /^mp4a\.40\./);
  });

  test('VP9/Opus WebM: container, codec, size, decodable here', async () => {
    const got = await probeInPage('vp9_opus.webm');
    assert.equal(got.ok, true, `probe failed: ${JSON.stringify(got.error)}`);
    assert.equal(got.info.container, 'webm');
    const video = got.info.tracks.find((t) => t.kind === 'video');
    assert.match(video.codec, /^vp09\./);
    assert.equal(video.video.width, 320);
    assert.equal(video.decodableHere, true, 'Chromium should decode VP9 with WebCodecs');
  });

  for (const name of ['h264_aac.mp4', 'vp9_opus.webm', 'png-renamed.mp4']) {
    test(`${name}: the browser (Blob) and the native CLI (file) read the same`, async () => {
      const [browser, native] = await Promise.all([probeInPage(name), nativeProbe(world.fixtures.file(name))]);
      if (native.ok) {
        assert.equal(browser.ok, true, `browser failed where native succeeded: ${JSON.stringify(browser.error)}`);
        assert.deepEqual(coreFields(browser.info), native.info);
      } else {
        assert.deepEqual(browser.error, native.error);
      }
    });
  }

  test('a PNG renamed .mp4 rejects with FrameloomError unknown_format', async () => {
    const got = await probeInPage('png-renamed.mp4');
    assert.equal(got.ok, false);
    assert.equal(got.isFrameloomError, true);
    assert.equal(got.name, 'FrameloomError');
    assert.equal(got.error.code, 'unknown_format');
    assert.match(got.error.message, /PNG/);
  });

  test('an empty file rejects with empty_file', async () => {
    const got = await probeInPage('empty.mp4');
    assert.equal(got.ok, false);
    assert.equal(got.error.code, 'empty_file');
  });
});

describe('engine lifecycle', () => {
  test('probe() refuses what is not a Blob', async () => {
    const code = await page.evaluate(async () => {
      const { Engine } = await import('/frameloom/index.js');
      const engine = await Engine.create();
      try {
        await engine.probe('not a blob');
        return 'resolved';
      } catch (error) {
        return error.code;
      } finally {
        engine.terminate();
      }
    });
    assert.equal(code, 'invalid_argument');
  });

  test('terminate() rejects pending and later calls', async () => {
    const codes = await page.evaluate(async () => {
      const { Engine } = await import('/frameloom/index.js');
      const engine = await Engine.create();
      const blob = await (await fetch('/fixtures/h264_aac.mp4')).blob();
      const pending = engine.probe(blob).then(() => 'resolved', (error) => error.code);
      engine.terminate();
      const later = await engine.probe(blob).then(() => 'resolved', (error) => error.code);
      return [await pending, later];
    });
    assert.deepEqual(codes, ['terminated', 'terminated']);
  });

  test('create() rejects clearly when the wasm cannot be loaded', async () => {
    const got = await page.evaluate(async () => {
      const { Engine } = await import('/frameloom/index.js');
      return Engine.create({ wasmUrl: '/missing.wasm' }).then(() => null, (error) => ({ code: error.code, message: error.message }));
    });
    assert.equal(got?.code, 'wasm_init_failed');
    assert.match(got.message, /missing\.wasm/);
  });

  test('create() rejects clearly when the worker cannot be loaded', async () => {
    const got = await page.evaluate(async () => {
      const { Engine } = await import('/frameloom/index.js');
      return Engine.create({ workerUrl: '/missing-worker.js' }).then(() => null, (error) => error.code);
    });
    assert.equal(got, 'worker_failed');
  });
});
