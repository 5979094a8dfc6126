//! Planar input history shared by the streaming stages (resampler, time-stretch): the frames
//! still needed, one plane per channel, and the stream index of the first one.

/// Buffered input frames, one plane per channel, starting at stream frame [`History::start`].
#[derive(Debug, Clone)]
pub(super) struct History {
    planes: Vec<Vec<f32>>,
    start: i64,
}

impl History {
    /// An empty history of `channels` planes starting at frame 0.
    pub(super) fn new(channels: usize) -> Self {
        Self { planes: vec![Vec::new(); channels], start: 0 }
    }

    /// Channel count.
    pub(super) fn channels(&self) -> usize {
        self.planes.len()
    }

    /// Stream index of the first buffered frame.
    pub(super) fn start(&self) -> i64 {
        self.start
    }

    /// Frames buffered per channel.
    pub(super) fn len(&self) -> usize {
        self.planes[0].len()
    }

    /// Stream index just past the last buffered frame.
    pub(super) fn end(&self) -> i64 {
        self.start + self.len() as i64
    }

    /// The planes.
    pub(super) fn planes(&self) -> &[Vec<f32>] {
        &self.planes
    }

    /// Appends one block's planes (same channel count).
    pub(super) fn append(&mut self, planes: &[Vec<f32>]) {
        for (history, plane) in self.planes.iter_mut().zip(planes) {
            history.extend_from_slice(plane);
        }
    }

    /// Appends `frames` of silence.
    pub(super) fn pad(&mut self, frames: usize) {
        for history in &mut self.planes {
            history.resize(history.len() + frames, 0.0);
        }
    }

    /// Drops the frames before stream index `keep_from` (never more than are buffered).
    pub(super) fn drop_before(&mut self, keep_from: i64) {
        let drop = (keep_from - self.start).clamp(0, self.len() as i64);
        for history in &mut self.planes {
            history.drain(..drop as usize);
        }
        self.start += drop;
    }

    /// Starts over with `silence` frames of zeros before stream frame 0.
    pub(super) fn reset(&mut self, silence: usize) {
        for history in &mut self.planes {
            history.clear();
            history.resize(silence, 0.0);
        }
        self.start = -(silence as i64);
    }
}
