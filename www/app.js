// The editor page: starts the engine, wires every panel to the one store, restores the
// autosave, and saves after each change.
import { Engine } from './frameloom/index.js';
import { emptyState } from './editor/model.js';
import { autosave, fromFile, restore, toFile } from './editor/persist.js';
import { createStore } from './editor/store.js';
import { el } from './ui/dom.js';
import { showError } from './ui/errors.js';
import { setupExport } from './ui/export.js';
import { setupEditing, renderInspector } from './ui/inspector.js';
import { renderBin, setupImport } from './ui/media-bin.js';
import { setupOffline } from './ui/offline.js';
import { renderPreview, setupPreview } from './ui/preview.js';
import { renderTimeline, setupTimeline } from './ui/timeline.js';

const status = document.getElementById('status');
const store = createStore();

const engineReady = Engine.create();
engineReady.then(
  () => { status.textContent = 'Ready.'; },
  (error) => {
    status.textContent = `The engine could not start: ${error.message}`;
    showError('The engine could not start', error);
  },
);

let saveTimer = null;
store.subscribe(({ persist }) => {
  renderBin(store);
  renderTimeline(store);
  renderInspector(store);
  renderPreview(store).catch((error) => console.error('preview', error));
  document.getElementById('name').value = store.state.name;
  if (persist) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      autosave(store.state, store.files).then(
        () => { document.body.dataset.saved = String(Date.now()); },
        (error) => showError('Autosave failed', Object.assign(error, { code: error.code ?? 'autosave_failed' })),
      );
    }, 300);
  }
});

setupImport(store, engineReady);
setupTimeline(store);
setupPreview(store);
setupEditing(store);
setupExport(store, engineReady, Engine);
setupOffline(store, engineReady, Engine);

document.getElementById('name').addEventListener('change', (event) => {
  store.update((state) => { state.name = event.target.value.trim() || 'Untitled'; });
});
document.getElementById('save').addEventListener('click', () => {
  const link = el('a', { href: URL.createObjectURL(toFile(store.state)), download: `${store.state.name.replace(/[^\w.-]+/g, '_')}.frameloom.json` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
});
document.getElementById('open').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  event.target.value = '';
  if (!file) return;
  try {
    const state = await fromFile(file);
    const files = new Map([...store.files].filter(([id]) => state.media[id]));
    store.replace(state, files);
  } catch (error) {
    showError(`Cannot open ${file.name}`, error);
  }
});
document.getElementById('new').addEventListener('click', () => {
  if (confirm('Start a new project? The current one is replaced (save it first to keep it).')) {
    store.replace(emptyState());
  }
});

restore().then(
  (saved) => (saved ? store.replace(saved.state, saved.files) : store.update(null, { persist: false })),
  (error) => {
    showError('Could not restore the autosaved project', Object.assign(error, { code: error.code ?? 'autosave_failed' }));
    store.update(null, { persist: false });
  },
);
