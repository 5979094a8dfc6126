//! The expiration extension: uploads are deleted `--upload-ttl` after their last write.

use super::TusState;
use crate::storage::{UploadId, UploadInfo};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Default time to keep an upload after its last write.
pub const DEFAULT_TTL: &str = "24h";
/// Longest pause between two sweeps of expired uploads.
const MAX_SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// Parses a duration like `90`, `90s`, `15m`, `24h` or `7d` (at least one second).
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let (digits, unit) =
        text.trim().split_at(text.trim().find(|c: char| !c.is_ascii_digit()).unwrap_or(text.trim().len()));
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{text:?}: use a number of seconds, or a number followed by s, m, h or d")),
    };
    let secs = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&s| s > 0)
        .ok_or_else(|| format!("{text:?}: give a whole duration of at least 1 second, e.g. 24h"))?;
    Ok(Duration::from_secs(secs))
}

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

/// Deletes expired uploads, stray bytes and stale temp files every `min(ttl, 60 s)`, forever.
pub async fn sweep_forever(state: TusState) {
    let mut tick = tokio::time::interval(state.config.upload_ttl.min(MAX_SWEEP_INTERVAL));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = sweep(&state).await {
            tracing::warn!("sweeping expired uploads: {e}");
        }
    }
}

async fn sweep(state: &TusState) -> std::io::Result<()> {
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
    fn parses_ttls() {
        assert_eq!(parse_ttl("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_ttl("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_ttl("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_ttl("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse_ttl("7d").unwrap(), Duration::from_secs(604_800));
        for bad in ["", "0", "h", "1w", "-1", "99999999999999999999d", "1.5h"] {
            assert!(parse_ttl(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formats_http_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
    }
}
