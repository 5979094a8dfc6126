// SRT and WebVTT files → cues `{ start, end, text }` in seconds, for editing in the page (the
// project carries them inline). The engine's `parseSubtitles` reads them with the core's parser,
// the one renders use; this module only picks the format and converts the times.

/** Longest subtitles file the page reads (bytes). */
export const MAX_SUBTITLES_BYTES = 4 << 20;

/** The format to ask for: by extension, else by the `WEBVTT` header (`undefined`). */
export function formatOf(name) {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1].toLowerCase();
  return ext === 'srt' || ext === 'vtt' ? ext : undefined;
}

/**
 * Converts the engine's answer `{ cues: [{ startUs, endUs, text }], errors: [{ line, message }] }`
 * to `{ cues, problems }`: cues in seconds sorted by start, problems as `line N: message`.
 * Throws an Error (code `no_cues`) when no cue was read.
 */
export function fromParsed({ cues, errors }) {
  const problems = errors.map((e) => `line ${e.line}: ${e.message}`);
  if (!cues.length) {
    const why = problems[0] ? ` (${problems[0]})` : '';
    throw Object.assign(new Error(`no cues found: the file is not SRT or WebVTT${why}`), { code: 'no_cues' });
  }
  const list = cues.map((cue) => ({ start: seconds(cue.startUs), end: seconds(cue.endUs), text: cue.text }));
  list.sort((a, b) => a.start - b.start);
  return { cues: list, problems };
}

/** Reads a subtitles `file` with `engine`: `{ cues, problems }` (see {@link fromParsed}). */
export async function readSubtitles(engine, file) {
  if (file.size > MAX_SUBTITLES_BYTES) {
    throw Object.assign(new Error('subtitles files over 4 MiB are not read; split the file'), { code: 'too_large' });
  }
  return fromParsed(await engine.parseSubtitles(await file.text(), { format: formatOf(file.name) }));
}

/** Microseconds → seconds, to the millisecond. */
function seconds(us) {
  return Math.round(us / 1000) / 1000;
}
