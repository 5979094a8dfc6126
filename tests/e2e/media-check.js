// Checks on rendered files with ffprobe/ffmpeg: streams, frame counts, pixels, sound.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIG = { maxBuffer: 512 << 20, encoding: 'buffer' };

/** Runs ffmpeg with `args` (after the quiet flags) and returns stdout as a Buffer. */
export async function ffmpeg(args) {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], BIG);
  return stdout;
}

/** ffprobe's streams and format of `file`, with video frames counted by decoding. */
export async function probeFile(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { maxBuffer: 16 << 20 });
  const json = JSON.parse(stdout);
  return {
    format: json.format,
    video: json.streams.find((s) => s.codec_type === 'video'),
    audio: json.streams.find((s) => s.codec_type === 'audio'),
  };
}

/** Decoded frames `indices` of `file` as RGB24 at `width × height`: `[{ at(x, y) → [r, g, b] }]`. */
export async function frames(file, indices, width, height) {
  const select = indices.map((n) => `eq(n\\,${n})`).join('+');
  const raw = await ffmpeg(['-i', file, '-vf', `select='${select}',scale=${width}:${height}`, '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  const size = width * height * 3;
  const out = [];
  for (let i = 0; i < indices.length; i++) {
    const base = i * size;
    out.push({ at: (x, y) => Array.from(raw.subarray(base + (y * width + x) * 3, base + (y * width + x) * 3 + 3)) });
  }
  return out;
}

/** True when `rgb` is within `tolerance` of `expected` on every channel. */
export function near(rgb, expected, tolerance = 40) {
  return rgb.every((v, i) => Math.abs(v - expected[i]) <= tolerance);
}

/** Named colours as ffmpeg's `color` source makes them. */
export const COLORS = { red: [255, 0, 0], green: [0, 128, 0], blue: [0, 0, 255], yellow: [255, 255, 0], black: [0, 0, 0], white: [255, 255, 255] };

/** The sound of `file` as 48 kHz mono f32 samples. */
export async function samples(file) {
  const raw = await ffmpeg(['-i', file, '-vn', '-ac', '1', '-ar', '48000', '-f', 'f32le', '-']);
  return new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 4));
}

/** RMS level of `pcm` (48 kHz) over `[from, to)` seconds. */
export function rms(pcm, from, to) {
  const a = Math.floor(from * 48000);
  const b = Math.min(pcm.length, Math.floor(to * 48000));
  let sum = 0;
  for (let i = a; i < b; i++) sum += pcm[i] * pcm[i];
  return Math.sqrt(sum / Math.max(1, b - a));
}

/** Dominant frequency of `pcm` (48 kHz) over `[from, to)` seconds, from rising zero crossings. */
export function frequency(pcm, from, to) {
  const a = Math.floor(from * 48000);
  const b = Math.min(pcm.length, Math.floor(to * 48000));
  let crossings = 0;
  for (let i = a + 1; i < b; i++) if (pcm[i - 1] < 0 && pcm[i] >= 0) crossings++;
  return crossings / ((b - a) / 48000);
}

/**
 * Average PSNR (dB) of `file` against `reference` scaled to `width × height`. Renders are
 * BT.709; pass `referenceMatrix: 'bt601'` for a reference in BT.601 (untagged video under 720
 * lines, as browsers and the server read it) so its colours are converted before comparing planes.
 */
export async function psnr(file, reference, width, height, { referenceMatrix = 'bt709' } = {}) {
  const matrix = referenceMatrix === 'bt709' ? '' : `:in_color_matrix=${referenceMatrix}:out_color_matrix=bt709`;
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostdin', '-i', file, '-i', reference, '-lavfi',
    `[1:v]scale=${width}:${height}${matrix}[ref];[0:v][ref]psnr`, '-f', 'null', '-'], { maxBuffer: 64 << 20 });
  const match = /average:([0-9.]+|inf)/.exec(stderr);
  return match ? (match[1] === 'inf' ? Infinity : Number(match[1])) : NaN;
}
