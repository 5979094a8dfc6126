// tus-js-client (the official client) against frameloom-server from Node: upload, dedupe,
// resume after a cut connection, resume after an abort.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tus from 'tus-js-client';
import { KEY, sha256, startServer } from './server.js';

const SIZE = 6 * 1024 * 1024;
let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

/** A file of random bytes in the server's temp dir; returns its path, bytes and hash. */
async function randomFile(name, size = SIZE) {
  const bytes = randomBytes(size);
  const file = path.join(path.dirname(server.dataDir), name);
  await writeFile(file, bytes);
  return { file, bytes, sha: sha256(bytes) };
}

/** `HEAD /sources/{sha}` with the key. */
function headSource(sha) {
  return fetch(`${server.url}/sources/${sha}`, { method: 'HEAD', headers: { Authorization: `Bearer ${KEY}` } });
}

/**
 * Uploads `input` with tus-js-client; resolves with the PATCH offsets it sent and the final
 * response's Upload-Sha256.
 */
function upload(input, { endpoint = `${server.url}/files/`, onUpload, ...options } = {}) {
  const patchOffsets = [];
  return new Promise((resolve, reject) => {
    const job = new tus.Upload(input, {
      endpoint,
      headers: { Authorization: `Bearer ${KEY}` },
      retryDelays: [0, 100, 300, 600, 1000, 2000],
      onBeforeRequest(req) {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
      },
      onSuccess({ lastResponse }) {
        resolve({ patchOffsets, sha: lastResponse.getHeader('Upload-Sha256'), url: job.url });
      },
      onError: reject,
      ...options,
    });
    onUpload?.(job);
    job.start();
  });
}

test('a file uploaded from Node becomes sources/<sha256>; HEAD /sources tells it is there', async () => {
  const { file, bytes, sha } = await randomFile('plain.bin');
  assert.equal((await headSource(sha)).status, 404);
  const result = await upload(createReadStream(file), {
    metadata: { filename: 'plain.bin', filetype: 'application/octet-stream', sha256: sha },
  });
  assert.equal(result.sha, sha);
  assert.deepEqual(result.patchOffsets, [0]);
  assert.ok((await readFile(path.join(server.dataDir, 'sources', sha))).equals(bytes));
  const head = await headSource(sha);
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(SIZE));
});

test('a wrong declared sha256 is refused with a clear error', async () => {
  const { bytes } = await randomFile('lying.bin', 4096);
  const wrong = sha256(Buffer.from('something else'));
  await assert.rejects(upload(bytes, { metadata: { sha256: wrong } }), (error) => {
    assert.match(error.message, /response code: 460/);
    assert.match(error.message, /declared/);
    return true;
  });
  assert.equal((await headSource(wrong)).status, 404);
});

/**
 * A TCP proxy to the server that cuts the connection carrying byte `cutAt` of the request
 * stream (once); counts the bytes it forwards.
 */
async function cuttingProxy(cutAt) {
  const target = new URL(server.url);
  const stats = { forwarded: 0, cut: false, forwardedAtCut: 0 };
  const sockets = new Set();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      stats.forwarded += chunk.length;
      if (!stats.cut && stats.forwarded >= cutAt) {
        stats.cut = true;
        stats.forwardedAtCut = stats.forwarded;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('end', () => b.end());
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const close = () => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => proxy.close(resolve));
  };
  return { url: `http://127.0.0.1:${proxy.address().port}`, stats, close };
}

test('resumes after the connection is cut mid-upload, without re-sending finished bytes', async () => {
  const { file, bytes, sha } = await randomFile('cut.bin');
  const proxy = await cuttingProxy(Math.floor(SIZE * 0.4));
  try {
    const result = await upload(createReadStream(file), { endpoint: `${proxy.url}/files/`, metadata: { filename: 'cut.bin' } });
    assert.ok(proxy.stats.cut, 'the proxy cut the upload');
    assert.equal(result.sha, sha);
    assert.ok((await readFile(path.join(server.dataDir, 'sources', sha))).equals(bytes));
    // The first PATCH starts at 0; the one after the cut starts where the server stood.
    assert.equal(result.patchOffsets[0], 0);
    const resumedAt = result.patchOffsets.at(-1);
    assert.ok(resumedAt > 0 && resumedAt < SIZE * 0.4, `resumed at ${resumedAt} of ${SIZE}`);
    // Every attempt after the cut resumed where the server stood, never from 0 …
    const retries = result.patchOffsets.slice(1);
    assert.ok(retries.every((offset) => offset > 0), `resumed at ${retries}`);
    // … and the server answers HEAD only once the cut request has let go of the upload, so the
    // first retry is not turned away: after the cut only the rest went through, plus request
    // heads (a few KiB): no finished byte is sent again.
    assert.equal(retries.length, 1, `one retry after the cut: ${retries}`);
    const afterCut = proxy.stats.forwarded - proxy.stats.forwardedAtCut;
    assert.ok(afterCut < SIZE - resumedAt + 16 * 1024, `${afterCut} bytes sent after the cut for the ${SIZE - resumedAt} left`);
  } finally {
    await proxy.close();
  }
});

test('resumes an aborted upload from its URL at the offset the server holds', async () => {
  const { bytes, sha } = await randomFile('abort.bin');
  let first;
  const aborted = new Promise((resolve, reject) => {
    upload(bytes, {
      chunkSize: 256 * 1024,
      onUpload: (job) => (first = job),
      onChunkComplete: (_size, accepted) => {
        if (accepted >= SIZE / 2) first.abort().then(() => resolve(accepted), reject);
      },
    }).catch(reject);
  });
  const accepted = await aborted;
  const resumed = await upload(bytes, { uploadUrl: first.url, chunkSize: 256 * 1024 });
  assert.equal(resumed.patchOffsets[0], accepted, 'the resumed upload starts where the first stopped');
  assert.equal(resumed.sha, sha);
  assert.ok((await readFile(path.join(server.dataDir, 'sources', sha))).equals(bytes));
});
