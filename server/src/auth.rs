//! API keys: API routes need `Authorization: Bearer KEY` with a key from `--api-key`
//! (repeatable) or `FRAMELOOM_API_KEYS` (comma-separated). With no key configured the API
//! is open (the server logs a warning). Wrong or missing keys get `401` with a JSON error.
//!
//! Stand-in with the same contract as the `tus` branch's version; the lead keeps one.

use crate::http::error::json_error;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// The accepted API keys.
#[derive(Clone, Default)]
pub struct ApiKeys(Arc<Vec<String>>);

impl ApiKeys {
    /// The keys, ignoring empty ones.
    pub fn new(keys: Vec<String>) -> Self {
        ApiKeys(Arc::new(keys.into_iter().filter(|k| !k.is_empty()).collect()))
    }

    /// True when no key is configured, so the API is open.
    pub fn is_open(&self) -> bool {
        self.0.is_empty()
    }

    /// True when the `Authorization` header carries one of the keys.
    fn allows(&self, header: Option<&HeaderValue>) -> bool {
        let Some(given) = header.and_then(|h| h.to_str().ok()).and_then(|h| h.strip_prefix("Bearer ")) else {
            return false;
        };
        // Compare with every key, in time independent of where the bytes differ.
        self.0.iter().fold(false, |found, key| found | constant_time_eq(key.as_bytes(), given.trim().as_bytes()))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: lets the request through only with a valid key (or when the API is open).
pub async fn require_key(State(keys): State<ApiKeys>, req: Request, next: Next) -> Response {
    if keys.is_open() || keys.allows(req.headers().get(header::AUTHORIZATION)) {
        return next.run(req).await;
    }
    let mut resp = json_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "missing or wrong API key: send `Authorization: Bearer KEY` with a key given to the server by --api-key",
    );
    resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_bearer_keys() {
        let keys = ApiKeys::new(vec!["k1".into(), "secret-2".into()]);
        let ok = |h: &str| keys.allows(Some(&HeaderValue::from_str(h).unwrap()));
        assert!(ok("Bearer k1") && ok("Bearer secret-2"));
        assert!(!ok("Bearer k2") && !ok("k1") && !ok("Basic k1") && !ok("Bearer "));
        assert!(!keys.allows(None) && !keys.is_open() && ApiKeys::new(vec![String::new()]).is_open());
    }
}
