//! Seconds per side, with the breakdown that explains them.
//!
//! **Client** = start (the job's fixed cost plus, when it encodes, the codecs' measured set-up) and
//! packet copy, then the pipeline: decode, draw, encode, overlays and audio. The client copies the
//! same GOPs the server copies (`copy` and `smartCut` segments), at a cost of their bytes; the
//! other frames are decoded (pixels × codec factor ÷ the device's H.264 decode rate, per layer, in
//! the share of frames not copied), drawn (on the canvas: their output pixels, and the source
//! pixels drawn into them — at half cost at their own size, at 0.8 scaled — ÷ the canvas rate; on
//! the YUV overlay path: output pixels ÷ the YUV rate; the passthrough costs nothing) and encoded
//! (output pixels × codec factor ÷ the encode rate). Each overlay drawn (a text block or cue on at
//! least one frame: at most one per output frame) costs the measured rasterization of a cue for
//! 720p, half fixed and half growing with the output pixels (text is sized to the frame). Audio
//! costs the measured Opus encode time per second. The pipeline's stages run at once (decoder and
//! encoder on their own threads, audio beside them), so its wall time is the slowest stage plus
//! [`CLIENT_OVERLAP`] of the others (the `overlap` part of the breakdown is the time saved,
//! negative). Rates are the device micro-benchmark's (`worker-js/route/device.js`): 1280×720 frames
//! pipelined as a render does, so nothing here is specific to one machine but the structure.
//!
//! **Server** = round trips + upload (bytes ÷ measured uplink) + queue wait (from `/capacity`) +
//! render (set-up + output megapixels of the frames it encodes × the codec factor, plus a fifth of
//! the source megapixels it decodes, ÷ the server's measured encoding throughput; frames of copied
//! GOPs cost their bytes ÷ the disk rate) + overlays (each rasterized to a PNG and read by ffmpeg;
//! every [`OVERLAYS_PER_PASS`] more take one more ffmpeg pass) + audio + download (expected output
//! bytes ÷ downlink). The throughput is `/capacity`'s: recent jobs', or before any the start-up
//! encode's steady speed. The fixed costs (set-up, passes, overlays, audio) are counted in ffmpeg
//! start-ups, which `/capacity` reports as measured at the server's start (`setupSeconds`): they
//! scale with the server's speed and load like the work they stand for.
//!
//! The ratios were fitted with `bench/browser/router.mjs` (headless Chromium and the server on
//! loopback, 2 cores shared with other work; see each constant).

use super::codec::CodecFamily;
use super::features::{DecodeWork, JobFeatures};
use super::profile::{DeviceProfile, NetworkProfile, ServerCapacity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Overlays one server ffmpeg pass composites (`server/src/render/overlays.rs`).
pub const OVERLAYS_PER_PASS: u64 = 50;
/// Share of the non-slowest pipeline stages' work that adds to the slowest one's (0: perfect
/// overlap, 1: none). Fitted on the bench's encoding jobs, (measured − setup − slowest) ÷ the
/// others: 0–0.4 at load average 2–3, 0.5–1 at 4–6.
pub const CLIENT_OVERLAP: f64 = 0.4;
/// Cost of a source pixel drawn into the canvas at its own size relative to an output pixel
/// composited (read back and converted for the encoder).
const SOURCE_DRAW_COST: f64 = 0.5;
/// The same for a source pixel drawn scaled (converted at the source's size, then resampled
/// with high-quality smoothing: 720p frames drawn into a 480p or 360p canvas cost about what
/// the whole unscaled 720p canvas path does, whatever the output size; renders of 720p into
/// 480p fit 0.8).
const SCALED_SOURCE_DRAW_COST: f64 = 0.8;
/// Fixed client cost per job besides codec set-up: opening the sources, muxing, the Blob
/// (5–10 s stream copies with Opus sound took 0.07–0.11 s once short outputs stayed in memory
/// and a file's demuxers shared their reads, of which audio 0.03–0.06 s).
const CLIENT_START_SECONDS: f64 = 0.03;
/// What a page's first render pays on top (loading the audio codecs' libraries, which the
/// device benchmark does not open, and the first `isConfigSupported` answers; measured: the
/// first 5 s copy with Opus sound took 0.18–0.33 s, the next ones 0.05–0.13 s, also in new workers).
const CLIENT_COLD_START_SECONDS: f64 = 0.1;
/// The share of it a page's first, second, … render pays (5 s copies measured 0.17–0.29 s,
/// 0.09–0.13 s, then 0.05–0.07 s).
const COLD_START_SHARES: [f64; 2] = [1.0, 0.5];
/// Bytes per second the client copies packets at (Blob reads, remux in wasm, OPFS writes).
const CLIENT_COPY_BPS: f64 = 200e6;
/// Output pixels the device's overlay figure was measured for (1280×720).
const OVERLAY_REFERENCE_PIXELS: f64 = 1280.0 * 720.0;
/// Share of an overlay's cost that does not grow with the output size (measured: 7 ms per cue
/// at 480p, 10 ms at 720p, 16 ms at 1080p).
const OVERLAY_FIXED_SHARE: f64 = 0.5;
/// Server encoding throughput assumed when `/capacity` reports none (output megapixels per
/// second: libx264 `medium` on two idle cores does 40–60 at 720p, 12–20 when they are busy).
const DEFAULT_SERVER_MPPS: f64 = 40.0;
/// Cost of a source pixel decoded on the server relative to an output pixel encoded by libx264
/// (fitted: 720p and 1080p renders took 1.1–1.45 × their encode at the start-up encode's
/// steady speed, scaling ones the most).
const SERVER_DECODE_COST: f64 = 0.2;
/// One ffmpeg start-up assumed when `/capacity` reports none (two idle cores: 0.05 s).
const DEFAULT_SERVER_STARTUP_SECONDS: f64 = 0.1;
/// Server fixed costs in ffmpeg start-ups (fitted at load 1–5, start-up measured 0.05–0.13 s):
/// a job's render set-up, validation and rename (a one-source stream copy's whole job took
/// 0.44–0.7 s, a two-source splice 0.76–0.84 s);
const SERVER_JOB_STARTUPS: f64 = 3.5;
/// each source's probing (streams, keyframe index);
const SERVER_SOURCE_STARTUPS: f64 = 2.0;
/// each extra overlay pass (its own ffmpeg, decoding from the keyframe before its part);
const SERVER_PASS_STARTUPS: f64 = 1.0;
/// each overlay (rasterized, PNG-encoded, decoded by ffmpeg). With the passes: 1,000 cues over
/// 10 s of 720p (20 passes) cost the server 2–2.5 s more than the same render without them.
const SERVER_OVERLAY_STARTUPS: f64 = 0.015;
/// each second of audio (decode, mix, encode and the copy's checks: a 60 s copy took 0.5 s
/// more than a 10 s one).
const SERVER_AUDIO_STARTUPS: f64 = 0.15;
/// Round trips of a server job: source lookup, upload creation, job post, events, output.
const SERVER_ROUND_TRIPS: f64 = 6.0;
/// The worker's fixed work per server job besides round trips (requests, event stream, the
/// result's Blob: 0.1–0.2 s more than render, transfers and round trips on loopback), and the
/// rate it hashes the sources at (streaming SHA-256).
const SERVER_CLIENT_SECONDS: f64 = 0.1;
const HASH_BPS: f64 = 200e6;
/// Bytes per second the server copies packets at (read, remux, write).
const SERVER_COPY_BPS: f64 = 200e6;
/// Floors so a zero or missing measurement cannot divide by zero.
const MIN_RATE: f64 = 1.0;

/// An estimate for one side: total seconds and where they go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    /// Expected wall-clock seconds until the file is in the browser.
    pub seconds: f64,
    /// Seconds per part (`decode`, `composite`, `encode`, … or `upload`, `queue`, `render`, …).
    pub breakdown: BTreeMap<String, f64>,
}

impl Estimate {
    fn from_parts(parts: &[(&str, f64)]) -> Estimate {
        let breakdown: BTreeMap<String, f64> = parts
            .iter()
            .map(|&(name, seconds)| (name.to_owned(), if seconds.is_finite() { seconds.max(0.0) } else { f64::MAX }))
            .collect();
        Estimate { seconds: breakdown.values().sum(), breakdown }
    }

    /// The parts `stages` run at once: the slowest counts whole, the others `share` of
    /// theirs; the time saved is the (negative) `overlap` part.
    fn overlapped(mut self, stages: &[&str], share: f64) -> Estimate {
        let times: Vec<f64> = stages.iter().filter_map(|s| self.breakdown.get(*s).copied()).collect();
        let slowest = times.iter().copied().fold(0.0, f64::max);
        let saved = (1.0 - share) * (times.iter().sum::<f64>() - slowest);
        self.breakdown.insert("overlap".to_owned(), -saved);
        self.seconds -= saved;
        self
    }
}

/// Seconds to render `job` in this browser.
pub fn client_estimate(job: &JobFeatures, device: &DeviceProfile) -> Estimate {
    let encoded = job.output_frames.saturating_sub(job.copied_frames);
    // Source pixels decoded, and their drawing cost were they all drawn into the canvas.
    let mut draw_units = 0.0;
    let decode: f64 = decoded_pixels(job)
        .map(|(pixels, d)| {
            let scaled = d.frame_pixels != job.output_pixels;
            draw_units += pixels * if scaled { SCALED_SOURCE_DRAW_COST } else { SOURCE_DRAW_COST };
            pixels * CodecFamily::of_codec_string(&d.codec).decode_factor() / device.decode_pps.max(MIN_RATE)
        })
        .sum();
    let yuv = job.yuv_frames.min(encoded);
    let canvas = job.output_frames.saturating_sub(job.passthrough_frames + yuv).min(encoded - yuv);
    let drawn = (canvas as f64 / encoded.max(1) as f64) * draw_units;
    let composite = ((canvas * job.output_pixels) as f64 + drawn) / device.composite_pps.max(MIN_RATE)
        + (yuv * job.output_pixels) as f64 / device.yuv_pps.max(MIN_RATE);
    let encode =
        (encoded * job.output_pixels) as f64 * job.output_codec.encode_factor() / device.encode_pps.max(MIN_RATE);
    let size = job.output_pixels as f64 / OVERLAY_REFERENCE_PIXELS;
    let overlays = job.overlay_items.min(job.output_frames) as f64
        * device.overlay_seconds
        * (OVERLAY_FIXED_SHARE + (1.0 - OVERLAY_FIXED_SHARE) * size);
    Estimate::from_parts(&[
        // Video codecs are opened only when frames are encoded (a stream copy opens none).
        ("setup", CLIENT_START_SECONDS + if encoded > 0 { device.setup_seconds } else { 0.0 }),
        ("coldStart", CLIENT_COLD_START_SECONDS * COLD_START_SHARES.get(device.renders as usize).unwrap_or(&0.0)),
        ("decode", decode),
        ("composite", composite),
        ("encode", encode),
        ("copy", job.copied_bytes as f64 / CLIENT_COPY_BPS),
        ("overlays", overlays),
        ("audio", job.audio_seconds * device.audio_cost),
    ])
    .overlapped(&["decode", "composite", "encode", "overlays", "audio"], CLIENT_OVERLAP)
}

/// Source pixels each video layer decodes (its frames, in the share of output frames not
/// copied), with the layer.
fn decoded_pixels(job: &JobFeatures) -> impl Iterator<Item = (f64, &DecodeWork)> {
    let encoded = job.output_frames.saturating_sub(job.copied_frames);
    let encoded_share = encoded as f64 / job.output_frames.max(1) as f64;
    job.decode.iter().map(move |d| ((d.frames * d.frame_pixels) as f64 * encoded_share, d))
}

/// Seconds to render `job` on a server with `capacity`, over `network`, until the output is
/// downloaded.
pub fn server_estimate(job: &JobFeatures, network: &NetworkProfile, capacity: &ServerCapacity) -> Estimate {
    let mpps = if capacity.throughput_mpps > 0.0 { capacity.throughput_mpps } else { DEFAULT_SERVER_MPPS };
    let startup = if capacity.setup_seconds > 0.0 { capacity.setup_seconds } else { DEFAULT_SERVER_STARTUP_SECONDS };
    let encoded = job.output_frames.saturating_sub(job.copied_frames);
    let decoded: f64 =
        decoded_pixels(job).map(|(pixels, d)| pixels * CodecFamily::of_codec_string(&d.codec).decode_factor()).sum();
    let pixels =
        (encoded * job.output_pixels) as f64 * job.output_codec.server_encode_factor() + SERVER_DECODE_COST * decoded;
    let extra_passes = job.overlay_items.div_ceil(OVERLAYS_PER_PASS).saturating_sub(1);
    let overlays =
        (job.overlay_items as f64 * SERVER_OVERLAY_STARTUPS + extra_passes as f64 * SERVER_PASS_STARTUPS) * startup;
    Estimate::from_parts(&[
        ("latency", SERVER_ROUND_TRIPS * network.rtt_seconds),
        ("prepare", SERVER_CLIENT_SECONDS + job.upload_bytes as f64 / HASH_BPS),
        ("upload", job.upload_bytes as f64 / network.uplink_bps.max(MIN_RATE)),
        ("queue", capacity.estimated_wait_seconds),
        (
            "render",
            (SERVER_JOB_STARTUPS + SERVER_SOURCE_STARTUPS * job.sources as f64) * startup + pixels / (mpps * 1e6),
        ),
        ("copy", job.copied_bytes as f64 / SERVER_COPY_BPS),
        ("overlays", overlays),
        ("audio", job.audio_seconds * SERVER_AUDIO_STARTUPS * startup),
        ("download", job.output_bytes as f64 / network.downlink_bps.max(MIN_RATE)),
    ])
}
