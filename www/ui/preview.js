// The preview player: the composed frame at the playhead on a canvas (video and image layers
// fitted into the frame, text and the current subtitle drawn over them), scrubbing and playback.
// It is a preview only; exports go through the engine.
import { activeItems, locate, totalLength } from '../editor/model.js';
import { clock } from './dom.js';

/** Media elements by media id (a `<video>` for video and audio, an `<img>` for images), with their object URLs. */
const elements = new Map();
let playing = false;
let drawToken = 0;

function elementFor(store, mediaId) {
  const blob = store.files.get(mediaId);
  const known = elements.get(mediaId);
  if (known?.blob === blob) return known.node;
  if (known) {
    known.node.pause?.();
    URL.revokeObjectURL(known.node.src);
    elements.delete(mediaId);
  }
  if (!blob) return null;
  const kind = store.state.media[mediaId]?.kind;
  const node = kind === 'image' ? new Image() : document.createElement('video');
  if (kind !== 'image') {
    node.preload = 'auto';
    node.playsInline = true;
  }
  node.src = URL.createObjectURL(blob);
  elements.set(mediaId, { blob, node });
  return node;
}

/** Wires play/pause and keyboard (space plays, arrows step). */
export function setupPreview(store) {
  const button = document.getElementById('play');
  button.addEventListener('click', () => (playing ? pause(store) : play(store)));
  document.addEventListener('keydown', (event) => {
    if (event.target.closest('input, textarea, select, dialog')) return;
    if (event.code === 'Space') { event.preventDefault(); button.click(); }
    if (event.code === 'ArrowLeft' || event.code === 'ArrowRight') {
      store.playhead = Math.max(0, store.playhead + (event.code === 'ArrowLeft' ? -1 : 1) / store.state.output.fps);
      store.update(null, { persist: false });
    }
  });
}

function play(store) {
  if (totalLength(store.state) <= 0) return;
  if (store.playhead >= totalLength(store.state) - 0.05) store.playhead = 0;
  playing = true;
  document.getElementById('play').textContent = '⏸ Pause';
  let last = performance.now();
  const tick = (now) => {
    if (!playing) return;
    store.playhead += (now - last) / 1000;
    last = now;
    if (store.playhead >= totalLength(store.state)) {
      store.playhead = totalLength(store.state);
      pause(store);
    }
    store.update(null, { persist: false });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function pause(store) {
  playing = false;
  document.getElementById('play').textContent = '▶ Play';
  for (const { node } of elements.values()) node.pause?.();
  store.update(null, { persist: false });
}

/** Draws the frame at the playhead (seeking media when paused, following it when playing). */
export async function renderPreview(store) {
  const { state } = store;
  const canvas = document.getElementById('preview');
  if (canvas.width !== state.output.width || canvas.height !== state.output.height) {
    canvas.width = state.output.width;
    canvas.height = state.output.height;
  }
  document.getElementById('time').textContent = `${clock(store.playhead)} / ${clock(totalLength(state))}`;
  const token = ++drawToken;
  const here = locate(state, store.playhead);
  const items = here ? activeItems(here.scene, here.local) : [];
  const used = new Set();
  for (const item of items) {
    if (!item.media) continue;
    const node = elementFor(store, item.media);
    if (!node || state.media[item.media].kind === 'image') continue;
    used.add(node);
    const want = item.trimStart + (here.local - item.start);
    if (playing) {
      if (Math.abs(node.currentTime - want) > 0.3) node.currentTime = want;
      if (node.paused) node.play().catch(() => {});
    } else {
      node.pause();
      await seek(node, want);
    }
  }
  for (const { node } of elements.values()) if (!used.has(node)) node.pause?.();
  if (token !== drawToken) return; // a newer frame was asked for meanwhile
  draw(canvas, store, items, here?.local ?? 0);
}

function seek(node, time) {
  if (node.readyState >= 2 && Math.abs(node.currentTime - time) < 0.001) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { node.removeEventListener('seeked', done); node.removeEventListener('error', done); resolve(); };
    node.addEventListener('seeked', done);
    node.addEventListener('error', done);
    setTimeout(done, 1000);
    node.currentTime = time;
  });
}

function draw(canvas, store, items, local) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, width, height);
  for (const item of items) {
    if (item.track === 'video' || item.track === 'image') {
      const node = elements.get(item.media)?.node;
      const w = node?.videoWidth ?? node?.naturalWidth;
      const h = node?.videoHeight ?? node?.naturalHeight;
      if (!w || !h) continue;
      const scale = Math.min(width / w, height / h);
      ctx.drawImage(node, (width - w * scale) / 2, (height - h * scale) / 2, w * scale, h * scale);
    } else if (item.track === 'text') {
      caption(ctx, item.text, Math.round(height / 15), item.position ?? 'middle', width, height);
    } else if (item.track === 'subtitles') {
      const t = local - item.start;
      const text = item.cues.filter((cue) => cue.start <= t && t < cue.end).map((cue) => cue.text).join('\n');
      if (text) caption(ctx, text, Math.round(height / 20), 'bottom', width, height);
    }
  }
}

/** Centred lines with an outline, at the top, middle or bottom of the frame. */
function caption(ctx, text, size, position, width, height) {
  const lines = text.split('\n');
  const lineHeight = size * 1.2;
  const block = lineHeight * lines.length;
  const margin = position === 'bottom' ? Math.round(height * 0.05) : 0;
  const top = position === 'top' ? 0 : position === 'bottom' ? height - margin - block : (height - block) / 2;
  ctx.font = `${size}px "Noto Sans", sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, size / 12);
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#fff';
  lines.forEach((line, i) => {
    ctx.strokeText(line, width / 2, top + i * lineHeight);
    ctx.fillText(line, width / 2, top + i * lineHeight);
  });
}
