// The device profile: a short WebCodecs micro-benchmark at first use (640×360 H.264: encode,
// decode, composite), cached in IndexedDB per browser and core count; plus the network as the
// browser sees it, with the uplink and downlink measured from real transfers (EWMA).
//
// The rates are steady-state: each codec first runs a warm-up batch (opening the codec and
// its first frames cost a fixed time, reported as `setupSeconds`, not a per-pixel one), then
// a timed batch. A 30-frame run timed from `configure` measured about half the real speed.
import * as store from './store.js';

const WIDTH = 640;
const HEIGHT = 360;
/** Frames of the warm-up batch (its time, minus its frames at the measured rate, is set-up). */
const WARMUP = 10;
/** Frames of the timed batch. */
const FRAMES = 40;
const CODEC = 'avc1.42e01e';
/** Weight of the newest measurement in the uplink and downlink averages. */
const EWMA_WEIGHT = 0.3;
/** Bump when the benchmark changes, so stale profiles are measured again. */
const VERSION = 3;

function deviceKey() {
  return `device:v${VERSION}:${self.navigator?.userAgent ?? ''}|${self.navigator?.hardwareConcurrency ?? 0}`;
}

let cached = null;

/** The profile for `route::DeviceProfile` (camelCase), measured once and then read from IndexedDB. */
export function deviceProfile() {
  cached ??= (async () => {
    const stored = await store.get(deviceKey());
    if (stored) return stored;
    const measured = { ...(await benchmark().catch(() => ({}))), memoryBudgetBytes: memoryBudget() };
    await store.put(deviceKey(), measured);
    return measured;
  })();
  return cached;
}

/** A quarter of the device memory (`navigator.deviceMemory` GB, 4 when unknown) for frames in flight. */
function memoryBudget() {
  const gigabytes = Number(self.navigator?.deviceMemory) || 4;
  return Math.round((gigabytes * 2 ** 30) / 4);
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
  encoder.configure({ codec: CODEC, width: WIDTH, height: HEIGHT, bitrate: 1_000_000, framerate: 30, avc: { format: 'annexb' } });
  return encoder;
}

/** Seconds to encode `frames[from..to]` (the first as a keyframe) and flush; closes nothing. */
function encodeBatch(encoder, frames, from, to) {
  return timed(async () => {
    for (let i = from; i < to; i++) encoder.encode(frames[i], { keyFrame: i === from });
    await encoder.flush();
  });
}

/**
 * Makes test frames on a canvas and encodes them, decodes them (a warm-up batch, then a timed
 * batch), encodes the decoded frames again as the fast path does (the canvas frames' colour
 * conversion belongs to compositing), and composites them; returns the timed batches' pixel
 * rates (pixels per second) and the codecs' set-up seconds.
 */
async function benchmark() {
  if (typeof VideoEncoder === 'undefined' || typeof OffscreenCanvas === 'undefined') return {};
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  let failure = null;
  const fail = (e) => (failure = e);
  const drawn = [];
  for (let i = 0; i < WARMUP + FRAMES; i++) {
    ctx.fillStyle = `hsl(${i * 12} 80% 50%)`;
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#fff';
    ctx.fillRect((i * 17) % WIDTH, (i * 11) % HEIGHT, 120, 80);
    drawn.push(new VideoFrame(canvas, { timestamp: i * 33_333, duration: 33_333 }));
  }
  // Each batch starts on a keyframe: a decoder needs one after flush().
  const chunks = [];
  const source = openEncoder(chunks, fail);
  await encodeBatch(source, drawn, 0, WARMUP);
  await encodeBatch(source, drawn, WARMUP, WARMUP + FRAMES);
  source.close();
  for (const frame of drawn) frame.close();
  if (failure) throw failure;
  const decoded = [];
  const decoder = new VideoDecoder({ output: (frame) => decoded.push(frame), error: fail });
  decoder.configure({ codec: CODEC, codedWidth: WIDTH, codedHeight: HEIGHT });
  const decodeBatch = (from, to) => timed(async () => {
    for (let i = from; i < to; i++) decoder.decode(chunks[i]);
    await decoder.flush();
  });
  const decodeWarmup = await decodeBatch(0, WARMUP);
  const decodeSeconds = await decodeBatch(WARMUP, chunks.length);
  decoder.close();
  if (failure) throw failure;
  try {
    const encoder = openEncoder([], fail);
    const encodeWarmup = await encodeBatch(encoder, decoded, 0, WARMUP);
    const encodeSeconds = await encodeBatch(encoder, decoded, WARMUP, decoded.length);
    encoder.close();
    if (failure) throw failure;
    // Compositing as the engine does it: draw the decoded frame, wrap the canvas as a frame,
    // and read it back (what an encoder does with it).
    const buffer = new Uint8Array(WIDTH * HEIGHT * 4);
    const compositeSeconds = await timed(async () => {
      for (const frame of decoded.slice(WARMUP)) {
        ctx.drawImage(frame, 0, 0);
        const out = new VideoFrame(canvas, { timestamp: 0 });
        await out.copyTo(buffer, { format: 'RGBA' }).catch(() => out.copyTo(buffer));
        out.close();
      }
    });
    const pixels = WIDTH * HEIGHT * FRAMES;
    const rate = (seconds) => pixels / Math.max(seconds, 1e-3);
    const warm = (seconds, batch) => Math.max(0, seconds - (batch * WARMUP) / FRAMES);
    return {
      encodePps: rate(encodeSeconds),
      decodePps: rate(decodeSeconds),
      compositePps: rate(compositeSeconds),
      setupSeconds: warm(encodeWarmup, encodeSeconds) + warm(decodeWarmup, decodeSeconds),
    };
  } finally {
    for (const frame of decoded) frame.close();
  }
}

/**
 * The network for `route::NetworkProfile`: online state, the uplink and downlink measured from
 * real transfers, and the browser's RTT hint. Before a download was measured the downlink is
 * the browser's hint (`navigator.connection.downlink`, capped at 10 Mbit/s by the spec) or the
 * measured uplink when that is faster (downlinks are rarely slower than uplinks).
 */
export async function networkProfile() {
  const connection = self.navigator?.connection;
  const profile = { online: self.navigator?.onLine ?? true };
  const [uplink, downlink] = await Promise.all([store.get('uplink'), store.get('downlink')]);
  if (uplink > 0) profile.uplinkBps = uplink;
  const hint = connection?.downlink > 0 ? (connection.downlink * 1e6) / 8 : 0;
  const down = downlink > 0 ? downlink : Math.max(hint, uplink > 0 ? uplink : 0);
  if (down > 0) profile.downlinkBps = down;
  if (connection?.rtt > 0) profile.rttSeconds = connection.rtt / 1000;
  return profile;
}

/** Folds `bytes` moved in `seconds` into the stored average `key` (transfers under 256 KiB say little). */
async function record(key, bytes, seconds) {
  if (bytes < 256 * 1024 || seconds <= 0) return;
  const measured = bytes / seconds;
  const previous = await store.get(key);
  await store.put(key, previous > 0 ? previous + EWMA_WEIGHT * (measured - previous) : measured);
}

/** Folds an upload of `bytes` in `seconds` into the stored uplink average. */
export function recordUpload(bytes, seconds) {
  return record('uplink', bytes, seconds);
}

/** Folds a download of `bytes` in `seconds` into the stored downlink average. */
export function recordDownload(bytes, seconds) {
  return record('downlink', bytes, seconds);
}
