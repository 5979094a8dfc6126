// Renders a project with the engine in a harness page (`window.engine`) and writes the output
// to a file: shared by the browser tests that check rendered media.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Empties (or creates) `outDir`, where rendered files stay for inspection after the run. */
export async function freshDir(outDir) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
}

/** A new page of the harness `world` with an engine made as `window.engine`. */
export async function enginePage(world) {
  const page = await world.newPage();
  await page.evaluate(async () => {
    const { Engine } = await import('/frameloom/index.js');
    window.engine = await Engine.create();
  });
  return page;
}

/** A v1 project with one scene per entry of `scenes` (arrays of layers); `.m4a` sources are audio. */
export function project(output, sources, scenes) {
  const kinds = { m4a: 'audio' };
  const entries = Object.entries(sources).map(([id, file]) => [id, { kind: kinds[file.split('.').pop()] ?? 'video', name: file, size: 1 }]);
  return { version: 1, output, sources: Object.fromEntries(entries), scenes: scenes.map((layers) => ({ layers })) };
}

/**
 * Renders `proj` in `page` with `sources` ({ id: fixture name under /fixtures/ }) and writes the
 * output into `outDir`. `cancelAt` (fraction) aborts through an AbortSignal once progress passes it.
 * @returns {Promise<object>} `{ ok: true, file, mimeType, stats, events, … }` or `{ ok: false, name, code, message, … }`
 */
export async function renderInPage(page, outDir, proj, sources, { cancelAt = null, storage = 'auto' } = {}) {
  const outcome = await page.evaluate(async ({ proj, sources, cancelAt, storage }) => {
    const files = {};
    for (const [id, name] of Object.entries(sources)) files[id] = await (await fetch(`/fixtures/${name}`)).blob();
    const controller = new AbortController();
    const events = [];
    let abortedAt = null;
    const job = window.engine.render(proj, {
      files,
      storage,
      signal: controller.signal,
      onProgress: (event) => {
        events.push(event);
        if (cancelAt != null && abortedAt == null && event.stage === 'render' && event.fraction >= cancelAt) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    try {
      const result = await job.done;
      const bytes = new Uint8Array(await result.blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { ok: true, id: job.id, base64: btoa(binary), mimeType: result.mimeType, blobType: result.blob.type,
        route: result.route, reason: result.reason, stats: result.stats, events };
    } catch (error) {
      return { ok: false, name: error.name, code: error.code, message: error.message, codec: error.codec, sourceId: error.sourceId,
        errors: error.errors, rejectedAfterMs: abortedAt == null ? null : performance.now() - abortedAt, events };
    }
  }, { proj, sources, cancelAt, storage });
  if (outcome.ok) {
    outcome.file = path.join(outDir, `out-${outcome.id}.${proj.output.format ?? 'mp4'}`);
    await writeFile(outcome.file, Buffer.from(outcome.base64, 'base64'));
    delete outcome.base64;
  }
  return outcome;
}
