//! The `AudioEncoder` stage: 48 kHz stereo mixer blocks in (as f32-planar `AudioData`),
//! [`Packet`]s out, with the decoder description (OpusHead or AudioSpecificConfig) from the
//! first output's metadata.
//!
//! Packet times follow the container convention (as ffmpeg's): a packet's time is that of
//! its first decoded sample, priming included. The encoder stamps its first packet with the
//! first input block's time although that packet starts with the codec's priming (Opus:
//! the OpusHead pre-skip, 312 samples = 6.5 ms from Chromium's libopus), so every packet is
//! moved earlier by the priming; the muxers turn the negative start back into an edit list
//! (MP4) or CodecDelay (WebM), and players drop the priming, keeping the sound in sync.

use super::cancel::Signal;
use super::encoded_output::{EncodedOutput, StreamConfig};
use super::error::RenderError;
use super::owned::Audio;
use crate::audio::{AudioBlock, OUTPUT_CHANNELS, OUTPUT_RATE, frame_to_us};
use crate::container::Packet;
use crate::container::codec::opus::OpusConfig;
use crate::web::error::js_message;
use js_sys::Float32Array;
use web_sys::{AudioData, AudioDataInit, AudioEncoder, AudioEncoderConfig, AudioSampleFormat, EncodedAudioChunk};

/// Batches queued in the encoder before `encode` waits for a `dequeue` event.
const MAX_ENCODE_QUEUE: u32 = 4;
/// Mixer blocks are gathered into `AudioData`s of this many frames (100 ms at 48 kHz): each
/// `AudioData` and `encode` call costs about as much as mixing a block.
const BATCH_FRAMES: usize = 4800;

/// An audio encoder and its output queue.
pub(crate) struct AudioOut {
    out: EncodedOutput<AudioEncoder>,
    /// Samples gathered for the next `AudioData`, one plane per channel, from frame `pending_start`.
    pending: Vec<Vec<f32>>,
    pending_start: i64,
}

/// The encoder config for `codec` at 48 kHz stereo and `bitrate_bps`.
pub(crate) fn encoder_config(codec: &str, bitrate_bps: u64) -> AudioEncoderConfig {
    let config = AudioEncoderConfig::new(codec, OUTPUT_CHANNELS as u32, OUTPUT_RATE);
    config.set_bitrate_f64(bitrate_bps as f64);
    config
}

impl AudioOut {
    /// Opens an encoder with `config` (one `isConfigSupported` accepted).
    pub(crate) fn open(config: &AudioEncoderConfig, signal: &Signal) -> Result<Self, RenderError> {
        let mut priming_us = None;
        let to_packet = move |chunk: &EncodedAudioChunk, (codec, description): &StreamConfig| {
            let priming = *priming_us.get_or_insert_with(|| priming_of(codec, description.as_deref()));
            to_packet(chunk, priming)
        };
        let out = EncodedOutput::<AudioEncoder>::new(config.get_codec(), to_packet, signal)?;
        out.encoder().configure(config).map_err(|e| RenderError::EncodeFailed(js_message(&e)))?;
        Ok(AudioOut { out, pending: Vec::new(), pending_start: 0 })
    }

    /// Encodes one 48 kHz stereo block (gathered into batches of [`BATCH_FRAMES`]), waiting
    /// while the encoder is busy.
    pub(crate) async fn encode(&mut self, block: &AudioBlock) -> Result<(), RenderError> {
        if block.frames() == 0 {
            return Ok(());
        }
        let pending_end = self.pending_start + self.pending_frames() as i64;
        if self.pending_frames() > 0 && (block.start() != pending_end || block.channels() != self.pending.len()) {
            self.submit().await?;
        }
        if self.pending_frames() == 0 {
            self.pending_start = block.start();
            self.pending.resize_with(block.channels(), || Vec::with_capacity(BATCH_FRAMES));
        }
        for (plane, samples) in self.pending.iter_mut().zip(block.planes()) {
            plane.extend_from_slice(samples);
        }
        if self.pending_frames() >= BATCH_FRAMES {
            self.submit().await?;
        }
        Ok(())
    }

    /// True when [`AudioOut::encode`] takes a block without waiting.
    pub(crate) fn has_room(&self) -> bool {
        self.out.encoder().encode_queue_size() < MAX_ENCODE_QUEUE
    }

    fn pending_frames(&self) -> usize {
        self.pending.first().map_or(0, Vec::len)
    }

    /// Sends the gathered samples to the encoder as one `AudioData`.
    async fn submit(&mut self) -> Result<(), RenderError> {
        let frames = self.pending_frames();
        if frames == 0 {
            return Ok(());
        }
        self.out.wait_until(|encoder| encoder.encode_queue_size() < MAX_ENCODE_QUEUE).await?;
        let planar = Float32Array::new_with_length((frames * self.pending.len()) as u32);
        for (i, plane) in self.pending.iter_mut().enumerate() {
            planar.subarray((i * frames) as u32, ((i + 1) * frames) as u32).copy_from(plane);
            plane.clear();
        }
        let init = AudioDataInit::new(&planar, AudioSampleFormat::F32Planar, self.pending.len() as u32, frames as u32, OUTPUT_RATE as f32, 0);
        init.set_timestamp_f64(frame_to_us(self.pending_start) as f64);
        let data = Audio::new(AudioData::new(&init).map_err(|e| RenderError::internal("AudioData", &e))?);
        self.out.encoder().encode(data.get()).map_err(|e| RenderError::EncodeFailed(js_message(&e)))
    }

    /// Encodes what is gathered, flushes the encoder and waits until every packet is out.
    pub(crate) async fn finish(&mut self) -> Result<(), RenderError> {
        self.submit().await?;
        self.out.finish().await
    }

    /// The codec string and description, once the first packet is out.
    pub(crate) fn stream(&self) -> Option<StreamConfig> {
        self.out.stream()
    }

    /// Takes the packets encoded so far.
    pub(crate) fn take_packets(&mut self) -> Vec<Packet> {
        self.out.take_packets()
    }
}

/// The priming (µs) at the start of the stream that `description` describes: the Opus
/// pre-skip. AAC encoders prime too (typically 1024 or 2112 samples), but WebCodecs does not
/// say how much, so AAC output is not shifted.
fn priming_of(codec: &str, description: Option<&[u8]>) -> i64 {
    match (codec, description.and_then(OpusConfig::from_opus_head)) {
        ("opus", Some(head)) => frame_to_us(i64::from(head.pre_skip)),
        _ => 0,
    }
}

/// Copies `chunk` into a packet, `priming_us` earlier than the encoder stamped it.
fn to_packet(chunk: &EncodedAudioChunk, priming_us: i64) -> Packet {
    let mut data = vec![0u8; chunk.byte_length() as usize];
    let _ = chunk.copy_to_with_u8_slice(&mut data);
    let pts_us = chunk.timestamp() as i64 - priming_us;
    Packet { track_id: 0, pts_us, dts_us: pts_us, duration_us: chunk.duration().unwrap_or(0.0) as i64, keyframe: true, data }
}
