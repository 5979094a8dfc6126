//! Owners of WebCodecs media objects: each `VideoFrame` and `AudioData` is closed exactly
//! once, when its owner drops, and counted while open.

use super::counters::{Counted, closed, opened};
use web_sys::{AudioData, VideoFrame};

/// A `VideoFrame` closed on drop.
pub(crate) struct Frame(VideoFrame);

impl Frame {
    /// Takes ownership of `frame`.
    pub(crate) fn new(frame: VideoFrame) -> Self {
        opened(Counted::VideoFrame);
        Frame(frame)
    }

    /// The frame.
    pub(crate) fn get(&self) -> &VideoFrame {
        &self.0
    }

    /// Presentation time in microseconds.
    pub(crate) fn timestamp_us(&self) -> i64 {
        self.0.timestamp() as i64
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        self.0.close();
        closed(Counted::VideoFrame);
    }
}

/// An `AudioData` closed on drop.
pub(crate) struct Audio(AudioData);

impl Audio {
    /// Takes ownership of `data`.
    pub(crate) fn new(data: AudioData) -> Self {
        opened(Counted::AudioData);
        Audio(data)
    }

    /// The audio.
    pub(crate) fn get(&self) -> &AudioData {
        &self.0
    }
}

impl Drop for Audio {
    fn drop(&mut self) {
        self.0.close();
        closed(Counted::AudioData);
    }
}
