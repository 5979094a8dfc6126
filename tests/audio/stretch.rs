//! Time-stretch: pitch kept, exact lengths, speed 1 passthrough, chunking.

use crate::signal::{CHUNKS, block, db, frequency, rms, sine, stream};
use frameloom::audio::{OUTPUT_RATE, Speed, Stretcher};

/// Stretches stereo `planes` at `speed` in chunks of `sizes`.
fn stretch(speed: f64, planes: &[Vec<f32>], sizes: &[usize]) -> Vec<Vec<f32>> {
    let mut s = Stretcher::new(Speed::new(speed).unwrap(), planes.len()).unwrap();
    stream(&mut s, OUTPUT_RATE, planes, sizes)
}

#[test]
fn tone_keeps_pitch_level_and_exact_length() {
    let frames = 48_000;
    let input = vec![sine(OUTPUT_RATE, 440.0, 0.5, frames), sine(OUTPUT_RATE, 440.0, 0.25, frames)];
    for speed in [0.25, 0.5, 0.8, 1.5, 2.0, 4.0] {
        let out = stretch(speed, &input, &[4096]);
        let expected = (frames as f64 / speed).round() as usize;
        assert_eq!(out[0].len(), expected, "speed {speed}: length");
        let steady = &out[0][expected / 10..expected * 9 / 10];
        let f = frequency(steady, OUTPUT_RATE);
        assert!((f / 440.0 - 1.0).abs() < 0.02, "speed {speed}: pitch {f} Hz");
        let level = db(rms(steady) / (0.5 / 2f64.sqrt()));
        assert!(level.abs() < 1.0, "speed {speed}: level {level} dB");
        let balance = db(rms(&out[1][expected / 10..expected * 9 / 10]) / rms(steady));
        assert!((balance + 6.02).abs() < 0.1, "speed {speed}: stereo balance {balance} dB");
    }
}

#[test]
fn splices_do_not_click() {
    // A sine's largest step between samples is 2π·f·A/rate; a splice that jumps would exceed it.
    let input = vec![sine(OUTPUT_RATE, 440.0, 0.5, 48_000)];
    let limit = std::f32::consts::TAU * 440.0 * 0.5 / OUTPUT_RATE as f32 * 1.05;
    for speed in [0.25, 0.6, 1.5, 4.0] {
        let out = stretch(speed, &input, &CHUNKS);
        let step = out[0].windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0f32, f32::max);
        assert!(step < limit, "speed {speed}: step {step} > {limit}");
    }
}

#[test]
fn half_and_double_speed_keep_a_tone_pitch_within_2_percent() {
    let input = vec![sine(OUTPUT_RATE, 440.0, 0.5, 96_000); 2];
    for speed in [0.5, 2.0] {
        let out = stretch(speed, &input, &[960]);
        assert_eq!(out[0].len(), (96_000.0 / speed) as usize);
        let f = frequency(&out[0], OUTPUT_RATE);
        assert!((f / 440.0 - 1.0).abs() < 0.02, "speed {speed}: {f} Hz");
    }
}

#[test]
fn speed_one_is_bit_exact_passthrough() {
    let input = vec![sine(OUTPUT_RATE, 1234.5, 0.7, 10_000), sine(OUTPUT_RATE, 99.0, 0.1, 10_000)];
    assert_eq!(stretch(1.0, &input, &CHUNKS), input);
}

#[test]
fn chunking_gives_identical_output() {
    let input = vec![sine(OUTPUT_RATE, 440.0, 0.5, 30_000), sine(OUTPUT_RATE, 660.0, 0.5, 30_000)];
    for speed in [0.25, 0.7, 1.9, 4.0] {
        assert_eq!(stretch(speed, &input, &[usize::MAX]), stretch(speed, &input, &CHUNKS), "speed {speed}");
    }
}

#[test]
fn length_is_exact_for_short_and_odd_streams() {
    for speed in [0.25, 0.5, 1.3, 2.0, 4.0] {
        for frames in [0usize, 1, 3, 767, 1536, 2001, 7777] {
            let out = stretch(speed, &[vec![0.3; frames]], &[500]);
            assert_eq!(out[0].len() as u64, Speed::new(speed).unwrap().output_frames(frames as u64), "speed {speed}, {frames} frames");
        }
    }
}

#[test]
fn output_starts_on_the_first_input_frame() {
    // A tone that starts at once must not fade in: the first hop is already at full level.
    let out = stretch(0.5, &[sine(OUTPUT_RATE, 440.0, 0.5, 20_000)], &[4096]);
    let first = rms(&out[0][..768]);
    assert!(db(first / (0.5 / 2f64.sqrt())).abs() < 1.0, "first hop at {} dB", db(first / (0.5 / 2f64.sqrt())));
}

#[test]
fn rejects_bad_speed_and_format() {
    for bad in [0.0, 0.24, 4.01, f64::NAN, -1.0] {
        assert_eq!(Speed::new(bad).unwrap_err().code(), "audio_speed_out_of_range");
    }
    let mut s = Stretcher::new(Speed::new(2.0).unwrap(), 2).unwrap();
    assert_eq!(s.process(&block(44_100, 0, vec![vec![0.0; 8]; 2])).unwrap_err().code(), "audio_format_mismatch");
}
