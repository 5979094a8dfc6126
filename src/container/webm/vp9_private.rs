//! The Matroska VP9 CodecPrivate: a list of (id, length, value) features giving the
//! profile, level and bit depth.

use crate::container::codec::vp9::Vp9Config;

/// Feature ids in the Matroska VP9 CodecPrivate.
const FEATURE_PROFILE: u8 = 1;
const FEATURE_LEVEL: u8 = 2;
const FEATURE_BIT_DEPTH: u8 = 3;

/// The CodecPrivate for `cfg` (profile, level and bit depth features).
pub fn build(cfg: &Vp9Config) -> Vec<u8> {
    [FEATURE_PROFILE, 1, cfg.profile, FEATURE_LEVEL, 1, cfg.level, FEATURE_BIT_DEPTH, 1, cfg.bit_depth].to_vec()
}

/// Features found in a VP9 CodecPrivate: (profile, level, bit depth), each optional.
pub fn parse(data: &[u8]) -> (Option<u8>, Option<u8>, Option<u8>) {
    let (mut profile, mut level, mut depth) = (None, None, None);
    let mut rest = data;
    while let [id, len, tail @ ..] = rest {
        let Some(value) = tail.get(..usize::from(*len)) else { break };
        match (*id, value) {
            (FEATURE_PROFILE, [v]) => profile = Some(*v),
            (FEATURE_LEVEL, [v]) => level = Some(*v),
            (FEATURE_BIT_DEPTH, [v]) => depth = Some(*v),
            _ => {}
        }
        rest = &tail[value.len()..];
    }
    (profile, level, depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_features() {
        assert_eq!(build(&Vp9Config::new(0, 21, 8)), [1, 1, 0, 2, 1, 21, 3, 1, 8]);
        assert_eq!(parse(&build(&Vp9Config::new(0, 21, 8))), (Some(0), Some(21), Some(8)));
        assert_eq!(parse(&[1, 5, 0]), (None, None, None));
    }
}
