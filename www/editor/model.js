// The editor's timeline model and every edit on it, as pure functions over plain data
// (no DOM): scenes of items on five tracks, times in seconds relative to their scene.

/** The tracks, bottom of the picture first (audio draws nothing). */
export const TRACKS = ['video', 'image', 'audio', 'text', 'subtitles'];

/** Shortest item the edits leave (seconds). */
export const MIN_LENGTH = 0.1;

/** Default length of an image, text or subtitles item added on its own (seconds). */
const DEFAULT_LENGTH = 3;

/** A fresh, empty editor state. */
export function emptyState() {
  return {
    name: 'Untitled',
    output: { width: 1280, height: 720, fps: 30 },
    media: {},
    scenes: [],
    nextId: 1,
  };
}

/** True for items that play a stretch of a media file (they have trimStart/trimEnd). */
export function isTrimmed(item) {
  return item.track === 'video' || item.track === 'audio';
}

/** How long `item` lasts on the timeline. */
export function itemLength(item) {
  return isTrimmed(item) ? item.trimEnd - item.trimStart : item.duration;
}

/** The end of `item` in its scene. */
export function itemEnd(item) {
  return item.start + itemLength(item);
}

/** How long `scene` lasts: until its last item ends. */
export function sceneLength(scene) {
  return scene.items.reduce((end, item) => Math.max(end, itemEnd(item)), 0);
}

/** Start time of every scene on the whole timeline. */
export function sceneOffsets(state) {
  const offsets = [];
  let t = 0;
  for (const scene of state.scenes) {
    offsets.push(t);
    t += sceneLength(scene);
  }
  return offsets;
}

/** Length of the whole timeline. */
export function totalLength(state) {
  return state.scenes.reduce((t, scene) => t + sceneLength(scene), 0);
}

/** The scene playing at timeline time `t` and the time within it (the last scene past the end), or null. */
export function locate(state, t) {
  const offsets = sceneOffsets(state);
  for (let i = state.scenes.length - 1; i >= 0; i--) {
    if (t >= offsets[i] || i === 0) return { index: i, scene: state.scenes[i], local: Math.max(0, t - offsets[i]) };
  }
  return null;
}

/** Items of `scene` visible at its local time `local`, in track order (bottom first). */
export function activeItems(scene, local) {
  return scene.items
    .filter((item) => item.start <= local && local < itemEnd(item))
    .sort((a, b) => TRACKS.indexOf(a.track) - TRACKS.indexOf(b.track));
}

/** Finds an item by id: `{ scene, sceneIndex, item }` or null. */
export function findItem(state, id) {
  for (const [sceneIndex, scene] of state.scenes.entries()) {
    const item = scene.items.find((it) => it.id === id);
    if (item) return { scene, sceneIndex, item };
  }
  return null;
}

function newId(state, prefix) {
  const id = `${prefix}${state.nextId}`;
  state.nextId += 1;
  return id;
}

/** Registers an imported file's facts; returns its media id (a valid v1 source id). */
export function addMedia(state, { kind, name, size, duration = null, width = null, height = null, hasAudio = false, decodableHere = true, codecs = [] }) {
  const id = newId(state, 'm');
  state.media[id] = { id, kind, name, size, duration, width, height, hasAudio, decodableHere, codecs };
  if (kind === 'video' && width && height && !state.scenes.length && !Object.values(state.media).some((m) => m.id !== id && m.kind === 'video')) {
    state.output.width = even(width);
    state.output.height = even(height);
  }
  return id;
}

function even(n) {
  return Math.max(16, Math.round(n / 2) * 2);
}

/**
 * Puts media `mediaId` on the timeline: a video starts a new scene at the end; audio and images
 * go into the scene playing at `at` (timeline seconds), starting there. Returns the new item id.
 */
export function addMediaItem(state, mediaId, at = 0) {
  const media = state.media[mediaId];
  if (!media) throw new Error(`no media ${mediaId}`);
  if (media.kind === 'video') {
    const item = { id: newId(state, 'i'), track: 'video', media: mediaId, start: 0, trimStart: 0, trimEnd: media.duration ?? DEFAULT_LENGTH };
    state.scenes.push({ id: newId(state, 's'), items: [item] });
    return item.id;
  }
  const base = media.kind === 'audio'
    ? { track: 'audio', media: mediaId, trimStart: 0, trimEnd: media.duration ?? DEFAULT_LENGTH }
    : { track: 'image', media: mediaId, duration: DEFAULT_LENGTH };
  return placeInScene(state, base, at);
}

/** Adds a text item at timeline time `at`; returns its id. */
export function addText(state, text, at = 0) {
  return placeInScene(state, { track: 'text', text, position: 'middle', duration: DEFAULT_LENGTH }, at);
}

/**
 * Adds a subtitles item with `cues` (times from the item's start) at timeline time `at`; it lasts
 * until its last cue ends. Returns its id.
 */
export function addSubtitles(state, cues, at = 0) {
  const end = cues.reduce((e, cue) => Math.max(e, cue.end), MIN_LENGTH);
  return placeInScene(state, { track: 'subtitles', cues: cues.map((c) => ({ ...c })), duration: end }, at);
}

function placeInScene(state, fields, at) {
  if (!state.scenes.length) state.scenes.push({ id: newId(state, 's'), items: [] });
  const { scene, local } = locate(state, at);
  const item = { id: newId(state, 'i'), start: round(local), ...fields };
  scene.items.push(item);
  return item.id;
}

/** Moves item `id` to start at `start` within its scene (never before 0). */
export function moveItem(state, id, start) {
  const found = findItem(state, id);
  if (found) found.item.start = round(Math.max(0, start));
}

/**
 * Moves one edge of item `id` to scene time `to`: `start` trims the head (the picture stays in
 * place on the timeline), `end` the tail. Trimmed media stays within the file.
 */
export function trimItem(state, id, edge, to) {
  const found = findItem(state, id);
  if (!found) return;
  const { item } = found;
  const limit = isTrimmed(item) ? state.media[item.media]?.duration ?? Infinity : Infinity;
  if (edge === 'start') {
    const end = itemEnd(item);
    let start = Math.min(Math.max(0, to), end - MIN_LENGTH);
    if (isTrimmed(item)) {
      start = Math.max(start, item.start - item.trimStart);
      item.trimStart = round(item.trimStart + (start - item.start));
    } else {
      item.duration = round(end - start);
      if (item.cues) shiftCues(item, start - item.start);
    }
    item.start = round(start);
  } else {
    const length = Math.max(MIN_LENGTH, to - item.start);
    if (isTrimmed(item)) item.trimEnd = round(Math.min(limit, item.trimStart + length));
    else item.duration = round(length);
  }
}

function shiftCues(item, by) {
  item.cues = item.cues
    .map((cue) => ({ ...cue, start: round(cue.start - by), end: round(cue.end - by) }))
    .filter((cue) => cue.end > 0)
    .map((cue) => ({ ...cue, start: Math.max(0, cue.start) }));
}

/** Splits item `id` at timeline time `t` into two items; returns the new (second) item's id, or null when `t` is not inside it. */
export function splitItem(state, id, t) {
  const found = findItem(state, id);
  if (!found) return null;
  const { item, scene, sceneIndex } = found;
  const local = t - sceneOffsets(state)[sceneIndex];
  const cut = local - item.start;
  if (cut < MIN_LENGTH || itemLength(item) - cut < MIN_LENGTH) return null;
  const second = { ...item, id: newId(state, 'i'), start: round(local) };
  if (isTrimmed(item)) {
    second.trimStart = round(item.trimStart + cut);
    item.trimEnd = second.trimStart;
  } else {
    second.duration = round(item.duration - cut);
    item.duration = round(cut);
    if (item.cues) {
      second.cues = item.cues;
      shiftCues(second, cut);
      item.cues = item.cues.filter((cue) => cue.start < cut).map((cue) => ({ ...cue, end: Math.min(cue.end, round(cut)) }));
    }
  }
  scene.items.splice(scene.items.indexOf(item) + 1, 0, second);
  return second.id;
}

/** Deletes item `id`; a scene left empty goes too. */
export function deleteItem(state, id) {
  const found = findItem(state, id);
  if (!found) return;
  found.scene.items.splice(found.scene.items.indexOf(found.item), 1);
  if (!found.scene.items.length) state.scenes.splice(found.sceneIndex, 1);
}

/** Moves scene `index` to position `to` (clamped). */
export function moveScene(state, index, to) {
  const target = Math.min(Math.max(0, to), state.scenes.length - 1);
  if (index < 0 || index >= state.scenes.length || target === index) return;
  const [scene] = state.scenes.splice(index, 1);
  state.scenes.splice(target, 0, scene);
}

/**
 * Where scene `index` lands when dragged so that its middle is at timeline time `t`: the number
 * of other scenes whose middle is before `t` (the index to pass to {@link moveScene}).
 */
export function sceneDropIndex(state, index, t) {
  const offsets = sceneOffsets(state);
  return state.scenes.filter((scene, i) => i !== index && offsets[i] + sceneLength(scene) / 2 < t).length;
}

/** Removes media `id` and every item that uses it. */
export function deleteMedia(state, id) {
  delete state.media[id];
  for (const scene of state.scenes) scene.items = scene.items.filter((item) => item.media !== id);
  state.scenes = state.scenes.filter((scene) => scene.items.length);
}

/** Rounds a time to whole microseconds, as the core reads it. */
export function round(seconds) {
  return Math.round(seconds * 1e6) / 1e6;
}
