// The device profile: a short micro-benchmark at first use, cached in IndexedDB per browser
// and core count; plus the network as the browser sees it, with the uplink and downlink
// measured from real transfers (EWMA).
//
// The benchmark runs the render pipeline's parts at a render's size (1280×720 H.264): decode,
// encode, the canvas path (draw, wrap the canvas as a frame, and the encoder's conversion of
// it, see `CANVAS_CONVERSION`), the YUV overlay path (copy the planes out, wrap them as a
// frame), the overlay rasterizer (wasm `rasterOverlays`) and the Opus encoder. Each codec first runs a
// warm-up batch (opening it and its first frames cost a fixed time, reported as
// `setupSeconds`), then a timed batch fed at once and flushed once, as a render feeds it: at
// 640×360, flushing every 10 frames, the rates came out at half the pipelined ones.
import { rasterOverlays } from '../wasm/frameloom.js';
import * as store from './store.js';

const WIDTH = 1280;
const HEIGHT = 720;
/** Frames of the warm-up batch (its time, minus its frames at the measured rate, is set-up). */
const WARMUP = 6;
/**
 * What the canvas path adds to an encode, relative to its draw and wrap alone: the encoder
 * then converts the RGB frame to YUV, which costs about as much again (measured at 720p:
 * path with encode − encode alone = 2.0–2.1 × draw and wrap). Timing the path with the encode
 * and subtracting the encode alone read 75–280 megapixels per second on one machine.
 */
const CANVAS_CONVERSION = 2;
/** Frames of the timed batch, and how often each timed batch runs (the best run counts). */
const FRAMES = 30;
const RUNS = 3;
const CODEC = 'avc1.42e01f';
/**
 * Cues rasterized for the overlay figure, in two calls (distinct texts of a typical subtitle
 * line's length, ~30 characters, so the worker's text cache misses): the difference leaves out
 * the call's fixed cost (planning, the timeline), which a render pays once.
 */
const CUES = [4, 16];
/** Seconds of audio in the Opus encoder's short and long timed stretches, in blocks of `AUDIO_BLOCK` samples. */
const AUDIO_SECONDS = [1, 4];
const AUDIO_RATE = 48_000;
const AUDIO_BLOCK = 4800;
/** Weight of the newest measurement in the uplink, downlink and device-correction averages. */
const EWMA_WEIGHT = 0.3;
/** Client renders predicted shorter than this say more about fixed costs than about the device's speed. */
const CORRECTION_MIN_SECONDS = 0.5;
/** Bounds of one render's correction sample (a render stalled by other work says little more). */
const CORRECTION_RANGE = [0.5, 2];
/** Bump when the benchmark changes, so stale profiles are measured again. */
const VERSION = 8;

/** The IndexedDB key of this browser's device profile (its benchmark's version, user agent and core count). */
export function deviceKey() {
  return `device:v${VERSION}:${self.navigator?.userAgent ?? ''}|${self.navigator?.hardwareConcurrency ?? 0}`;
}

let cached = null;

/**
 * The profile for `route::DeviceProfile` (camelCase), measured once and then read from
 * IndexedDB; `loadFonts()` makes the overlay rasterizer's fonts available.
 */
export function deviceProfile(loadFonts = async () => {}) {
  cached ??= (async () => {
    const stored = await store.get(deviceKey());
    if (stored) return stored;
    const measured = { ...(await benchmark().catch(() => ({}))), ...(await overlayCost(loadFonts).catch(() => ({}))),
      memoryBudgetBytes: memoryBudget() };
    await store.put(deviceKey(), measured);
    return measured;
  })();
  return cached;
}

/**
 * The profile with its speeds scaled by the correction learnt from real client renders
 * (measured ÷ predicted seconds, EWMA, stored next to the profile): the benchmark ran once,
 * the device's speed under its current load is what renders see.
 */
export async function correctedProfile(loadFonts) {
  const [profile, correction] = await Promise.all([deviceProfile(loadFonts), store.get(correctionKey())]);
  if (!(correction > 0)) return profile;
  const scaled = { ...profile };
  for (const rate of ['decodePps', 'encodePps', 'compositePps', 'yuvPps']) if (profile[rate] > 0) scaled[rate] = profile[rate] / correction;
  for (const cost of ['overlaySeconds', 'audioCost']) if (profile[cost] > 0) scaled[cost] = profile[cost] * correction;
  return scaled;
}

/** Whether the profile was measured already (in this worker or an earlier page). */
export async function hasDeviceProfile() {
  return cached !== null || (await store.get(deviceKey())) !== undefined;
}

/** Folds a client render that took `measured` seconds, predicted at `predicted` with the corrected profile, into the correction. */
export async function recordRender(predicted, measured) {
  if (!(predicted >= CORRECTION_MIN_SECONDS) || !(measured > 0)) return;
  const previous = (await store.get(correctionKey())) || 1;
  const [low, high] = CORRECTION_RANGE;
  const sample = Math.min(high, Math.max(low, (previous * measured) / predicted));
  await store.put(correctionKey(), previous + EWMA_WEIGHT * (sample - previous));
}

function correctionKey() {
  return `correction:${deviceKey()}`;
}

/** A quarter of the device memory (`navigator.deviceMemory` GB, 4 when unknown) for frames in flight. */
function memoryBudget() {
  const gigabytes = Number(self.navigator?.deviceMemory) || 4;
  return Math.round((gigabytes * 2 ** 30) / 4);
}

/**
 * The shorter of `RUNS` timings of `run()`: the device's speed, not that of a moment when
 * other work held the cores (the correction from real renders follows the load).
 */
async function best(run) {
  let seconds = Infinity;
  for (let i = 0; i < RUNS; i++) seconds = Math.min(seconds, await run());
  return seconds;
}

/** Seconds `action()` takes. */
async function timed(action) {
  const start = performance.now();
  await action();
  return (performance.now() - start) / 1000;
}

/** An H.264 encoder at the benchmark's size; `chunks` receives its output. */
function openEncoder(chunks, onError) {
  const encoder = new VideoEncoder({ output: (chunk) => chunks.push(chunk), error: onError });
  encoder.configure({ codec: CODEC, width: WIDTH, height: HEIGHT, bitrate: 4_000_000, framerate: 30, avc: { format: 'annexb' } });
  return encoder;
}

/** Seconds to encode the frames `frame(i)` for `i` in `from..to` (the first a keyframe) and flush. */
function encodeBatch(encoder, from, to, frame) {
  return timed(async () => {
    for (let i = from; i < to; i++) {
      const input = frame(i);
      encoder.encode(input.frame, { keyFrame: i === from });
      input.done?.();
    }
    await encoder.flush();
  });
}

/**
 * The test picture `i`, drawn on `ctx`'s canvas: a gradient under a grid of moving discs and
 * lines of text, about as costly to code as camera footage (a flat colour under one moving
 * block coded twice as fast as the bench's test clips, so renders took twice the estimate).
 */
function drawTestPicture(ctx, i) {
  const gradient = ctx.createLinearGradient(0, 0, WIDTH, HEIGHT);
  gradient.addColorStop(0, `hsl(${i * 12} 80% 50%)`);
  gradient.addColorStop(1, `hsl(${i * 12 + 180} 80% 30%)`);
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  for (let y = 0; y < HEIGHT / 80; y++) {
    for (let x = 0; x < WIDTH / 80; x++) {
      ctx.fillStyle = `hsl(${(x * 23 + y * 41 + i * 7) % 360} 70% ${30 + ((x + y + i) % 5) * 10}%)`;
      ctx.beginPath();
      ctx.arc(x * 80 + 40 + Math.sin(i / 5 + y) * 20, y * 80 + 40, 18 + ((x * y + i) % 12), 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.fillStyle = '#fff';
  ctx.font = '28px sans-serif';
  for (let line = 0; line < 12; line++) ctx.fillText(`frame ${i}, line ${line}: 0123456789`, 20 + ((i * 9 + line * 50) % 400), 40 + line * 56);
}

/**
 * Encodes test pictures, decodes them, encodes the decoded frames as the fast path does, then
 * through the canvas, and through the YUV path's copies; returns pixel rates (pixels per
 * second), the codecs' set-up seconds and the audio cost.
 */
async function benchmark() {
  if (typeof VideoEncoder === 'undefined' || typeof OffscreenCanvas === 'undefined') return {};
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  let failure = null;
  const fail = (e) => (failure = e);
  const total = WARMUP + FRAMES;
  // Each batch starts on a keyframe: a decoder needs one after flush().
  const chunks = [];
  const source = openEncoder(chunks, fail);
  const picture = (i) => {
    drawTestPicture(ctx, i);
    const frame = new VideoFrame(canvas, { timestamp: i * 33_333, duration: 33_333 });
    return { frame, done: () => frame.close() };
  };
  await encodeBatch(source, 0, WARMUP, picture);
  await encodeBatch(source, WARMUP, total, picture);
  source.close();
  if (failure) throw failure;
  const decoded = [];
  const decoder = new VideoDecoder({ output: (frame) => decoded.push(frame), error: fail });
  decoder.configure({ codec: CODEC, codedWidth: WIDTH, codedHeight: HEIGHT });
  const decodeBatch = (from, to) => timed(async () => {
    for (let i = from; i < to; i++) decoder.decode(chunks[i]);
    await decoder.flush();
  });
  try {
    const decodeWarmup = await decodeBatch(0, WARMUP);
    const decodeSeconds = await best(() => decodeBatch(WARMUP, total));
    decoder.close();
    if (failure) throw failure;
    const encoder = openEncoder([], fail);
    const frame = (i) => ({ frame: decoded[i] });
    const encodeWarmup = await encodeBatch(encoder, 0, WARMUP, frame);
    const encodeSeconds = await best(() => encodeBatch(encoder, WARMUP, total, frame));
    // The canvas path's own work: draw the decoded frame and wrap the canvas as a frame.
    ctx.imageSmoothingQuality = 'high';
    const drawSeconds = await best(() => timed(() => {
      for (let i = WARMUP; i < total; i++) {
        ctx.drawImage(decoded[i], 0, 0);
        new VideoFrame(canvas, { timestamp: i * 33_333, duration: 33_333 }).close();
      }
    }));
    encoder.close();
    if (failure) throw failure;
    const yuvSeconds = await yuvCopies(decoded.slice(WARMUP));
    const pixels = WIDTH * HEIGHT * FRAMES;
    const rate = (seconds) => pixels / Math.max(seconds, 1e-3);
    const warm = (seconds, batch) => Math.max(0, seconds - (batch * WARMUP) / FRAMES);
    return {
      encodePps: rate(encodeSeconds),
      decodePps: rate(decodeSeconds),
      compositePps: rate(CANVAS_CONVERSION * drawSeconds),
      ...(yuvSeconds > 0 && { yuvPps: rate(yuvSeconds) }),
      setupSeconds: warm(encodeWarmup, encodeSeconds) + warm(decodeWarmup, decodeSeconds),
      ...(await audioCost(fail)),
    };
  } finally {
    for (const frame of decoded) frame.close();
  }
}

/** Seconds to copy `frames`' planes out and wrap them as new frames (0 when they have no CPU-readable 4:2:0 format). */
async function yuvCopies(frames) {
  if (!frames.every((f) => f.format === 'I420' || f.format === 'NV12')) return 0;
  const buffer = new Uint8Array(frames[0].allocationSize());
  return timed(async () => {
    for (const frame of frames) {
      const layout = await frame.copyTo(buffer);
      const { width, height } = frame.visibleRect;
      const init = { format: frame.format, codedWidth: width, codedHeight: height, timestamp: frame.timestamp, layout };
      new VideoFrame(buffer, init).close();
    }
  });
}

/**
 * `{ audioCost }`: seconds the Opus encoder takes per second of 48 kHz stereo, or nothing
 * without one: the difference of a long and a short timed stretch (each the best of `RUNS`,
 * after a warm-up second), so the flush's fixed latency, which a render pays once, is left out
 * (timing 2 s after one warm-up block read 8 ms per second; renders spend 5–7).
 */
async function audioCost(fail) {
  if (typeof AudioEncoder === 'undefined') return {};
  const encoder = new AudioEncoder({ output: () => {}, error: fail });
  encoder.configure({ codec: 'opus', sampleRate: AUDIO_RATE, numberOfChannels: 2, bitrate: 128_000 });
  const samples = new Float32Array(AUDIO_BLOCK * 2);
  let n = 0;
  const block = () => {
    for (let i = 0; i < AUDIO_BLOCK; i++) samples[i] = samples[i + AUDIO_BLOCK] = Math.sin(((n * AUDIO_BLOCK + i) * 2 * Math.PI * 440) / AUDIO_RATE);
    const data = new AudioData({ format: 'f32-planar', sampleRate: AUDIO_RATE, numberOfFrames: AUDIO_BLOCK, numberOfChannels: 2, timestamp: (n * AUDIO_BLOCK * 1e6) / AUDIO_RATE, data: samples });
    n++;
    encoder.encode(data);
    data.close();
  };
  const stretch = (seconds) => timed(async () => {
    for (let b = 0; b < (seconds * AUDIO_RATE) / AUDIO_BLOCK; b++) block();
    await encoder.flush();
  });
  await stretch(1);
  const [short, long] = AUDIO_SECONDS;
  const [shortSeconds, longSeconds] = [await best(() => stretch(short)), await best(() => stretch(long))];
  encoder.close();
  // A burst of other work during the short stretch can leave no difference: then the long one's mean.
  const perSecond = longSeconds > shortSeconds ? (longSeconds - shortSeconds) / (long - short) : longSeconds / long;
  return { audioCost: perSecond };
}

/** `{ overlaySeconds }`: seconds to rasterize one cue for 1280×720, as a render does. */
async function overlayCost(loadFonts) {
  await loadFonts();
  const tag = Date.now().toString(36);
  const call = async (count, round) => {
    const cues = Array.from({ length: count }, (_, i) => ({ start: i, end: i + 1, text: `Line ${i} of the ${tag}${round} subtitles` }));
    const project = JSON.stringify({
      version: 1,
      output: { width: WIDTH, height: HEIGHT, fps: 30, format: 'mp4', videoCodec: 'h264', audioCodec: 'none' },
      scenes: [{ layers: [{ type: 'subtitles', cues }] }],
    });
    let drawn = 0;
    const seconds = await timed(() => { drawn = rasterOverlays(project).drawn; });
    return { seconds, drawn };
  };
  const [few, many] = [await call(CUES[0], 'a'), await call(CUES[1], 'b')];
  const cues = many.drawn - few.drawn;
  if (!(cues > 0)) return {};
  // A burst of other work during the short call can leave no difference: then the whole mean.
  const seconds = many.seconds > few.seconds ? (many.seconds - few.seconds) / cues : many.seconds / many.drawn;
  return { overlaySeconds: seconds };
}

/**
 * The network for `route::NetworkProfile`: online state, the uplink and downlink measured from
 * real transfers, and the browser's RTT hint (the router replaces it with a measured round
 * trip). Before a download was measured the downlink is the measured uplink (downlinks are
 * rarely slower than uplinks), else the cost model's default line. The browser's bandwidth
 * hint (`navigator.connection.downlink`) is not used: it is the browser's estimate over all
 * its recent traffic, capped at 10 Mbit/s, and before much traffic a default (headless
 * Chromium said 1.6 Mbit/s on loopback, which predicted a 0.8 MB download at 5 s instead of
 * 0.01 s).
 */
export async function networkProfile() {
  const connection = self.navigator?.connection;
  const profile = { online: self.navigator?.onLine ?? true };
  const [uplink, downlink] = await Promise.all([store.get('uplink'), store.get('downlink')]);
  if (uplink > 0) profile.uplinkBps = uplink;
  const down = downlink > 0 ? downlink : uplink;
  if (down > 0) profile.downlinkBps = down;
  if (connection?.rtt > 0) profile.rttSeconds = connection.rtt / 1000;
  return profile;
}

/** Folds `bytes` moved in `seconds` into the stored average `key` (transfers under `minBytes` say little). */
async function record(key, bytes, seconds, minBytes) {
  if (bytes < minBytes || seconds <= 0) return;
  const measured = bytes / seconds;
  const previous = await store.get(key);
  await store.put(key, previous > 0 ? previous + EWMA_WEIGHT * (measured - previous) : measured);
}

/** Folds an upload of `bytes` (one request) in `seconds` into the stored uplink average. */
export function recordUpload(bytes, seconds) {
  return record('uplink', bytes, seconds, 256 * 1024);
}

/**
 * Folds a download of `bytes` in `seconds` (first to last byte) into the stored downlink
 * average. Only from 1 MiB: a shorter one arrives in a few chunks whose gaps, not the line,
 * set its pace (a 0.8 MB output on loopback read 13 MB/s, which predicted a 7 MB download
 * at 0.6 s instead of 0.1).
 */
export function recordDownload(bytes, seconds) {
  return record('downlink', bytes, seconds, 1024 * 1024);
}
