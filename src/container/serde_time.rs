//! Serializes integer microseconds as seconds, for JSON seen by people and JS.

use serde::Serializer;

/// Serializes microseconds as seconds.
pub fn seconds<S: Serializer>(us: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(crate::time::us_to_seconds(*us))
}

/// Serializes optional microseconds as optional seconds.
pub fn opt_seconds<S: Serializer>(us: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match us {
        Some(us) => seconds(us, s),
        None => s.serialize_none(),
    }
}

/// Serializes a list of microseconds as a list of seconds.
pub fn seconds_list<S: Serializer>(list: &[i64], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(|us| crate::time::us_to_seconds(*us)))
}
