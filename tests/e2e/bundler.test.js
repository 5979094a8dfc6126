// The packed npm tarball, installed and bundled by Vite, still finds its worker and wasm.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'vite';
import { repoRoot } from './fixtures.js';
import { startHarness } from './harness.js';

const run = promisify(execFile);
let app;
let world;
let page;

/** Unpacks target/npm/frameloom-*.tgz into `dir`/node_modules/frameloom, as `npm install <tarball>` would. */
async function installTarball(dir) {
  const npmDir = path.join(repoRoot, 'target/npm');
  const tarball = (await readdir(npmDir)).find((name) => /^frameloom-.*\.tgz$/.test(name));
  assert.ok(tarball, `no tarball in ${npmDir}: run 'make package' (or 'make test') first`);
  const dest = path.join(dir, 'node_modules/frameloom');
  await mkdir(dest, { recursive: true });
  await run('tar', ['-xzf', path.join(npmDir, tarball), '-C', dest, '--strip-components=1']);
}

before(async () => {
  app = await mkdtemp(path.join(tmpdir(), 'frameloom-vite-'));
  await installTarball(app);
  await writeFile(path.join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
  await writeFile(path.join(app, 'main.js'), "import { Engine, FrameloomError } from 'frameloom';\nwindow.frameloom = { Engine, FrameloomError };\n");
  await build({ root: app, configFile: false, logLevel: 'error', build: { outDir: path.join(app, 'dist') } });
  world = await startHarness({ site: path.join(app, 'dist') });
  page = await world.newPage();
  await page.waitForFunction(() => window.frameloom !== undefined);
});

after(async () => {
  await world?.close();
  if (app) await rm(app, { recursive: true, force: true });
});

function probeBundled(name) {
  return page.evaluate(async (fixture) => {
    const { Engine, FrameloomError } = window.frameloom;
    const engine = await Engine.create();
    try {
      const info = await engine.probe(await (await fetch(`/fixtures/${fixture}`)).blob());
      return { ok: true, container: info.container, codecs: info.tracks.map((t) => t.codec) };
    } catch (error) {
      return { ok: false, isFrameloomError: error instanceof FrameloomError, code: error.code };
    } finally {
      engine.terminate();
    }
  }, name);
}

test('a Vite build of the package rejects a PNG with unknown_format', async () => {
  assert.deepEqual(await probeBundled('png-renamed.mp4'), { ok: false, isFrameloomError: true, code: 'unknown_format' });
});

test('a Vite build of the package probes an MP4', async () => {
  const got = await probeBundled('h264_aac.mp4');
  assert.equal(got.ok, true, `probe failed with ${got.code}`);
  assert.equal(got.container, 'mp4');
  assert.ok(got.codecs.some((codec) => codec.startsWith('avc1.')), got.codecs.join(', '));
});
