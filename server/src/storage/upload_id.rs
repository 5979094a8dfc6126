//! Upload ids: server-made random hex, the only way an upload is named on disk.

use std::fmt;

/// Length of an upload id in hex digits (128 random bits).
const LEN: usize = 32;

/// A validated upload id: exactly 32 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UploadId(String);

impl UploadId {
    /// A new random id.
    pub fn generate() -> std::io::Result<Self> {
        Ok(Self(crate::hex::random(LEN / 2)?))
    }

    /// Checks a client-sent id; `None` unless it could have been made by [`UploadId::generate`].
    pub fn parse(text: &str) -> Option<Self> {
        crate::hex::is_lower_hex(text, LEN).then(|| Self(text.to_owned()))
    }

    /// The id as text (safe as a file name).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_shapes_parse() {
        let id = UploadId::generate().unwrap();
        assert_eq!(UploadId::parse(id.as_str()), Some(id));
        for bad in [
            "",
            "..",
            "../../etc/passwd",
            "%2e%2e",
            "a\0",
            "0123456789ABCDEF0123456789abcdef",
            "0123456789abcdef0123456789abcdef0",
        ] {
            assert_eq!(UploadId::parse(bad), None, "{bad:?}");
        }
    }
}
