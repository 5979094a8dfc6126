//! A source-frame cursor: reads one video track from its decode-start keyframe, decodes it
//! with a `VideoDecoder`, and yields the latest frame whose timestamp is at or before a
//! requested source time, closing every frame it passes.
//!
//! Backpressure: at most [`MAX_DECODE_QUEUE`] chunks wait in the decoder and input stops
//! while [`MAX_DECODED`] decoded frames are waiting to be shown, so only a handful of frames
//! are ever open; below that the decoder is topped up on every seek and while the stage
//! waits for the encoder ([`VideoCursor::top_up`]), so it decodes ahead while the encoder
//! works.

use super::cancel::Signal;
use super::colour::untagged_color_space;
use super::error::RenderError;
use super::owned::Frame;
use super::owned_codec::OwnedCodec;
use super::packets::TrackPackets;
use crate::container::{Packet, TrackInfo};
use crate::web::SharedReads;
use js_sys::{Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{
    EncodedVideoChunk, EncodedVideoChunkInit, EncodedVideoChunkType, VideoDecoder, VideoDecoderConfig, VideoFrame,
};

/// Chunks queued in the decoder before the cursor waits for a `dequeue` event.
const MAX_DECODE_QUEUE: u32 = 8;
/// Decoded frames waiting to be shown before the cursor stops feeding the decoder. A software
/// decoder holds a few frames (B-frame reorder, frame threads) until more input comes, so each
/// stop costs a refill before its next output: 8 makes the stops rarer than 4 did.
const MAX_DECODED: usize = 8;

/// What the cursor reads: a track of a source from a keyframe up to a source time.
pub(crate) struct VideoInput<'a> {
    /// The source file's reads (shared with its other demuxers).
    pub reads: SharedReads,
    /// The source id, for errors.
    pub source_id: &'a str,
    /// The probed track.
    pub track: &'a TrackInfo,
    /// Where decoding starts (a keyframe's timestamp).
    pub decode_from_us: i64,
    /// The last source time that will be asked for.
    pub to_us: i64,
}

/// The decoder config for `track` (untagged video read as the server reads it).
pub(crate) fn decoder_config(track: &TrackInfo) -> VideoDecoderConfig {
    let config = VideoDecoderConfig::new(&track.codec);
    if let Some(video) = &track.video {
        config.set_coded_width(video.width);
        config.set_coded_height(video.height);
        let _ = Reflect::set(&config, &"colorSpace".into(), &untagged_color_space(video.height));
    }
    if let Some(description) = &track.description {
        config.set_description_u8_array(&Uint8Array::from(description.as_slice()));
    }
    config.set_optimize_for_latency(false);
    config
}

/// Decodes one track and hands out frames by source time.
pub(crate) struct VideoCursor {
    decoder: OwnedCodec<VideoDecoder>,
    decoded: Rc<RefCell<VecDeque<Frame>>>,
    packets: TrackPackets,
    decode_from_us: i64,
    to_us: i64,
    started: bool,
    input_done: bool,
    flushed: Option<Rc<Cell<bool>>>,
    current: Option<Frame>,
    /// Where a primed cursor will first be asked for (until that first seek).
    primed_us: Option<i64>,
    signal: Signal,
}

impl VideoCursor {
    /// Opens the source and configures a decoder for its track.
    pub(crate) fn open(input: VideoInput<'_>, signal: &Signal) -> Result<Self, RenderError> {
        let packets = TrackPackets::open(input.reads, input.source_id, input.track.id, input.decode_from_us)?;
        let decoded: Rc<RefCell<VecDeque<Frame>>> = Rc::default();
        let (queue, woken) = (decoded.clone(), signal.clone());
        let output = Closure::new(move |frame: VideoFrame| {
            queue.borrow_mut().push_back(Frame::new(frame));
            woken.wake();
        });
        let decoder = OwnedCodec::open(output, signal)?;
        let cursor = VideoCursor {
            decoder,
            decoded,
            packets,
            decode_from_us: input.decode_from_us,
            to_us: input.to_us,
            started: false,
            input_done: false,
            flushed: None,
            current: None,
            primed_us: None,
            signal: signal.clone(),
        };
        cursor.decoder.get().configure(&decoder_config(input.track)).map_err(|e| RenderError::DecodeFailed {
            source_id: input.source_id.to_owned(),
            message: crate::web::error::js_message(&e),
        })?;
        Ok(cursor)
    }

    /// Moves to the latest frame at or before source time `t_us` (the first frame when all
    /// are later), decoding as far as needed; see [`VideoCursor::current`].
    pub(crate) async fn seek(&mut self, t_us: i64) -> Result<(), RenderError> {
        self.primed_us = None;
        loop {
            self.check()?;
            self.advance(t_us);
            // Topping up on every call keeps the decoder busy while the encoder works on the
            // frames already out (feeding only once they are used up ran the two in turns).
            self.feed()?;
            let finished = self.flushed.as_ref().is_some_and(|f| f.get());
            if !self.decoded.borrow().is_empty() || finished {
                return Ok(());
            }
            self.signal.wait().await?;
        }
    }

    /// Queues more chunks if the decoder has room (while the stage waits for the encoder).
    pub(crate) fn top_up(&mut self) -> Result<(), RenderError> {
        self.check()?;
        if let Some(t_us) = self.primed_us {
            self.advance(t_us);
        }
        self.feed()
    }

    /// Starts decoding towards source time `t_us` without waiting: frames before it are
    /// closed as they come (see [`VideoCursor::top_up`]) until the first [`VideoCursor::seek`].
    pub(crate) fn prime(&mut self, t_us: i64) -> Result<(), RenderError> {
        self.primed_us = Some(t_us);
        self.top_up()
    }

    /// The frame found by the last [`VideoCursor::seek`] (`None` when the track has no frames
    /// in range).
    pub(crate) fn current(&self) -> Option<&Frame> {
        self.current.as_ref()
    }

    /// Moves `current` to the latest decoded frame at or before `t_us`, closing passed frames.
    fn advance(&mut self, t_us: i64) {
        let mut decoded = self.decoded.borrow_mut();
        while let Some(ts) = decoded.front().map(Frame::timestamp_us) {
            if ts > t_us && self.current.is_some() {
                break;
            }
            self.current = decoded.pop_front();
        }
    }

    /// Queues chunks while the decoder has room; flushes once the input is done.
    fn feed(&mut self) -> Result<(), RenderError> {
        while !self.input_done
            && self.decoder.get().decode_queue_size() < MAX_DECODE_QUEUE
            && self.decoded.borrow().len() < MAX_DECODED
        {
            let Some(packet) = self.packets.next()? else {
                self.input_done = true;
                break;
            };
            self.started = self.started || (packet.keyframe && packet.pts_us >= self.decode_from_us);
            if !self.started {
                continue;
            }
            self.decoder.get().decode(&chunk(&packet)?).map_err(|e| self.failed(crate::web::error::js_message(&e)))?;
            // Packets come in decode order and pts ≥ dts, so none after this one is needed.
            self.input_done = packet.dts_us > self.to_us;
        }
        if self.input_done && self.flushed.is_none() {
            self.flushed = Some(self.signal.watch(self.decoder.get().flush()));
        }
        Ok(())
    }

    fn check(&self) -> Result<(), RenderError> {
        self.signal.check()?;
        match self.decoder.error() {
            Some(message) => Err(self.failed(message)),
            None => Ok(()),
        }
    }

    fn failed(&self, message: String) -> RenderError {
        RenderError::DecodeFailed { source_id: self.packets.source_id().to_owned(), message }
    }
}

/// An `EncodedVideoChunk` holding a copy of `packet`.
fn chunk(packet: &Packet) -> Result<EncodedVideoChunk, RenderError> {
    let kind = if packet.keyframe { EncodedVideoChunkType::Key } else { EncodedVideoChunkType::Delta };
    let data = Uint8Array::from(packet.data.as_slice());
    let init = EncodedVideoChunkInit::new(&data, 0, kind);
    init.set_timestamp_f64(packet.pts_us as f64);
    init.set_duration_f64(packet.duration_us.max(0) as f64);
    EncodedVideoChunk::new(&init).map_err(|e| RenderError::internal("EncodedVideoChunk", &e))
}
