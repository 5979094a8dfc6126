// The packed npm tarball, installed into a fresh app: bundled by Vite (`vite build`) and loaded
// from a plain `<script type=module>` page, it finds its worker and wasm, probes, and renders a trim
// (checked with ffprobe).
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
import { probeFile } from './media-check.js';
import { freshDir, project, renderInPage } from './render-page.js';

const run = promisify(execFile);
let app;
let world;
let page;
let plain;
const OUT = path.join(repoRoot, 'target/e2e-package');
const MAIN = "import { Engine, FrameloomError } from 'frameloom';\nwindow.frameloom = { Engine, FrameloomError };\n";

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
  await writeFile(path.join(app, 'main.js'), MAIN);
  await build({ root: app, base: './', configFile: false, logLevel: 'error', build: { outDir: path.join(app, 'dist') } });
  // The unbundled source (a bare 'frameloom' import) must not load at the site's root, where pages start.
  await writeFile(path.join(app, 'index.html'), '<!doctype html><title>frameloom package test</title>\n');
  // The same app without a bundler: the package's ESM entry straight from node_modules.
  await writeFile(path.join(app, 'plain.html'), `<!doctype html><script type="module">${MAIN.replace("'frameloom'", "'./node_modules/frameloom/index.js'")}</script>\n`);
  await freshDir(OUT);
  world = await startHarness({ site: app });
  page = await world.newPage();
  await page.goto(`${world.url}dist/`);
  await page.waitForFunction(() => window.frameloom !== undefined);
  plain = await world.newPage();
  await plain.goto(`${world.url}plain.html`);
  await plain.waitForFunction(() => window.frameloom !== undefined);
});

after(async () => {
  await world?.close();
  if (app) await rm(app, { recursive: true, force: true });
});

function probeBundled(name, on = page) {
  return on.evaluate(async (fixture) => {
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

/** Renders seconds 0.5–1.5 of an MP4 with the package loaded in `on`; returns the output's ffprobe facts. */
async function renderTrim(on) {
  await on.evaluate(async () => { window.engine = await window.frameloom.Engine.create(); });
  const proj = project({ width: 320, height: 240, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'opus' }, { clip: 'h264_aac.mp4' },
    [[{ type: 'video', source: 'clip', trimStart: 0.5, trimEnd: 1.5 }]]);
  const got = await renderInPage(on, OUT, proj, { clip: 'h264_aac.mp4' }, { storage: 'memory' });
  await on.evaluate(() => window.engine.terminate());
  assert.equal(got.ok, true, `render failed: ${got.code}: ${got.message}`);
  return probeFile(got.file);
}

test('a Vite build of the package renders a trim', async () => {
  const got = await renderTrim(page);
  assert.equal(got.video.codec_name, 'h264');
  assert.ok(Math.abs(Number(got.format.duration) - 1) < 0.1, `duration ${got.format.duration}`);
  assert.equal(Number(got.video.nb_read_frames), 30);
});

test('a plain <script type=module> page probes and renders a trim with the package', async () => {
  assert.deepEqual(await probeBundled('png-renamed.mp4', plain), { ok: false, isFrameloomError: true, code: 'unknown_format' });
  const got = await renderTrim(plain);
  assert.equal(got.video.codec_name, 'h264');
  assert.equal(Number(got.video.nb_read_frames), 30);
});
