//! The `VideoEncoder` stage: frames in at the plan's frame times, [`Packet`]s out (copied
//! into wasm memory as they arrive), with the decoder config (`avcC` for H.264) taken from
//! the first output's metadata.
//!
//! Backpressure: callers wait (for a `dequeue` event) until [`VideoOut::has_room`] before
//! each `encode`, so at most [`MAX_ENCODE_QUEUE`] frames are ever queued.

use super::cancel::Signal;
use super::codec_events::CodecEvents;
use super::counters::{Counted, closed, opened};
use super::error::RenderError;
use crate::container::Packet;
use crate::web::error::js_message;
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{
    CodecState, EncodedVideoChunk, EncodedVideoChunkMetadata, EncodedVideoChunkType, VideoEncoder, VideoEncoderConfig,
    VideoEncoderEncodeOptions, VideoEncoderInit, VideoFrame,
};

/// Frames queued in the encoder before `encode` waits for a `dequeue` event.
const MAX_ENCODE_QUEUE: u32 = 8;

/// The codec string and decoder description of the encoded stream.
pub(crate) type StreamConfig = (String, Option<Vec<u8>>);

/// A video encoder and its output queue.
pub(crate) struct VideoOut {
    encoder: VideoEncoder,
    events: CodecEvents,
    _output: Closure<dyn FnMut(EncodedVideoChunk, JsValue)>,
    packets: Rc<RefCell<VecDeque<Packet>>>,
    stream: Rc<RefCell<Option<StreamConfig>>>,
    signal: Signal,
}

impl VideoOut {
    /// Opens an encoder with `config` (one `isConfigSupported` accepted).
    pub(crate) fn open(config: &VideoEncoderConfig, signal: &Signal) -> Result<Self, RenderError> {
        let packets: Rc<RefCell<VecDeque<Packet>>> = Rc::default();
        let stream: Rc<RefCell<Option<StreamConfig>>> = Rc::default();
        let (queue, described, woken) = (packets.clone(), stream.clone(), signal.clone());
        let codec = config.get_codec();
        let output = Closure::new(move |chunk: EncodedVideoChunk, metadata: JsValue| {
            if described.borrow().is_none() {
                let description = Some(metadata.unchecked_ref::<EncodedVideoChunkMetadata>())
                    .filter(|_| metadata.is_object())
                    .and_then(|m| m.get_decoder_config())
                    .and_then(|c| c.get_description())
                    .map(|d| bytes_of(&d));
                *described.borrow_mut() = Some((codec.clone(), description));
            }
            queue.borrow_mut().push_back(to_packet(&chunk));
            woken.wake();
        });
        let events = CodecEvents::new(signal);
        let init = VideoEncoderInit::new(events.error_fn(), output.as_ref().unchecked_ref());
        let encoder = VideoEncoder::new(&init).map_err(|e| RenderError::internal("VideoEncoder", &e))?;
        opened(Counted::VideoEncoder);
        encoder.set_ondequeue(Some(events.dequeue_fn()));
        let out = VideoOut { encoder, events, _output: output, packets, stream, signal: signal.clone() };
        out.encoder.configure(config).map_err(|e| RenderError::EncodeFailed(js_message(&e)))?;
        Ok(out)
    }

    /// True when the encoder takes another frame now (fails if it reported an error).
    pub(crate) fn has_room(&self) -> Result<bool, RenderError> {
        self.check()?;
        Ok(self.encoder.encode_queue_size() < MAX_ENCODE_QUEUE)
    }

    /// Encodes `frame` (the caller still closes it); see [`VideoOut::has_room`].
    pub(crate) fn encode(&mut self, frame: &VideoFrame, keyframe: bool) -> Result<(), RenderError> {
        self.check()?;
        let options = VideoEncoderEncodeOptions::new();
        options.set_key_frame(keyframe);
        self.encoder.encode_with_options(frame, &options).map_err(|e| RenderError::EncodeFailed(js_message(&e)))
    }

    /// Flushes the encoder and waits until every packet is out.
    pub(crate) async fn finish(&mut self) -> Result<(), RenderError> {
        let flushed = self.signal.watch(self.encoder.flush());
        while !flushed.get() {
            self.check()?;
            self.signal.wait().await?;
        }
        self.check()
    }

    /// The codec string and description, once the first packet is out.
    pub(crate) fn stream(&self) -> Option<StreamConfig> {
        self.stream.borrow().clone()
    }

    /// Takes the packets encoded so far.
    pub(crate) fn take_packets(&mut self) -> Vec<Packet> {
        self.packets.borrow_mut().drain(..).collect()
    }

    fn check(&self) -> Result<(), RenderError> {
        self.signal.check()?;
        self.events.error().map_or(Ok(()), |m| Err(RenderError::EncodeFailed(m)))
    }
}

impl Drop for VideoOut {
    fn drop(&mut self) {
        // A `dequeue` event already queued must not reach the callback dropped with this.
        self.encoder.set_ondequeue(None);
        if self.encoder.state() != CodecState::Closed {
            let _ = self.encoder.close();
        }
        closed(Counted::VideoEncoder);
    }
}

/// The encoder config for `codec` at `width × height`, `fps` and `bitrate_bps`.
pub(crate) fn encoder_config(codec: &str, width: u32, height: u32, fps: f64, bitrate_bps: u64) -> VideoEncoderConfig {
    let config = VideoEncoderConfig::new(codec, height, width);
    config.set_bitrate_f64(bitrate_bps as f64);
    config.set_framerate(fps);
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

/// The bytes of a `BufferSource` (an `ArrayBuffer` or a view).
pub(crate) fn bytes_of(source: &Object) -> Vec<u8> {
    if let Some(buffer) = source.dyn_ref::<js_sys::ArrayBuffer>() {
        return Uint8Array::new(buffer).to_vec();
    }
    let field = |name: &str| Reflect::get(source, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let offset = field("byteOffset").as_f64().unwrap_or(0.0) as u32;
    let length = field("byteLength").as_f64().unwrap_or(0.0) as u32;
    Uint8Array::new_with_byte_offset_and_length(&field("buffer"), offset, length).to_vec()
}
