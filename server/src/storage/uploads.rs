//! Upload records and bytes on disk: create, load, save, publish as a source, remove, list.

use super::{Sha256Hex, Storage, UploadId, UploadInfo};
use std::io;
use std::time::{Duration, SystemTime};

/// An upload loaded from disk: its record and how many bytes the server holds.
pub struct Upload {
    /// The JSON record.
    pub info: UploadInfo,
    /// Bytes received so far (the length once complete).
    pub offset: u64,
}

impl Storage {
    /// Creates an empty upload with a new id (from [`UploadId::generate`]) and `info`.
    pub async fn create_upload(&self, id: &UploadId, info: &UploadInfo) -> io::Result<()> {
        tokio::fs::OpenOptions::new().write(true).create_new(true).open(self.upload_data(id)).await?;
        if let Err(e) = self.save_upload(id, info).await {
            let _ = tokio::fs::remove_file(self.upload_data(id)).await;
            return Err(e);
        }
        Ok(())
    }

    /// Loads an upload, or `None` when there is no such upload (or its bytes are gone).
    pub async fn load_upload(&self, id: &UploadId) -> io::Result<Option<Upload>> {
        let text = match tokio::fs::read(self.upload_info(id)).await {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let info: UploadInfo = serde_json::from_slice(&text).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("upload record {id}.info is damaged: {e}"))
        })?;
        if info.is_complete() {
            let offset = info.length;
            return Ok(Some(Upload { info, offset }));
        }
        match tokio::fs::metadata(self.upload_data(id)).await {
            Ok(meta) => Ok(Some(Upload { info, offset: meta.len() })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Saves an upload's record (atomically).
    pub async fn save_upload(&self, id: &UploadId, info: &UploadInfo) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(info).map_err(io::Error::other)?;
        self.write_atomic(&self.upload_info(id), &json).await
    }

    /// Makes a finished upload's bytes available as `sources/<sha256>`; a file already there
    /// (same content, by its name) is kept, marked as just uploaded, and this copy is not added.
    pub async fn publish_source(&self, id: &UploadId, sha256: &Sha256Hex) -> io::Result<()> {
        match tokio::fs::hard_link(self.upload_data(id), self.source(sha256)).await {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match self.touch_source(sha256).await {
                // The janitor removed it in between: add this copy after all.
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    tokio::fs::hard_link(self.upload_data(id), self.source(sha256)).await
                }
                touched => touched,
            },
            other => other,
        }
    }

    /// Deletes an upload's bytes (after [`Storage::publish_source`], or when discarding it).
    pub async fn remove_upload_data(&self, id: &UploadId) -> io::Result<()> {
        ignore_missing(tokio::fs::remove_file(self.upload_data(id)).await)
    }

    /// Deletes an upload: record and bytes. Its published source, if any, stays.
    pub async fn remove_upload(&self, id: &UploadId) -> io::Result<()> {
        ignore_missing(tokio::fs::remove_file(self.upload_info(id)).await)?;
        self.remove_upload_data(id).await
    }

    /// Ids of every upload on disk (from records and from bytes without a record).
    pub async fn upload_ids(&self) -> io::Result<Vec<UploadId>> {
        let mut ids = Vec::new();
        let mut dir = tokio::fs::read_dir(self.root.join("uploads")).await?;
        while let Some(entry) = dir.next_entry().await? {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if let Some(id) = UploadId::parse(name.strip_suffix(".info").unwrap_or(&name)) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }

    /// How long ago the upload's bytes were last written, if they exist.
    pub async fn upload_data_age(&self, id: &UploadId) -> io::Result<Option<Duration>> {
        match tokio::fs::metadata(self.upload_data(id)).await {
            Ok(meta) => Ok(Some(age(meta.modified()?))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes temp files (`tmp/*.tmp`) untouched for longer than `max_age` (left by a crash).
    pub async fn remove_stale_temp(&self, max_age: Duration) -> io::Result<()> {
        let mut dir = tokio::fs::read_dir(self.tmp_dir()).await?;
        while let Some(entry) = dir.next_entry().await? {
            let meta = entry.metadata().await?;
            let is_temp = entry.file_name().to_string_lossy().ends_with(".tmp");
            if is_temp && meta.is_file() && age(meta.modified()?) > max_age {
                ignore_missing(tokio::fs::remove_file(entry.path()).await)?;
            }
        }
        Ok(())
    }
}

fn age(modified: SystemTime) -> Duration {
    SystemTime::now().duration_since(modified).unwrap_or_default()
}

fn ignore_missing(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
