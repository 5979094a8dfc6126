//! Line breaking: where a paragraph's lines end, at Unicode line-break opportunities (UAX #14),
//! greedily filling each line up to the maximum width.

use std::ops::Range;
use unicode_linebreak::{BreakOpportunity, linebreaks};

/// Splits `para` into lines no wider than `max_width` where possible. `widths[i]` is the
/// advance of the glyphs whose cluster starts at byte `i` (`para.len() + 1` entries, prefix
/// sums). A word wider than a line is cut between characters. Trailing spaces do not count.
pub(crate) fn wrap(para: &str, prefix: &[f32], max_width: f32) -> Vec<Range<usize>> {
    let width = |a: usize, b: usize| prefix.get(trim_end(para, a, b)).zip(prefix.get(a)).map_or(0.0, |(e, s)| e - s);
    // A little slack so a line measured at exactly the maximum is not wrapped by rounding.
    let limit = max_width + 0.01;
    let mut lines = Vec::new();
    let mut start = 0;
    let mut fit: Option<usize> = None;
    for (pos, opportunity) in linebreaks(para) {
        if width(start, pos) > limit {
            if let Some(f) = fit.filter(|&f| f > start) {
                lines.push(start..f);
                start = f;
            }
            while width(start, pos) > limit {
                let cut = cut_word(para, prefix, start, pos, limit);
                if cut >= pos {
                    break;
                }
                lines.push(start..cut);
                start = cut;
            }
        }
        fit = Some(pos);
        if opportunity == BreakOpportunity::Mandatory {
            lines.push(start..pos);
            start = pos;
            fit = None;
        }
    }
    if lines.is_empty() || start < para.len() {
        lines.push(start..para.len());
    }
    lines
}

/// `end` moved back over trailing white space (not before `start`).
pub(crate) fn trim_end(para: &str, start: usize, end: usize) -> usize {
    para.get(start..end).map_or(end, |s| start + s.trim_end().len())
}

/// The furthest character boundary after `start` (at least one character on, never inside a
/// run of combining marks) where `[start, cut)` still fits in `limit`.
fn cut_word(para: &str, prefix: &[f32], start: usize, end: usize, limit: f32) -> usize {
    let at = |i: usize| prefix.get(i).copied().unwrap_or(0.0);
    let origin = at(start);
    let mut cut = end;
    let mut first = true;
    for (offset, c) in para.get(start..end).unwrap_or("").char_indices() {
        let i = start + offset;
        if first || is_mark(c) {
            first = false;
            continue;
        }
        if at(i) - origin > limit {
            return if cut == end { i } else { cut };
        }
        cut = i;
    }
    end
}

/// True for characters that must stay with the one before (marks, joiners, selectors).
fn is_mark(c: char) -> bool {
    use unicode_script::{Script, UnicodeScript};
    c.script() == Script::Inherited || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prefix sums where every byte is 10 px wide.
    fn mono(text: &str) -> Vec<f32> {
        (0..=text.len()).map(|i| i as f32 * 10.0).collect()
    }

    fn lines(text: &str, max: f32) -> Vec<&str> {
        wrap(text, &mono(text), max).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(lines("aa bb cc", 50.0), ["aa bb ", "cc"]);
        assert_eq!(lines("aa bb cc", 80.0), ["aa bb cc"]);
        assert_eq!(lines("abcdefgh ij", 30.0), ["abc", "def", "gh ", "ij"]);
        assert_eq!(lines("", 30.0), [""]);
        assert_eq!(lines("a\u{2028}b", 300.0), ["a\u{2028}", "b"]);
    }

    #[test]
    fn trailing_spaces_hang() {
        assert_eq!(lines("aaaa    bb", 40.0), ["aaaa    ", "bb"]);
        assert_eq!(trim_end("ab  ", 0, 4), 2);
    }
}
