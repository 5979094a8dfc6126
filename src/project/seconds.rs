//! Serde for times: integer microseconds in Rust, seconds (a JSON number) in JSON.

use crate::time::{seconds_to_us, us_to_seconds};
use serde::{Deserialize, Deserializer, Serializer};

/// Writes microseconds as seconds.
pub fn serialize<S: Serializer>(us: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(us_to_seconds(*us))
}

/// Reads seconds as microseconds; rejects values that are not finite or beyond the format's limit.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let seconds = f64::deserialize(d)?;
    if !seconds.is_finite() || seconds.abs() > super::limits::MAX_SECONDS {
        return Err(serde::de::Error::custom("time out of range"));
    }
    Ok(seconds_to_us(seconds))
}
