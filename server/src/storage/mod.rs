//! The data dir on local disk: unfinished uploads, content-addressed sources, temp files.
//!
//! Layout under `DATA_DIR`:
//! - `uploads/<upload-id>`: the bytes received so far; `uploads/<upload-id>.info`: its JSON record;
//! - `sources/<sha256>`: finished files, named by the SHA-256 of their content;
//! - `tmp/`: files being written, renamed or linked into place when whole.
//!
//! Every name on disk is made here, from a validated [`UploadId`] or [`Sha256Hex`]; no client
//! string is ever joined to a path.

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
    /// Opens `data_dir`, creating it and its `uploads/`, `sources/` and `tmp/` folders if missing.
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        for sub in ["uploads", "sources", "tmp"] {
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

    /// A fresh path in `tmp/`, on the same filesystem as its destination.
    fn temp_path(&self) -> io::Result<PathBuf> {
        Ok(self.root.join("tmp").join(crate::hex::random(16)?))
    }

    /// Size of the source with this hash, or `None` when the server does not have it.
    pub async fn source_len(&self, sha256: &Sha256Hex) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.source(sha256)).await {
            Ok(meta) if meta.is_file() => Ok(Some(meta.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// True when `error` means the disk (or the user's quota, or the file size limit) is full.
pub fn is_disk_full(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded | io::ErrorKind::FileTooLarge)
}
