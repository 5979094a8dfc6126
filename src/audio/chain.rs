//! One clip's audio path: decoded blocks in, the layer's 48 kHz stereo stream out.
//!
//! A clip plays source time `[in_us, out_us)` at a speed. Its source frame range is
//! `[us_to_ticks(in_us, rate), us_to_ticks(out_us, rate))` at the decoder's output rate
//! (known from the first block, so HE-AAC's doubled rate is handled). Each decoded block is
//! placed by its `start` (`us_to_ticks(AudioData.timestamp, rate)`): frames before the range
//! (pre-roll from the previous keyframe) are cut exactly, the first frame of the range is the
//! layer's frame 0, and a gap before the first block is filled with silence. After that the
//! stream is taken as contiguous unless a block's start is more than 2 ms off (container
//! timestamp rounding, e.g. WebM's millisecond clock, stays within that): a later block
//! inserts silence up to its start, an earlier one has its overlap dropped. So the audio
//! never drifts from its source time by more than 2 ms plus a few resampling frames.
//!
//! The audio then goes through [`to_stereo`], a [`Resampler`] to 48 kHz and a [`Stretcher`].
//! The output is contiguous from layer frame 0; its total is within a few frames of the slot
//! the timeline gives the clip, and the [`Mixer`](super::Mixer) trims or pads it to that slot.
//!
//! The chain is pull-driven like the mixer, so memory stays bounded even across long gaps
//! (silence is made [`GAP_CHUNK`] frames at a time): [`ClipChain::poll`] returns the next
//! piece of layer audio, asks for the next decoded block, or says the clip is done. It never
//! asks for a block once the clip's range is covered.

use super::{AudioBlock, AudioError, OUTPUT_CHANNELS, OUTPUT_RATE, Resampler, Speed, Stretcher, to_stereo};
use crate::time;
use std::collections::VecDeque;

/// Milliseconds a block's start may differ from the running frame count before the chain resynchronizes.
const RESYNC_MS: i64 = 2;
/// Source frames of gap silence processed per poll.
const GAP_CHUNK: u64 = 4096;

/// What [`ClipChain::poll`] has to say.
#[derive(Debug, Clone, PartialEq)]
pub enum ChainPoll {
    /// The next piece of layer audio (48 kHz stereo, `start` = layer frame; may be empty).
    Audio(AudioBlock),
    /// Push the next decoded block, or call [`ClipChain::end_input`] if the source has none.
    NeedInput,
    /// All of the clip's audio was returned.
    Done,
}

/// Work accepted by `push` and not yet processed.
#[derive(Debug)]
enum Work {
    /// Frames of silence at the source rate.
    Silence(u64),
    /// Stereo frames at the source rate.
    Audio(AudioBlock),
}

/// The stages, built once the first block tells the decoder's rate.
#[derive(Debug)]
struct Stages {
    rate: u32,
    resampler: Resampler,
    stretcher: Stretcher,
    /// The clip's first source frame.
    begin: i64,
    /// The source frame the next accepted frame stands for.
    next: i64,
    /// One past the last source frame of the clip.
    end: i64,
}

/// Turns one clip's decoded audio into its layer's 48 kHz stereo stream.
#[derive(Debug)]
pub struct ClipChain {
    in_us: i64,
    out_us: i64,
    speed: Speed,
    stages: Option<Stages>,
    queue: VecDeque<Work>,
    /// No more decoded blocks will come.
    input_ended: bool,
    /// The stages were flushed: the layer stream is complete.
    flushed: bool,
    /// Layer frames returned so far.
    emitted: i64,
}

impl ClipChain {
    /// Makes the chain of a clip that plays source time `[in_us, out_us)` at `speed`.
    pub fn new(in_us: i64, out_us: i64, speed: Speed) -> Result<Self, AudioError> {
        if out_us < in_us {
            return Err(AudioError::InvertedRange { start: in_us, end: out_us });
        }
        Ok(Self { in_us, out_us, speed, stages: None, queue: VecDeque::new(), input_ended: false, flushed: false, emitted: 0 })
    }

    /// Accepts the next decoded block (any rate 8–96 kHz, 1–8 channels, `start` in its own
    /// frames); frames outside the clip's range are dropped at once. Push when `poll` asks.
    pub fn push(&mut self, block: &AudioBlock) -> Result<(), AudioError> {
        let stages = match self.stages.take() {
            Some(stages) => stages,
            None => Stages::new(block.sample_rate(), self.in_us, self.out_us, self.speed)?,
        };
        let stages = self.stages.insert(stages);
        if stages.rate != block.sample_rate() {
            return Err(AudioError::SampleRateChanged { from: stages.rate, to: block.sample_rate() });
        }
        // Until the first frame of the range is placed, placement is exact.
        let tolerance = if stages.next > stages.begin { stages.rate as i64 * RESYNC_MS / 1000 } else { 0 };
        let lead = block.start().saturating_sub(stages.next);
        if lead > tolerance {
            let gap = lead.min(stages.end.saturating_sub(stages.next)).max(0);
            stages.next += gap;
            if gap > 0 {
                self.queue.push_back(Work::Silence(gap as u64));
            }
        }
        let skip = if lead < -tolerance { lead.unsigned_abs().min(block.frames() as u64) as usize } else { 0 };
        let take = stages.end.saturating_sub(stages.next).clamp(0, (block.frames() - skip) as i64) as usize;
        if take > 0 {
            stages.next += take as i64;
            let planes = block.planes().iter().map(|p| p[skip..skip + take].to_vec()).collect();
            self.queue.push_back(Work::Audio(to_stereo(&AudioBlock::assemble(stages.rate, 0, planes))));
        }
        Ok(())
    }

    /// Says the source has no more blocks: the rest of the clip's range stays silent (the mixer pads it).
    pub fn end_input(&mut self) {
        self.input_ended = true;
    }

    /// Processes some pending work and returns its audio, or says what the chain needs.
    pub fn poll(&mut self) -> Result<ChainPoll, AudioError> {
        let Some(stages) = &mut self.stages else {
            return Ok(if self.input_ended { ChainPoll::Done } else { ChainPoll::NeedInput });
        };
        let start = self.emitted;
        let out = match self.queue.pop_front() {
            Some(Work::Silence(frames)) => {
                let now = frames.min(GAP_CHUNK);
                if frames > now {
                    self.queue.push_front(Work::Silence(frames - now));
                }
                stages.feed(&AudioBlock::assemble(stages.rate, 0, vec![vec![0.0; now as usize]; OUTPUT_CHANNELS]))?
            }
            Some(Work::Audio(block)) => stages.feed(&block)?,
            None if self.flushed => return Ok(ChainPoll::Done),
            None if self.input_ended || stages.next >= stages.end => {
                self.flushed = true;
                let tail = stages.resampler.flush();
                let mut out = stages.stretcher.process(&tail)?.into_planes();
                for (plane, rest) in out.iter_mut().zip(stages.stretcher.flush().into_planes()) {
                    plane.extend(rest);
                }
                out
            }
            None => return Ok(ChainPoll::NeedInput),
        };
        let block = AudioBlock::assemble(OUTPUT_RATE, start, out);
        self.emitted = block.end();
        Ok(ChainPoll::Audio(block))
    }
}

impl Stages {
    fn new(rate: u32, in_us: i64, out_us: i64, speed: Speed) -> Result<Self, AudioError> {
        Ok(Self {
            rate,
            resampler: Resampler::new(rate, OUTPUT_RATE, OUTPUT_CHANNELS)?,
            stretcher: Stretcher::new(speed, OUTPUT_CHANNELS)?,
            begin: time::us_to_ticks(in_us, rate),
            next: time::us_to_ticks(in_us, rate),
            end: time::us_to_ticks(out_us, rate),
        })
    }

    /// Runs a stereo block at the source rate through the resampler and the stretcher.
    fn feed(&mut self, stereo: &AudioBlock) -> Result<Vec<Vec<f32>>, AudioError> {
        let resampled = self.resampler.process(stereo)?;
        Ok(self.stretcher.process(&resampled)?.into_planes())
    }
}
