// engine.ingest(file): probe a file and, when editing it directly would be slow or
// impossible in this browser, make a small preview proxy (in the browser, or on the render
// server when the browser cannot decode the file). Final exports always read the original
// file; the proxy is only for the editor's preview.

/** Height of preview proxies, in pixels (the width follows the picture's shape, rounded to even). */
export const PROXY_HEIGHT = 480;

/** Sources taller than this (after rotation) get a proxy: more than 1080p is heavy to scrub. */
export const MAX_EDIT_HEIGHT = 1080;

/** Bits per pixel per frame of a typical H.264 file (about 6 Mb/s at 1080p30). */
export const TYPICAL_BITS_PER_PIXEL = 0.1;

/** A source whose bitrate is above this many times the typical one for its size gets a proxy. */
export const HIGH_BITRATE_FACTOR = 2;

/** Highest frame rate of a proxy. */
const PROXY_MAX_FPS = 30;

/** The typical bitrate in bits/s of a `width`×`height` video at `fps`. */
export function typicalBitrate(width, height, fps) {
  return width * height * fps * TYPICAL_BITS_PER_PIXEL;
}

/** The file's first video track, with its upright (displayed) size. */
function videoTrack(info) {
  const track = info.tracks.find((t) => t.kind === 'video' && t.video);
  if (!track) return null;
  const { width, height, rotation } = track.video;
  const turned = rotation === 90 || rotation === 270;
  return { track, width: turned ? height : width, height: turned ? width : height };
}

/**
 * Why `info` (a probe with `decodableHere`) needs a preview proxy, or `null` when it does not:
 * `not_decodable` (this browser cannot decode the video, e.g. HEVC in Chromium), `resolution`
 * (taller than {@link MAX_EDIT_HEIGHT}) or `bitrate` (above {@link HIGH_BITRATE_FACTOR} × the
 * {@link typicalBitrate} for its size and frame rate).
 */
export function proxyReason(info) {
  const video = videoTrack(info);
  if (!video) return null;
  if (!video.track.decodableHere) return 'not_decodable';
  if (video.height > MAX_EDIT_HEIGHT) return 'resolution';
  const fps = video.track.video.frameRate || 30;
  const bitrate = info.duration > 0 ? (info.size * 8) / info.duration : 0;
  if (bitrate > HIGH_BITRATE_FACTOR * typicalBitrate(video.width, video.height, fps)) return 'bitrate';
  return null;
}

/**
 * A project that renders the whole of `info` (source id `src`) as a 480p H.264 MP4 with Opus
 * sound; `onServer` keeps sound this browser cannot decode (the server decodes it).
 */
export function proxyProject(info, { onServer = false } = {}) {
  const video = videoTrack(info);
  const height = Math.min(PROXY_HEIGHT, video.height - (video.height % 2));
  const width = Math.max(2, Math.round((video.width * height) / video.height / 2) * 2);
  const fps = Math.min(PROXY_MAX_FPS, Math.round(video.track.video.frameRate || PROXY_MAX_FPS));
  const sound = info.tracks.some((t) => t.kind === 'audio' && (onServer || t.decodableHere));
  return {
    version: 1,
    output: { width, height, fps, format: 'mp4', videoCodec: 'h264', audioCodec: sound ? 'opus' : 'none', quality: 'low' },
    sources: { src: { kind: 'video', name: 'source', size: info.size } },
    scenes: [{ layers: [{ type: 'video', source: 'src', trimEnd: video.track.duration ?? info.duration }] }],
  };
}

/**
 * Probes `file` and makes a proxy when {@link proxyReason} says so: in this browser when it can
 * decode the file, else (`not_decodable`) on the engine's render server. Without a server the
 * result has `proxyReason` but no `proxy`, and `proxyError` says why.
 * @param {import('./index.js').Engine} engine
 * @param {Blob} file
 * @param {{ signal?: AbortSignal, onProgress?: (event: object) => void }} [options]
 */
export async function ingest(engine, file, { signal, onProgress } = {}) {
  const probe = await engine.probe(file);
  const reason = proxyReason(probe);
  if (!reason) return { probe };
  const onServer = reason === 'not_decodable';
  if (onServer && !engine.server) {
    const proxyError = {
      code: 'server_unavailable',
      message: 'this browser cannot decode the video and no render server is configured to make a preview; pass server to Engine.create()',
    };
    return { probe, proxyReason: reason, proxyError };
  }
  const project = proxyProject(probe, { onServer });
  const route = onServer ? 'server' : 'client';
  const { blob } = await engine.render(project, { files: { src: file }, route, signal, onProgress }).done;
  return { probe, proxy: blob, proxyReason: reason, proxyRoute: route };
}
