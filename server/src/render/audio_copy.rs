//! Copied sound for the fast path: when the plan copies the audio
//! ([`AudioTreatment::Copy`](frameloom::plan::AudioTreatment)), each splice's packets are read
//! with our own demuxer and placed on the timeline by [`AudioPlacer`] (the rules the browser
//! follows too), then written unchanged into one audio-only MP4 that the final join
//! stream-copies. A first packet before zero (AAC priming) becomes the MP4's edit list, which
//! ffmpeg carries into the output (the fast-start layout: ffmpeg ignores a fragmented file's
//! edit list).

use super::error::RenderError;
use frameloom::container::mp4::{Mp4Muxer, Mp4Options};
use frameloom::container::{FileSink, FileSource, MuxTrack, Muxer, TrackInfo, open_demuxer};
use frameloom::plan::{AudioPlace, AudioPlacer, AudioSplice};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How far before a splice's start its audio is read, so the packet before it is seen.
const SEEK_BACK_US: i64 = 200_000;

/// At most how many packets `splices` of `track` copy: their length in the shortest packets
/// the codec has (Opus: 2.5 ms; AAC: 1024 samples), plus a pre-roll and a spare per splice.
fn most_packets(splices: &[AudioSplice], track: &TrackInfo) -> u32 {
    let rate = u128::from(track.audio.as_ref().map_or(48_000, |a| a.sample_rate.max(1)));
    let shortest = if track.codec == "opus" { 120 } else { 1024 };
    let samples: u128 = splices.iter().map(|s| (s.to_us - s.from_us).max(0) as u128 * rate / 1_000_000).sum();
    u32::try_from(samples / shortest + 2 * splices.len() as u128 + 16).unwrap_or(u32::MAX)
}

/// Writes the packets of `splices` (sources in `files`) to the MP4 `out`; returns how many.
pub fn write(splices: &[AudioSplice], files: &BTreeMap<String, PathBuf>, out: &Path) -> Result<u64, RenderError> {
    let write_error = |e: frameloom::container::ContainerError| RenderError::Io(format!("{}: {e}", out.display()));
    let mut muxer: Option<Mp4Muxer<FileSink>> = None;
    let mut placer = AudioPlacer::new();
    let mut written = 0;
    for splice in splices {
        let source_error = |e: frameloom::container::ContainerError| RenderError::Source {
            source_id: splice.source.clone(),
            message: format!("its audio cannot be read for copying: {e}"),
        };
        let file = files.get(&splice.source).ok_or_else(|| {
            RenderError::Unsupported(format!("source {} has no file; add it to the sources", splice.source))
        })?;
        let mut demuxer =
            open_demuxer(Box::new(FileSource::open(file).map_err(source_error)?)).map_err(source_error)?;
        demuxer.seek(splice.track_id, splice.from_us - SEEK_BACK_US).map_err(source_error)?;
        if muxer.is_none() {
            let track = demuxer.tracks().iter().find(|t| t.id == splice.track_id).ok_or_else(|| {
                source_error(frameloom::container::ContainerError::InvalidInput("no such audio track".into()))
            })?;
            let sink = FileSink::create(out).map_err(write_error)?;
            let options = Mp4Options::fast_start(most_packets(splices, track));
            muxer = Some(Mp4Muxer::new(sink, &[MuxTrack::from(track)], options).map_err(write_error)?);
        }
        let Some(muxer) = muxer.as_mut() else { continue };
        placer.start_splice();
        while let Some(mut packet) = demuxer.next_packet().map_err(source_error)? {
            if packet.track_id != splice.track_id {
                continue;
            }
            match placer.place(splice, packet.pts_us, packet.duration_us) {
                AudioPlace::Skip => {}
                AudioPlace::At(t) => {
                    (packet.pts_us, packet.dts_us) = (t, t);
                    muxer.write_packet(0, &packet).map_err(write_error)?;
                    written += 1;
                }
                AudioPlace::Done => break,
            }
        }
    }
    if let Some(muxer) = muxer.as_mut() {
        muxer.finish().map_err(write_error)?;
    }
    Ok(written)
}
