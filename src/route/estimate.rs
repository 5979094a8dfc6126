//! Seconds per side, with the breakdown that explains them.
//!
//! **Client** = codec setup + decoding (pixels × codec factor ÷ the device's H.264 decode rate,
//! per layer) + compositing (output pixels of frames that cannot take the fast path ÷ the
//! canvas rate) + encoding (output pixels × codec factor ÷ the encode rate) + audio.
//!
//! **Server** = round trips + upload (bytes ÷ measured uplink) + queue wait (from `/capacity`) +
//! render (ffmpeg start-up + output megapixels of the frames it encodes ÷ the server's recent
//! throughput, × the codec factor; frames of copied GOPs cost their bytes ÷ the disk rate) +
//! download (expected output bytes ÷ downlink). The browser does not copy packets yet, so the
//! client side encodes every frame.

use super::codec::CodecFamily;
use super::features::JobFeatures;
use super::profile::{DeviceProfile, NetworkProfile, ServerCapacity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Seconds of client work per second of audio (decode, resample, mix, encode).
const CLIENT_AUDIO_COST: f64 = 0.004;
/// Server throughput assumed before it has finished a job (output megapixels per second).
const DEFAULT_SERVER_MPPS: f64 = 40.0;
/// ffmpeg start-up, probing and the final rename, per server job.
const SERVER_SETUP_SECONDS: f64 = 1.0;
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
    let decode: f64 = job
        .decode
        .iter()
        .map(|d| {
            let factor = CodecFamily::of_codec_string(&d.codec).decode_factor();
            (d.frames * d.frame_pixels) as f64 * factor / device.decode_pps.max(MIN_RATE)
        })
        .sum();
    let composited = job.output_frames.saturating_sub(job.passthrough_frames);
    let composite = (composited * job.output_pixels) as f64 / device.composite_pps.max(MIN_RATE);
    let encode = (job.output_frames * job.output_pixels) as f64 * job.output_codec.encode_factor()
        / device.encode_pps.max(MIN_RATE);
    Estimate::from_parts(&[
        ("setup", device.setup_seconds),
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
        ("download", job.output_bytes as f64 / network.downlink_bps.max(MIN_RATE)),
    ])
}
