// The editor page (www/) on the real server binary, in Debian's Chromium at 1280×800: import two
// clips, trim them, add subtitles and a text layer, export on the client and on the server, and
// the same offline through the service worker. Downloads are checked with ffprobe; screenshots
// stay in target/artifacts/.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeFixtures, repoRoot } from './fixtures.js';
import { SITE, launchChromium } from './harness.js';
import { frames, probeFile } from './media-check.js';
import { KEY, startServer } from '../server/server.js';

const ARTIFACTS = path.join(repoRoot, 'target/artifacts');
const SRT = '1\n00:00:00,200 --> 00:00:01,000\nHello from SRT\n\n2\n00:00:01,100 --> 00:00:01,400\nSecond cue\n';
let fixtures;
let server;
let browser;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  fixtures = await makeFixtures();
  await writeFile(fixtures.file('captions.srt'), SRT);
  server = await startServer(['--www', SITE]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await fixtures?.remove();
});

/** A fresh context (own storage, own service worker) with the editor open and its engine ready. */
async function openEditor() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Ready.');
  return { context, page };
}

/**
 * Imports both clips, trims them (one by the inspector, one by dragging its handle), reorders the
 * scenes by dragging a scene header and back with its button, adds subtitles and a text.
 */
async function buildProject(page) {
  await page.setInputFiles('#file', [fixtures.file('h264_aac.mp4'), fixtures.file('vp9_opus.webm')]);
  await page.waitForFunction(() => document.querySelectorAll('.item[data-track="video"]').length === 2);
  assert.match(await page.textContent('#bin'), /avc1\..*decodes here/s);
  const [first] = await page.$$('.item[data-track="video"]');
  await first.click();
  await page.fill('#inspector input[name="trimEnd"]', '1.5');
  await page.press('#inspector input[name="trimEnd"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('#inspector input[name="trimEnd"]').value === '1.5');
  const handle = await (await page.$$('.item[data-track="video"]'))[1].$('.handle.end');
  const box = await handle.boundingBox();
  await page.mouse.move(box.x + 4, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 4 - 40, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  const order = () => page.evaluate(() => [...document.querySelectorAll('.item[data-track="video"]')]
    .sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x).map((n) => n.dataset.item));
  const before = await order();
  assert.equal(before.length, 2);
  const [scene1, scene2] = await Promise.all((await page.$$('.scene')).map((s) => s.boundingBox()));
  await page.mouse.move(scene2.x + scene2.width / 2, scene2.y + scene2.height / 2);
  await page.mouse.down();
  await page.mouse.move(scene1.x + 5, scene2.y + scene2.height / 2, { steps: 5 }); // its middle passes scene 1's
  await page.mouse.up();
  assert.deepEqual(await order(), [before[1], before[0]], 'dragging scene 2 before scene 1 reorders them');
  await page.click('button[aria-label="Move scene 1 later"]');
  assert.deepEqual(await order(), before, 'the button moves it back');
  await page.click('.item[data-track="video"]'); // select scene 1, put the playhead at 0
  await page.setInputFiles('#file', fixtures.file('captions.srt'));
  await page.waitForSelector('.item[data-track="subtitles"]');
  assert.match(await page.textContent('#result'), /2 cue\(s\) added/);
  await page.click('.item[data-track="subtitles"]');
  assert.equal(await page.inputValue('#inspector li.cue:nth-child(2) textarea'), 'Second cue');
  await page.click('#add-text');
  await page.waitForSelector('.item[data-track="text"]');
  await page.fill('#inspector textarea[name="text"]', 'frameloom title');
  await page.locator('#inspector textarea[name="text"]').blur();
  await page.fill('#inspector input[name="duration"]', '1.2'); // inside scene 1 (1.5 s)
  await page.press('#inspector input[name="duration"]', 'Enter');
  await page.waitForFunction(() => document.querySelector('#inspector input[name="duration"]').value === '1.2');
}

/** Exports with `route`; returns the downloaded file's path and what the dialog said. */
async function exportVia(page, route, name) {
  await page.click('#export');
  await page.selectOption('#export-form select[name="route"]', route);
  if (route !== 'client') await page.fill('#export-form input[name="apiKey"]', KEY);
  await page.click('#export-start');
  await page.waitForSelector('#export-status[data-state="done"], #export-status[data-state="error"], #export-status[data-state="queued"]', { timeout: 90_000 });
  const state = await page.getAttribute('#export-status', 'data-state');
  const said = await page.textContent('#export-status');
  if (state !== 'done') return { state, said, code: await page.getAttribute('#export-status', 'data-code') };
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const file = path.join(ARTIFACTS, name);
  await download.saveAs(file);
  return { state, said, file };
}

async function assertTwoTrimmedClips(file) {
  const got = await probeFile(file);
  assert.ok(got.video, 'no video stream');
  assert.equal(got.video.width, 320);
  const duration = Number(got.format.duration);
  // 1.5 s of the first clip + the second clip shortened by the drag (40 px at 80 px/s = 0.5 s).
  assert.ok(duration > 2.7 && duration < 3.3, `duration ${duration}`);
  assert.ok(got.audio, 'no audio stream');
  await assertOverlaysDrawn(file);
}

/** Pixels in rows `y0`..`y1` (320 px wide) whose RGB differs from `src` by more than 200 in sum (drawn over). */
function changed(out, src, y0, y1) {
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < 320; x++) {
      const [a, b] = [out.at(x, y), src.at(x, y)];
      if (a.reduce((t, v, i) => t + Math.abs(v - b[i]), 0) > 200) count += 1;
    }
  }
  return count;
}

/** At 0.5 s the text (middle) and the first cue (bottom) are drawn over clip 1; the top band is the clip. */
async function assertOverlaysDrawn(file) {
  const [out] = await frames(file, [15], 320, 240);
  const [src] = await frames(fixtures.file('h264_aac.mp4'), [15], 320, 240);
  const [top, middle, bottom] = [changed(out, src, 0, 60), changed(out, src, 100, 140), changed(out, src, 200, 240)];
  assert.ok(top < 40, `the clip itself changed: ${top} pixels differ at the top`);
  assert.ok(middle > 300, `no text drawn in the middle (${middle} pixels differ)`);
  assert.ok(bottom > 60, `no subtitle drawn at the bottom (${bottom} pixels differ)`);
}

test('local export: two trimmed clips, reordered scenes, subtitles and a text, checked with ffprobe; screenshots', async () => {
  const { context, page } = await openEditor();
  await buildProject(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'editor-timeline.png') });
  const got = await exportVia(page, 'client', 'editor-client.mp4');
  await page.screenshot({ path: path.join(ARTIFACTS, 'editor-export.png') });
  assert.equal(got.state, 'done', `export failed: ${got.said}`);
  assert.match(got.said, /Rendered on the client/);
  await assertTwoTrimmedClips(got.file);
  await context.close();
});

test('server route: the same flow rendered by the real server; the dialog shows the route and why', async () => {
  const { context, page } = await openEditor();
  await buildProject(page);
  const got = await exportVia(page, 'server', 'editor-server.mp4');
  assert.equal(got.state, 'done', `export failed: ${got.said}`);
  assert.match(got.said, /Rendered on the server/);
  assert.match(await page.textContent('#export-route'), /^Route: server \(you asked for the server.*\)\. Estimates: browser ~\d+:\d\d\.\d, server ~\d+:\d\d\.\d\.$/);
  await assertTwoTrimmedClips(got.file);
  await context.close();
});

test('offline: the page loads from the service worker, imports and exports on the client; server jobs are queued', async () => {
  const { context, page } = await openEditor();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Ready.');
  assert.match(await page.textContent('#network'), /offline/);
  await buildProject(page);
  await page.screenshot({ path: path.join(ARTIFACTS, 'editor-offline.png') });
  const local = await exportVia(page, 'client', 'editor-offline.mp4');
  assert.equal(local.state, 'done', `offline export failed: ${local.said}`);
  await assertTwoTrimmedClips(local.file);
  await page.click('#export-close');
  const queued = await exportVia(page, 'server', 'unused.mp4');
  assert.equal(queued.state, 'queued', queued.said);
  assert.match(queued.said, /needs the render server.*queued/);
  // Back online, the queued job goes to the server by itself and can be downloaded.
  await context.setOffline(false);
  const sent = await page.waitForSelector('[data-queued="done"], [data-queued="failed"]', { timeout: 90_000 });
  assert.equal(await sent.getAttribute('data-queued'), 'done', await sent.textContent());
  await context.close();
});

test("engine.parseSubtitles: the core's parser keeps good cues, reports bad ones by line, rejects unknown formats", async () => {
  const { context, page } = await openEditor();
  const got = await page.evaluate(async () => {
    const { Engine } = await import('/frameloom/index.js');
    const engine = await Engine.create();
    try {
      const vtt = await engine.parseSubtitles('WEBVTT\n\nintro\n00:00.200 --> 00:01.000 align:start\n<b>First</b> &amp; only\n\n00:02.000 --> 00:xx\nbad\n');
      const srt = await engine.parseSubtitles('1\n00:00:01,000 --> 00:00:02,000\nHi\n', { format: 'srt' });
      const wrong = await engine.parseSubtitles('x', { format: 'ass' }).catch((e) => e.code);
      return { vtt, srt, wrong };
    } finally {
      engine.terminate();
    }
  });
  assert.deepEqual(got.vtt.cues, [{ id: 'intro', startUs: 200_000, endUs: 1_000_000, text: 'First & only', settings: { align: 'start' } }]);
  assert.deepEqual(got.vtt.errors.map((e) => [e.line, e.code]), [[7, 'subtitle_bad_timestamp']]);
  assert.match(got.vtt.errors[0].message, /cannot read the time/);
  assert.deepEqual(got.srt, { cues: [{ id: '1', startUs: 1_000_000, endUs: 2_000_000, text: 'Hi', settings: {} }], errors: [] });
  assert.equal(got.wrong, 'invalid_argument');
  await context.close();
});
