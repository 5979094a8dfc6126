//! Range-only copies: a compact file of the same container family holding only the whole
//! GOPs (and the audio around them) that a render plan reads from a source, for uploading
//! less than the whole file to the render server.
//!
//! Packets are copied byte for byte, never re-encoded, and keep their **source** timestamps,
//! so the project's trims address the same source times in the compact file as in the
//! original:
//!
//! - **MP4/MOV** sources become a fast-start MP4. Its tracks' decode times start at the first
//!   kept packet and a leading empty edit (`elst` entry with `media_time` −1) shifts them back
//!   to source time (the next edit starts at the first presentation time, so a B-frame delay
//!   is not lost in players that start showing there, as ffmpeg does). The edit is stored in the movie timescale (1/1000 s), so the compact
//!   file's times match the source's to within 0.5 ms, inside the renderers' frame-pick
//!   tolerance. ffmpeg applies the edit: `ffprobe` reports the source times and the server's
//!   `-seek_timestamp 1 -ss <source time>` inputs seek in them unchanged.
//! - **WebM/Matroska** sources become a WebM/Matroska file whose Clusters carry the absolute
//!   source timestamps (ffmpeg reads them as they are).
//!
//! Between two kept spans the last kept sample of each MP4 track lasts until the next kept
//! one (sample tables have no gaps); renders never show those times.
//!
//! [`extract`] returns the bytes it saved; the caller uploads the compact file only when
//! [`Extracted::worth_it`] (at least [`MIN_SAVING`] of the source's bytes), and the original
//! otherwise.

mod keep;
mod windows;

use super::mp4::{Mp4Muxer, Mp4Options};
use super::webm::{WebmMuxer, WebmOptions};
use super::{ByteSink, ByteSource, ContainerError, ContainerFormat, Demuxer, MuxTrack, Muxer, open_demuxer};
use crate::plan::SourceNeeds;
use keep::Selection;

/// The least share of the source's bytes a compact file must save to be worth uploading.
pub const MIN_SAVING: f64 = 0.30;

/// What a range-only copy wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extracted {
    /// The compact file's format: MP4 for MP4 and MOV sources, the source's own otherwise.
    pub format: ContainerFormat,
    /// Size of the source.
    pub source_bytes: u64,
    /// Size of the compact file.
    pub output_bytes: u64,
    /// Packets copied.
    pub packets_kept: u64,
    /// Packets read from the source.
    pub packets_read: u64,
}

impl Extracted {
    /// The share of the source's bytes the compact file saves (negative when it is larger).
    pub fn saving(&self) -> f64 {
        if self.source_bytes == 0 {
            return 0.0;
        }
        1.0 - self.output_bytes as f64 / self.source_bytes as f64
    }

    /// True when the compact file saves at least [`MIN_SAVING`] of the bytes.
    pub fn worth_it(&self) -> bool {
        self.saving() >= MIN_SAVING
    }

    /// The compact file's MIME type.
    pub fn mime_type(&self) -> &'static str {
        match self.format {
            ContainerFormat::Mp4 | ContainerFormat::Mov => "video/mp4",
            ContainerFormat::Webm => "video/webm",
            ContainerFormat::Matroska => "video/x-matroska",
        }
    }
}

/// Writes to `sink` a compact copy of `source` holding what `needs` asks for (see the module
/// docs), and returns the sink with the sizes. The sink must be seekable (a file, OPFS, memory).
///
/// Fails with [`ContainerError::InvalidInput`] when `needs` asks for the whole file or for
/// nothing, and with the muxers' errors for codecs they cannot write (upload the original then).
pub fn extract<'a, S: ByteSink>(
    source: Box<dyn ByteSource + 'a>,
    needs: &SourceNeeds,
    sink: S,
) -> Result<(S, Extracted), ContainerError> {
    if needs.whole_file || (needs.video.is_empty() && needs.audio.is_empty()) {
        return Err(ContainerError::InvalidInput(
            "a range-only copy needs the played ranges of a video or audio source; upload the whole file instead"
                .into(),
        ));
    }
    let source_bytes = source.len();
    let mut demuxer = open_demuxer(source)?;
    let info = demuxer.info().clone();
    let mut selection = Selection::new(&info.tracks, needs);
    let tracks: Vec<MuxTrack> = info.tracks.iter().map(MuxTrack::from).collect();
    let counted = Counted { inner: sink, len: 0 };
    let format = match info.container {
        ContainerFormat::Mp4 | ContainerFormat::Mov => ContainerFormat::Mp4,
        other => other,
    };
    let mut report = Extracted { format, source_bytes, output_bytes: 0, packets_kept: 0, packets_read: 0 };
    let counted = match info.container {
        ContainerFormat::Mp4 | ContainerFormat::Mov => {
            let expected = expected_samples(&info.tracks, info.duration_us, selection.covered());
            let mut muxer = Mp4Muxer::new(counted, &tracks, Mp4Options::fast_start(expected))?;
            copy(demuxer.as_mut(), &mut muxer, &mut selection, &info.tracks, &mut report)?;
            muxer.into_sink()
        }
        ContainerFormat::Webm | ContainerFormat::Matroska => {
            let mut muxer = WebmMuxer::new(counted, &tracks, WebmOptions::default())?;
            copy(demuxer.as_mut(), &mut muxer, &mut selection, &info.tracks, &mut report)?;
            muxer.into_sink()
        }
    };
    report.output_bytes = counted.len;
    Ok((counted.inner, report))
}

/// Copies the selected packets into `muxer` and finishes it.
fn copy(
    demuxer: &mut dyn Demuxer,
    muxer: &mut dyn Muxer,
    selection: &mut Selection,
    tracks: &[super::TrackInfo],
    report: &mut Extracted,
) -> Result<(), ContainerError> {
    while let Some(packet) = demuxer.next_packet()? {
        report.packets_read += 1;
        if !selection.keep(&packet) {
            continue;
        }
        let Some(index) = tracks.iter().position(|t| t.id == packet.track_id) else { continue };
        muxer.write_packet(index, &packet)?;
        report.packets_kept += 1;
    }
    muxer.finish()
}

/// Index room to reserve per track: the covered share of the largest track, plus a margin
/// (a short guess only moves the `moov` to the end of the file).
fn expected_samples(tracks: &[super::TrackInfo], duration_us: Option<i64>, covered: &[(i64, i64)]) -> u32 {
    let duration = duration_us.unwrap_or(0).max(1) as f64;
    let share = (covered.iter().map(|(a, b)| (b - a) as f64).sum::<f64>() / duration).min(1.0);
    let most = tracks.iter().filter_map(|t| t.sample_count).max().unwrap_or(0) as f64;
    (most * share * 1.25 + 256.0).min(f64::from(u32::MAX)) as u32
}

/// A sink that remembers how long the file it writes is.
struct Counted<S> {
    inner: S,
    len: u64,
}

impl<S: ByteSink> ByteSink for Counted<S> {
    fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
        self.inner.write(data)?;
        self.len += data.len() as u64;
        Ok(())
    }

    fn seekable(&self) -> bool {
        self.inner.seekable()
    }

    fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), ContainerError> {
        self.inner.write_at(offset, data)?;
        self.len = self.len.max(offset + data.len() as u64);
        Ok(())
    }
}
