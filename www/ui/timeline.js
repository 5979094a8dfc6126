// The timeline: one row per track, scenes side by side, a ruler to scrub, and pointer edits
// (drag an item to move it, drag its handles to trim, drag a scene's header to reorder scenes). Edits go through editor/model.js.
import { TRACKS, findItem, itemLength, moveItem, moveScene, sceneDropIndex, sceneLength, sceneOffsets, totalLength, trimItem } from '../editor/model.js';
import { clock, el } from './dom.js';

const LABELS = { video: 'Video', image: 'Image', audio: 'Audio', text: 'Text', subtitles: 'Subtitles' };

/** Pixels per second at zoom 1. */
let pps = 80;

/** Wires the ruler (scrubbing) and the zoom; call `renderTimeline` after each change. */
export function setupTimeline(store) {
  const lanes = document.getElementById('lanes');
  lanes.addEventListener('pointerdown', (event) => {
    if (!event.target.closest('.ruler')) return;
    const seek = (e) => {
      store.playhead = Math.max(0, Math.min(totalLength(store.state), timeAt(lanes, e.clientX)));
      store.update(null, { persist: false });
    };
    seek(event);
    drag(event, seek, () => {});
  });
  document.getElementById('zoom').addEventListener('input', (event) => {
    pps = Number(event.target.value);
    store.update(null, { persist: false });
  });
}

function timeAt(lanes, clientX) {
  const box = lanes.querySelector('.ruler').getBoundingClientRect();
  return (clientX - box.left) / pps;
}

/** Follows a pointer drag from `event`: `move(e)` on each move, `end(e)` on release. */
function drag(event, move, end) {
  const target = event.target;
  target.setPointerCapture?.(event.pointerId);
  const up = (e) => {
    target.removeEventListener('pointermove', move);
    target.removeEventListener('pointerup', up);
    target.removeEventListener('pointercancel', up);
    end(e);
  };
  target.addEventListener('pointermove', move);
  target.addEventListener('pointerup', up);
  target.addEventListener('pointercancel', up);
}

/** Draws the timeline from the store. */
export function renderTimeline(store) {
  const { state } = store;
  const offsets = sceneOffsets(state);
  const total = totalLength(state);
  const width = Math.max(600, (total + 5) * pps);
  const lanes = document.getElementById('lanes');
  const ruler = el('div', { class: 'ruler', style: `width:${width}px` },
    ...Array.from({ length: Math.ceil(total + 5) + 1 }, (_, s) => el('span', { class: 'tick', style: `left:${s * pps}px` }, s % 5 === 0 || pps >= 60 ? clock(s) : '')));
  const scenes = el('div', { class: 'scenes', style: `width:${width}px` }, ...state.scenes.map((scene, i) => sceneBox(store, i, offsets[i])));
  const rows = TRACKS.map((track) => el('div', { class: 'lane', 'data-track': track, style: `width:${width}px` },
    ...state.scenes.flatMap((scene, i) => scene.items.filter((item) => item.track === track)
      .map((item) => itemBox(store, item, offsets[i]))),
    ...offsets.slice(1).map((t) => el('div', { class: 'cut', style: `left:${t * pps}px` }))));
  const playhead = el('div', { class: 'playhead', style: `left:${store.playhead * pps}px` });
  lanes.replaceChildren(ruler, scenes, ...rows, playhead);
  document.getElementById('labels').replaceChildren(el('div', { class: 'label ruler-label' }, clock(store.playhead)),
    el('div', { class: 'label' }, 'Scenes'), ...TRACKS.map((t) => el('div', { class: 'label' }, LABELS[t])));
}

/** A scene's header: drag it to reorder scenes, or use its arrow buttons. */
function sceneBox(store, index, offset) {
  const { scenes } = store.state;
  const length = sceneLength(scenes[index]);
  const box = el('div', {
    class: 'scene', 'data-scene': scenes[index].id, title: 'Drag to reorder scenes', style: `left:${offset * pps}px;width:${length * pps}px`,
  },
  el('button', { title: 'Move this scene earlier', 'aria-label': `Move scene ${index + 1} earlier`, disabled: index === 0, onclick: () => store.update((s) => moveScene(s, index, index - 1)) }, '◀'),
  el('span', {}, `Scene ${index + 1}`),
  el('button', { title: 'Move this scene later', 'aria-label': `Move scene ${index + 1} later`, disabled: index === scenes.length - 1, onclick: () => store.update((s) => moveScene(s, index, index + 1)) }, '▶'));
  box.addEventListener('pointerdown', (event) => {
    if (event.target.closest('button') || scenes.length < 2) return;
    event.preventDefault();
    event.stopPropagation();
    const x0 = event.clientX;
    let delta = 0;
    box.classList.add('dragging');
    drag(event, (e) => {
      delta = (e.clientX - x0) / pps;
      box.style.transform = `translateX(${delta * pps}px)`;
    }, () => {
      const to = sceneDropIndex(store.state, index, offset + length / 2 + delta);
      box.classList.remove('dragging');
      box.style.transform = '';
      if (to !== index) store.update((s) => moveScene(s, index, to));
    });
  });
  return box;
}

function itemBox(store, item, offset) {
  const name = item.media ? store.state.media[item.media]?.name ?? item.media : item.track === 'text' ? item.text : `${item.cues.length} cue(s)`;
  const box = el('div', {
    class: `item${store.selected === item.id ? ' selected' : ''}`, 'data-item': item.id, 'data-track': item.track,
    style: `left:${(offset + item.start) * pps}px;width:${Math.max(4, itemLength(item) * pps)}px`, title: name,
  },
  el('div', { class: 'handle start', 'data-edge': 'start', title: 'Drag to trim the start' }),
  el('span', { class: 'name' }, name),
  el('div', { class: 'handle end', 'data-edge': 'end', title: 'Drag to trim the end' }));
  box.addEventListener('pointerdown', (event) => startEdit(store, box, item.id, offset, event));
  return box;
}

/** Moves or trims an item with the pointer; the element follows live, the model changes on release. */
function startEdit(store, box, id, offset, event) {
  event.preventDefault();
  event.stopPropagation();
  store.selected = id;
  const { item } = findItem(store.state, id);
  const edge = event.target.dataset.edge ?? null;
  const x0 = event.clientX;
  const left0 = (offset + item.start) * pps;
  const width0 = itemLength(item) * pps;
  let delta = 0;
  box.classList.add('selected', 'dragging');
  drag(event, (e) => {
    delta = (e.clientX - x0) / pps;
    if (edge === 'start') {
      const d = Math.min(delta, itemLength(item) - 0.1);
      box.style.left = `${left0 + d * pps}px`;
      box.style.width = `${width0 - d * pps}px`;
    } else if (edge === 'end') {
      box.style.width = `${Math.max(4, width0 + delta * pps)}px`;
    } else {
      box.style.left = `${Math.max(offset * pps, left0 + delta * pps)}px`;
    }
  }, () => {
    store.update((state) => {
      if (edge === 'start') trimItem(state, id, 'start', item.start + delta);
      else if (edge === 'end') trimItem(state, id, 'end', item.start + itemLength(item) + delta);
      else if (delta !== 0) moveItem(state, id, item.start + delta);
    }, { persist: delta !== 0 });
  });
}
