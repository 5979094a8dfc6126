//! Display rotation ↔ the 3×3 transformation matrix of `tkhd`.
//!
//! `rotation` is the clockwise angle, in degrees, by which a player turns the
//! coded picture for display. The matrix maps a coded point (x, y), y pointing
//! down, to x' = a·x + c·y + tx, y' = b·x + d·y + ty, so a clockwise turn by θ
//! is (a, b, c, d) = (cos θ, sin θ, −sin θ, cos θ): a phone's portrait video is
//! (0, 1, −1, 0) → 90. ffprobe prints ffmpeg's counter-clockwise display-matrix
//! angle, so it shows `rotation=-90` for that file and `rotation=90` for 270.

/// 1.0 in the 16.16 fixed point of the first two matrix columns.
const ONE: i32 = 0x0001_0000;
/// 1.0 in the 2.30 fixed point of the last column.
const W_ONE: i32 = 0x4000_0000;

/// Clockwise display rotation (0, 90, 180 or 270) from a `tkhd` matrix; mirroring is ignored.
pub(super) fn rotation_from_matrix(m: &[i32; 9]) -> u16 {
    let (a, b) = (i64::from(m[0]), i64::from(m[1]));
    if a.abs() >= b.abs() {
        if a >= 0 { 0 } else { 180 }
    } else if b > 0 {
        90
    } else {
        270
    }
}

/// The `tkhd` matrix for a clockwise `rotation` of a `width`×`height` picture (None unless 0/90/180/270).
pub(super) fn matrix_for_rotation(rotation: u16, width: u32, height: u32) -> Option<[i32; 9]> {
    // Translations keep the turned picture in the positive quadrant, as QuickTime writers do.
    let (w, h) = (fixed(width), fixed(height));
    let (a, b, tx, ty) = match rotation {
        0 => (ONE, 0, 0, 0),
        90 => (0, ONE, h, 0),
        180 => (-ONE, 0, w, h),
        270 => (0, -ONE, 0, w),
        _ => return None,
    };
    Some([a, b, 0, -b, a, 0, tx, ty, W_ONE])
}

fn fixed(pixels: u32) -> i32 {
    i32::try_from(u64::from(pixels) << 16).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_quarter_turns() {
        for r in [0, 90, 180, 270] {
            assert_eq!(rotation_from_matrix(&matrix_for_rotation(r, 320, 240).unwrap()), r);
        }
        assert_eq!(matrix_for_rotation(45, 1, 1), None);
        // ffmpeg's `-metadata:s:v rotate=90` (ffprobe rotation=90) writes (0, -1, 1, 0): a 270° clockwise turn.
        assert_eq!(rotation_from_matrix(&[0, -ONE, 0, ONE, 0, 0, 0, 0, W_ONE]), 270);
        assert_eq!(rotation_from_matrix(&[0, ONE, 0, -ONE, 0, 0, 0, 0, W_ONE]), 90);
    }
}
