//! Cue timestamps: `[HH:]MM:SS.mmm` (WebVTT) and `HH:MM:SS,mmm` (SRT) ↔ microseconds.

/// Parses a timestamp: hours optional (any digits), minutes and seconds 0–59 (two digits when
/// hours are given), then `.` or `,` and 1–3 fraction digits (at least one; milliseconds).
pub(crate) fn parse(text: &str) -> Option<i64> {
    let (clock, fraction) = text.trim().split_once(['.', ','])?;
    if fraction.is_empty() || fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |s: &str, max_digits: usize| -> Option<i64> {
        (!s.is_empty() && s.len() <= max_digits && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (hours, minutes, seconds) = match parts.as_slice() {
        [m, s] => (0, number(m, 2)?, number(s, 2)?),
        [h, m, s] => (number(h, 6)?, number(m, 2)?, number(s, 2)?),
        _ => return None,
    };
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}").parse().ok()?;
    Some(((hours * 60 + minutes) * 60 + seconds) * 1_000_000 + millis * 1000)
}

/// Writes `us` as `HH:MM:SS` + `separator` + `mmm` (rounded to the millisecond; negative is 0).
pub(crate) fn format(us: i64, separator: char) -> String {
    let ms = (us.max(0) + 500) / 1000;
    let (h, m, s, f) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}{separator}{f:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_styles_and_rejects_junk() {
        assert_eq!(parse("00:01:02,345"), Some(62_345_000));
        assert_eq!(parse("01:02.5"), Some(62_500_000));
        assert_eq!(parse("100:00:00.000"), Some(360_000_000_000));
        for bad in ["1:2", "00:60:00.000", "00:00:00", "aa:bb:cc.ddd", "00:00:00.1234", "-1:00.000", "00:00:00."] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(format(62_345_000, ','), "00:01:02,345");
        assert_eq!(format(360_000_000_000 + 999_600, '.'), "100:00:01.000");
    }
}
