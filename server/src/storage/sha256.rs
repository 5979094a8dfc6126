//! SHA-256 content hashes: the names of sources.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A SHA-256 as 64 lowercase hex digits (how sources are named and how projects refer to them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Checks a client-sent hash: exactly 64 lowercase hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        crate::hex::is_lower_hex(text, 64).then(|| Self(text.to_owned()))
    }

    /// The hash of a finished digest.
    pub fn from_digest(digest: &[u8]) -> Self {
        Self(crate::hex::encode(digest))
    }

    /// The hash as text (safe as a file name).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sha256Hex {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| format!("{text:?} is not 64 lowercase hex digits"))
    }
}

impl From<Sha256Hex> for String {
    fn from(hash: Sha256Hex) -> String {
        hash.0
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_lowercase_hex_of_the_right_length() {
        let ok = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(Sha256Hex::parse(ok).unwrap().as_str(), ok);
        assert!(Sha256Hex::parse(&ok.to_uppercase()).is_none());
        assert!(Sha256Hex::parse(&ok[1..]).is_none());
        assert!(Sha256Hex::parse("../../../../../../../../../../../../../../../../../etc/passwd").is_none());
        assert!(serde_json::from_str::<Sha256Hex>("\"../x\"").is_err());
    }
}
