//! Resampler: frequency, level, exact lengths, stopband, chunking.

use crate::signal::{CHUNKS, block, db, frequency, rms, sine, stream, tone_level};
use frameloom::audio::{Resampler, OUTPUT_RATE};

/// Resamples `input` (one plane) from `rate` to 48 kHz in chunks of `sizes`.
fn resample(rate: u32, input: &[f32], sizes: &[usize]) -> Vec<f32> {
    let mut r = Resampler::new(rate, OUTPUT_RATE, 1).unwrap();
    let mut out = stream(&mut r, rate, &[input.to_vec()], sizes);
    out.swap_remove(0)
}

/// Expected total length: round(N · 48000 / rate), halves up.
fn expected_len(rate: u32, frames: usize) -> usize {
    ((2 * frames as u64 * OUTPUT_RATE as u64 + rate as u64) / (2 * rate as u64)) as usize
}

#[test]
fn sine_1khz_from_44k1_keeps_frequency_level_and_exact_length() {
    let input = sine(44_100, 1000.0, 0.5, 44_100);
    let out = resample(44_100, &input, &[4096]);
    assert_eq!(out.len(), 48_000);
    // Skip the edges, where the stream starts and ends on silence.
    let steady = &out[2_000..46_000];
    let f = frequency(steady, OUTPUT_RATE);
    assert!((f - 1000.0).abs() < 0.05, "frequency {f}");
    let level = db(rms(steady) / (0.5 / 2f64.sqrt()));
    assert!(level.abs() < 0.5, "level {level} dB");
    assert!(level.abs() < 0.01, "level {level} dB (flat passband)");
    // Output frame k is input time k/48000 s: the sine's phase is kept, sample by sample.
    let ideal = sine(OUTPUT_RATE, 1000.0, 0.5, 48_000);
    let err = steady.iter().zip(&ideal[2_000..46_000]).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(err < 1e-4, "max deviation from the ideal 48 kHz sine {err}");
}

#[test]
fn other_rates_keep_frequency_level_and_length() {
    for rate in [8_000u32, 11_025, 16_000, 22_050, 24_000, 32_000, 44_056, 88_200, 96_000] {
        let frames = rate as usize / 2 + 17;
        let input = sine(rate, 1000.0, 0.5, frames);
        let out = resample(rate, &input, &[1024]);
        assert_eq!(out.len(), expected_len(rate, frames), "{rate} Hz length");
        let steady = &out[2_000..out.len() - 2_000];
        let ideal = sine(OUTPUT_RATE, 1000.0, 0.5, out.len());
        let err = steady.iter().zip(&ideal[2_000..]).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(err < 2e-4, "{rate} Hz: max deviation from the ideal sine {err}");
        let level = db(rms(steady) / (0.5 / 2f64.sqrt()));
        assert!(level.abs() < 0.5, "{rate} Hz level {level} dB");
    }
}

#[test]
fn passband_reaches_20khz_and_stopband_rejects_aliases_and_images() {
    // 20 kHz at 44.1 kHz is kept flat, and its image at 44.1 − 20 = 24.1 kHz is gone.
    let out = resample(44_100, &sine(44_100, 20_000.0, 0.5, 22_050), &[4096]);
    let level = db(tone_level(&out[2_000..22_000], OUTPUT_RATE, 20_000.0) / 0.5);
    assert!(level.abs() < 0.1, "20 kHz level {level} dB");
    let image = db(tone_level(&out[2_000..22_000], OUTPUT_RATE, 24_100.0) / 0.5);
    assert!(image < -90.0, "image at {image} dB");
    // 3.5 kHz at 8 kHz: its image at 4.5 kHz would be audible; it must be gone.
    let out = resample(8_000, &sine(8_000, 3_500.0, 0.5, 8_000), &[4096]);
    let image = db(tone_level(&out[2_000..46_000], OUTPUT_RATE, 4_500.0) / 0.5);
    assert!(image < -90.0, "image at {image} dB");
    // 30 kHz at 96 kHz cannot exist at 48 kHz: it must not fold back to 18 kHz.
    let out = resample(96_000, &sine(96_000, 30_000.0, 0.5, 48_000), &[4096]);
    let alias = db(rms(&out[2_000..22_000]) * 2f64.sqrt() / 0.5);
    assert!(alias < -90.0, "alias at {alias} dB");
}

#[test]
fn chunking_gives_identical_output() {
    for rate in [44_100u32, 96_000, 8_000] {
        let input = sine(rate, 440.0, 0.8, rate as usize / 3);
        let whole = resample(rate, &input, &[usize::MAX]);
        let chunked = resample(rate, &input, &CHUNKS);
        assert_eq!(whole, chunked, "{rate} Hz");
    }
}

#[test]
fn length_is_exact_for_any_stream_length() {
    for (rate, frames) in [(44_100u32, 0usize), (44_100, 1), (44_100, 147), (44_100, 293), (22_050, 1001), (96_000, 3), (44_056, 12_345), (8_000, 9)] {
        assert_eq!(resample(rate, &vec![0.1; frames], &[64]).len(), expected_len(rate, frames), "{rate} Hz, {frames} frames");
        assert_eq!(Resampler::new(rate, OUTPUT_RATE, 2).unwrap().output_frames(frames as u64), expected_len(rate, frames) as u64);
    }
}

#[test]
fn equal_rates_pass_through_and_flush_resets() {
    let mut r = Resampler::new(48_000, OUTPUT_RATE, 2).unwrap();
    let input = block(48_000, 99, vec![sine(48_000, 300.0, 0.3, 500), sine(48_000, 700.0, 0.3, 500)]);
    let out = r.process(&input).unwrap();
    assert_eq!((out.planes(), out.start()), (input.planes(), 0));
    assert_eq!(r.flush().frames(), 0);
    // After a flush, a new stream starts at 0 again.
    let mut r = Resampler::new(44_100, OUTPUT_RATE, 1).unwrap();
    let a = r.process(&block(44_100, 0, vec![vec![0.25; 5000]])).unwrap();
    let tail = r.flush();
    let b = r.process(&block(44_100, 0, vec![vec![0.25; 5000]])).unwrap();
    assert_eq!((a.start(), b.start(), a.planes(), tail.start()), (0, 0, b.planes(), a.end()));
}

#[test]
fn rejects_blocks_of_another_format() {
    let mut r = Resampler::new(44_100, OUTPUT_RATE, 2).unwrap();
    assert_eq!(r.process(&block(48_000, 0, vec![vec![0.0; 4]; 2])).unwrap_err().code(), "audio_format_mismatch");
    assert_eq!(r.process(&block(44_100, 0, vec![vec![0.0; 4]])).unwrap_err().code(), "audio_format_mismatch");
    assert_eq!(Resampler::new(4_000, OUTPUT_RATE, 2).unwrap_err().code(), "audio_unsupported_sample_rate");
}
