//! One lock per upload, and the running SHA-256 of its bytes.
//!
//! A request that finds the lock held asks the holder to stop (a client only sends a new request
//! for an upload once it has given up on its previous one, so the holder is most likely writing a
//! body whose sender is gone) and waits a bounded time for it; only then does it get 423.

use super::TusError;
use crate::storage::UploadId;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, Notify, OwnedMutexGuard};
use tokio::time::{Instant, timeout};

/// Read size when re-hashing an upload from disk.
const REHASH_CHUNK: usize = 1 << 20;
/// How often a waiting request repeats its release request (a holder between two bodies, or
/// not yet reading one, may miss a single one).
const RELEASE_REPEAT: Duration = Duration::from_millis(50);

/// The per-upload locks of one server.
#[derive(Default)]
pub struct Slots {
    map: Mutex<HashMap<UploadId, Arc<Entry>>>,
}

/// One upload's lock and the channel that asks its holder to let go.
#[derive(Default)]
struct Entry {
    slot: Arc<AsyncMutex<Slot>>,
    release: Arc<Notify>,
}

/// What the server keeps in memory for one upload, behind its lock.
#[derive(Default)]
pub struct Slot {
    /// A hasher fed the upload's first `.0` bytes.
    hashed: Option<(u64, Sha256)>,
}

/// Exclusive access to one upload; derefs to its [`Slot`].
pub struct SlotGuard {
    guard: OwnedMutexGuard<Slot>,
    release: Arc<Notify>,
}

impl Slots {
    /// Takes the upload's lock, or fails with 423 when another request holds it.
    pub fn try_lock(&self, id: &UploadId) -> Result<SlotGuard, TusError> {
        let entry = self.entry(id);
        let guard = entry.slot.clone().try_lock_owned().map_err(|_| TusError::Locked)?;
        Ok(SlotGuard { guard, release: entry.release.clone() })
    }

    /// Takes the upload's lock; when another request holds it, asks that one to let go (see
    /// [`SlotGuard::release_requests`]) and waits up to `wait` before failing with 423.
    pub async fn lock(&self, id: &UploadId, wait: Duration) -> Result<SlotGuard, TusError> {
        let entry = self.entry(id);
        let deadline = Instant::now() + wait;
        let guard = loop {
            if let Ok(guard) = entry.slot.clone().try_lock_owned() {
                break guard;
            }
            entry.release.notify_waiters();
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TusError::Locked);
            }
            if let Ok(guard) = timeout(left.min(RELEASE_REPEAT), entry.slot.clone().lock_owned()).await {
                break guard;
            }
        };
        Ok(SlotGuard { guard, release: entry.release.clone() })
    }

    /// The upload's entry, made on first use.
    fn entry(&self, id: &UploadId) -> Arc<Entry> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner).entry(id.clone()).or_default().clone()
    }

    /// Drops the upload's entry (once the upload is deleted).
    pub fn forget(&self, id: &UploadId) {
        self.map.lock().unwrap_or_else(PoisonError::into_inner).remove(id);
    }
}

impl SlotGuard {
    /// Where requests that want this upload ask the holder to let go: a holder streaming a body
    /// waits on `notified()` and stops reading when it fires.
    pub fn release_requests(&self) -> Arc<Notify> {
        self.release.clone()
    }
}

impl Deref for SlotGuard {
    type Target = Slot;

    fn deref(&self) -> &Slot {
        &self.guard
    }
}

impl DerefMut for SlotGuard {
    fn deref_mut(&mut self) -> &mut Slot {
        &mut self.guard
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
