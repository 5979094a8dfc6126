//! `Upload-Metadata`: comma-separated `key base64value` pairs; frameloom keeps `filename` and `sha256`.

use super::TusError;
use crate::storage::Sha256Hex;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Longest accepted `Upload-Metadata` header, in bytes.
const MAX_LEN: usize = 4096;

/// What frameloom uses from `Upload-Metadata`.
#[derive(Debug, Default, PartialEq)]
pub struct Metadata {
    /// The header as sent (echoed on `HEAD`), when present.
    pub raw: Option<String>,
    /// `filename`, as text (never a path).
    pub filename: Option<String>,
    /// `sha256`: the hash the finished file must have (64 hex digits, any case).
    pub sha256: Option<Sha256Hex>,
}

/// Parses the header value; a malformed pair, a duplicate key or a bad `sha256` is refused.
pub fn parse(header: Option<&str>) -> Result<Metadata, TusError> {
    let Some(raw) = header.map(str::trim).filter(|h| !h.is_empty()) else { return Ok(Metadata::default()) };
    let bad = |reason: String| TusError::BadHeader { name: "Upload-Metadata".into(), reason };
    if raw.len() > MAX_LEN {
        return Err(bad(format!("is longer than {MAX_LEN} bytes")));
    }
    let mut metadata = Metadata { raw: Some(raw.to_owned()), ..Metadata::default() };
    let mut keys: Vec<&str> = Vec::new();
    for pair in raw.split(',') {
        let pair = pair.trim();
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        if key.is_empty() || keys.contains(&key) {
            return Err(bad(format!("has an empty or repeated key in {pair:?}")));
        }
        keys.push(key);
        let value = STANDARD.decode(value.trim()).map_err(|_| bad(format!("value of {key:?} is not base64")))?;
        match key {
            "filename" => metadata.filename = Some(String::from_utf8_lossy(&value).into_owned()),
            "sha256" => {
                let text = String::from_utf8_lossy(&value).to_ascii_lowercase();
                metadata.sha256 = Some(
                    Sha256Hex::parse(&text).ok_or_else(|| bad("value of \"sha256\" must be 64 hex digits".into()))?,
                );
            }
            _ => {}
        }
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        STANDARD.encode(text)
    }

    #[test]
    fn keeps_filename_and_sha256() {
        let sha = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        let header = format!(
            "filename {},sha256 {},is_confidential, filetype {}",
            b64("../clip.mp4"),
            b64(sha),
            b64("video/mp4")
        );
        let m = parse(Some(&header)).unwrap();
        assert_eq!(m.filename.as_deref(), Some("../clip.mp4"));
        assert_eq!(m.sha256.unwrap().as_str(), sha.to_ascii_lowercase());
        assert_eq!(m.raw.as_deref(), Some(header.as_str()));
        assert_eq!(parse(None).unwrap(), Metadata::default());
    }

    #[test]
    fn refuses_malformed_metadata() {
        for bad in [
            format!("filename {},filename {}", b64("a"), b64("b")),
            "filename !!!".to_owned(),
            format!("sha256 {}", b64("abc")),
            ",".to_owned(),
            "x".repeat(MAX_LEN + 1),
        ] {
            assert!(parse(Some(&bad)).is_err(), "{bad:?}");
        }
    }
}
