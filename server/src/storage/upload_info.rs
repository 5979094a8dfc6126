//! The JSON record kept beside each upload (`uploads/<id>.info`).

use super::Sha256Hex;
use serde::{Deserialize, Serialize};

/// What the server remembers about one upload besides its bytes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UploadInfo {
    /// Total size declared at creation (`Upload-Length`).
    pub length: u64,
    /// The `Upload-Metadata` header as sent, echoed back on `HEAD`.
    pub metadata: Option<String>,
    /// The `filename` metadata value (text only; never used as a path).
    pub filename: Option<String>,
    /// The `sha256` metadata value: the finished file must hash to it.
    pub declared_sha256: Option<Sha256Hex>,
    /// When the upload expires, in seconds since the Unix epoch.
    pub expires_unix: u64,
    /// The SHA-256 of the finished file, once every byte arrived; it names `sources/<sha256>`.
    pub sha256: Option<Sha256Hex>,
}

impl UploadInfo {
    /// True once every byte arrived and the file is in `sources/`.
    pub fn is_complete(&self) -> bool {
        self.sha256.is_some()
    }
}
