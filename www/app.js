// The probe page: pick or drop a file, see what the engine reads from it.
import { Engine, FrameloomError } from './frameloom/index.js';

const status = document.getElementById('status');
const drop = document.getElementById('drop');
const input = document.getElementById('file');
const result = document.getElementById('result');

const enginePromise = Engine.create();
enginePromise.then(
  () => { status.textContent = 'Ready.'; },
  (error) => { status.textContent = `The engine could not start: ${error.message}`; },
);

input.addEventListener('change', () => {
  if (input.files.length) show(input.files[0]);
});
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer.files[0];
  if (file) show(file);
});

async function show(file) {
  result.dataset.state = 'busy';
  result.replaceChildren(el('p', {}, `Reading ${file.name}…`));
  try {
    const engine = await enginePromise;
    const info = await engine.probe(file);
    result.replaceChildren(...describe(file, info));
    result.dataset.state = 'done';
  } catch (error) {
    const code = error instanceof FrameloomError ? error.code : 'internal';
    result.replaceChildren(
      el('div', { class: 'error' },
        el('p', {}, el('strong', {}, `Cannot read ${file.name}: `), error.message),
        el('p', {}, el('code', {}, code))),
    );
    result.dataset.state = 'error';
    result.dataset.code = code;
  }
}

function describe(file, info) {
  const summary = table(['Container', 'Duration', 'Size', 'Streamable', 'Decodable here'], [[
    info.container, seconds(info.duration), bytes(info.size), info.streamable ? 'yes' : 'no', yesNo(info.decodableHere),
  ]]);
  const rows = info.tracks.map((t) => [
    String(t.id),
    t.kind,
    el('code', {}, t.codec),
    t.video ? `${t.video.width}×${t.video.height}` : t.audio ? `${t.audio.sampleRate} Hz, ${t.audio.channels} ch` : '–',
    t.video?.frameRate != null ? `${t.video.frameRate.toFixed(3)}${t.video.variableFrameRate ? ' (variable)' : ''}` : '–',
    t.video ? `${t.video.rotation}°` : '–',
    t.kind === 'video' ? String(t.keyframes.length) : '–',
    seconds(t.duration),
    yesNo(t.decodableHere),
  ]);
  const tracks = table(['Track', 'Kind', 'Codec', 'Size / audio', 'FPS', 'Rotation', 'Keyframes', 'Duration', 'Decodable here'], rows);
  return [el('h2', {}, file.name), summary, el('h3', {}, 'Tracks'), tracks];
}

function table(headings, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))));
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function yesNo(flag) {
  return el('span', { class: flag ? 'yes' : 'no' }, flag ? 'yes' : 'no');
}

function seconds(value) {
  return value == null ? 'unknown' : `${value.toFixed(3)} s`;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}
