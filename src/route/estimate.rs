//! Seconds per side, with the breakdown that explains them.
//!
//! **Client** = start (the job's fixed cost plus the codecs' measured set-up) + video + audio.
//! WebCodecs decode and encode on their own threads while the worker feeds them, so the video
//! costs the slower of decoding (pixels × codec factor ÷ the device's H.264 decode rate, per
//! layer) and encoding (output pixels × codec factor ÷ the encode rate) plus a share
//! ([`PIPELINE_SERIAL`]) of the faster one, then compositing on top (frames that cannot take
//! the fast path: their output pixels, and half the source pixels drawn into them, ÷ the
//! canvas rate).
//! The breakdown's `decode` and `encode` are those shares, so the parts add up to the total.
//! Rates are the device micro-benchmark's steady-state figures at 640×360.
//!
//! **Server** = round trips + upload (bytes ÷ measured uplink) + queue wait (from `/capacity`) +
//! render (ffmpeg start-up + output megapixels of the frames it encodes ÷ the server's recent
//! encoding throughput, × the codec factor; frames of copied GOPs cost their bytes ÷ the disk
//! rate) + audio + download (expected output bytes ÷ downlink). The browser does not copy
//! packets yet, so the client side encodes every frame.
//!
//! The constants were calibrated with `bench/browser/router.mjs` (headless Chromium and the
//! server on loopback, 2 shared cores).

use super::codec::CodecFamily;
use super::features::JobFeatures;
use super::profile::{DeviceProfile, NetworkProfile, ServerCapacity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Share of the faster of decoding and encoding that does not overlap the slower one.
pub const PIPELINE_SERIAL: f64 = 0.25;
/// Seconds of client work per second of audio (decode, resample, mix, Opus encode in wasm).
const CLIENT_AUDIO_COST: f64 = 0.02;
/// Cost of a source pixel drawn into the canvas relative to an output pixel composited (read
/// back and converted for the encoder).
const SOURCE_DRAW_COST: f64 = 0.5;
/// Fixed client cost per job besides codec set-up: opening the sources, muxing, the Blob.
const CLIENT_START_SECONDS: f64 = 0.2;
/// Server encoding throughput assumed before it has finished a job (output megapixels per
/// second: libx264 `medium` on two idle cores does 40–60 at 720p, 12–20 when they are busy).
const DEFAULT_SERVER_MPPS: f64 = 40.0;
/// ffmpeg start-up, probing and the final rename, per server job.
const SERVER_SETUP_SECONDS: f64 = 0.75;
/// Seconds of server work per second of audio (decode, mix to FLAC, encode).
const SERVER_AUDIO_COST: f64 = 0.004;
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
    let mut decoded_pixels = 0.0;
    let decode: f64 = job
        .decode
        .iter()
        .map(|d| {
            let pixels = (d.frames * d.frame_pixels) as f64;
            decoded_pixels += pixels;
            pixels * CodecFamily::of_codec_string(&d.codec).decode_factor() / device.decode_pps.max(MIN_RATE)
        })
        .sum();
    let composited = job.output_frames.saturating_sub(job.passthrough_frames);
    let share = composited as f64 / job.output_frames.max(1) as f64;
    let drawn = SOURCE_DRAW_COST * share * decoded_pixels;
    let composite = ((composited * job.output_pixels) as f64 + drawn) / device.composite_pps.max(MIN_RATE);
    let encode = (job.output_frames * job.output_pixels) as f64 * job.output_codec.encode_factor()
        / device.encode_pps.max(MIN_RATE);
    let (decode, encode) =
        if decode >= encode { (decode, encode * PIPELINE_SERIAL) } else { (decode * PIPELINE_SERIAL, encode) };
    Estimate::from_parts(&[
        ("setup", CLIENT_START_SECONDS + device.setup_seconds),
        ("decode", decode),
        ("composite", composite),
        ("encode", encode),
        ("audio", job.audio_seconds * CLIENT_AUDIO_COST),
    ])
}

/// Seconds to render `job` on a server with `capacity`, over `network`, until the output is
/// downloaded.
pub fn server_estimate(job: &JobFeatures, network: &NetworkProfile, capacity: &ServerCapacity) -> Estimate {
    let mpps = if capacity.throughput_mpps > 0.0 { capacity.throughput_mpps } else { DEFAULT_SERVER_MPPS };
    let encoded = job.output_frames.saturating_sub(job.copied_frames);
    let pixels = (encoded * job.output_pixels) as f64 * job.output_codec.encode_factor();
    Estimate::from_parts(&[
        ("latency", SERVER_ROUND_TRIPS * network.rtt_seconds),
        ("upload", job.upload_bytes as f64 / network.uplink_bps.max(MIN_RATE)),
        ("queue", capacity.estimated_wait_seconds),
        ("render", SERVER_SETUP_SECONDS + pixels / (mpps * 1e6)),
        ("copy", job.copied_bytes as f64 / SERVER_COPY_BPS),
        ("audio", job.audio_seconds * SERVER_AUDIO_COST),
        ("download", job.output_bytes as f64 / network.downlink_bps.max(MIN_RATE)),
    ])
}
