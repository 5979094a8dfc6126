//! The checksum extension: `Upload-Checksum: sha256 <base64 digest>` covers one request's data.

use super::TusError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The one algorithm this server supports.
pub const ALGORITHM: &str = "sha256";

/// The digest a request's data must have.
pub struct Checksum {
    expected: Vec<u8>,
}

impl Checksum {
    /// Parses the header value; other algorithms and malformed digests are refused.
    pub fn parse(header: &str) -> Result<Self, TusError> {
        let bad = |reason: &str| TusError::BadHeader { name: "Upload-Checksum".into(), reason: reason.into() };
        let (algorithm, digest) =
            header.trim().split_once(' ').ok_or_else(|| bad("must read `sha256 <base64 digest>`"))?;
        if !algorithm.eq_ignore_ascii_case(ALGORITHM) {
            return Err(TusError::ChecksumAlgorithm(algorithm.to_owned()));
        }
        let expected = STANDARD.decode(digest.trim()).map_err(|_| bad("digest is not base64"))?;
        if expected.len() != 32 {
            return Err(bad("digest must be the 32 bytes of a SHA-256"));
        }
        Ok(Self { expected })
    }

    /// True when `hasher`, fed the request's data, ends at the expected digest.
    pub fn matches(&self, hasher: Sha256) -> bool {
        hasher.finalize().as_slice() == self.expected.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_sha256_digests() {
        let digest = STANDARD.encode(Sha256::digest(b"hello"));
        let checksum = Checksum::parse(&format!("sha256 {digest}")).unwrap();
        let mut hasher = Sha256::new();
        hasher.update(b"hello");
        assert!(checksum.matches(hasher));
        assert!(!checksum.matches(Sha256::new()));
        assert!(matches!(Checksum::parse(&format!("md5 {digest}")), Err(TusError::ChecksumAlgorithm(_))));
        assert!(Checksum::parse("sha256").is_err());
        assert!(Checksum::parse("sha256 aGVsbG8=").is_err());
    }
}
