//! Layer volume: a linear gain factor from 0 to 4, with dB conversions for display.
//!
//! The project's volume is linear amplitude (1 = unchanged, 0.5 ≈ −6 dB, 2 ≈ +6 dB,
//! 4 ≈ +12 dB); no curve is applied. UIs that show dB use [`gain_to_db`] / [`db_to_gain`].

use super::AudioError;

/// A linear volume between 0 and 4.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Volume(f64);

impl Volume {
    /// Unity gain.
    pub const UNITY: Volume = Volume(1.0);
    /// The loudest accepted volume (+12 dB).
    pub const MAX: f64 = 4.0;

    /// Checks `volume` is within 0–4.
    pub fn new(volume: f64) -> Result<Self, AudioError> {
        if (0.0..=Self::MAX).contains(&volume) { Ok(Self(volume)) } else { Err(AudioError::VolumeOutOfRange { volume }) }
    }

    /// The linear gain factor.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Converts decibels to a linear gain factor (`10^(dB/20)`).
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// Converts a linear gain factor to decibels (`20·log10(gain)`; −∞ for 0).
pub fn gain_to_db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_range_and_db() {
        assert!(Volume::new(0.0).is_ok() && Volume::new(4.0).is_ok());
        for bad in [-0.1, 4.01, f64::NAN, f64::INFINITY] {
            assert_eq!(Volume::new(bad).unwrap_err().code(), "audio_volume_out_of_range");
        }
        assert!((gain_to_db(Volume::MAX) - 12.041).abs() < 1e-3);
        assert!((db_to_gain(-6.0206) - 0.5).abs() < 1e-4);
        assert_eq!(gain_to_db(0.0), f64::NEG_INFINITY);
    }
}
