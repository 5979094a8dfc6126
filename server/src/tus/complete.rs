//! A finished upload becomes a content-addressed source: `sources/<sha256>`.

use super::TusError;
use super::slots::Slot;
use crate::storage::{Sha256Hex, Storage, UploadId, UploadInfo};
use sha2::Digest;

/// Finishes an upload whose every byte arrived: checks its SHA-256 against the declared one,
/// publishes it as a source (keeping an existing identical one), and records the hash in `info`.
/// A hash that differs from the declared one deletes the upload.
pub async fn complete(
    storage: &Storage,
    id: &UploadId,
    slot: &mut Slot,
    info: &mut UploadInfo,
) -> Result<(), TusError> {
    let data = storage.upload_data(id);
    let hasher = slot.hasher_at(&data, info.length).await?;
    let sha256 = Sha256Hex::from_digest(hasher.finalize().as_slice());
    if let Some(declared) = info.declared_sha256.as_ref().filter(|d| **d != sha256) {
        let error = TusError::Sha256Mismatch { declared: declared.to_string(), actual: sha256.to_string() };
        storage.remove_upload(id).await?;
        return Err(error);
    }
    tokio::fs::File::open(&data).await?.sync_all().await?;
    storage.publish_source(id, &sha256).await?;
    info.sha256 = Some(sha256);
    storage.save_upload(id, info).await?;
    storage.remove_upload_data(id).await?;
    Ok(())
}
