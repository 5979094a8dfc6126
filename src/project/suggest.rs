//! "Did you mean" suggestions for misspelt field names and source ids.

/// Longest name considered for a suggestion, in characters.
const MAX_CHARS: usize = 64;

/// The candidate closest to `typed` (ignoring case), if it is close enough to be a likely typo.
pub(crate) fn closest<'c>(typed: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let typed: Vec<char> = typed.to_lowercase().chars().collect();
    if typed.is_empty() || typed.len() > MAX_CHARS {
        return None;
    }
    candidates
        .into_iter()
        .filter_map(|c| {
            let lower: Vec<char> = c.to_lowercase().chars().collect();
            let longest = lower.len().max(typed.len());
            if lower.len().abs_diff(typed.len()) > 2 || longest > MAX_CHARS {
                return None;
            }
            let d = distance(&typed, &lower);
            (d <= 2 && d * 3 <= longest).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting insertions, deletions, substitutions and swaps of neighbours
/// (optimal string alignment), for short strings.
fn distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0; (a.len() + 1) * width];
    for (i, cell) in d.iter_mut().step_by(width).enumerate() {
        *cell = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_likely_typos() {
        let fields = ["color", "size", "trimStart", "trimEnd", "x", "y"];
        assert_eq!(closest("colour", fields), Some("color"));
        assert_eq!(closest("trim_end", fields), Some("trimEnd"));
        assert_eq!(closest("TRIMSTART", fields), Some("trimStart"));
        assert_eq!(closest("z", fields), None);
        assert_eq!(closest("szie", fields), Some("size"));
        assert_eq!(closest("banana", fields), None);
        assert_eq!(closest("", fields), None);
        assert_eq!(closest(&"c".repeat(10_000), fields), None);
    }

    #[test]
    fn measures_edit_distance() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(distance(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(distance(&chars(""), &chars("abc")), 3);
        assert_eq!(distance(&chars("same"), &chars("same")), 0);
        assert_eq!(distance(&chars("vidoe"), &chars("video")), 1);
    }
}
