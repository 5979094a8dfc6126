//! Edit lists (`edts`/`elst`): how a track's media timeline maps to presentation time.
//!
//! Applied the way players apply the common cases: presentation time =
//! composition time − `media_time` of the first non-empty edit + the length of
//! any leading empty edits. Later edits (rare: cuts inside one track) are not
//! applied to timestamps; their durations still count toward the track duration.
//! Samples before `media_time` (decoder pre-roll, e.g. the frames between the
//! keyframe and the cut point of a `-ss … -c copy` file, or AAC priming) keep
//! their packets and get negative timestamps, so decoding and remuxing stay exact.

use super::box_reader::{Cursor, Mp4Box, child};
use crate::container::ContainerError;
use crate::time::ticks_to_us;

/// The media→presentation mapping of one track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Timeline {
    /// Media time (composition ticks) shown at the start of the first non-empty edit.
    pub media_time: i64,
    /// Presentation time of that start: the leading empty edits, in µs.
    pub empty_us: i64,
    /// Media ticks per second.
    pub timescale: u32,
    /// Sum of all edit durations in µs, when the edits give one (a 0 duration means "to the end").
    pub edit_duration_us: Option<i64>,
}

impl Timeline {
    /// The identity mapping for a track without edits.
    pub fn identity(timescale: u32) -> Self {
        Self { media_time: 0, empty_us: 0, timescale, edit_duration_us: None }
    }

    /// Reads the `edts` child of `trak`, if any; edit durations are in `movie_timescale` ticks.
    pub fn from_trak(trak: &Mp4Box, movie_timescale: u32, timescale: u32) -> Result<Self, ContainerError> {
        let Some(elst) = child(trak, b"edts")?.map(|edts| child(&edts, b"elst")).transpose()?.flatten() else {
            return Ok(Self::identity(timescale));
        };
        let mut c = Cursor::new(elst.body, "elst");
        let (version, _) = c.full_header()?;
        let entries = u64::from(c.u32()?);
        c.check_entries(entries, if version == 1 { 20 } else { 12 })?;
        let mut timeline = Self::identity(timescale);
        let (mut empty, mut total, mut found, mut open_ended) = (0u64, 0u64, false, false);
        for _ in 0..entries {
            let duration = c.u32_or_u64(version)?;
            let media_time = if version == 1 { c.i64()? } else { i64::from(c.i32()?) };
            c.u32()?; // media rate
            total = total.saturating_add(duration);
            if media_time == -1 {
                if !found {
                    empty = empty.saturating_add(duration);
                }
            } else if !found {
                found = true;
                timeline.media_time = media_time;
                open_ended = duration == 0;
            }
        }
        let to_us = |t: u64| ticks_to_us(t.min(i64::MAX as u64 / 2) as i64, movie_timescale);
        timeline.empty_us = to_us(empty);
        if found && !open_ended && total > 0 && movie_timescale > 0 {
            timeline.edit_duration_us = Some(to_us(total));
        }
        Ok(timeline)
    }

    /// Presentation time in µs of media time `ticks`.
    pub fn presentation_us(&self, ticks: i64) -> i64 {
        ticks_to_us(ticks.saturating_sub(self.media_time), self.timescale).saturating_add(self.empty_us)
    }

    /// Presentation duration: the edits' total, or up to `media_end` (in ticks).
    pub fn duration_us(&self, media_end: i64) -> i64 {
        self.edit_duration_us.unwrap_or_else(|| self.presentation_us(media_end).max(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::mp4::box_reader::Children;

    fn trak_with_elst(elst: &[u8]) -> Vec<u8> {
        let mut w = crate::container::mp4::box_writer::BoxWriter::new();
        w.start(b"trak").start(b"edts").leaf(b"elst", elst).end().end();
        w.into_bytes()
    }

    #[test]
    fn applies_first_edit_and_leading_empty_edit() {
        // One empty edit of 0.5 s, then media from tick 1024 for 3 s (movie timescale 1000, media 48000).
        let mut elst = vec![0, 0, 0, 0, 0, 0, 0, 2];
        elst.extend([0, 0, 1, 244, 255, 255, 255, 255, 0, 1, 0, 0]);
        elst.extend([0, 0, 11, 184, 0, 0, 4, 0, 0, 1, 0, 0]);
        let bytes = trak_with_elst(&elst);
        let trak = Children::new(&bytes, 0).next().unwrap().unwrap();
        let t = Timeline::from_trak(&trak, 1000, 48000).unwrap();
        assert_eq!(t.presentation_us(1024), 500_000);
        assert_eq!(t.presentation_us(0), 500_000 - 21_333);
        assert_eq!(t.duration_us(0), 3_500_000);
    }

    #[test]
    fn hostile_edit_lists_are_typed_errors_or_harmless() {
        let bytes = trak_with_elst(&[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        let trak = Children::new(&bytes, 0).next().unwrap().unwrap();
        assert!(Timeline::from_trak(&trak, 1000, 48000).is_err());
        let mut huge = vec![1, 0, 0, 0, 0, 0, 0, 1];
        huge.extend([0xff; 8]);
        huge.extend(i64::MIN.to_be_bytes());
        huge.extend([0, 1, 0, 0]);
        let bytes = trak_with_elst(&huge);
        let trak = Children::new(&bytes, 0).next().unwrap().unwrap();
        let t = Timeline::from_trak(&trak, 0, 0).unwrap();
        assert_eq!(t.presentation_us(i64::MAX), 0);
    }
}
