//! The timeline mixer: sums 48 kHz stereo layers at their timeline slots into output blocks.
//!
//! Each layer has a slot (`start` frame and length at 48 kHz, from integer µs via
//! [`us_to_frame`](super::us_to_frame)) and an [`Envelope`] (volume and fades). Its audio is
//! pushed as a contiguous stream of 48 kHz stereo blocks, layer frame 0 first (a
//! [`ClipChain`](super::ClipChain)'s output); audio past the slot's end is dropped, and a
//! layer ended early is silent for the rest of its slot. The mixer is pull-driven:
//! [`Mixer::poll`] either returns the next output block, names the layer whose audio it
//! needs first, or says the range is done. Output is exact silence where no layer plays,
//! and goes through [`soft_limit`](super::soft_limit), so it stays within [−1, 1].
//!
//! Memory holds only audio pushed and not yet mixed: push a layer's audio when `poll` asks.

use super::{AudioBlock, AudioError, Envelope, OUTPUT_CHANNELS, OUTPUT_RATE, soft_limit};

/// Identifies a layer of one [`Mixer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayerId(pub u32);

/// Where a layer plays and how loud.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerSpec {
    /// Timeline frame (48 kHz) of the layer's first frame.
    pub start: i64,
    /// Volume and fades over the layer; its length is the slot's length.
    pub envelope: Envelope,
}

/// What [`Mixer::poll`] has to say.
#[derive(Debug, Clone, PartialEq)]
pub enum MixPoll {
    /// The next output block (48 kHz stereo, `start` = its timeline frame).
    Block(AudioBlock),
    /// The next block needs more audio of this layer: push some, or end the layer.
    NeedInput(LayerId),
    /// The mixer's range is fully rendered.
    Done,
}

#[derive(Debug)]
struct Layer {
    id: LayerId,
    start: i64,
    envelope: Envelope,
    /// Pushed audio not yet mixed, one plane per channel, starting at layer frame `queued_from`.
    queue: [Vec<f32>; OUTPUT_CHANNELS],
    queued_from: u64,
    ended: bool,
}

impl Layer {
    fn end(&self) -> i64 {
        self.start.saturating_add_unsigned(self.envelope.frames())
    }

    /// Layer frames pushed so far.
    fn pushed(&self) -> u64 {
        self.queued_from + self.queue[0].len() as u64
    }

    /// The layer frames `[a, b)` that output frames `[from, to)` cover, if any.
    fn overlap(&self, from: i64, to: i64) -> Option<(u64, u64)> {
        let (a, b) = (from.max(self.start), to.min(self.end()));
        (a < b).then(|| ((a - self.start) as u64, (b - self.start) as u64))
    }
}

/// Mixes layers over the timeline range `[start, end)` in blocks of a fixed size.
#[derive(Debug)]
pub struct Mixer {
    position: i64,
    end: i64,
    block_frames: usize,
    layers: Vec<Layer>,
    next_id: u32,
}

impl Mixer {
    /// The largest block size (one second).
    pub const MAX_BLOCK_FRAMES: usize = OUTPUT_RATE as usize;

    /// Makes a mixer rendering timeline frames `[start, end)` in blocks of `block_frames`
    /// (e.g. 960 for Opus, 1024 for AAC; the last block may be shorter).
    pub fn new(start: i64, end: i64, block_frames: usize) -> Result<Self, AudioError> {
        if end < start {
            return Err(AudioError::InvertedRange { start, end });
        }
        if !(1..=Self::MAX_BLOCK_FRAMES).contains(&block_frames) {
            return Err(AudioError::BlockSizeOutOfRange { frames: block_frames, max: Self::MAX_BLOCK_FRAMES });
        }
        Ok(Self { position: start, end, block_frames, layers: Vec::new(), next_id: 0 })
    }

    /// The timeline frame the next block starts at.
    pub fn position(&self) -> i64 {
        self.position
    }

    /// Adds a layer; layers that end before the mixer's position are accepted and ignored. A
    /// layer that starts before the position is still pushed from its frame 0 (the frames before
    /// the position are dropped as they arrive); to start mid-layer cheaply, add the remaining
    /// part as a layer starting at the position instead.
    pub fn add_layer(&mut self, spec: LayerSpec) -> LayerId {
        let id = LayerId(self.next_id);
        self.next_id += 1;
        let layer = Layer { id, start: spec.start, envelope: spec.envelope, queue: Default::default(), queued_from: 0, ended: false };
        if layer.end() > self.position {
            self.layers.push(layer);
        }
        id
    }

    /// Appends the layer's next audio (48 kHz stereo; its `start` is ignored). Audio for a
    /// finished or ended layer, or past its slot, is dropped.
    pub fn push(&mut self, id: LayerId, block: &AudioBlock) -> Result<(), AudioError> {
        if block.sample_rate() != OUTPUT_RATE || block.channels() != OUTPUT_CHANNELS {
            return Err(AudioError::FormatMismatch { expected_rate: OUTPUT_RATE, expected_channels: OUTPUT_CHANNELS, rate: block.sample_rate(), channels: block.channels() });
        }
        let position = self.position;
        let Some(layer) = self.layer_mut(id)?.filter(|l| !l.ended) else { return Ok(()) };
        let room = layer.envelope.frames().saturating_sub(layer.pushed()).min(block.frames() as u64) as usize;
        for (queue, plane) in layer.queue.iter_mut().zip(block.planes()) {
            queue.extend_from_slice(&plane[..room]);
        }
        // Frames before the mixer's position will never be mixed.
        let stale = ((position - layer.start).max(0) as u64).saturating_sub(layer.queued_from).min(layer.queue[0].len() as u64);
        layer.queue.iter_mut().for_each(|q| drop(q.drain(..stale as usize)));
        layer.queued_from += stale;
        Ok(())
    }

    /// Marks the layer's audio as complete: the rest of its slot is silence.
    pub fn end_layer(&mut self, id: LayerId) -> Result<(), AudioError> {
        if let Some(layer) = self.layer_mut(id)? {
            layer.ended = true;
        }
        Ok(())
    }

    /// Renders the next block if every layer it covers has its audio, else names the first layer that lacks it.
    pub fn poll(&mut self) -> MixPoll {
        if self.position >= self.end {
            return MixPoll::Done;
        }
        let frames = (self.end - self.position).min(self.block_frames as i64) as usize;
        let (from, to) = (self.position, self.position + frames as i64);
        let starving = self.layers.iter().find(|l| !l.ended && l.overlap(from, to).is_some_and(|(_, b)| l.pushed() < b));
        if let Some(layer) = starving {
            return MixPoll::NeedInput(layer.id);
        }
        let mut out: Vec<Vec<f32>> = vec![vec![0.0; frames]; OUTPUT_CHANNELS];
        for layer in &mut self.layers {
            let Some((a, b)) = layer.overlap(from, to) else { continue };
            // The queue starts at `a`: earlier frames were mixed or dropped as stale.
            let take = ((b - a) as usize).min(layer.queue[0].len());
            let at = (a as i64 + layer.start - from) as usize;
            for (queue, plane) in layer.queue.iter_mut().zip(&mut out) {
                layer.envelope.mix_into(a, &queue[..take], &mut plane[at..at + take]);
                queue.drain(..take);
            }
            layer.queued_from += take as u64;
        }
        self.layers.retain(|l| l.end() > to);
        out.iter_mut().for_each(|plane| soft_limit(plane));
        self.position = to;
        MixPoll::Block(AudioBlock::assemble(OUTPUT_RATE, from, out))
    }

    /// The live layer `id`; `None` if it has finished; an error if the id was never handed out.
    fn layer_mut(&mut self, id: LayerId) -> Result<Option<&mut Layer>, AudioError> {
        if id.0 >= self.next_id {
            return Err(AudioError::UnknownLayer { id: id.0 });
        }
        Ok(self.layers.iter_mut().find(|l| l.id == id))
    }
}
