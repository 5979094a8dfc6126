// Media import (file picker, drag and drop) and the media bin: each file with its probe
// (codec, size, duration, whether this browser decodes it or it needs the server).
import { addMedia, addMediaItem, addSubtitles, deleteMedia } from '../editor/model.js';
import { readSubtitles } from '../editor/subtitles.js';
import { bytes, el, seconds } from './dom.js';
import { showError, showNotice } from './errors.js';

const VIDEO = /\.(mp4|mov|m4v|webm|mkv)$/i;
const AUDIO = /\.(m4a|aac|mp3|opus|ogg|oga|wav|flac)$/i;
const IMAGE = /\.(png|jpe?g|webp|gif)$/i;
const SUBS = /\.(srt|vtt)$/i;

/** What kind of file `file` is for the editor, from its type and name. */
function kindOf(file) {
  if (SUBS.test(file.name) || file.type === 'text/vtt') return 'subtitles';
  if (file.type.startsWith('image/') || IMAGE.test(file.name)) return 'image';
  if (file.type.startsWith('audio/') || AUDIO.test(file.name)) return 'audio';
  return 'video';
}

/** Wires the picker and the drop zone; `engineReady` resolves to the Engine. */
export function setupImport(store, engineReady) {
  const input = document.getElementById('file');
  const drop = document.getElementById('drop');
  input.addEventListener('change', async () => {
    await importFiles(store, engineReady, [...input.files]);
    input.value = '';
  });
  for (const target of [drop, document.getElementById('timeline')]) {
    target.addEventListener('dragover', (event) => {
      if (!event.dataTransfer.types.includes('Files')) return;
      event.preventDefault();
      drop.classList.add('over');
    });
    target.addEventListener('dragleave', () => drop.classList.remove('over'));
    target.addEventListener('drop', (event) => {
      if (!event.dataTransfer.files.length) return;
      event.preventDefault();
      drop.classList.remove('over');
      importFiles(store, engineReady, [...event.dataTransfer.files]);
    });
  }
}

/** Imports files one by one: probes media, reads subtitles; shows the last probe in #result. */
export async function importFiles(store, engineReady, files) {
  for (const file of files) {
    try {
      await importOne(store, engineReady, file);
    } catch (error) {
      const code = showError(`Cannot import ${file.name}`, error);
      setResult('error', [el('p', {}, `Cannot read ${file.name}: ${error.message}`)], code);
    }
  }
}

async function importOne(store, engineReady, file) {
  const kind = kindOf(file);
  setResult('busy', [el('p', {}, `Reading ${file.name}…`)]);
  if (kind === 'subtitles') {
    const { cues, problems } = await readSubtitles(await engineReady, file);
    store.update((state) => { store.selected = addSubtitles(state, cues, store.playhead); });
    if (problems.length) showNotice(`${file.name}: ${problems.length} problem(s): ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`);
    setResult('done', [el('h2', {}, file.name), el('p', {}, `${cues.length} cue(s) added to the subtitles track.`)]);
    return;
  }
  const facts = kind === 'image' ? await imageFacts(file) : await probeFacts(await engineReady, file);
  const existing = Object.values(store.state.media).find((m) => m.name === file.name && m.size === file.size && !store.files.has(m.id));
  store.update((state) => {
    const id = existing?.id ?? addMedia(state, { name: file.name, size: file.size, ...facts });
    store.files.set(id, file);
    if (!existing) store.selected = addMediaItem(state, id, store.playhead);
  });
}

async function imageFacts(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw Object.assign(new Error('this image cannot be read; use PNG, JPEG, WebP or GIF'), { code: 'unknown_format' });
  }
  const facts = { kind: 'image', width: bitmap.width, height: bitmap.height, codecs: [file.type || 'image'], decodableHere: true };
  bitmap.close();
  setResult('done', [el('h2', {}, file.name), el('p', {}, `Image, ${facts.width}×${facts.height}, ${bytes(file.size)}`)]);
  return facts;
}

async function probeFacts(engine, file) {
  const info = await engine.probe(file);
  const video = info.tracks.find((t) => t.kind === 'video');
  const audio = info.tracks.find((t) => t.kind === 'audio');
  const rotated = video && (video.video.rotation === 90 || video.video.rotation === 270);
  setResult('done', describe(file, info));
  return {
    kind: video ? 'video' : 'audio',
    duration: info.duration,
    width: video ? (rotated ? video.video.height : video.video.width) : null,
    height: video ? (rotated ? video.video.width : video.video.height) : null,
    hasAudio: Boolean(audio),
    decodableHere: info.decodableHere,
    codecs: info.tracks.map((t) => t.codec),
  };
}

/** Renders the media bin from the store. */
export function renderBin(store) {
  const list = document.getElementById('bin');
  const media = Object.values(store.state.media);
  list.replaceChildren(...(media.length ? media.map((m) => binEntry(store, m)) : [el('li', { class: 'empty' }, 'Imported files appear here.')]));
}

function binEntry(store, m) {
  const missing = !store.files.has(m.id);
  const facts = [
    m.codecs.join(', '),
    m.width ? `${m.width}×${m.height}` : null,
    m.duration != null ? seconds(m.duration) : null,
    bytes(m.size),
  ].filter(Boolean).join(' · ');
  const where = missing
    ? el('span', { class: 'no' }, 'file missing: import it again')
    : m.decodableHere ? el('span', { class: 'yes' }, 'decodes here') : el('span', { class: 'no' }, 'needs the server');
  return el('li', { class: 'media', 'data-media': m.id, 'data-kind': m.kind },
    el('div', { class: 'name', title: m.name }, `${icon(m.kind)} ${m.name}`),
    el('div', { class: 'facts' }, facts),
    el('div', { class: 'where' }, where),
    el('div', { class: 'actions' },
      el('button', { onclick: () => store.update((s) => { store.selected = addMediaItem(s, m.id, store.playhead); }) }, 'Add'),
      el('button', { onclick: () => store.update((s) => { deleteMedia(s, m.id); store.files.delete(m.id); }) }, 'Remove')));
}

function icon(kind) {
  return { video: '🎞', audio: '🔊', image: '🖼' }[kind] ?? '•';
}

/** Shows the last import in #result: `busy`, `done` or `error` (with its code). */
function setResult(state, children, code = null) {
  const result = document.getElementById('result');
  result.dataset.state = state;
  if (code) result.dataset.code = code;
  else delete result.dataset.code;
  result.replaceChildren(...children);
}

function describe(file, info) {
  const rows = info.tracks.map((t) => [
    t.kind,
    el('code', {}, t.codec),
    t.video ? `${t.video.width}×${t.video.height}` : t.audio ? `${t.audio.sampleRate} Hz, ${t.audio.channels} ch` : '–',
    t.video?.frameRate != null ? t.video.frameRate.toFixed(2) : '–',
    seconds(t.duration),
    t.decodableHere ? 'yes' : 'needs the server',
  ]);
  return [
    el('h2', {}, file.name),
    el('p', {}, `${info.container} · ${seconds(info.duration)} · ${bytes(info.size)} · `,
      info.decodableHere ? el('span', { class: 'yes' }, 'decodes here') : el('span', { class: 'no' }, 'needs the server')),
    el('table', {},
      el('thead', {}, el('tr', {}, ['Kind', 'Codec', 'Size / audio', 'FPS', 'Duration', 'Decodes here'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => el('td', {}, c)))))),
  ];
}
