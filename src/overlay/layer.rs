//! One prepared overlay layer: its text, parsed cues or decoded frames, and which of its
//! entries show when. Times here are relative to the layer's start unless named `_us` on the
//! timeline.

use super::Entry;
use crate::plan::{LayerBox, Placement, Rotation};
use crate::project::TextStyle;
use crate::raster::Bitmap;
use crate::raster::subtitles::{Cue, CueSpan};
use std::sync::Arc;

/// A prepared image, shared by every layer that shows the same source.
#[derive(Debug)]
pub(crate) struct Frames {
    /// Each frame and how long it shows (0 for a still image).
    pub frames: Vec<(Arc<Bitmap>, i64)>,
    /// Times the animation plays (`None`: forever).
    pub loop_count: Option<u32>,
    /// Width as decoded.
    pub width: u32,
    /// Height as decoded.
    pub height: u32,
    /// How the picture is turned for display (JPEG EXIF orientation).
    pub rotation: Rotation,
}

impl Frames {
    /// The frame showing at `rel` after the start, and when it starts and stops showing
    /// (relative too; `i64::MAX` when it stays): `(index, start, end)`.
    pub fn window(&self, rel: i64) -> (usize, i64, i64) {
        let total: i64 = self.frames.iter().map(|f| f.1).sum();
        let last = self.frames.len().saturating_sub(1);
        if last == 0 || total <= 0 {
            return (0, 0, i64::MAX);
        }
        let plays = self.loop_count.map_or(i64::MAX, i64::from);
        let lap = rel.max(0) / total;
        if lap >= plays {
            let last_delay = self.frames.get(last).map_or(0, |f| f.1);
            return (last, plays.saturating_mul(total).saturating_sub(last_delay), i64::MAX);
        }
        let (lap_start, within) = (lap * total, rel.max(0) % total);
        let mut at = 0;
        for (index, (_, delay)) in self.frames.iter().enumerate() {
            if within < at + delay {
                let end = if lap + 1 == plays && index == last { i64::MAX } else { lap_start + at + delay };
                return (index, lap_start + at, end);
            }
            at += delay;
        }
        (last, lap_start + at, i64::MAX)
    }
}

/// What a layer draws, ready to rasterize.
#[derive(Debug)]
pub(crate) enum Content {
    /// A text layer: one entry for its whole span.
    Text {
        /// The text.
        text: String,
        /// Its style.
        style: TextStyle,
        /// The style's cache key.
        key: Arc<str>,
    },
    /// A subtitles layer: one entry per span of simultaneous cues.
    Subtitles {
        /// The valid cues, times from the layer start.
        cues: Vec<Cue>,
        /// The layer style.
        style: TextStyle,
        /// The style's cache key.
        key: Arc<str>,
        /// The spans, by start.
        spans: Vec<CueSpan>,
        /// `max_end[i]`: the latest end among `spans[..=i]` (bounds the search for active spans).
        max_end: Vec<i64>,
    },
    /// An image layer: one entry per frame shown (one for a still image).
    Image {
        /// The decoded frames.
        frames: Arc<Frames>,
        /// Where the picture lands.
        placement: Placement,
    },
}

/// A prepared overlay layer.
#[derive(Debug)]
pub(crate) struct OverlayLayer {
    /// Index in `plan.visuals`.
    pub visual: usize,
    /// Timeline start.
    pub start_us: i64,
    /// Timeline end.
    pub end_us: i64,
    /// Its box on the output frame.
    pub layer_box: LayerBox,
    /// JSON path of the layer, e.g. `scenes[0].layers[2]`.
    pub path: String,
    /// What it draws.
    pub content: Content,
}

impl OverlayLayer {
    /// The entry of `item` shown over `[start, end)` relative to the layer start, cut to the
    /// layer's span; `None` when nothing of it is left.
    fn entry(&self, item: usize, start: i64, end: i64) -> Option<Entry> {
        let start_us = self.start_us.saturating_add(start).max(self.start_us);
        let end_us = self.start_us.saturating_add(end).min(self.end_us);
        (start_us < end_us).then_some(Entry { visual: self.visual, item, start_us, end_us })
    }

    /// Every entry, by start time.
    pub fn entries(&self) -> Box<dyn Iterator<Item = Entry> + '_> {
        match &self.content {
            Content::Text { .. } => Box::new(self.entry(0, 0, i64::MAX).into_iter()),
            Content::Subtitles { spans, .. } => {
                Box::new(spans.iter().enumerate().filter_map(|(i, s)| self.entry(i, s.start_us, s.end_us)))
            }
            Content::Image { frames, .. } => {
                let length = self.end_us - self.start_us;
                let mut rel = Some(0);
                Box::new(std::iter::from_fn(move || {
                    loop {
                        let at = rel.filter(|&r| r < length)?;
                        let (index, start, end) = frames.window(at);
                        rel = Some(end.max(at + 1));
                        if let Some(entry) = self.entry(index, start, end) {
                            return Some(entry);
                        }
                    }
                }))
            }
        }
    }

    /// The entries showing at timeline time `t_us`, by start time, into `out`.
    pub fn active_at(&self, t_us: i64, out: &mut Vec<Entry>) {
        if !(self.start_us..self.end_us).contains(&t_us) {
            return;
        }
        let rel = t_us - self.start_us;
        match &self.content {
            Content::Text { .. } => out.extend(self.entry(0, 0, i64::MAX)),
            Content::Image { frames, .. } => {
                let (index, start, end) = frames.window(rel);
                out.extend(self.entry(index, start, end));
            }
            Content::Subtitles { spans, max_end, .. } => {
                let first_after = spans.partition_point(|s| s.start_us <= rel);
                let from = out.len();
                for i in (0..first_after).rev() {
                    if max_end.get(i).is_none_or(|&end| end <= rel) {
                        break;
                    }
                    if let Some(s) = spans.get(i).filter(|s| s.end_us > rel) {
                        out.extend(self.entry(i, s.start_us, s.end_us));
                    }
                }
                if let Some(added) = out.get_mut(from..) {
                    added.reverse();
                }
            }
        }
    }
}
