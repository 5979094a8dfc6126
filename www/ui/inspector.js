// The inspector: exact fields of the selected item (times, text, position) and cue editing
// for subtitles, plus the edit buttons (split at the playhead, delete, add text).
import { activeItems, addText, locate, deleteItem, findItem, isTrimmed, moveItem, round, splitItem, trimItem } from '../editor/model.js';
import { el } from './dom.js';
import { showNotice } from './errors.js';

/** Wires the edit buttons. */
export function setupEditing(store) {
  document.getElementById('split').addEventListener('click', () => {
    const id = store.selected ?? topVideoAt(store);
    if (!id) return showNotice('Select an item under the playhead to split it.');
    store.update((state) => {
      const second = splitItem(state, id, store.playhead);
      if (!second) showNotice('The playhead is not inside the selected item.');
      else store.selected = second;
    });
  });
  document.getElementById('delete').addEventListener('click', () => {
    if (store.selected) store.update((state) => { deleteItem(state, store.selected); store.selected = null; });
  });
  document.getElementById('add-text').addEventListener('click', () => {
    store.update((state) => { store.selected = addText(state, 'Your text', store.playhead); });
  });
  document.addEventListener('keydown', (event) => {
    if (event.target.closest('input, textarea, select, dialog')) return;
    if ((event.key === 'Delete' || event.key === 'Backspace') && store.selected) document.getElementById('delete').click();
    if (event.key === 's' && !event.ctrlKey && !event.metaKey) document.getElementById('split').click();
  });
}

/** The video item under the playhead, when nothing is selected. */
function topVideoAt(store) {
  const here = locate(store.state, store.playhead);
  return here ? activeItems(here.scene, here.local).filter((it) => it.track === 'video').at(-1)?.id ?? null : null;
}

/** Renders the inspector for the selected item. */
export function renderInspector(store) {
  const panel = document.getElementById('inspector');
  const found = store.selected && findItem(store.state, store.selected);
  if (!found) {
    panel.replaceChildren(el('p', { class: 'hint' }, 'Select an item on the timeline to edit it.'));
    return;
  }
  const { item } = found;
  const field = (label, name, value, apply, attrs = {}) => el('label', {}, label,
    el('input', { type: 'number', step: '0.01', min: '0', name, value: String(round(value)), ...attrs,
      onchange: (e) => store.update((state) => apply(state, Number(e.target.value))) }));
  const fields = [
    el('h3', {}, `${item.track[0].toUpperCase()}${item.track.slice(1)} item`),
    field('Start (s)', 'start', item.start, (s, v) => moveItem(s, item.id, v)),
  ];
  if (isTrimmed(item)) {
    fields.push(
      field('Trim start (s)', 'trimStart', item.trimStart, (s, v) => trimItem(s, item.id, 'start', item.start + (v - item.trimStart))),
      field('Trim end (s)', 'trimEnd', item.trimEnd, (s, v) => trimItem(s, item.id, 'end', item.start + (v - item.trimStart))));
  } else {
    fields.push(field('Duration (s)', 'duration', item.duration, (s, v) => trimItem(s, item.id, 'end', item.start + v)));
  }
  if (item.track === 'text') {
    fields.push(
      el('label', {}, 'Text', el('textarea', { name: 'text', rows: '2', maxlength: '10000',
        onchange: (e) => store.update(() => { item.text = e.target.value; }) }, item.text)),
      el('label', {}, 'Position', el('select', { name: 'position', onchange: (e) => store.update(() => { item.position = e.target.value; }) },
        ...['top', 'middle', 'bottom'].map((p) => el('option', { value: p, selected: item.position === p }, p)))));
  }
  if (item.track === 'subtitles') fields.push(cueEditor(store, item));
  panel.replaceChildren(...fields);
}

function cueEditor(store, item) {
  const rows = item.cues.map((cue, i) => el('li', { class: 'cue' },
    el('input', { type: 'number', step: '0.01', min: '0', 'aria-label': 'Cue start', value: String(cue.start),
      onchange: (e) => store.update(() => { cue.start = round(Number(e.target.value)); }) }),
    el('input', { type: 'number', step: '0.01', min: '0', 'aria-label': 'Cue end', value: String(cue.end),
      onchange: (e) => store.update(() => { cue.end = round(Number(e.target.value)); }) }),
    el('textarea', { rows: '1', 'aria-label': 'Cue text', onchange: (e) => store.update(() => { cue.text = e.target.value; }) }, cue.text),
    el('button', { 'aria-label': 'Delete cue', onclick: () => store.update(() => { item.cues.splice(i, 1); }) }, '×')));
  const add = el('button', {
    onclick: () => store.update(() => {
      const last = item.cues.at(-1)?.end ?? 0;
      item.cues.push({ start: round(last), end: round(last + 2), text: 'New cue' });
      item.duration = Math.max(item.duration, round(last + 2));
    }),
  }, 'Add cue');
  return el('div', { class: 'cues' }, el('h4', {}, 'Cues (seconds from the item start)'), el('ol', {}, rows), add);
}
