// The ceiling: bare WebCodecs decode → encode loops in a worker, on the same input files and
// with the same encoder configs as the engine's render, and nothing else (no muxing, no
// compositing, no resampling or mixing): VideoDecoder → VideoEncoder, and beside it, as the
// engine must transcode the sound too, AudioDecoder → AudioEncoder (Opus, 48 kHz stereo, the
// decoded AudioData passed straight in). Like the engine, it has to read its packets from the
// files, so the clock includes demuxing them (with Mediabunny, streamed into the decoders as
// the queues allow); the encoded output is dropped. That bounds from above any pipeline that
// renders the same input with the same codecs.
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from '/mediabunny/mediabunny.mjs';

/** Chunks queued in each codec, as in the engine. */
const MAX_QUEUE = 8;

/**
 * The chunks of `blob`'s video (or audio) track needed for [start, end) seconds, read as
 * they are asked for, and its decoder config; `null` when there is no such track.
 */
async function open(blob, start, end, kind = 'video') {
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  const track = kind === 'video' ? await input.getPrimaryVideoTrack() : await input.getPrimaryAudioTrack();
  if (!track) return null;
  const config = await track.getDecoderConfig();
  const sink = new EncodedPacketSink(track);
  const key = await sink.getKeyPacket(start);
  async function* chunks() {
    // Decode order: frames shown before `end` may follow later packets (B-frames), so read a
    // little past it; the frames outside [start, end) are decoded and dropped.
    for await (const packet of sink.packets(key)) {
      if (packet.timestamp >= end + 0.2) break;
      yield kind === 'video' ? packet.toEncodedVideoChunk() : packet.toEncodedAudioChunk();
    }
    input.dispose?.();
  }
  return { config, chunks: chunks() };
}

/** The audio loop over `segments` into one Opus encoder (`bitrate` bit/s). */
async function runAudio(segments, bitrate, fail, failed) {
  const encoder = new AudioEncoder({ output: () => {}, error: fail });
  encoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate });
  for (const s of segments) {
    const seg = await open(s.blob, s.start, s.end, 'audio');
    if (!seg) continue;
    const decoder = new AudioDecoder({
      output: (data) => {
        const t = data.timestamp / 1e6;
        if (t >= s.start - 0.03 && t < s.end) encoder.encode(data);
        data.close();
      },
      error: fail,
    });
    decoder.configure(seg.config);
    for await (const chunk of seg.chunks) {
      while (!failed() && (decoder.decodeQueueSize >= MAX_QUEUE || encoder.encodeQueueSize >= MAX_QUEUE)) await dequeued(decoder, encoder);
      if (failed()) return;
      decoder.decode(chunk);
    }
    await decoder.flush();
    decoder.close();
  }
  await encoder.flush();
  encoder.close();
}

/** Resolves at the next `dequeue` event of either codec. */
function dequeued(decoder, encoder) {
  return new Promise((resolve) => {
    decoder.ondequeue = resolve;
    encoder.ondequeue = resolve;
  });
}

/**
 * Runs the loops over `segments` ([{ blob, start, end }] played one after another): video into
 * one encoder with `config`, a keyframe every `keyEvery` frames; audio into Opus at `audioBitrate`.
 */
async function run({ segments, config, keyEvery, audioBitrate }) {
  let failure = null;
  const fail = (e) => { failure ??= e; };
  const t0 = performance.now();
  const audio = runAudio(segments, audioBitrate, fail, () => failure != null);
  let frames = 0;
  let bytes = 0;
  const encoder = new VideoEncoder({ output: (chunk) => { bytes += chunk.byteLength; }, error: fail });
  encoder.configure(config);
  let offset = 0;
  for (const s of segments) {
    const seg = { ...s, ...(await open(s.blob, s.start, s.end)) };
    const decoder = new VideoDecoder({
      output: (frame) => {
        const t = frame.timestamp / 1e6;
        if (t >= seg.start - 1e-4 && t < seg.end - 1e-4) {
          const out = new VideoFrame(frame, { timestamp: Math.round((offset + t - seg.start) * 1e6) });
          encoder.encode(out, { keyFrame: frames % keyEvery === 0 });
          out.close();
          frames++;
        }
        frame.close();
      },
      error: fail,
    });
    decoder.configure(seg.config);
    for await (const chunk of seg.chunks) {
      while (!failure && (decoder.decodeQueueSize >= MAX_QUEUE || encoder.encodeQueueSize >= MAX_QUEUE)) await dequeued(decoder, encoder);
      if (failure) throw failure;
      decoder.decode(chunk);
    }
    await decoder.flush();
    decoder.close();
    offset += seg.end - seg.start;
  }
  await encoder.flush();
  encoder.close();
  await audio;
  if (failure) throw failure;
  return { frames, seconds: (performance.now() - t0) / 1000, bytes };
}

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ ok: true, result: await run(data) });
  } catch (error) {
    self.postMessage({ ok: false, message: String(error?.message ?? error) });
  }
};
