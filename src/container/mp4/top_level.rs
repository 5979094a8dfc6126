//! The top-level boxes of a file: the brand, where `moov` and the `moof`s are,
//! and whether media data exists. Only headers are read here.

use super::MAX_TOP_LEVEL_BOXES;
use super::box_reader::{BoxHeader, FourCc, fourcc_str, read_header};
use crate::container::{ByteSource, ContainerError};

/// The layout of a file's top level.
#[derive(Debug, Clone, Default)]
pub(super) struct TopLevel {
    /// `ftyp` major brand, when there is an `ftyp`.
    pub major_brand: Option<FourCc>,
    /// The first `moov`.
    pub moov: Option<BoxHeader>,
    /// Every `moof`, in file order.
    pub moofs: Vec<BoxHeader>,
    /// True when an `mdat` box was seen.
    pub has_mdat: bool,
}

impl TopLevel {
    /// True for QuickTime files: the `qt  ` brand, or no `ftyp` at all (files older than the ISO spec).
    pub fn is_quicktime(&self) -> bool {
        self.major_brand.is_none_or(|b| &b == b"qt  ")
    }
}

/// Scans the top-level boxes of `source`.
///
/// An index box (`moov`, `moof`) cut off by the end of the file is an error; any
/// other box running past the end (a truncated `mdat`) ends the scan, and the
/// samples it would have held are reported missing when the tables are checked.
pub(super) fn scan(source: &mut dyn ByteSource) -> Result<TopLevel, ContainerError> {
    let len = source.len();
    let mut top = TopLevel::default();
    let mut offset = 0u64;
    let mut count = 0u64;
    while let Some(header) = read_header(source, offset, len)? {
        count += 1;
        if count > MAX_TOP_LEVEL_BOXES {
            return Err(ContainerError::LimitExceeded {
                what: "top-level MP4 boxes".into(),
                value: count,
                limit: MAX_TOP_LEVEL_BOXES,
            });
        }
        let fits = header.end() <= len;
        match &header.kind {
            b"moov" | b"moof" if !fits => {
                return Err(ContainerError::Truncated {
                    what: format!("'{}' box", fourcc_str(&header.kind)),
                    offset,
                    len,
                });
            }
            b"ftyp" if top.major_brand.is_none() && header.body_len() >= 4 => {
                let brand = source.read_vec(header.body_offset(), 4, "'ftyp' brand")?;
                top.major_brand = Some([brand[0], brand[1], brand[2], brand[3]]);
            }
            b"moov" if top.moov.is_none() => top.moov = Some(header),
            b"moof" => top.moofs.push(header),
            b"mdat" => top.has_mdat = true,
            _ => {}
        }
        if !fits {
            break;
        }
        offset = header.end();
    }
    Ok(top)
}
