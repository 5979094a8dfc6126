//! Seconds per side, with the breakdown that explains them.
//!
//! **Client** = start (the job's fixed cost plus the codecs' measured set-up), video, overlays
//! and audio. The client copies the same GOPs the server copies (`copy` and `smartCut`
//! segments), at a cost of their bytes; the other frames are decoded (pixels × codec factor ÷
//! the device's H.264 decode rate, per layer, in the share of frames not copied), composited
//! when they cannot take the fast path (their output pixels, and half the source pixels drawn
//! into them, ÷ the canvas rate) and encoded (output pixels × codec factor ÷ the encode rate).
//! Decoding and encoding run on their own threads, but they add up: on 2 busy cores even their
//! sum came short of the measured time (an earlier model let the faster one overlap). Each
//! overlay drawn (a text block or cue on at least one frame: at most one per output frame)
//! costs its rasterization and upload, which grows with the output size (text is sized to the
//! frame).
//! Rates are the device micro-benchmark's steady-state figures at 640×360.
//!
//! **Server** = round trips + upload (bytes ÷ measured uplink) + queue wait (from `/capacity`) +
//! render (ffmpeg start-up + output megapixels of the frames it encodes ÷ the server's measured
//! encoding throughput, × the codec factor; frames of copied GOPs cost their bytes ÷ the disk
//! rate) + overlays (each rasterized to a PNG and read by ffmpeg; every [`OVERLAYS_PER_PASS`]
//! more take one more ffmpeg pass) + audio + download (expected output bytes ÷ downlink). The
//! throughput is `/capacity`'s: recent jobs', or before any a start-up encode's, so a fresh
//! server's speed under the machine's current load is measured too.
//!
//! The constants were calibrated with `bench/browser/router.mjs` (headless Chromium and the
//! server on loopback, 2 cores shared with other work: load average 6–9).

use super::codec::CodecFamily;
use super::features::JobFeatures;
use super::profile::{DeviceProfile, NetworkProfile, ServerCapacity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Overlays one server ffmpeg pass composites (`server/src/render/overlays.rs`).
pub const OVERLAYS_PER_PASS: u64 = 50;
/// Seconds of client work per second of audio (decode, resample, mix, Opus encode in wasm).
const CLIENT_AUDIO_COST: f64 = 0.02;
/// Cost of a source pixel drawn into the canvas relative to an output pixel composited (read
/// back and converted for the encoder).
const SOURCE_DRAW_COST: f64 = 0.5;
/// Fixed client cost per job besides codec set-up: opening the sources, muxing, the Blob.
const CLIENT_START_SECONDS: f64 = 0.05;
/// Bytes per second the client copies packets at (Blob reads, remux in wasm, OPFS writes).
const CLIENT_COPY_BPS: f64 = 200e6;
/// Client seconds per overlay drawn, plus per output pixel of the frame it is drawn on
/// (measured: 7 ms per cue at 480p, 10 ms at 720p, 16 ms at 1080p).
const CLIENT_OVERLAY_SECONDS: f64 = 5e-3;
const CLIENT_OVERLAY_PIXEL_SECONDS: f64 = 5e-9;
/// Server encoding throughput assumed when `/capacity` reports none (output megapixels per
/// second: libx264 `medium` on two idle cores does 40–60 at 720p, 12–20 when they are busy).
const DEFAULT_SERVER_MPPS: f64 = 40.0;
/// ffmpeg start-up, probing, validation and the final rename, per server job (measured: 1.0–1.2 s
/// for a stream copy on 2 busy cores).
const SERVER_SETUP_SECONDS: f64 = 1.0;
/// Seconds of server work per second of audio (decode, mix, encode, and the copy's checks).
const SERVER_AUDIO_COST: f64 = 0.02;
/// Server seconds per overlay (rasterized, PNG-encoded, decoded by ffmpeg) and per extra pass
/// (ffmpeg start-up, and decoding from the keyframe before the part; measured: 0.45 s busy).
const SERVER_OVERLAY_SECONDS: f64 = 2e-3;
const SERVER_PASS_SECONDS: f64 = 0.45;
/// Round trips of a server job: source lookup, upload creation, job post, events, output.
const SERVER_ROUND_TRIPS: f64 = 6.0;
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
}

/// Seconds to render `job` in this browser.
pub fn client_estimate(job: &JobFeatures, device: &DeviceProfile) -> Estimate {
    let encoded = job.output_frames.saturating_sub(job.copied_frames);
    let encoded_share = encoded as f64 / job.output_frames.max(1) as f64;
    let mut decoded_pixels = 0.0;
    let decode: f64 = job
        .decode
        .iter()
        .map(|d| {
            let pixels = (d.frames * d.frame_pixels) as f64 * encoded_share;
            decoded_pixels += pixels;
            pixels * CodecFamily::of_codec_string(&d.codec).decode_factor() / device.decode_pps.max(MIN_RATE)
        })
        .sum();
    let composited = job.output_frames.saturating_sub(job.passthrough_frames).min(encoded);
    let drawn = SOURCE_DRAW_COST * (composited as f64 / encoded.max(1) as f64) * decoded_pixels;
    let composite = ((composited * job.output_pixels) as f64 + drawn) / device.composite_pps.max(MIN_RATE);
    let encode = (encoded * job.output_pixels) as f64 * job.output_codec.encode_factor() / device.encode_pps.max(MIN_RATE);
    let overlays = job.overlay_items.min(job.output_frames) as f64
        * (CLIENT_OVERLAY_SECONDS + job.output_pixels as f64 * CLIENT_OVERLAY_PIXEL_SECONDS);
    Estimate::from_parts(&[
        ("setup", CLIENT_START_SECONDS + device.setup_seconds),
        ("decode", decode),
        ("composite", composite),
        ("encode", encode),
        ("copy", job.copied_bytes as f64 / CLIENT_COPY_BPS),
        ("overlays", overlays),
        ("audio", job.audio_seconds * CLIENT_AUDIO_COST),
    ])
}

/// Seconds to render `job` on a server with `capacity`, over `network`, until the output is
/// downloaded.
pub fn server_estimate(job: &JobFeatures, network: &NetworkProfile, capacity: &ServerCapacity) -> Estimate {
    let mpps = if capacity.throughput_mpps > 0.0 { capacity.throughput_mpps } else { DEFAULT_SERVER_MPPS };
    let encoded = job.output_frames.saturating_sub(job.copied_frames);
    let pixels = (encoded * job.output_pixels) as f64 * job.output_codec.encode_factor();
    let extra_passes = job.overlay_items.div_ceil(OVERLAYS_PER_PASS).saturating_sub(1);
    let overlays = job.overlay_items as f64 * SERVER_OVERLAY_SECONDS + extra_passes as f64 * SERVER_PASS_SECONDS;
    Estimate::from_parts(&[
        ("latency", SERVER_ROUND_TRIPS * network.rtt_seconds),
        ("upload", job.upload_bytes as f64 / network.uplink_bps.max(MIN_RATE)),
        ("queue", capacity.estimated_wait_seconds),
        ("render", SERVER_SETUP_SECONDS + pixels / (mpps * 1e6)),
        ("copy", job.copied_bytes as f64 / SERVER_COPY_BPS),
        ("overlays", overlays),
        ("audio", job.audio_seconds * SERVER_AUDIO_COST),
        ("download", job.output_bytes as f64 / network.downlink_bps.max(MIN_RATE)),
    ])
}
