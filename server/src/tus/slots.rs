//! One lock per upload (concurrent writers get 423), and the running SHA-256 of its bytes.

use super::TusError;
use crate::storage::UploadId;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Read size when re-hashing an upload from disk.
const REHASH_CHUNK: usize = 1 << 20;

/// The per-upload locks of one server.
#[derive(Default)]
pub struct Slots {
    map: Mutex<HashMap<UploadId, Arc<AsyncMutex<Slot>>>>,
}

/// What the server keeps in memory for one upload, behind its lock.
#[derive(Default)]
pub struct Slot {
    /// A hasher fed the upload's first `.0` bytes.
    hashed: Option<(u64, Sha256)>,
}

/// Exclusive access to one upload.
pub type SlotGuard = OwnedMutexGuard<Slot>;

impl Slots {
    /// Takes the upload's lock, or fails with 423 when another request holds it.
    pub fn try_lock(&self, id: &UploadId) -> Result<SlotGuard, TusError> {
        let slot = self.map.lock().unwrap_or_else(PoisonError::into_inner).entry(id.clone()).or_default().clone();
        slot.try_lock_owned().map_err(|_| TusError::Locked)
    }

    /// Drops the upload's entry (once the upload is deleted).
    pub fn forget(&self, id: &UploadId) {
        self.map.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

impl Slot {
    /// A hasher fed the first `offset` bytes of `data`: the kept one, or one re-read from disk
    /// (after a restart, or when the kept one is at another offset).
    pub async fn hasher_at(&mut self, data: &Path, offset: u64) -> io::Result<Sha256> {
        match self.hashed.take() {
            Some((at, hasher)) if at == offset => Ok(hasher),
            _ => {
                let data: PathBuf = data.to_owned();
                tokio::task::spawn_blocking(move || rehash(&data, offset)).await.map_err(io::Error::other)?
            }
        }
    }

    /// Keeps `hasher`, fed the first `offset` bytes, for the next request.
    pub fn keep(&mut self, offset: u64, hasher: Sha256) {
        self.hashed = Some((offset, hasher));
    }
}

fn rehash(data: &Path, offset: u64) -> io::Result<Sha256> {
    let mut file = std::fs::File::open(data)?.take(offset);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; REHASH_CHUNK];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        total += n as u64;
    }
    if total != offset {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("upload bytes end at {total}, not {offset}")));
    }
    Ok(hasher)
}
