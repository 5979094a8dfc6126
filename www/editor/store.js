// The page's one editor store: the state (plain JSON), the files by media id, the selection
// and the playhead. Every change goes through `update`, which re-renders and autosaves.
import { emptyState } from './model.js';

/** Creates the store; `onChange(store, { persist })` runs after every change. */
export function createStore() {
  const listeners = new Set();
  const store = {
    state: emptyState(),
    /** @type {Map<string, Blob>} */
    files: new Map(),
    selected: null,
    playhead: 0,
    /** Applies `mutate(state)` (edits from model.js), then notifies; `persist: false` for view-only changes. */
    update(mutate, { persist = true } = {}) {
      if (mutate) mutate(store.state);
      for (const listener of listeners) listener({ persist });
    },
    /** Calls `listener({ persist })` after every change. */
    subscribe(listener) {
      listeners.add(listener);
    },
    /** Replaces the whole state (project load, autosave restore). */
    replace(state, files = new Map()) {
      store.state = state;
      store.files = files;
      store.selected = null;
      store.playhead = 0;
      for (const listener of listeners) listener({ persist: true });
    },
  };
  return store;
}
