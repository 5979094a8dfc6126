// The demo page: a person picks a file and sees its probe, or a clear error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness } from './harness.js';

let world;

before(async () => {
  world = await startHarness();
});

after(async () => {
  await world?.close();
});

async function pick(name) {
  const page = await world.newPage();
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Ready.');
  await page.setInputFiles('#file', world.fixtures.file(name));
  await page.waitForSelector('#result[data-state="done"], #result[data-state="error"]');
  return page;
}

test('picking an MP4 shows its container and tracks', async () => {
  const page = await pick('h264_aac.mp4');
  const state = await page.getAttribute('#result', 'data-state');
  const text = await page.textContent('#result');
  assert.equal(state, 'done', `the page shows an error: ${text}`);
  assert.match(text, /mp4/);
  assert.match(text, /avc1\./);
  assert.match(text, /320×240/);
  assert.match(text, /mp4a\.40\./);
  await page.close();
});

test('picking a PNG renamed .mp4 shows a clear error', async () => {
  const page = await pick('png-renamed.mp4');
  assert.equal(await page.getAttribute('#result', 'data-state'), 'error');
  assert.equal(await page.getAttribute('#result', 'data-code'), 'unknown_format');
  assert.match(await page.textContent('#result'), /PNG image/);
  await page.close();
});
