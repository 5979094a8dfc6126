//! The expiration extension: uploads are deleted `--upload-ttl` after their last write
//! (by [`sweep`], run by the janitor, or when a request finds them expired).

use super::TusState;
use crate::storage::{UploadId, UploadInfo};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// Sets the upload to expire one TTL from now.
pub fn refresh(info: &mut UploadInfo, ttl: Duration) {
    info.expires_unix = now_unix().saturating_add(ttl.as_secs());
}

/// True when the upload's expiry time has passed.
pub fn is_expired(info: &UploadInfo) -> bool {
    now_unix() >= info.expires_unix
}

/// An HTTP date (RFC 9110 IMF-fixdate) for `Upload-Expires`.
pub fn http_date(unix: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(unix))
}

/// One pass of the janitor (see [`crate::janitor`]): deletes expired uploads, bytes without
/// a record older than the TTL, and stale temp files.
pub async fn sweep(state: &TusState) -> std::io::Result<()> {
    for id in state.storage.upload_ids().await? {
        // Look without the lock first, so live uploads are never held up by the sweep.
        if is_gone(state, &id).await? {
            // An upload being written is alive; look again next time.
            let Ok(_guard) = state.slots.try_lock(&id) else { continue };
            if is_gone(state, &id).await? {
                state.storage.remove_upload(&id).await?;
                state.slots.forget(&id);
            }
        }
    }
    state.storage.remove_stale_temp(state.config.upload_ttl).await
}

/// True for an expired upload, or bytes without a record older than the TTL (left by a crash).
async fn is_gone(state: &TusState, id: &UploadId) -> std::io::Result<bool> {
    Ok(match state.storage.load_upload(id).await {
        Ok(Some(upload)) => is_expired(&upload.info),
        Ok(None) => state.storage.upload_data_age(id).await?.is_none_or(|age| age > state.config.upload_ttl),
        Err(e) => {
            tracing::warn!("upload {id}: {e}");
            false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_http_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
    }
}
