//! Writes `ftyp` and `moov`: movie and track headers, edit lists, handlers,
//! media information, sample descriptions and (for progressive files) sample
//! tables; `mvex` for fragmented files.

use super::super::box_writer::BoxWriter;
use super::super::rotation::matrix_for_rotation;
use super::table_writer::TableWriter;
use super::track_writer::TrackWriter;
use crate::container::TrackKind;
use crate::time::{ticks_to_us, us_to_ticks};

/// Ticks per second of movie-level durations (`mvhd`, `tkhd`, `elst`).
pub(super) const MOVIE_TIMESCALE: u32 = 1000;
const LANGUAGE_UND: u16 = 0x55C4;

/// One edit list entry: `duration` in movie ticks showing media from `media_time` (-1: nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Edit {
    /// Presentation length in movie ticks (0 in fragmented files: "until the end").
    pub duration: u64,
    /// First media tick shown, or -1 for an empty edit.
    pub media_time: i64,
}

/// What the `moov` needs to say about one track.
pub(super) struct TrackBoxes<'a> {
    /// The track.
    pub track: &'a TrackWriter,
    /// Its samples (progressive files) or `None` (fragmented: samples live in fragments).
    pub table: Option<&'a TableWriter>,
    /// Its edit list (may be empty).
    pub edits: Vec<Edit>,
    /// Media duration in media ticks.
    pub media_duration: u64,
}

impl TrackBoxes<'_> {
    fn movie_duration(&self) -> u64 {
        if self.edits.is_empty() {
            let us = ticks_to_us(i64::try_from(self.media_duration).unwrap_or(i64::MAX), self.track.timescale);
            us_to_ticks(us, MOVIE_TIMESCALE).max(0) as u64
        } else {
            self.edits.iter().map(|e| e.duration).sum()
        }
    }
}

/// Converts µs to movie ticks (never negative).
pub(super) fn movie_ticks(us: i64) -> u64 {
    us_to_ticks(us, MOVIE_TIMESCALE).max(0) as u64
}

/// The `ftyp` box: `isom` for progressive files, `iso5` (CMAF-style) for fragmented ones, plus codec brands.
pub(super) fn ftyp(tracks: &[TrackWriter], fragmented: bool) -> Vec<u8> {
    let mut w = BoxWriter::new();
    let major = if fragmented { b"iso5" } else { b"isom" };
    w.start(b"ftyp").bytes(major).u32(0x200);
    let mut brands: Vec<&[u8; 4]> =
        if fragmented { vec![b"iso5", b"iso6", b"mp41"] } else { vec![b"isom", b"iso2", b"mp41"] };
    for t in tracks {
        match &t.entry.fourcc {
            b"avc1" | b"avc3" if !brands.contains(&b"avc1") => brands.push(b"avc1"),
            b"av01" if !brands.contains(&b"av01") => brands.push(b"av01"),
            _ => {}
        }
    }
    for b in brands {
        w.bytes(b);
    }
    w.end();
    w.into_bytes()
}

/// The `moov` box for `tracks`; `fragmented` adds `mvex` with a `trex` per track.
pub(super) fn moov(tracks: &[TrackBoxes], fragmented: bool) -> Vec<u8> {
    let mut w = BoxWriter::new();
    w.start(b"moov");
    let duration = tracks.iter().map(TrackBoxes::movie_duration).max().unwrap_or(0);
    let v = u8::from(duration > u64::from(u32::MAX));
    w.start_full(b"mvhd", v, 0);
    times(&mut w, v, MOVIE_TIMESCALE, duration);
    w.u32(0x0001_0000).u16(0x0100).zeros(10); // rate 1.0, volume 1.0, reserved
    for m in matrix_for_rotation(0, 0, 0).unwrap_or_default() {
        w.i32(m);
    }
    w.zeros(24).u32(tracks.len() as u32 + 1).end();
    for t in tracks {
        trak(&mut w, t);
    }
    if fragmented {
        w.start(b"mvex");
        for t in tracks {
            w.start_full(b"trex", 0, 0).u32(t.track.id).u32(1).u32(0).u32(0).u32(0).end();
        }
        w.end();
    }
    w.end();
    w.into_bytes()
}

/// Creation and modification times (0: unknown), then `timescale` and `duration` for `v`ersion 0 or 1.
fn times(w: &mut BoxWriter, v: u8, timescale: u32, duration: u64) {
    if v == 1 {
        w.u64(0).u64(0).u32(timescale).u64(duration);
    } else {
        w.u32(0).u32(0).u32(timescale).u32(duration as u32);
    }
}

fn trak(w: &mut BoxWriter, t: &TrackBoxes) {
    let track = t.track;
    let (width, height, rotation) = track.spec.video.as_ref().map_or((0, 0, 0), |v| (v.width, v.height, v.rotation));
    let duration = t.movie_duration();
    let v = u8::from(duration > u64::from(u32::MAX));
    w.start(b"trak");
    w.start_full(b"tkhd", v, 0x3); // enabled, in movie
    if v == 1 {
        w.u64(0).u64(0).u32(track.id).u32(0).u64(duration);
    } else {
        w.u32(0).u32(0).u32(track.id).u32(0).u32(duration as u32);
    }
    let volume = if track.spec.kind == TrackKind::Audio { 0x0100 } else { 0 };
    w.zeros(8).u16(0).u16(0).u16(volume).u16(0);
    for m in matrix_for_rotation(rotation, width, height).unwrap_or_default() {
        w.i32(m);
    }
    w.u32(width << 16).u32(height << 16).end();
    if !t.edits.is_empty() {
        let wide = t.edits.iter().any(|e| e.duration > u64::from(u32::MAX) || e.media_time > i64::from(i32::MAX));
        w.start(b"edts").start_full(b"elst", u8::from(wide), 0).u32(t.edits.len() as u32);
        for e in &t.edits {
            if wide {
                w.u64(e.duration).i64(e.media_time)
            } else {
                w.u32(e.duration as u32).i32(e.media_time as i32)
            };
            w.u32(0x0001_0000);
        }
        w.end().end();
    }
    w.start(b"mdia");
    let v = u8::from(t.media_duration > u64::from(u32::MAX));
    w.start_full(b"mdhd", v, 0);
    times(w, v, track.timescale, t.media_duration);
    w.u16(LANGUAGE_UND).u16(0).end();
    let (handler, name): (&[u8; 4], &[u8]) = match track.spec.kind {
        TrackKind::Video => (b"vide", b"VideoHandler\0"),
        TrackKind::Audio => (b"soun", b"SoundHandler\0"),
    };
    w.start_full(b"hdlr", 0, 0).u32(0).bytes(handler).zeros(12).bytes(name).end();
    w.start(b"minf");
    match track.spec.kind {
        TrackKind::Video => w.start_full(b"vmhd", 0, 1).zeros(8).end(),
        TrackKind::Audio => w.start_full(b"smhd", 0, 0).zeros(4).end(),
    };
    w.start(b"dinf").start_full(b"dref", 0, 0).u32(1).start_full(b"url ", 0, 1).end().end().end();
    w.start(b"stbl");
    stsd(w, track);
    match t.table {
        Some(table) => table.write(w),
        None => TableWriter::default().write(w),
    }
    w.end().end().end().end();
}

fn stsd(w: &mut BoxWriter, track: &TrackWriter) {
    w.start_full(b"stsd", 0, 0).u32(1).start(&track.entry.fourcc);
    w.zeros(6).u16(1); // reserved, data reference index
    if let Some(v) = &track.spec.video {
        w.zeros(16).u16(v.width as u16).u16(v.height as u16);
        w.u32(0x0048_0000).u32(0x0048_0000).u32(0).u16(1); // 72 dpi, reserved, one frame per sample
        w.zeros(32).u16(0x0018).i16(-1); // compressor name, depth, pre-defined
    } else {
        let (rate, channels) = track.spec.audio.as_ref().map_or((0, 0), |a| (a.sample_rate, a.channels));
        let rate = if rate <= 0xFFFF { rate << 16 } else { 0 };
        w.zeros(8).u16(channels).u16(16).u32(0).u32(rate);
    }
    w.bytes(&track.entry.boxes).end().end();
}
