//! `probe`: the file-level description built from the parsed index.

use super::movie::{Movie, read_movie};
use super::track_info::track_info;
use crate::container::{ByteSource, ContainerError, ContainerFormat, ProbeInfo};

/// Parses the index of `source` and describes it; also returns the parsed movie for demuxing.
pub(super) fn probe_movie(source: &mut dyn ByteSource) -> Result<(ProbeInfo, Movie), ContainerError> {
    let movie = read_movie(source)?;
    let tracks: Vec<_> = movie.tracks.iter().map(track_info).collect();
    let longest = tracks.iter().filter_map(|t| t.duration_us).max();
    let duration_us = match longest {
        Some(d) if d > 0 => Some(d),
        _ if movie.duration_us > 0 => Some(movie.duration_us),
        _ => longest,
    };
    let info = ProbeInfo {
        container: if movie.quicktime { ContainerFormat::Mov } else { ContainerFormat::Mp4 },
        size: source.len(),
        duration_us,
        streamable: movie.fragmented,
        tracks,
    };
    Ok((info, movie))
}
