//! The mux stage: encoded packets of both tracks in, the container out to the [`Sink`].
//!
//! The muxer needs each track's decoder description (`avcC`, OpusHead), which the encoders
//! give with their first output, so packets wait in a short queue until both are known.
//! MP4 is written fast-start (index space reserved from the known frame and packet counts,
//! `moov` first); WebM in its seekable layout (sizes, duration and cues patched at the end).

use super::error::RenderError;
use super::sink::Sink;
use super::copy_stage::AudioShape;
use super::encoded_output::StreamConfig;
use crate::audio::{OUTPUT_CHANNELS, OUTPUT_RATE};
use crate::container::mp4::{Mp4Muxer, Mp4Options};
use crate::container::webm::{WebmMuxer, WebmOptions};
use crate::container::{AudioInfo, ContainerError, MuxTrack, Muxer, Packet, TrackKind, VideoInfo};
use crate::plan::{FrameRate, OutputSpec};
use crate::project::Format;

/// Track index of the video in the muxer.
pub(crate) const VIDEO: usize = 0;
/// Track index of the audio in the muxer.
pub(crate) const AUDIO: usize = 1;
/// Extra index entries reserved per track beyond the expected count.
const INDEX_MARGIN: u64 = 64;

enum Open {
    Mp4(Mp4Muxer<Sink>),
    Webm(WebmMuxer<Sink>),
}

enum State {
    /// Waiting for the encoders' first outputs.
    Pending { sink: Sink, queue: Vec<(usize, Packet)> },
    /// Writing.
    Open(Box<Open>),
    /// Between states, or after a failure.
    Gone,
}

/// The muxer and what it waits for.
pub(crate) struct MuxStage {
    state: State,
    format: Format,
    output: OutputSpec,
    expected_audio_packets: Option<u64>,
    audio_info: AudioInfo,
}

fn mux_error(e: ContainerError) -> RenderError {
    RenderError::Output(e.to_string())
}

impl MuxStage {
    /// A stage writing `output` to `sink`, with an audio track when `audio` is given.
    pub(crate) fn new(sink: Sink, output: &OutputSpec, audio: Option<AudioShape>) -> Self {
        let audio_info = audio
            .as_ref()
            .map_or(AudioInfo { sample_rate: OUTPUT_RATE, channels: OUTPUT_CHANNELS as u16 }, |a| a.info.clone());
        let expected_audio_packets = audio.map(|a| {
            let samples = u128::from(a.info.sample_rate) * output.duration_us.max(0) as u128 / 1_000_000;
            (samples / u128::from(a.frame_samples.max(1))) as u64 + 1 + a.extra_packets
        });
        MuxStage {
            state: State::Pending { sink, queue: Vec::new() },
            format: output.format,
            output: output.clone(),
            expected_audio_packets,
            audio_info,
        }
    }

    /// Writes (or queues) packets of track `index`; `video` and `audio` are the encoders'
    /// stream configs, known once each has output.
    pub(crate) fn write(
        &mut self,
        index: usize,
        packets: Vec<Packet>,
        video: Option<StreamConfig>,
        audio: Option<Option<StreamConfig>>,
    ) -> Result<(), RenderError> {
        if let State::Pending { queue, .. } = &mut self.state {
            queue.extend(packets.into_iter().map(|p| (index, p)));
            if let (Some(video), Some(audio)) = (video, audio) {
                self.open(video, audio)?;
            }
            return Ok(());
        }
        for packet in packets {
            self.write_one(index, &packet)?;
        }
        Ok(())
    }

    /// Finishes the file and returns the sink.
    pub(crate) fn finish(mut self) -> Result<Sink, RenderError> {
        match std::mem::replace(&mut self.state, State::Gone) {
            State::Open(open) => match *open {
                Open::Mp4(mut m) => m.finish().map(|()| m.into_sink()),
                Open::Webm(mut m) => m.finish().map(|()| m.into_sink()),
            }
            .map_err(mux_error),
            _ => Err(RenderError::Internal("the encoders produced no output".into())),
        }
    }

    fn write_one(&mut self, index: usize, packet: &Packet) -> Result<(), RenderError> {
        match &mut self.state {
            State::Open(open) => match open.as_mut() {
                Open::Mp4(m) => m.write_packet(index, packet),
                Open::Webm(m) => m.write_packet(index, packet),
            }
            .map_err(mux_error),
            _ => Err(RenderError::Internal("packet written to a closed muxer".into())),
        }
    }

    fn open(&mut self, video: StreamConfig, audio: Option<StreamConfig>) -> Result<(), RenderError> {
        let State::Pending { sink, queue } = std::mem::replace(&mut self.state, State::Gone) else {
            return Ok(());
        };
        let mut tracks = vec![self.video_track(video)];
        tracks.extend(audio.map(|a| audio_track(a, self.audio_info.clone())));
        let open = match self.format {
            Format::Webm => Open::Webm(WebmMuxer::new(sink, &tracks, WebmOptions { live: false }).map_err(mux_error)?),
            _ => {
                let expected = self.output.frame_count.max(self.expected_audio_packets.unwrap_or(0)) + INDEX_MARGIN;
                let options = Mp4Options::fast_start(u32::try_from(expected).unwrap_or(u32::MAX));
                Open::Mp4(Mp4Muxer::new(sink, &tracks, options).map_err(mux_error)?)
            }
        };
        self.state = State::Open(Box::new(open));
        for (index, packet) in queue {
            self.write_one(index, &packet)?;
        }
        Ok(())
    }

    fn video_track(&self, (codec, description): StreamConfig) -> MuxTrack {
        let rate = self.output.frame_rate;
        MuxTrack {
            kind: TrackKind::Video,
            codec,
            description,
            timescale: video_timescale(rate),
            video: Some(VideoInfo {
                width: self.output.width,
                height: self.output.height,
                rotation: 0,
                frame_rate: Some(rate.fps()),
                variable_frame_rate: false,
            }),
            audio: None,
        }
    }
}

fn audio_track((codec, description): StreamConfig, info: AudioInfo) -> MuxTrack {
    MuxTrack { kind: TrackKind::Audio, codec, description, timescale: info.sample_rate, video: None, audio: Some(info) }
}

/// A video timescale in which every frame time of `rate` is whole: 90 kHz when it divides
/// evenly (24, 25, 30, 50, 60 fps), else a multiple of the rate's numerator (30000 for 29.97).
fn video_timescale(rate: FrameRate) -> u32 {
    if rate.den == 1 && 90_000 % rate.num == 0 {
        return 90_000;
    }
    rate.num.saturating_mul(10_000u32.div_ceil(rate.num).max(1))
}
