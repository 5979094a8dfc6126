// SRT and WebVTT files → cues `{ start, end, text }` in seconds, for editing in the page
// (the project carries them inline). Plain text only: markup tags are removed.

/** Longest subtitles file the page reads (bytes). */
export const MAX_SUBTITLES_BYTES = 4 << 20;

/** Most cues kept from one file (the v1 limit per layer). */
const MAX_CUES = 10000;

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;

/**
 * Parses SRT or WebVTT text. Returns `{ cues, skipped }`: cues sorted by start, and how many
 * blocks could not be read. Throws an Error with a readable message when nothing is a cue.
 */
export function parseSubtitles(text) {
  const blocks = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split(/\n{2,}/);
  const cues = [];
  let skipped = 0;
  for (const block of blocks) {
    const lines = block.split('\n').filter((line, i) => i > 0 || line.trim());
    const at = lines.findIndex((line) => line.includes('-->'));
    if (at < 0) continue; // WEBVTT header, NOTE, STYLE, or a stray number
    const match = TIMING.exec(lines[at]);
    const body = lines.slice(at + 1).map(stripTags).join('\n').trim();
    if (!match || !body) { skipped += 1; continue; }
    const start = seconds(match[1]);
    const end = seconds(match[2]);
    if (!(end > start)) { skipped += 1; continue; }
    if (cues.length < MAX_CUES) cues.push({ start, end, text: body });
  }
  if (!cues.length) throw new Error('no cues found: the file is not SRT or WebVTT (lines like "00:00:01,000 --> 00:00:02,000")');
  cues.sort((a, b) => a.start - b.start);
  return { cues, skipped };
}

function seconds(stamp) {
  const parts = stamp.replace(',', '.').split(':').map(Number);
  return Math.round(parts.reduce((total, part) => total * 60 + part, 0) * 1000) / 1000;
}

function stripTags(line) {
  return line.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}
