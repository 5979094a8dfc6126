// Offline use: registers the service worker (it caches the page, the worker and the wasm),
// shows the connection state, and sends the queued server jobs once the network is back.
import { queuedJobs, unqueueJob } from '../editor/persist.js';
import { el } from './dom.js';
import { showError, showNotice } from './errors.js';
import { runJob } from './export.js';

/** Registers `sw.js` and wires online/offline; `engineReady` resolves to the page's Engine. */
export function setupOffline(store, engineReady, Engine) {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('./sw.js').catch((error) => {
      showError('Offline use is not available', Object.assign(error, { code: 'service_worker_failed' }));
    });
  }
  const badge = document.getElementById('network');
  const show = () => {
    badge.textContent = navigator.onLine ? 'online' : 'offline: client exports only';
    badge.dataset.online = String(navigator.onLine);
  };
  show();
  addEventListener('offline', show);
  addEventListener('online', () => {
    show();
    sendQueued(store, engineReady, Engine);
  });
  if (navigator.onLine) sendQueued(store, engineReady, Engine);
}

let sending = false;

/** Sends every queued job, one at a time, each reported in its own notice. */
async function sendQueued(store, engineReady, Engine) {
  if (sending) return;
  sending = true;
  try {
    for (const job of await queuedJobs()) {
      if (!navigator.onLine) break;
      await unqueueJob(job.id);
      const note = showNotice(`Sending the queued export "${job.name}" to the server…`);
      note.dataset.queued = 'sending';
      await runJob(store, job, await engineReady, Engine, undefined, {
        progress: (p) => { if (p.stage !== 'estimate') note.lastChild.textContent = `Queued export "${job.name}": ${p.stage} ${Math.round(p.fraction * 100)} %`; },
        done: (result) => {
          note.dataset.queued = 'done';
          note.append(' ', el('a', { href: URL.createObjectURL(result.blob), download: `${job.name || 'frameloom'}.${job.project.output.format}` }, 'Download'));
        },
        failed: (error) => {
          note.dataset.queued = 'failed';
          showError(`The queued export "${job.name}" failed`, error);
        },
      });
    }
  } catch (error) {
    showError('Could not read the queued exports', error);
  } finally {
    sending = false;
  }
}
