//! The inner product the resampler and the stretcher spend their time in.

/// `Σ a[i]·b[i]` over the shorter length, summed in four interleaved partial sums (so the CPU
/// and wasm engines can overlap the additions); the order is fixed, so results are reproducible.
pub(super) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let mut lanes = [0.0f32; 4];
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let (ra, rb) = (a4.remainder(), b4.remainder());
    for (x, y) in a4.zip(b4) {
        for lane in 0..4 {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_plain_sum() {
        let a: Vec<f32> = (0..11).map(|i| i as f32).collect();
        let b = vec![2.0f32; 13];
        assert_eq!(dot(&a, &b), 110.0);
        assert_eq!(dot(&[], &b), 0.0);
    }
}
