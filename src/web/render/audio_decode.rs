//! One audio track decoded with an `AudioDecoder` into f32 planar [`AudioBlock`]s
//! (`AudioData.copyTo` per plane), from a little before the clip's first sample to a little
//! past its last.

use super::cancel::Signal;
use super::error::RenderError;
use super::owned::Audio;
use super::owned_codec::OwnedCodec;
use super::packets::TrackPackets;
use crate::audio::AudioBlock;
use crate::container::{Packet, TrackInfo};
use crate::time::us_to_ticks;
use crate::web::SharedReads;
use crate::web::error::js_message;
use js_sys::{Float32Array, Uint8Array};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{
    AudioData, AudioDataCopyToOptions, AudioDecoder, AudioDecoderConfig, AudioSampleFormat,
    EncodedAudioChunk, EncodedAudioChunkInit, EncodedAudioChunkType,
};

/// Chunks queued in the decoder before the source waits for a `dequeue` event.
const MAX_DECODE_QUEUE: u32 = 16;
/// Decoded blocks waiting to be mixed before the source stops feeding the decoder.
const MAX_DECODED: usize = 32;
/// Audio decoded past the clip's end, so the last block is complete.
const TAIL_US: i64 = 100_000;

/// The decoder config for `track`.
pub(crate) fn decoder_config(track: &TrackInfo) -> AudioDecoderConfig {
    let (rate, channels) = track.audio.as_ref().map_or((48_000, 2), |a| (a.sample_rate, u32::from(a.channels)));
    let config = AudioDecoderConfig::new(&track.codec, channels, rate);
    if let Some(description) = &track.description {
        config.set_description_u8_array(&Uint8Array::from(description.as_slice()));
    }
    config
}

/// Decoded audio of one track, pulled block by block.
pub(crate) struct AudioSource {
    decoder: OwnedCodec<AudioDecoder>,
    decoded: Rc<RefCell<VecDeque<Audio>>>,
    packets: TrackPackets,
    from_us: i64,
    to_us: i64,
    input_done: bool,
    flushed: Option<Rc<Cell<bool>>>,
    signal: Signal,
}

impl AudioSource {
    /// Opens track `track` of the source's file (through `reads`) to decode source time `[from_us, to_us)`.
    pub(crate) fn open(
        reads: SharedReads,
        source_id: &str,
        track: &TrackInfo,
        from_us: i64,
        to_us: i64,
        signal: &Signal,
    ) -> Result<Self, RenderError> {
        let packets = TrackPackets::open(reads, source_id, track.id, from_us)?;
        let decoded: Rc<RefCell<VecDeque<Audio>>> = Rc::default();
        let (queue, woken) = (decoded.clone(), signal.clone());
        let output = Closure::new(move |data: AudioData| {
            queue.borrow_mut().push_back(Audio::new(data));
            woken.wake();
        });
        let decoder = OwnedCodec::open(output, signal)?;
        let source = AudioSource {
            decoder,
            decoded,
            packets,
            from_us,
            to_us,
            input_done: false,
            flushed: None,
            signal: signal.clone(),
        };
        source.decoder.get().configure(&decoder_config(track)).map_err(|e| source.failed(js_message(&e)))?;
        Ok(source)
    }

    /// The next decoded block, or `None` once the range is decoded.
    pub(crate) async fn next_block(&mut self) -> Result<Option<AudioBlock>, RenderError> {
        loop {
            self.signal.check()?;
            if let Some(message) = self.decoder.error() {
                return Err(self.failed(message));
            }
            // Topping up on every call keeps the decoder working ahead of the mixer, so the
            // render loop seldom waits for audio while the video codecs run.
            self.feed()?;
            let next = self.decoded.borrow_mut().pop_front();
            if let Some(data) = next {
                return to_block(data.get()).map(Some);
            }
            if self.flushed.as_ref().is_some_and(|f| f.get()) {
                return Ok(None);
            }
            self.signal.wait().await?;
        }
    }

    /// True when [`AudioSource::next_block`] answers without waiting (topping the decoder up).
    pub(crate) fn ready(&mut self) -> Result<bool, RenderError> {
        if let Some(message) = self.decoder.error() {
            return Err(self.failed(message));
        }
        self.feed()?;
        Ok(!self.decoded.borrow().is_empty() || self.flushed.as_ref().is_some_and(|f| f.get()))
    }

    fn feed(&mut self) -> Result<(), RenderError> {
        while !self.input_done && self.decoder.get().decode_queue_size() < MAX_DECODE_QUEUE && self.decoded.borrow().len() < MAX_DECODED {
            let Some(packet) = self.packets.next()? else {
                self.input_done = true;
                break;
            };
            if packet.pts_us + packet.duration_us.max(0) < self.from_us {
                continue;
            }
            self.decoder.get().decode(&chunk(&packet)?).map_err(|e| self.failed(js_message(&e)))?;
            self.input_done = packet.pts_us > self.to_us + TAIL_US;
        }
        if self.input_done && self.flushed.is_none() {
            self.flushed = Some(self.signal.watch(self.decoder.get().flush()));
        }
        Ok(())
    }

    fn failed(&self, message: String) -> RenderError {
        RenderError::DecodeFailed { source_id: self.packets.source_id().to_owned(), message }
    }
}

/// An `EncodedAudioChunk` holding a copy of `packet`.
fn chunk(packet: &Packet) -> Result<EncodedAudioChunk, RenderError> {
    let data = Uint8Array::from(packet.data.as_slice());
    let init = EncodedAudioChunkInit::new(&data, 0, EncodedAudioChunkType::Key);
    init.set_timestamp_f64(packet.pts_us as f64);
    init.set_duration_f64(packet.duration_us.max(0) as f64);
    EncodedAudioChunk::new(&init).map_err(|e| RenderError::internal("EncodedAudioChunk", &e))
}

/// Copies `data` out as f32 planes, placed at its timestamp in frames of its own rate.
fn to_block(data: &AudioData) -> Result<AudioBlock, RenderError> {
    let rate = data.sample_rate().round() as u32;
    let frames = data.number_of_frames();
    let mut planes = Vec::new();
    for plane in 0..data.number_of_channels() {
        let options = AudioDataCopyToOptions::new(plane);
        options.set_format(AudioSampleFormat::F32Planar);
        let samples = Float32Array::new_with_length(frames);
        data.copy_to_with_buffer_source(&samples, &options)
            .map_err(|e| RenderError::internal("AudioData.copyTo", &e))?;
        planes.push(samples.to_vec());
    }
    let start = us_to_ticks(data.timestamp() as i64, rate);
    AudioBlock::new(rate, start, planes).map_err(|e| RenderError::Internal(format!("decoded audio: {e}")))
}
