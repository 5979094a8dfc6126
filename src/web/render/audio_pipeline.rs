//! The audio path: per clip, `AudioDecoder` → f32 planar blocks → [`ClipChain`] (trim,
//! stereo, 48 kHz, speed with pitch kept); all clips → [`Mixer`] (timeline slots, volume,
//! fades, limiter) → [`AudioOut`]. Pull-driven like the mixer: a clip's decoder is opened
//! when the mixer first asks for its audio and closed when the clip is done, so only clips
//! that are playing hold codecs.

use super::audio_decode::AudioSource;
use super::audio_encode::AudioOut;
use super::cancel::Signal;
use super::error::RenderError;
use super::media::Media;
use crate::audio::{AudioError, ChainPoll, ClipChain, LayerId, MixPoll, Mixer, us_to_frame};
use crate::container::Packet;
use crate::plan::{AudioClip, RenderPlan};

fn audio_error(e: AudioError) -> RenderError {
    RenderError::Internal(format!("audio mixing: {e}"))
}

/// One clip's place in the mix.
struct Slot {
    id: LayerId,
    clip: AudioClip,
    chain: ClipChain,
    source: Option<AudioSource>,
}

/// The mixer, its clips and the audio encoder.
pub(crate) struct AudioPipeline {
    mixer: Mixer,
    slots: Vec<Slot>,
    out: AudioOut,
    signal: Signal,
}

impl AudioPipeline {
    /// The pipeline for `plan`'s clips into `out`; `None` when the output has no audio.
    pub(crate) fn new(plan: &RenderPlan, out: AudioOut, signal: &Signal) -> Result<Option<Self>, RenderError> {
        let Some(mixer) = plan.mixer() else { return Ok(None) };
        let mut mixer = mixer.map_err(audio_error)?;
        let mut slots = Vec::with_capacity(plan.audio.len());
        for clip in &plan.audio {
            let id = mixer.add_layer(clip.layer_spec().map_err(audio_error)?);
            slots.push(Slot { id, clip: clip.clone(), chain: clip.clip_chain().map_err(audio_error)?, source: None });
        }
        Ok(Some(AudioPipeline { mixer, slots, out, signal: signal.clone() }))
    }

    /// Encodes the mix up to timeline time `until_us`, waiting for the audio codecs only
    /// while the mix is before `wait_before_us`: past it, stops at the first step that would
    /// wait (so the audio fills the video loop's idle time instead of stalling it).
    pub(crate) async fn render_until(&mut self, until_us: i64, wait_before_us: i64, media: &Media) -> Result<(), RenderError> {
        let (until, wait_before) = (us_to_frame(until_us), us_to_frame(wait_before_us));
        while self.mixer.position() < until {
            let wait = self.mixer.position() < wait_before;
            if self.step(media, wait).await? != Step::Done {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Encodes the rest of the mix and flushes the encoder.
    pub(crate) async fn finish(&mut self, media: &Media) -> Result<(), RenderError> {
        while self.step(media, true).await? == Step::Done {}
        self.out.finish().await
    }

    /// The encoder, for its packets and stream config.
    pub(crate) fn out(&mut self) -> &mut AudioOut {
        &mut self.out
    }

    /// Takes the packets encoded so far.
    pub(crate) fn take_packets(&mut self) -> Vec<Packet> {
        self.out.take_packets()
    }

    /// One step of the pull loop; without `wait`, a step that would wait for a codec is not
    /// taken ([`Step::Blocked`]).
    async fn step(&mut self, media: &Media, wait: bool) -> Result<Step, RenderError> {
        self.signal.check()?;
        if !wait && !self.out.has_room() {
            return Ok(Step::Blocked);
        }
        let id = match self.mixer.poll() {
            MixPoll::Block(block) => {
                self.out.encode(&block).await?;
                return Ok(Step::Done);
            }
            MixPoll::NeedInput(id) => id,
            MixPoll::Done => return Ok(Step::Finished),
        };
        let slot = self
            .slots
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| RenderError::Internal(format!("the mixer asked for unknown layer {}", id.0)))?;
        match slot.chain.poll().map_err(audio_error)? {
            ChainPoll::Audio(audio) => self.mixer.push(id, &audio).map_err(audio_error)?,
            ChainPoll::NeedInput => {
                let clip = &slot.clip;
                let source = match &mut slot.source {
                    Some(source) => source,
                    none => {
                        let track = media.track(&clip.source, clip.track_id)?;
                        let opened = AudioSource::open(media.reads(&clip.source)?, &clip.source, track, clip.decode_from_us, clip.source_out_us, &self.signal)?;
                        none.insert(opened)
                    }
                };
                if !wait && !source.ready()? {
                    return Ok(Step::Blocked);
                }
                match source.next_block().await? {
                    Some(block) => slot.chain.push(&block).map_err(audio_error)?,
                    None => slot.chain.end_input(),
                }
            }
            ChainPoll::Done => {
                slot.source = None;
                self.mixer.end_layer(id).map_err(audio_error)?;
            }
        }
        Ok(Step::Done)
    }
}

/// What one step of the pull loop did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A step was taken.
    Done,
    /// The step would have waited for a codec, and was not taken.
    Blocked,
    /// The mix is complete.
    Finished,
}
