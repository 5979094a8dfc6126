//! The EBML header and the Segment's top-level elements before the first Cluster:
//! SeekHead, Info, Tracks and (when reachable) Cues.

use super::cues::{CuePoint, parse_cues};
use super::ebml::{Children, float, malformed, string, uint};
use super::ids;
use super::reader::{Element, Reader};
use super::tracks::{TrackEntry, parse_tracks};
use crate::container::{ContainerError, ContainerFormat};

/// Most top-level elements looked at before the first Cluster.
const MAX_TOP_LEVEL: usize = 10_000;

/// Matroska's default TimestampScale: one tick is a millisecond.
pub const DEFAULT_TIMESTAMP_SCALE: u64 = 1_000_000;

/// What the Segment says before its media data.
#[derive(Debug, Clone)]
pub struct Segment {
    /// `webm` or `matroska`, from the DocType.
    pub format: ContainerFormat,
    /// File offset of the Segment payload (SeekHead and Cue positions are relative to it).
    pub data_start: u64,
    /// Where the Segment ends: its declared end or the end of the file, whichever comes first.
    pub end: u64,
    /// True when the Segment was written with an unknown size (live).
    pub unknown_size: bool,
    /// Nanoseconds per timestamp tick.
    pub timestamp_scale: u64,
    /// Info Duration, in ticks.
    pub duration_ticks: Option<f64>,
    /// The tracks.
    pub tracks: Vec<TrackEntry>,
    /// The Cues, when the file has them.
    pub cues: Option<Vec<CuePoint>>,
    /// File offset of the first Cluster's header, if any.
    pub first_cluster: Option<u64>,
}

/// Parses the EBML header and the Segment head of the file behind `reader`.
pub fn read_segment(reader: &mut Reader) -> Result<Segment, ContainerError> {
    let header = reader.element(0)?;
    if header.id != ids::EBML {
        return Err(ContainerError::UnknownFormat { hint: "no EBML header".into() });
    }
    let format = parse_ebml_header(&reader.payload(&header, "EBML header")?)?;
    let segment = find_segment(reader, header.end().unwrap_or(u64::MAX))?;
    let file_len = reader.len();
    let end = segment.end().map_or(file_len, |e| e.min(file_len));
    let mut head = Segment {
        format,
        data_start: segment.data,
        end,
        unknown_size: segment.size.is_none(),
        timestamp_scale: DEFAULT_TIMESTAMP_SCALE,
        duration_ticks: None,
        tracks: Vec::new(),
        cues: None,
        first_cluster: None,
    };
    let mut seen = Vec::new();
    let seeks = walk_head(reader, &mut head, &mut seen)?;
    for (id, position) in seeks {
        let Some(offset) = head.data_start.checked_add(position).filter(|&o| o < head.end) else { continue };
        if matches!(id, ids::INFO | ids::TRACKS | ids::CUES) && !seen.contains(&id) {
            let element = reader.element(offset)?;
            if element.id == id {
                read_top_level(reader, &element, &mut head)?;
                seen.push(id);
            }
        }
    }
    if !seen.contains(&ids::TRACKS) {
        return Err(malformed("the file has no Tracks element"));
    }
    Ok(head)
}

fn parse_ebml_header(data: &[u8]) -> Result<ContainerFormat, ContainerError> {
    let mut doc_type = String::from("matroska");
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::DOC_TYPE => doc_type = string(body),
            ids::EBML_READ_VERSION if uint(body)? > 1 => {
                return Err(ContainerError::Unsupported { what: "EBML version (EBMLReadVersion above 1)".into() });
            }
            ids::EBML_MAX_ID_LENGTH if uint(body)? > super::ebml::MAX_ID_LEN as u64 => {
                return Err(ContainerError::Unsupported { what: "EBML element ids longer than 4 bytes".into() });
            }
            ids::EBML_MAX_SIZE_LENGTH if uint(body)? > super::ebml::MAX_SIZE_LEN as u64 => {
                return Err(ContainerError::Unsupported { what: "EBML sizes longer than 8 bytes".into() });
            }
            _ => {}
        }
    }
    match doc_type.as_str() {
        "webm" => Ok(ContainerFormat::Webm),
        "matroska" => Ok(ContainerFormat::Matroska),
        other => Err(ContainerError::Unsupported { what: format!("EBML document type '{other}' (expected webm or matroska)") }),
    }
}

/// Skips top-level Void/CRC elements between the EBML header and the Segment.
fn find_segment(reader: &mut Reader, mut pos: u64) -> Result<Element, ContainerError> {
    for _ in 0..MAX_TOP_LEVEL {
        if pos >= reader.len() {
            break;
        }
        let element = reader.element(pos)?;
        if element.id == ids::SEGMENT {
            return Ok(element);
        }
        pos = element.end().ok_or_else(|| malformed("an element before the Segment has an unknown size"))?;
    }
    Err(malformed("the file has an EBML header but no Segment"))
}

/// Reads the top-level elements up to the first Cluster; returns the SeekHead entries.
/// `seen` collects the ids of the elements read.
fn walk_head(reader: &mut Reader, head: &mut Segment, seen: &mut Vec<u32>) -> Result<Vec<(u32, u64)>, ContainerError> {
    let mut seeks = Vec::new();
    let mut pos = head.data_start;
    for _ in 0..MAX_TOP_LEVEL {
        if pos >= head.end {
            return Ok(seeks);
        }
        let element = reader.element(pos)?;
        match element.id {
            ids::CLUSTER => {
                head.first_cluster = Some(pos);
                return Ok(seeks);
            }
            ids::SEEK_HEAD => seeks.extend(parse_seek_head(&reader.payload(&element, "SeekHead")?)?),
            ids::EBML | ids::SEGMENT => return Ok(seeks),
            id => {
                read_top_level(reader, &element, head)?;
                seen.push(id);
            }
        }
        pos = element.end().ok_or_else(|| malformed(format!("top-level element 0x{:X} has an unknown size", element.id)))?;
    }
    Err(ContainerError::LimitExceeded { what: "top-level elements before the first Cluster".into(), value: MAX_TOP_LEVEL as u64, limit: MAX_TOP_LEVEL as u64 })
}

/// Parses Info, Tracks or Cues; other elements are ignored.
fn read_top_level(reader: &mut Reader, element: &Element, head: &mut Segment) -> Result<(), ContainerError> {
    match element.id {
        ids::INFO => parse_info(&reader.payload(element, "Info")?, head),
        ids::TRACKS => {
            head.tracks = parse_tracks(&reader.payload(element, "Tracks")?)?;
            Ok(())
        }
        ids::CUES => {
            head.cues = Some(parse_cues(&reader.payload(element, "Cues")?)?);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn parse_info(data: &[u8], head: &mut Segment) -> Result<(), ContainerError> {
    for child in Children::new(data) {
        let (id, body) = child?;
        match id {
            ids::TIMESTAMP_SCALE => head.timestamp_scale = uint(body)?,
            ids::DURATION => head.duration_ticks = Some(float(body)?).filter(|d| d.is_finite() && *d > 0.0),
            _ => {}
        }
    }
    if head.timestamp_scale == 0 {
        return Err(malformed("TimestampScale is 0"));
    }
    Ok(())
}

fn parse_seek_head(data: &[u8]) -> Result<Vec<(u32, u64)>, ContainerError> {
    let mut seeks = Vec::new();
    for seek in Children::new(data) {
        let (id, body) = seek?;
        if id != ids::SEEK {
            continue;
        }
        let (mut target, mut position) = (None, None);
        for child in Children::new(body) {
            let (id, body) = child?;
            match id {
                ids::SEEK_ID => target = u32::try_from(uint(body)?).ok(),
                ids::SEEK_POSITION => position = Some(uint(body)?),
                _ => {}
            }
        }
        if let (Some(target), Some(position)) = (target, position) {
            seeks.push((target, position));
        }
    }
    Ok(seeks)
}
