//! What the router knows about the two sides: the browser's measured speed, the network, and
//! the server's `/capacity` answer. All serde camelCase, as the worker sends and caches them.

use serde::{Deserialize, Serialize};

/// This device's speed, measured by a short micro-benchmark at first use (WebCodecs H.264 at
/// 1280×720, as a render pipelines it; other codecs are scaled by [`crate::route::CodecFamily`]
/// factors), plus the overlay rasterizer and the Opus encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeviceProfile {
    /// Decoded pixels per second (H.264).
    pub decode_pps: f64,
    /// Encoded pixels per second (H.264).
    pub encode_pps: f64,
    /// Composited output pixels per second (canvas draw and read-back as a frame).
    pub composite_pps: f64,
    /// Output pixels per second of the YUV overlay path (the decoded frame's planes copied
    /// out and wrapped as a new frame).
    pub yuv_pps: f64,
    /// Seconds to rasterize one subtitle cue for a 1280×720 frame (in the worker, as a render does).
    pub overlay_seconds: f64,
    /// Seconds of audio work per second of audio (the Opus encoder's time, as measured).
    pub audio_cost: f64,
    /// Seconds to open codecs and the output before the first frame.
    pub setup_seconds: f64,
    /// Bytes of memory a job may hold in flight (frames in codec queues).
    pub memory_budget_bytes: u64,
    /// Client renders this page has made (its first render pays for loading the codec
    /// libraries and the first codec questions, its second part of that warm-up still).
    pub renders: u32,
}

impl Default for DeviceProfile {
    /// A modest laptop without a benchmark yet: software H.264 at about 2× realtime 720p.
    fn default() -> Self {
        DeviceProfile {
            decode_pps: 150e6,
            encode_pps: 60e6,
            composite_pps: 200e6,
            yuv_pps: 400e6,
            overlay_seconds: 5e-3,
            audio_cost: 0.01,
            setup_seconds: 0.3,
            memory_budget_bytes: 1 << 30,
            renders: 0,
        }
    }
}

/// The network as the browser sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkProfile {
    /// `navigator.onLine`.
    pub online: bool,
    /// Upload speed in bytes per second, measured from real uploads (EWMA).
    pub uplink_bps: f64,
    /// Download speed in bytes per second (`navigator.connection.downlink`, or measured).
    pub downlink_bps: f64,
    /// Round-trip time in seconds; each server job makes a handful of round trips.
    pub rtt_seconds: f64,
}

impl Default for NetworkProfile {
    /// Online, 10 Mbit/s up, 40 Mbit/s down, 50 ms round trips: a plain home line.
    fn default() -> Self {
        NetworkProfile { online: true, uplink_bps: 1.25e6, downlink_bps: 5e6, rtt_seconds: 0.05 }
    }
}

/// The server's `GET /capacity` answer (see docs/server-api.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServerCapacity {
    /// Jobs waiting.
    pub queue_depth: u64,
    /// Jobs rendering now.
    pub running: u64,
    /// Concurrent renders.
    pub workers: u64,
    /// Waiting jobs before `POST /jobs` answers 429.
    pub max_queued: u64,
    /// Output megapixels per render second over recent jobs (0 before any).
    pub throughput_mpps: f64,
    /// Seconds of one ffmpeg start-up on the server, measured at its start-up under the
    /// machine's load (0 from a server that does not report it).
    pub setup_seconds: f64,
    /// Seconds a new job waits before it starts.
    pub estimated_wait_seconds: f64,
}

impl ServerCapacity {
    /// True when a new job would be refused with 429.
    pub fn is_full(&self) -> bool {
        self.max_queued > 0 && self.queue_depth >= self.max_queued
    }
}

/// Whether a server can take the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum ServerState {
    /// The engine was created without a server.
    NotConfigured,
    /// The server did not answer `/capacity` (the message says how it failed).
    Unreachable {
        /// What went wrong.
        message: String,
    },
    /// The server answered.
    Available(ServerCapacity),
}
