//! Cues: the seek index (read for keyframe times, written at the end of a file).

use super::ebml::{Children, uint};
use super::ebml_writer::{master, uint_element};
use super::ids;
use crate::container::ContainerError;

/// Most cue points kept; later ones are ignored (a million keyframes is over eleven days at one per second).
pub const MAX_CUE_POINTS: usize = 1_000_000;

/// One cue: a track's keyframe time and the Cluster that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CuePoint {
    /// CueTime in ticks.
    pub time: u64,
    /// CueTrack.
    pub track: u64,
    /// CueClusterPosition, relative to the Segment data.
    pub cluster_position: u64,
}

/// Parses the payload of a Cues element (up to [`MAX_CUE_POINTS`]).
pub fn parse_cues(data: &[u8]) -> Result<Vec<CuePoint>, ContainerError> {
    let mut points = Vec::new();
    for point in Children::new(data) {
        if points.len() >= MAX_CUE_POINTS {
            break;
        }
        let (id, body) = point?;
        if id != ids::CUE_POINT {
            continue;
        }
        let mut time = 0;
        let mut positions = Vec::new();
        for child in Children::new(body) {
            let (id, body) = child?;
            match id {
                ids::CUE_TIME => time = uint(body)?,
                ids::CUE_TRACK_POSITIONS => positions.push(parse_positions(body)?),
                _ => {}
            }
        }
        points.extend(positions.into_iter().map(|(track, cluster_position)| CuePoint { time, track, cluster_position }));
    }
    Ok(points)
}

fn parse_positions(data: &[u8]) -> Result<(u64, u64), ContainerError> {
    let (mut track, mut position) = (0, 0);
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::CUE_TRACK => track = uint(body)?,
            ids::CUE_CLUSTER_POSITION => position = uint(body)?,
            _ => {}
        }
    }
    Ok((track, position))
}

/// Serializes a whole Cues element.
pub fn write_cues(points: &[CuePoint]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in points {
        let mut positions = uint_element(ids::CUE_TRACK, p.track);
        positions.extend(uint_element(ids::CUE_CLUSTER_POSITION, p.cluster_position));
        let mut point = uint_element(ids::CUE_TIME, p.time);
        point.extend(master(ids::CUE_TRACK_POSITIONS, &positions));
        body.extend(master(ids::CUE_POINT, &point));
    }
    master(ids::CUES, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::webm::ebml::parse_header;

    #[test]
    fn round_trips() {
        let points = vec![CuePoint { time: 0, track: 1, cluster_position: 300 }, CuePoint { time: 1000, track: 1, cluster_position: 70_000 }];
        let bytes = write_cues(&points);
        let header = parse_header(&bytes, 0, bytes.len() as u64).unwrap();
        assert_eq!(header.id, ids::CUES);
        assert_eq!(parse_cues(&bytes[header.len..]).unwrap(), points);
    }
}
