// The device profile: a short WebCodecs micro-benchmark at first use (30 frames of 640×360
// H.264: encode, decode, composite), cached in IndexedDB per browser and core count; plus the
// network as the browser sees it, with the uplink measured from real uploads (EWMA).
import * as store from './store.js';

const WIDTH = 640;
const HEIGHT = 360;
const FRAMES = 30;
const CODEC = 'avc1.42e01e';
/** Weight of the newest upload measurement in the uplink average. */
const EWMA_WEIGHT = 0.3;
/** Bump when the benchmark changes, so stale profiles are measured again. */
const VERSION = 1;

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

/** Encodes, decodes and composites FRAMES frames; returns pixel rates (pixels per second). */
async function benchmark() {
  if (typeof VideoEncoder === 'undefined' || typeof OffscreenCanvas === 'undefined') return {};
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d');
  const pixels = WIDTH * HEIGHT * FRAMES;
  const chunks = [];
  let failure = null;
  const encoder = new VideoEncoder({ output: (chunk) => chunks.push(chunk), error: (e) => (failure = e) });
  encoder.configure({ codec: CODEC, width: WIDTH, height: HEIGHT, bitrate: 1_000_000, framerate: 30, latencyMode: 'quality', avc: { format: 'annexb' } });
  const frames = [];
  for (let i = 0; i < FRAMES; i++) {
    ctx.fillStyle = `hsl(${i * 12} 80% 50%)`;
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#fff';
    ctx.fillRect((i * 17) % WIDTH, (i * 11) % HEIGHT, 120, 80);
    frames.push(new VideoFrame(canvas, { timestamp: i * 33_333, duration: 33_333 }));
  }
  let start = performance.now();
  for (const [i, frame] of frames.entries()) {
    encoder.encode(frame, { keyFrame: i === 0 });
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  const encodeSeconds = (performance.now() - start) / 1000;
  if (failure) throw failure;
  const decoded = [];
  const decoder = new VideoDecoder({ output: (frame) => decoded.push(frame), error: (e) => (failure = e) });
  decoder.configure({ codec: CODEC, codedWidth: WIDTH, codedHeight: HEIGHT });
  start = performance.now();
  for (const chunk of chunks) decoder.decode(chunk);
  await decoder.flush();
  decoder.close();
  const decodeSeconds = (performance.now() - start) / 1000;
  if (failure) throw failure;
  start = performance.now();
  for (const frame of decoded) {
    ctx.drawImage(frame, 0, 0);
    frame.close();
    new VideoFrame(canvas, { timestamp: 0 }).close();
  }
  const compositeSeconds = (performance.now() - start) / 1000;
  const rate = (seconds) => pixels / Math.max(seconds, 1e-3);
  return { encodePps: rate(encodeSeconds), decodePps: rate(decodeSeconds), compositePps: rate(compositeSeconds) };
}

/** The network for `route::NetworkProfile`: online state, measured uplink, the browser's downlink and RTT hints. */
export async function networkProfile() {
  const connection = self.navigator?.connection;
  const profile = { online: self.navigator?.onLine ?? true };
  const uplink = await store.get('uplink');
  if (uplink > 0) profile.uplinkBps = uplink;
  if (connection?.downlink > 0) profile.downlinkBps = (connection.downlink * 1e6) / 8;
  if (connection?.rtt > 0) profile.rttSeconds = connection.rtt / 1000;
  return profile;
}

/** Folds an upload of `bytes` in `seconds` into the stored uplink average. */
export async function recordUpload(bytes, seconds) {
  if (bytes < 256 * 1024 || seconds <= 0) return;
  const measured = bytes / seconds;
  const previous = await store.get('uplink');
  await store.put('uplink', previous > 0 ? previous + EWMA_WEIGHT * (measured - previous) : measured);
}
