//! The job's source files: each used source's `Blob`, its probe, and the reads its open
//! demuxers share.

use super::error::RenderError;
use crate::container::{ProbeInfo, TrackInfo};
use crate::web::{BlobReads, SharedReads};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Weak;
use web_sys::Blob;

/// One probed source file.
pub(crate) struct SourceFile {
    /// The file.
    pub blob: Blob,
    /// What the probe found.
    pub probe: ProbeInfo,
    /// The reads of the demuxers open on it (dropped with the last of them).
    reads: RefCell<Weak<RefCell<BlobReads>>>,
}

impl SourceFile {
    /// `blob` with its probe.
    pub(crate) fn new(blob: Blob, probe: ProbeInfo) -> Self {
        SourceFile { blob, probe, reads: RefCell::default() }
    }

    /// The reads every demuxer of this file shares while any is open.
    fn shared_reads(&self, source_id: &str) -> Result<SharedReads, RenderError> {
        if let Some(reads) = self.reads.borrow().upgrade() {
            return Ok(reads);
        }
        let reads = BlobReads::new(self.blob.clone())
            .map_err(|error| RenderError::CorruptSource { source_id: source_id.to_owned(), error })?;
        *self.reads.borrow_mut() = std::rc::Rc::downgrade(&reads);
        Ok(reads)
    }
}

/// The job's probed sources, by source id.
#[derive(Default)]
pub(crate) struct Media(pub BTreeMap<String, SourceFile>);

impl Media {
    /// Track `track_id` of `source_id`.
    pub(crate) fn track(&self, source_id: &str, track_id: u32) -> Result<&TrackInfo, RenderError> {
        self.file(source_id)?.probe.tracks.iter().find(|t| t.id == track_id).ok_or_else(|| {
            RenderError::Internal(format!("the plan names track {track_id} of \"{source_id}\", which the probe lacks"))
        })
    }

    /// The reads of `source_id` that its open demuxers share.
    pub(crate) fn reads(&self, source_id: &str) -> Result<SharedReads, RenderError> {
        self.file(source_id)?.shared_reads(source_id)
    }

    fn file(&self, source_id: &str) -> Result<&SourceFile, RenderError> {
        self.0.get(source_id).ok_or_else(|| RenderError::MissingFile { source_id: source_id.to_owned() })
    }

    /// The probes, as the planner takes them.
    pub(crate) fn probes(&self) -> BTreeMap<String, ProbeInfo> {
        self.0.iter().map(|(id, f)| (id.clone(), f.probe.clone())).collect()
    }
}
