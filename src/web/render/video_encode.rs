//! The `VideoEncoder` stage: frames in at the plan's frame times, [`Packet`]s out (copied
//! into wasm memory as they arrive), with the decoder config (`avcC` for H.264) taken from
//! the first output's metadata.
//!
//! The packet queue, stream config, errors and flush are [`EncodedOutput`]'s.
//!
//! Backpressure: callers wait (for a `dequeue` event) until [`VideoOut::has_room`] before
//! each `encode`, so at most [`MAX_ENCODE_QUEUE`] frames are ever queued.

use super::cancel::Signal;
use super::encoded_output::EncodedOutput;
use super::error::RenderError;
use crate::container::Packet;
use crate::web::error::js_message;
use js_sys::{Object, Reflect};
use web_sys::{EncodedVideoChunk, EncodedVideoChunkType, VideoEncoder, VideoEncoderConfig, VideoEncoderEncodeOptions, VideoFrame};

/// Frames queued in the encoder before `encode` waits for a `dequeue` event.
const MAX_ENCODE_QUEUE: u32 = 8;

/// A video encoder and its output queue.
pub(crate) type VideoOut = EncodedOutput<VideoEncoder>;

impl VideoOut {
    /// Opens an encoder with `config` (one `isConfigSupported` accepted).
    pub(crate) fn open(config: &VideoEncoderConfig, signal: &Signal) -> Result<Self, RenderError> {
        let out = VideoOut::new(config.get_codec(), |chunk, _| to_packet(chunk), signal)?;
        out.encoder().configure(config).map_err(|e| RenderError::EncodeFailed(js_message(&e)))?;
        Ok(out)
    }

    /// True when the encoder takes another frame now (fails if it reported an error).
    pub(crate) fn has_room(&self) -> Result<bool, RenderError> {
        self.check()?;
        Ok(self.encoder().encode_queue_size() < MAX_ENCODE_QUEUE)
    }

    /// Encodes `frame` (the caller still closes it); see [`VideoOut::has_room`].
    pub(crate) fn encode(&mut self, frame: &VideoFrame, keyframe: bool) -> Result<(), RenderError> {
        self.check()?;
        let options = VideoEncoderEncodeOptions::new();
        options.set_key_frame(keyframe);
        self.encoder().encode_with_options(frame, &options).map_err(|e| RenderError::EncodeFailed(js_message(&e)))
    }
}

/// The encoder config for `codec` at `width × height`, `fps` and `bitrate_bps`; `constant`
/// asks for constant bitrate (a size target), else the encoder's default (variable).
/// (`contentHint: "detail"` would make Chromium's H.264 encoder follow text fades closer but
/// encode several times slower, so it is not set.)
pub(crate) fn encoder_config(codec: &str, width: u32, height: u32, fps: f64, bitrate_bps: u64, constant: bool) -> VideoEncoderConfig {
    let config = VideoEncoderConfig::new(codec, height, width);
    config.set_bitrate_f64(bitrate_bps as f64);
    config.set_framerate(fps);
    if constant {
        let _ = Reflect::set(&config, &"bitrateMode".into(), &"constant".into());
    }
    if codec.starts_with("avc1") {
        // Length-prefixed NAL units with an avcC description, as MP4 stores them.
        let avc = Object::new();
        let _ = Reflect::set(&avc, &"format".into(), &"avc".into());
        let _ = Reflect::set(&config, &"avc".into(), &avc);
    }
    config
}

/// Copies `chunk` into a packet (timestamps as given to the encoder; no B-frames, so dts = pts).
fn to_packet(chunk: &EncodedVideoChunk) -> Packet {
    let mut data = vec![0u8; chunk.byte_length() as usize];
    let _ = chunk.copy_to_with_u8_slice(&mut data);
    let pts_us = chunk.timestamp() as i64;
    Packet {
        track_id: 0,
        pts_us,
        dts_us: pts_us,
        duration_us: chunk.duration().unwrap_or(0.0) as i64,
        keyframe: chunk.type_() == EncodedVideoChunkType::Key,
        data,
    }
}

