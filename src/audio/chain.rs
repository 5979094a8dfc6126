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
//! The blocks then go through [`to_stereo`], a [`Resampler`] to 48 kHz and a [`Stretcher`].
//! The output is contiguous from layer frame 0; its total after [`ClipChain::finish`] is
//! within a few frames of the slot the timeline gives the clip, and the [`Mixer`](super::Mixer)
//! trims or pads it to that exact slot.

use super::{AudioBlock, AudioError, OUTPUT_CHANNELS, OUTPUT_RATE, Resampler, Speed, Stretcher, to_stereo};
use crate::time;

/// Milliseconds a block's start may differ from the running frame count before the chain resynchronizes.
const RESYNC_MS: i64 = 2;

/// The stages, built once the first block tells the decoder's rate.
#[derive(Debug)]
struct Stages {
    rate: u32,
    resampler: Resampler,
    stretcher: Stretcher,
    /// The source frame the next sample of the stream stands for.
    next: i64,
    /// One past the last source frame of the clip.
    end: i64,
    /// Whether any frame of the range was accepted yet (before that, placement is exact).
    started: bool,
    /// Layer frames emitted so far.
    emitted: i64,
}

/// Turns one clip's decoded audio into its layer's 48 kHz stereo stream.
#[derive(Debug)]
pub struct ClipChain {
    in_us: i64,
    out_us: i64,
    speed: Speed,
    stages: Option<Stages>,
}

impl ClipChain {
    /// Makes the chain of a clip that plays source time `[in_us, out_us)` at `speed`.
    pub fn new(in_us: i64, out_us: i64, speed: Speed) -> Result<Self, AudioError> {
        if out_us < in_us {
            return Err(AudioError::InvertedRange { start: in_us, end: out_us });
        }
        Ok(Self { in_us, out_us, speed, stages: None })
    }

    /// Whether every source frame of the clip has arrived: stop decoding and call [`finish`](Self::finish).
    pub fn is_complete(&self) -> bool {
        self.stages.as_ref().is_some_and(|s| s.next >= s.end)
    }

    /// Feeds the next decoded block (any rate 8–96 kHz, 1–8 channels, `start` in its own frames)
    /// and returns the layer audio that is now ready (48 kHz stereo, `start` = layer frame).
    pub fn push(&mut self, block: &AudioBlock) -> Result<AudioBlock, AudioError> {
        let stages = match self.stages.take() {
            Some(stages) => stages,
            None => Stages::new(block.sample_rate(), self.in_us, self.out_us, self.speed)?,
        };
        let stages = self.stages.insert(stages);
        if stages.rate != block.sample_rate() {
            return Err(AudioError::SampleRateChanged { from: stages.rate, to: block.sample_rate() });
        }
        let tolerance = if stages.started { block.sample_rate() as i64 * RESYNC_MS / 1000 } else { 0 };
        let lead = block.start() - stages.next;
        let start = stages.emitted;
        let mut out = Vec::new();
        let gap = if lead > tolerance { lead.min(stages.end - stages.next).max(0) as usize } else { 0 };
        if gap > 0 {
            out.push(stages.feed(&AudioBlock::assemble(block.sample_rate(), 0, vec![vec![0.0; gap]; OUTPUT_CHANNELS]))?);
        }
        let skip = if lead < -tolerance { (-lead).min(block.frames() as i64) as usize } else { 0 };
        let take = (stages.end - stages.next).clamp(0, (block.frames() - skip) as i64) as usize;
        if take > 0 {
            let planes = block.planes().iter().map(|p| p[skip..skip + take].to_vec()).collect();
            out.push(stages.feed(&to_stereo(&AudioBlock::assemble(block.sample_rate(), 0, planes)))?);
        }
        Ok(concat(start, out))
    }

    /// Ends the clip's audio (source exhausted, or [`is_complete`](Self::is_complete)) and returns the rest of the layer stream.
    pub fn finish(self) -> Result<AudioBlock, AudioError> {
        let Some(mut stages) = self.stages else {
            return Ok(concat(0, Vec::new()));
        };
        let start = stages.emitted;
        let tail = stages.resampler.flush();
        let stretched = stages.stretcher.process(&tail)?;
        Ok(concat(start, vec![stretched, stages.stretcher.flush()]))
    }
}

impl Stages {
    fn new(rate: u32, in_us: i64, out_us: i64, speed: Speed) -> Result<Self, AudioError> {
        Ok(Self {
            rate,
            resampler: Resampler::new(rate, OUTPUT_RATE, OUTPUT_CHANNELS)?,
            stretcher: Stretcher::new(speed, OUTPUT_CHANNELS)?,
            next: time::us_to_ticks(in_us, rate),
            end: time::us_to_ticks(out_us, rate),
            started: false,
            emitted: 0,
        })
    }

    /// Runs a stereo block at the source rate through the resampler and the stretcher.
    fn feed(&mut self, stereo: &AudioBlock) -> Result<AudioBlock, AudioError> {
        self.next += stereo.frames() as i64;
        self.started = true;
        let resampled = self.resampler.process(stereo)?;
        let out = self.stretcher.process(&resampled)?;
        self.emitted += out.frames() as i64;
        Ok(out)
    }
}

/// Joins consecutive output blocks of one stream into one starting at layer frame `start`.
fn concat(start: i64, blocks: Vec<AudioBlock>) -> AudioBlock {
    let mut planes = vec![Vec::new(); OUTPUT_CHANNELS];
    for block in blocks {
        for (plane, part) in planes.iter_mut().zip(block.into_planes()) {
            plane.extend(part);
        }
    }
    AudioBlock::assemble(OUTPUT_RATE, start, planes)
}
