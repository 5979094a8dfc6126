//! Sorted, merged source time spans and the overlap test against them.

use crate::plan::merge_spans;

/// Half-open `[from, to)` spans in µs, sorted, overlapping or touching ones merged.
pub(super) struct Windows {
    spans: Vec<(i64, i64)>,
}

impl Windows {
    /// Merges `spans` (empty ones are dropped).
    pub fn new(spans: impl IntoIterator<Item = (i64, i64)>) -> Self {
        Self { spans: merge_spans(spans.into_iter().filter(|(a, b)| a < b).collect()) }
    }

    /// The merged spans.
    pub fn spans(&self) -> &[(i64, i64)] {
        &self.spans
    }

    /// True when `[from, to)` overlaps a span.
    pub fn overlaps(&self, from: i64, to: i64) -> bool {
        let i = self.spans.partition_point(|&(_, end)| end <= from);
        self.spans.get(i).is_some_and(|&(start, _)| start < to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_tests_overlap() {
        let w = Windows::new([(5, 9), (0, 3), (3, 4), (7, 7)]);
        assert_eq!(w.spans(), &[(0, 4), (5, 9)]);
        assert!(w.overlaps(3, 6));
        assert!(!w.overlaps(4, 5));
        assert!(w.overlaps(8, i64::MAX));
        assert!(!w.overlaps(9, 20));
        assert!(!Windows::new([]).overlaps(i64::MIN, i64::MAX));
    }
}
