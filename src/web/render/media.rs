//! The job's source files: each used source's `Blob` and its probe.

use super::error::RenderError;
use crate::container::{ProbeInfo, TrackInfo};
use std::collections::BTreeMap;
use web_sys::Blob;

/// One probed source file.
pub(crate) struct SourceFile {
    /// The file.
    pub blob: Blob,
    /// What the probe found.
    pub probe: ProbeInfo,
}

/// The job's probed sources, by source id.
#[derive(Default)]
pub(crate) struct Media(pub BTreeMap<String, SourceFile>);

impl Media {
    /// The file and track `track_id` of `source_id`.
    pub(crate) fn track(&self, source_id: &str, track_id: u32) -> Result<(&Blob, &TrackInfo), RenderError> {
        let file = self.0.get(source_id).ok_or_else(|| RenderError::MissingFile { source_id: source_id.to_owned() })?;
        let track = file.probe.tracks.iter().find(|t| t.id == track_id).ok_or_else(|| {
            RenderError::Internal(format!("the plan names track {track_id} of \"{source_id}\", which the probe lacks"))
        })?;
        Ok((&file.blob, track))
    }

    /// The probes, as the planner takes them.
    pub(crate) fn probes(&self) -> BTreeMap<String, ProbeInfo> {
        self.0.iter().map(|(id, f)| (id.clone(), f.probe.clone())).collect()
    }
}
