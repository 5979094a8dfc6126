//! tus header names, request header parsing, and the headers that describe an upload.

use super::TusError;
use super::expiration::http_date;
use crate::storage::UploadInfo;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

/// The protocol version this server speaks.
pub const VERSION: &str = "1.0.0";
/// The extensions this server supports.
pub const EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
/// The content type of upload data.
pub const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";

/// `Tus-Resumable`.
pub const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
/// `Tus-Version`.
pub const TUS_VERSION: HeaderName = HeaderName::from_static("tus-version");
/// `Tus-Extension`.
pub const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
/// `Tus-Max-Size`.
pub const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
/// `Tus-Checksum-Algorithm`.
pub const TUS_CHECKSUM_ALGORITHM: HeaderName = HeaderName::from_static("tus-checksum-algorithm");
/// `Upload-Offset`.
pub const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
/// `Upload-Length`.
pub const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
/// `Upload-Defer-Length` (not supported; named in the error).
pub const UPLOAD_DEFER_LENGTH: HeaderName = HeaderName::from_static("upload-defer-length");
/// `Upload-Metadata`.
pub const UPLOAD_METADATA: HeaderName = HeaderName::from_static("upload-metadata");
/// `Upload-Expires`.
pub const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
/// `Upload-Checksum`.
pub const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");
/// `Upload-Sha256`: frameloom's own header, the SHA-256 (source name) of a finished upload.
pub const UPLOAD_SHA256: HeaderName = HeaderName::from_static("upload-sha256");

/// A header as text, `None` when absent; non-ASCII values are refused.
pub fn text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Result<Option<&'a str>, TusError> {
    headers
        .get(name)
        .map(|v| v.to_str().map_err(|_| TusError::BadHeader { name: name.to_string(), reason: "must be ASCII".into() }))
        .transpose()
}

/// A header holding a non-negative integer (digits only), `None` when absent.
pub fn number(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, TusError> {
    let Some(value) = text(headers, name)? else { return Ok(None) };
    let bad = || TusError::BadHeader {
        name: name.to_string(),
        reason: format!("must be a non-negative integer, not {value:?}"),
    };
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    value.parse().map(Some).map_err(|_| bad())
}

/// True when the request's `Content-Type` is `application/offset+octet-stream`.
pub fn has_upload_data_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(OFFSET_OCTET_STREAM))
}

/// Adds the headers describing `info` at `offset`: offset, expiry, and the SHA-256 once complete.
pub fn describe(headers: &mut HeaderMap, info: &UploadInfo, offset: u64) {
    headers.insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    if let Ok(expires) = HeaderValue::from_str(&http_date(info.expires_unix)) {
        headers.insert(UPLOAD_EXPIRES, expires);
    }
    if let Some(sha256) = info.sha256.as_ref().and_then(|s| HeaderValue::from_str(s.as_str()).ok()) {
        headers.insert(UPLOAD_SHA256, sha256);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_digits_only() {
        let mut headers = HeaderMap::new();
        assert_eq!(number(&headers, &UPLOAD_OFFSET).unwrap(), None);
        for (value, ok) in [("0", Some(0)), ("123", Some(123)), ("18446744073709551615", Some(u64::MAX))] {
            headers.insert(UPLOAD_OFFSET, HeaderValue::from_static(value));
            assert_eq!(number(&headers, &UPLOAD_OFFSET).unwrap(), ok);
        }
        for bad in ["", "-1", "+1", " 1", "1e3", "0x10", "18446744073709551616", "99999999999999999999999"] {
            headers.insert(UPLOAD_OFFSET, HeaderValue::from_static(bad));
            assert!(number(&headers, &UPLOAD_OFFSET).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn upload_data_type() {
        let mut headers = HeaderMap::new();
        assert!(!has_upload_data_type(&headers));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/offset+octet-stream; x=1"));
        assert!(has_upload_data_type(&headers));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
        assert!(!has_upload_data_type(&headers));
    }
}
