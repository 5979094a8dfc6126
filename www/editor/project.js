// The one place that turns the editor state into a v1 project (docs/project-format.md).
// Pure: no DOM, so Node tests validate its output with `frameloom-server validate`.
import { TRACKS, itemLength, round } from './model.js';

/** Video and audio codecs per output format, as the v1 format defaults them. */
const FORMATS = {
  mp4: { videoCodec: 'h264', audioCodec: 'aac' },
  webm: { videoCodec: 'vp9', audioCodec: 'opus' },
  gif: { videoCodec: 'gif', audioCodec: 'none' },
};

/** Smallest and largest `targetSizeBytes` the format accepts. */
const TARGET_SIZE = { min: 16384, max: 17179869184 };

/** Where a text item sits in the frame: its `style.verticalAlign`. */
const POSITIONS = ['top', 'middle', 'bottom'];

/** An editor problem found before the engine sees the project (code + message, like FrameloomError). */
export class EditorError extends Error {
  /** @param {string} code stable code, e.g. `empty_timeline` @param {string} message what to do */
  constructor(code, message) {
    super(message);
    this.name = 'EditorError';
    this.code = code;
  }
}

/**
 * Builds the v1 project for `state` with export `options`:
 * `{ format?, width?, height?, quality?, targetSizeBytes? }` (defaults: the state's output, mp4).
 * Throws an `EditorError` when there is nothing to export or an option is out of range.
 */
export function toProject(state, options = {}) {
  const format = options.format ?? 'mp4';
  if (!FORMATS[format]) throw new EditorError('invalid_option', `unknown format "${format}": use mp4, webm or gif`);
  const scenes = state.scenes.filter((scene) => scene.items.length).map((scene) => ({ layers: sceneLayers(scene) }));
  if (!scenes.length) throw new EditorError('empty_timeline', 'the timeline is empty: import a clip and add it to the timeline first');
  const output = {
    width: evenFor(format, options.width ?? state.output.width),
    height: evenFor(format, options.height ?? state.output.height),
    fps: state.output.fps,
    format,
    ...FORMATS[format],
    quality: options.quality ?? 'high',
  };
  if (options.targetSizeBytes != null) output.targetSizeBytes = targetSize(options.targetSizeBytes);
  return { version: 1, output, sources: sources(state), scenes };
}

/** The sources the timeline uses, by media id. */
function sources(state) {
  const used = new Set(state.scenes.flatMap((scene) => scene.items.map((item) => item.media).filter(Boolean)));
  const out = {};
  for (const id of used) {
    const media = state.media[id];
    if (!media) throw new EditorError('missing_media', `a timeline item uses media "${id}", which is not in the media bin any more: delete the item`);
    out[id] = { kind: media.kind, name: media.name.slice(0, 255) || id, size: Math.max(1, media.size) };
  }
  return out;
}

function sceneLayers(scene) {
  return [...scene.items]
    .sort((a, b) => TRACKS.indexOf(a.track) - TRACKS.indexOf(b.track) || a.start - b.start)
    .map(layer);
}

function layer(item) {
  const start = round(item.start);
  switch (item.track) {
    case 'video':
    case 'audio':
      return { type: item.track, source: item.media, start, trimStart: round(item.trimStart), trimEnd: round(item.trimEnd) };
    case 'image':
      return { type: 'image', source: item.media, start, duration: round(itemLength(item)) };
    case 'text':
      return {
        type: 'text', text: item.text || ' ', start, duration: round(item.duration),
        style: { verticalAlign: POSITIONS.includes(item.position) ? item.position : 'middle', outline: {} },
      };
    case 'subtitles':
      return { type: 'subtitles', start, duration: round(item.duration), cues: cues(item) };
    default:
      throw new EditorError('internal', `unknown track "${item.track}"`);
  }
}

/** The item's cues that have text and start before it ends, cut at its end. */
function cues(item) {
  return item.cues
    .filter((cue) => cue.text.trim() && cue.start < item.duration && cue.end > cue.start)
    .map((cue) => ({ start: round(cue.start), end: round(Math.min(cue.end, item.duration)), text: cue.text }));
}

function evenFor(format, n) {
  const size = Math.round(n);
  return format === 'gif' ? size : Math.round(size / 2) * 2;
}

function targetSize(bytes) {
  const n = Math.round(bytes);
  if (!(n >= TARGET_SIZE.min && n <= TARGET_SIZE.max)) {
    throw new EditorError('invalid_option', 'the target size must be between 16 KB and 16 GB');
  }
  return n;
}
