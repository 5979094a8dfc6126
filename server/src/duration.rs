//! Durations on the command line (`--upload-ttl`, `--output-ttl`, `--source-ttl`,
//! `--janitor-interval`): whole seconds, or a number with a unit.

use std::time::Duration;

/// Parses a duration like `90`, `90s`, `15m`, `24h` or `7d` (at least one second).
pub fn parse(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let (digits, unit) = trimmed.split_at(trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len()));
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{text:?}: use a number of seconds, or a number followed by s, m, h or d")),
    };
    let secs = digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&s| s > 0)
        .ok_or_else(|| format!("{text:?}: give a whole duration of at least 1 second, e.g. 24h"))?;
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations() {
        assert_eq!(parse("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse("24h").unwrap(), Duration::from_secs(86_400));
        assert_eq!(parse("7d").unwrap(), Duration::from_secs(604_800));
        for bad in ["", "0", "h", "1w", "-1", "99999999999999999999d", "1.5h"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
