// tus-js-client's browser build in Chromium, on a page from another origin than the server:
// uploads a Blob through CORS (preflights with Authorization), resumes after an abort, and is
// refused from an origin the server does not allow.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from '../e2e/harness.js';
import { serveStatic } from '../e2e/static-server.js';
import { KEY, REPO, sha256, startServer } from './server.js';

const SIZE = 3 * 1024 * 1024;
let page;
let other;
let server;
let browser;

before(async () => {
  const mounts = { '/': path.join(REPO, 'tests/server/page'), '/tus/': path.join(REPO, 'node_modules/tus-js-client/dist') };
  page = await serveStatic(mounts);
  other = await serveStatic(mounts);
  server = await startServer(['--cors-origin', new URL(page.url).origin]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await page?.close();
  await other?.close();
});

async function open(url) {
  const tab = await browser.newPage();
  tab.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await tab.goto(url);
  await tab.waitForFunction(() => typeof window.tus?.Upload === 'function');
  return tab;
}

/** In the page: random bytes as a Blob, their SHA-256, and a tus upload helper on `window`. */
function pageSetup({ size }) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  window.blob = new Blob([bytes], { type: 'application/octet-stream' });
  window.upload = (options) =>
    new Promise((resolve, reject) => {
      const patchOffsets = [];
      const job = new tus.Upload(window.blob, {
        retryDelays: [0, 200, 500],
        chunkSize: 512 * 1024,
        onBeforeRequest(req) {
          if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
        },
        onSuccess: ({ lastResponse }) => resolve({ sha: lastResponse.getHeader('Upload-Sha256'), patchOffsets }),
        onError: (error) => reject(new Error(String(error))),
        ...options,
      });
      window.job = job;
      job.start();
    });
  return crypto.subtle.digest('SHA-256', bytes).then((d) => [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join(''));
}

test('a Blob uploads from a page on another origin and becomes sources/<sha256>', async () => {
  const tab = await open(page.url);
  const sha = await tab.evaluate(pageSetup, { size: SIZE });
  const result = await tab.evaluate(
    async ({ endpoint, key, sha }) => {
      const uploaded = await window.upload({
        endpoint: `${endpoint}/files/`,
        headers: { Authorization: `Bearer ${key}` },
        metadata: { filename: 'blob.bin', sha256: sha },
      });
      const head = await fetch(`${endpoint}/sources/${sha}`, { method: 'HEAD', headers: { Authorization: `Bearer ${key}` } });
      return { ...uploaded, status: head.status, length: head.headers.get('content-length') };
    },
    { endpoint: server.url, key: KEY, sha },
  );
  assert.equal(result.sha, sha, 'Upload-Sha256 is readable across origins');
  assert.equal(result.patchOffsets.length, SIZE / (512 * 1024));
  assert.deepEqual({ status: result.status, length: result.length }, { status: 200, length: String(SIZE) });
  assert.equal(sha256(await readFile(path.join(server.dataDir, 'sources', sha))), sha);
  await tab.close();
});

test('an aborted browser upload resumes from its stored URL', async () => {
  const tab = await open(page.url);
  const sha = await tab.evaluate(pageSetup, { size: SIZE });
  const result = await tab.evaluate(
    async ({ endpoint, key }) => {
      const options = { endpoint: `${endpoint}/files/`, headers: { Authorization: `Bearer ${key}` } };
      let acceptedAtAbort = 0;
      await new Promise((resolve, reject) => {
        window.upload({
          ...options,
          onChunkComplete: (_size, accepted, total) => {
            if (accepted >= total / 2 && !acceptedAtAbort) {
              acceptedAtAbort = accepted;
              window.job.abort().then(resolve, reject);
            }
          },
        }).catch(reject);
      });
      // A new Upload of the same Blob finds the stored URL (tus-js-client's localStorage).
      const finder = new tus.Upload(window.blob, options);
      const previous = await finder.findPreviousUploads();
      const resumed = await window.upload({ ...options, uploadUrl: previous[0]?.uploadUrl });
      return { acceptedAtAbort, found: previous.length, ...resumed };
    },
    { endpoint: server.url, key: KEY },
  );
  assert.ok(result.found >= 1, 'the first upload was stored for resuming');
  assert.ok(result.acceptedAtAbort > 0 && result.acceptedAtAbort < SIZE);
  assert.equal(result.patchOffsets[0], result.acceptedAtAbort, 'the resumed upload starts where the first stopped');
  assert.equal(result.sha, sha);
  await tab.close();
});

test('a page on an origin the server does not allow cannot upload', async () => {
  const uploadsBefore = await readdir(path.join(server.dataDir, 'uploads'));
  const tab = await open(other.url);
  await tab.evaluate(pageSetup, { size: 1024 });
  const outcome = await tab.evaluate(
    ({ endpoint, key }) =>
      window
        .upload({ endpoint: `${endpoint}/files/`, headers: { Authorization: `Bearer ${key}` }, retryDelays: [] })
        .then(() => 'uploaded', (error) => error.message),
    { endpoint: server.url, key: KEY },
  );
  assert.match(outcome, /tus: failed to create upload/);
  assert.deepEqual(await readdir(path.join(server.dataDir, 'uploads')), uploadsBefore, 'the preflight stopped the POST');
  await tab.close();
});
