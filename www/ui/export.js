// The export dialog (format, resolution, target size, route, server) and the job runner it
// shares with the offline queue: progress with ETA, the chosen route and why, cancel, download.
import { EditorError, toProject } from '../editor/project.js';
import { queueJob } from '../editor/persist.js';
import { bytes, clock, el } from './dom.js';
import { showError, showNotice } from './errors.js';

const RESOLUTIONS = { project: null, 2160: 2160, 1080: 1080, 720: 720, 480: 480, 360: 360 };
const EXTENSIONS = { mp4: 'mp4', webm: 'webm', gif: 'gif' };
let serverEngine = null;

/** Wires the Export button and the dialog; `engineReady` resolves to the page's Engine. */
export function setupExport(store, engineReady, Engine) {
  const dialog = document.getElementById('export-dialog');
  const form = document.getElementById('export-form');
  form.elements.serverUrl.value = localStorage.getItem('frameloom.server') ?? location.origin;
  form.elements.apiKey.value = localStorage.getItem('frameloom.apiKey') ?? '';
  document.getElementById('export').addEventListener('click', () => {
    resetStatus();
    dialog.showModal();
  });
  document.getElementById('export-close').addEventListener('click', () => dialog.close());
  let controller = null;
  document.getElementById('export-cancel').addEventListener('click', () => controller?.abort());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = form.elements;
    localStorage.setItem('frameloom.server', f.serverUrl.value.trim());
    localStorage.setItem('frameloom.apiKey', f.apiKey.value.trim());
    let project;
    try {
      project = toProject(store.state, exportOptions(store, f));
    } catch (error) {
      setStatus('error', error);
      return;
    }
    const request = { id: Date.now(), project, route: f.route.value, server: { url: f.serverUrl.value.trim(), apiKey: f.apiKey.value.trim() } };
    if (needsServer(store, request) && !navigator.onLine) {
      await queueJob({ ...request, name: store.state.name });
      setStatus('queued', null, 'This export needs the render server and you are offline: it is queued and will be sent when the connection is back.');
      return;
    }
    controller = new AbortController();
    setStatus('running');
    await runJob(store, request, await engineReady, Engine, controller.signal, {
      progress: showProgress,
      done: (result) => showResult(result, store.state.name),
      failed: (error) => setStatus(error.name === 'AbortError' ? 'cancelled' : 'error', error),
    });
    controller = null;
  });
}

/** The export options from the form: format, size, quality, target size. */
function exportOptions(store, f) {
  const format = f.format.value;
  const options = { format, quality: f.quality.value };
  const height = RESOLUTIONS[f.resolution.value];
  if (height) {
    options.height = height;
    options.width = (store.state.output.width * height) / store.state.output.height;
  }
  const mb = f.targetSize.value.trim();
  if (mb) {
    const n = Number(mb);
    if (!(n > 0)) throw new EditorError('invalid_option', 'the target size is a number of megabytes, e.g. 10');
    options.targetSizeBytes = n * 1e6;
  }
  return options;
}

/** True when the job can only run on the server (asked for, or a source this browser cannot decode). */
export function needsServer(store, { project, route }) {
  if (route === 'server') return true;
  if (route === 'client') return false;
  return Object.keys(project.sources).some((id) => store.state.media[id]?.decodableHere === false);
}

/**
 * Runs one export: estimate (auto and server routes), render, report through `ui`
 * (`progress(event)`, `done(result)`, `failed(error)`).
 */
export async function runJob(store, { project, route, server }, engine, Engine, signal, ui) {
  try {
    const files = {};
    for (const id of Object.keys(project.sources)) {
      const blob = store.files.get(id);
      if (!blob) throw new EditorError('missing_file', `the file of "${store.state.media[id]?.name ?? id}" is not loaded: import it again`);
      files[id] = blob;
    }
    const runner = route === 'client' || !server?.url ? engine : await engineFor(Engine, server);
    if (route !== 'client') {
      try {
        const decision = await runner.estimate(project, files);
        ui.progress({ stage: 'estimate', fraction: 0, fps: 0, eta: null, estimate: { route, decision } });
      } catch (error) {
        showError('Could not estimate the export', error);
      }
    }
    const started = performance.now();
    const job = runner.render(project, { files, route, signal, onProgress: (p) => ui.progress({ ...p, elapsed: (performance.now() - started) / 1000 }) });
    ui.done(await job.done);
  } catch (error) {
    ui.failed(error);
  }
}

async function engineFor(Engine, server) {
  const key = `${server.url}\n${server.apiKey}`;
  if (serverEngine?.key !== key) {
    serverEngine?.engine.then((e) => e.terminate(), () => {});
    serverEngine = { key, engine: Engine.create({ server: { url: server.url, apiKey: server.apiKey || undefined } }) };
  }
  return serverEngine.engine;
}

function resetStatus() {
  document.getElementById('export-status').replaceChildren();
  document.getElementById('export-status').dataset.state = 'idle';
  document.getElementById('export-progress').value = 0;
}

function setStatus(state, error, text) {
  const status = document.getElementById('export-status');
  status.dataset.state = state;
  delete status.dataset.code;
  document.getElementById('export-start').disabled = state === 'running';
  document.getElementById('export-cancel').disabled = state !== 'running';
  if (state === 'error') {
    status.dataset.code = showError('Export failed', error);
    status.replaceChildren(el('p', { class: 'no' }, `${error.message} (${status.dataset.code})`));
  } else if (state === 'cancelled') {
    status.replaceChildren(el('p', {}, 'Export cancelled.'));
  } else if (state === 'running') {
    status.replaceChildren(el('p', { id: 'export-stage' }, 'Starting…'));
  } else if (text) {
    status.replaceChildren(el('p', {}, text));
    showNotice(text);
  }
}

function showProgress(event) {
  const stage = document.getElementById('export-stage');
  if (event.estimate) {
    document.getElementById('export-route').textContent = describeEstimate(event.estimate);
    return;
  }
  document.getElementById('export-progress').value = event.fraction;
  if (stage) {
    const eta = event.eta == null ? 'estimating time left' : `about ${clock(event.eta)} left`;
    stage.textContent = `${event.stage}: ${Math.round(event.fraction * 100)} % · ${event.fps ? `${event.fps.toFixed(0)} fps · ` : ''}${eta}`;
  }
}

/** The router's decision in words: the route the job takes and why, with both estimates. */
function describeEstimate({ route, decision }) {
  const { client, server, choice, reasons = [] } = decision;
  const times = [`browser ~${clock(client.seconds)}`, server ? `server ~${clock(server.seconds)}` : 'no server reachable'].join(', ');
  const taken = route === 'auto' ? choice : route;
  const why = route === 'auto' ? reasons.join('; ') : `you asked for the ${route}${route !== choice ? ` (auto would pick the ${choice}: ${reasons[0] ?? ''})` : ''}`;
  return `Route: ${taken} (${why}). Estimates: ${times}.`;
}

function showResult(result, name) {
  document.getElementById('export-progress').value = 1;
  const status = document.getElementById('export-status');
  const ext = EXTENSIONS[result.blob.type.split(';')[0].split('/')[1]] ?? 'mp4';
  const file = `${(name || 'frameloom').replace(/[^\w.-]+/g, '_')}.${ext}`;
  const link = el('a', { id: 'download', class: 'button', href: URL.createObjectURL(result.blob), download: file }, `Download ${file}`);
  const stats = result.stats ?? {};
  status.replaceChildren(
    el('p', { id: 'export-chosen' }, `Rendered on the ${result.route}: ${result.reason}`),
    el('p', {}, `${bytes(stats.bytes ?? result.blob.size)} · ${stats.frames ?? '?'} frames · ${stats.encoder ?? ''}${stats.audioEncoder ? ` + ${stats.audioEncoder}` : ''}` +
      `${stats.fastPath ? ` · fast path: ${stats.fastPath}` : ''}${stats.seconds ? ` · ${stats.seconds.toFixed(1)} s` : ''}`),
    stats.audioFallback ? el('p', { class: 'hint' }, stats.audioFallback) : null,
    link);
  status.dataset.state = 'done';
  document.getElementById('export-start').disabled = false;
  document.getElementById('export-cancel').disabled = true;
}
