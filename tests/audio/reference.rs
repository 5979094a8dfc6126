//! Against a reference: real AAC decoded by ffmpeg, resampled by us and by ffmpeg's own resampler.

use crate::common::fixture_dir;
use frameloom::audio::{AudioBlock, ChainPoll, ClipChain, Speed};
use frameloom::time;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs ffmpeg with fixed arguments, panicking with its stderr on failure.
fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg").arg("-nostdin").args(["-hide_banner", "-v", "error", "-y"]).args(args).output().expect("ffmpeg runs");
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Reads interleaved little-endian f32 samples.
fn read_f32(path: &Path) -> Vec<f32> {
    std::fs::read(path).expect("read raw audio").chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// A 2 s stereo AAC file at 44.1 kHz: pink noise band-limited to 16 kHz (made at 32 kHz), right = −½ left.
fn aac_fixture() -> PathBuf {
    let path = fixture_dir().join("audio_pink_44k1.m4a");
    if !path.exists() {
        let tmp = fixture_dir().join("audio_pink_44k1.tmp.m4a");
        let tmp_s = tmp.to_str().expect("utf-8 path");
        ffmpeg(&["-f", "lavfi", "-i", "anoisesrc=color=pink:sample_rate=32000:duration=2:seed=7:amplitude=0.3", "-af", "pan=stereo|c0=c0|c1=-0.5*c0,aresample=44100:resampler=soxr:precision=28", "-c:a", "aac", "-b:a", "160k", tmp_s]);
        std::fs::rename(&tmp, &path).expect("rename fixture");
    }
    path
}

#[test]
fn aac_decoded_and_resampled_matches_ffmpeg_resampler() {
    let aac = aac_fixture();
    let dir = fixture_dir();
    let (decoded, resampled) = (dir.join("audio_pink_44k1.f32"), dir.join("audio_pink_48k_ffmpeg.f32"));
    let aac_s = aac.to_str().expect("utf-8 path");
    ffmpeg(&["-i", aac_s, "-f", "f32le", decoded.to_str().expect("utf-8 path")]);
    ffmpeg(&["-i", aac_s, "-af", "aresample=48000", "-f", "f32le", resampled.to_str().expect("utf-8 path")]);
    let input = read_f32(&decoded);
    let reference = read_f32(&resampled);

    // Feed the decoder's output in AAC-sized blocks with their timestamps, as the renderer will.
    let frames = input.len() / 2;
    let mut chain = ClipChain::new(0, time::ticks_to_us(frames as i64, 44_100), Speed::NORMAL).unwrap();
    let mut blocks = input.chunks(2 * 1024).enumerate().map(|(i, chunk)| AudioBlock::from_interleaved(44_100, 2, i as i64 * 1024, chunk).unwrap());
    let mut ours = Vec::new();
    loop {
        match chain.poll().unwrap() {
            ChainPoll::Audio(b) => ours.extend(b.to_interleaved()),
            ChainPoll::NeedInput => match blocks.next() {
                Some(b) => chain.push(&b).unwrap(),
                None => chain.end_input(),
            },
            ChainPoll::Done => break,
        }
    }

    assert_eq!(ours.len(), reference.len(), "same length as ffmpeg: round(N · 48000 / 44100) frames");
    // Compare away from the stream's very edges, where the two treat the outside differently.
    let range = 2 * 200..ours.len() - 2 * 200;
    let signal: f64 = reference[range.clone()].iter().map(|&x| (x as f64).powi(2)).sum();
    let noise: f64 = ours[range.clone()].iter().zip(&reference[range]).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum();
    let snr = 10.0 * (signal / noise).log10();
    assert!(snr > 90.0, "agreement with ffmpeg's resampler: {snr:.1} dB");
}
