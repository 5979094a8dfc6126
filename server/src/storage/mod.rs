//! The data dir on local disk: unfinished uploads, content-addressed sources, the job queue,
//! render outputs, temp files.
//!
//! Layout under `DATA_DIR`:
//! - `uploads/<upload-id>`: the bytes received so far; `uploads/<upload-id>.info`: its JSON record;
//! - `sources/<sha256>`: finished files, named by the SHA-256 of their content;
//! - `jobs.sqlite3`: the job queue;
//! - `outputs/<job-id>.<ext>`: finished renders; `outputs/<job-id>/`: their other files;
//! - `tmp/<random>.tmp`: files being written, renamed or linked into place when whole;
//!   `tmp/<job-id>/`: a running job's scratch folder (unless `--tmp-dir` moves it);
//! - `dev-api-key`: the generated key, when no key is configured.
//!
//! Every name on disk is made here, from a validated [`UploadId`], [`Sha256Hex`] or job id; no
//! client string is ever joined to a path.

mod atomic;
mod sha256;
mod upload_id;
mod upload_info;
mod uploads;

pub use sha256::Sha256Hex;
pub use upload_id::UploadId;
pub use upload_info::UploadInfo;
pub use uploads::Upload;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Handle on the data dir; cheap to clone.
#[derive(Clone)]
pub struct Storage {
    root: Arc<Path>,
}

impl Storage {
    /// Opens `data_dir`, creating it and its `uploads/`, `sources/`, `outputs/` and `tmp/` folders if missing.
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        for sub in ["uploads", "sources", "outputs", "tmp"] {
            std::fs::create_dir_all(data_dir.join(sub))?;
        }
        Ok(Self { root: Arc::from(data_dir) })
    }

    /// The bytes of an unfinished upload.
    pub fn upload_data(&self, id: &UploadId) -> PathBuf {
        self.root.join("uploads").join(id.as_str())
    }

    /// The JSON record of an upload.
    fn upload_info(&self, id: &UploadId) -> PathBuf {
        self.root.join("uploads").join(format!("{id}.info"))
    }

    /// The finished file with this content hash.
    pub fn source(&self, sha256: &Sha256Hex) -> PathBuf {
        self.root.join("sources").join(sha256.as_str())
    }

    /// The source a project names by `sha256`, when that is a well-formed hash and the file is here.
    pub fn existing_source(&self, sha256: &str) -> Option<PathBuf> {
        Sha256Hex::parse(sha256).map(|sha| self.source(&sha)).filter(|path| path.is_file())
    }

    /// The `sources/` folder.
    pub fn sources_dir(&self) -> PathBuf {
        self.root.join("sources")
    }

    /// The job queue's database file.
    pub fn jobs_db(&self) -> PathBuf {
        self.root.join("jobs.sqlite3")
    }

    /// The `outputs/` folder.
    pub fn outputs_dir(&self) -> PathBuf {
        self.root.join("outputs")
    }

    /// The finished render of job `id` (a validated job id), with extension `ext`.
    pub fn output(&self, id: &str, ext: &str) -> PathBuf {
        self.outputs_dir().join(format!("{id}.{ext}"))
    }

    /// The folder of a job's other files (`outputs/<job-id>/`: thumbnail, renditions, HLS).
    pub fn output_files(&self, id: &str) -> PathBuf {
        self.outputs_dir().join(id)
    }

    /// The default folder for job scratch folders (`tmp/`, shared with temp files).
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// A fresh path in `tmp/`, on the same filesystem as its destination. The `.tmp` suffix
    /// keeps it apart from job scratch folders, which are named by job id.
    fn temp_path(&self) -> io::Result<PathBuf> {
        Ok(self.tmp_dir().join(format!("{}.tmp", crate::hex::random(16)?)))
    }

    /// Size of the source with this hash, or `None` when the server does not have it. A source
    /// found is marked as just used, so `--source-ttl` counts from this lookup.
    pub async fn source_len(&self, sha256: &Sha256Hex) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.source(sha256)).await {
            Ok(meta) if meta.is_file() => match self.touch_source(sha256).await {
                Ok(()) => Ok(Some(meta.len())),
                // The janitor removed it in between.
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sets a source's modification time to now: the janitor keeps sources `--source-ttl`
    /// after their last upload or lookup.
    async fn touch_source(&self, sha256: &Sha256Hex) -> io::Result<()> {
        let file = tokio::fs::File::options().write(true).open(self.source(sha256)).await?.into_std().await;
        tokio::task::spawn_blocking(move || file.set_modified(std::time::SystemTime::now()))
            .await
            .map_err(io::Error::other)?
    }
}

/// True when `error` means the disk (or the user's quota, or the file size limit) is full.
pub fn is_disk_full(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[tokio::test]
    async fn a_lookup_marks_the_source_as_used() {
        let dir = std::env::temp_dir().join(format!("frameloom-storage-touch-{}", std::process::id()));
        let storage = Storage::open(&dir).unwrap();
        let sha = Sha256Hex::from_digest(&[7; 32]);
        std::fs::write(storage.source(&sha), b"media").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options().write(true).open(storage.source(&sha)).unwrap().set_modified(old).unwrap();
        assert_eq!(storage.source_len(&sha).await.unwrap(), Some(5));
        let modified = std::fs::metadata(storage.source(&sha)).unwrap().modified().unwrap();
        assert!(modified.elapsed().unwrap() < Duration::from_secs(60), "{modified:?}");
        assert_eq!(storage.existing_source(sha.as_str()), Some(storage.source(&sha)));
        assert_eq!(storage.existing_source("../../etc/passwd"), None);
        assert_eq!(storage.source_len(&Sha256Hex::from_digest(&[8; 32])).await.unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
