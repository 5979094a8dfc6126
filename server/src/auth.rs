//! API keys: uploads and jobs need `Authorization: Bearer KEY`.
//!
//! Keys come from `--api-key` (repeatable) or `FRAMELOOM_API_KEYS` (comma-separated). With
//! none, the server makes a random dev key at first start, keeps it in `DATA_DIR/dev-api-key`
//! (mode 0600) and prints it. Keys are compared by SHA-256 digest in constant time.

use crate::http::error::json_error;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// File in the data dir holding the generated dev key.
const DEV_KEY_FILE: &str = "dev-api-key";
/// Longest accepted key, in bytes.
const MAX_KEY_LEN: usize = 512;
/// Keys shorter than this get a warning at start.
const WEAK_KEY_LEN: usize = 16;

/// The accepted API keys (their digests); cheap to clone.
#[derive(Clone)]
pub struct ApiKeys {
    digests: Arc<[[u8; 32]]>,
}

/// The keys a server runs with, and the dev key when it made or reused one.
pub struct ResolvedKeys {
    /// Keys requests are checked against.
    pub keys: ApiKeys,
    /// The generated dev key, set when no key was configured.
    pub dev_key: Option<String>,
}

/// Why a request was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error(
        "this endpoint needs an API key: send the header `Authorization: Bearer KEY` (the server prints its dev key at \
         start, or is given keys with --api-key or FRAMELOOM_API_KEYS)"
    )]
    Missing,
    /// An `Authorization` header in another scheme than Bearer.
    #[error("the Authorization header must read `Bearer KEY`")]
    NotBearer,
    /// A key the server does not know.
    #[error(
        "the API key was not accepted: use a key the server was started with (--api-key, FRAMELOOM_API_KEYS or its dev key)"
    )]
    Wrong,
}

impl AuthError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "missing_api_key",
            Self::NotBearer => "not_bearer",
            Self::Wrong => "wrong_api_key",
        }
    }

    fn into_response(self) -> Response {
        let mut response = json_error(StatusCode::UNAUTHORIZED, self.code(), &self);
        let challenge = match self {
            Self::Wrong => "Bearer realm=\"frameloom\", error=\"invalid_token\"",
            _ => "Bearer realm=\"frameloom\"",
        };
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        response
    }
}

impl ApiKeys {
    /// Checks and hashes `keys`: each 1 to 512 visible ASCII characters.
    pub fn new(keys: &[String]) -> Result<Self, String> {
        let mut digests = Vec::with_capacity(keys.len());
        for (n, key) in keys.iter().enumerate() {
            if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(format!(
                    "API key #{} must be 1 to {MAX_KEY_LEN} visible ASCII characters (no spaces)",
                    n + 1
                ));
            }
            digests.push(digest(key));
        }
        Ok(Self { digests: digests.into() })
    }

    /// True when `key` is one of the keys; takes the same time whichever key matches.
    pub fn accepts(&self, key: &str) -> bool {
        let presented = digest(key);
        self.digests.iter().fold(subtle::Choice::from(0), |found, d| found | d.ct_eq(&presented)).into()
    }

    fn check(&self, authorization: Option<&HeaderValue>) -> Result<(), AuthError> {
        let value = authorization.ok_or(AuthError::Missing)?.to_str().map_err(|_| AuthError::NotBearer)?;
        let (scheme, key) = value.trim().split_once(' ').ok_or(AuthError::NotBearer)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::NotBearer);
        }
        if self.accepts(key.trim()) { Ok(()) } else { Err(AuthError::Wrong) }
    }
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// The keys to run with: `given` (blank entries skipped), or else the data dir's dev key,
/// made on first start. Warns on stderr about short keys.
pub fn resolve(given: &[String], data_dir: &Path) -> Result<ResolvedKeys, String> {
    let given: Vec<String> = given.iter().map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()).collect();
    if given.is_empty() {
        let key = dev_key(data_dir)?;
        return Ok(ResolvedKeys { keys: ApiKeys::new(std::slice::from_ref(&key))?, dev_key: Some(key) });
    }
    let keys = ApiKeys::new(&given)?;
    for (n, key) in given.iter().enumerate() {
        if key.len() < WEAK_KEY_LEN {
            eprintln!("frameloom-server: warning: API key #{} is shorter than {WEAK_KEY_LEN} characters", n + 1);
        }
    }
    Ok(ResolvedKeys { keys, dev_key: None })
}

/// Reads `DATA_DIR/dev-api-key`, or creates it (0600) with 32 random bytes in hex.
fn dev_key(data_dir: &Path) -> Result<String, String> {
    let path = data_dir.join(DEV_KEY_FILE);
    let read = |path: &Path| -> Result<String, String> {
        let key = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the dev API key {}: {e}", path.display()))?;
        let key = key.trim().to_owned();
        ApiKeys::new(std::slice::from_ref(&key))
            .map_err(|_| format!("the dev API key file {} is damaged; delete it to make a new key", path.display()))?;
        Ok(key)
    };
    if path.exists() {
        return read(&path);
    }
    let key = crate::hex::random(32).map_err(|e| e.to_string())?;
    // Write a private temp file, then link it into place: a concurrent start keeps the first key.
    let temp = data_dir.join(format!(".{DEV_KEY_FILE}.{}", crate::hex::random(8).map_err(|e| e.to_string())?));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .and_then(|mut f| f.write_all(format!("{key}\n").as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::hard_link(&temp, &path));
    let _ = std::fs::remove_file(&temp);
    match written {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(format!("cannot save the dev API key in {}: {e}", path.display())),
    }
}

/// Middleware: lets `OPTIONS` through (CORS preflight, tus discovery), else requires a key.
pub async fn require_api_key(State(keys): State<ApiKeys>, request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    match keys.check(request.headers().get(header::AUTHORIZATION)) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_configured_keys() {
        let keys = ApiKeys::new(&["alpha-key".into(), "beta-key".into()]).unwrap();
        assert!(keys.accepts("alpha-key") && keys.accepts("beta-key"));
        assert!(!keys.accepts("alpha") && !keys.accepts("") && !keys.accepts("alpha-key "));
        let header = |v: &str| HeaderValue::from_str(v).unwrap();
        assert!(keys.check(Some(&header("Bearer beta-key"))).is_ok());
        assert!(keys.check(Some(&header("bearer  beta-key"))).is_ok());
        assert!(matches!(keys.check(None), Err(AuthError::Missing)));
        assert!(matches!(keys.check(Some(&header("Basic YWxhZGRpbg=="))), Err(AuthError::NotBearer)));
        assert!(matches!(keys.check(Some(&header("Bearer nope"))), Err(AuthError::Wrong)));
    }

    #[test]
    fn rejects_unusable_keys() {
        assert!(ApiKeys::new(&["has space".into()]).is_err());
        assert!(ApiKeys::new(&["é".into()]).is_err());
        assert!(ApiKeys::new(&["x".repeat(MAX_KEY_LEN + 1)]).is_err());
    }
}
