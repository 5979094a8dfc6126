//! ClipChain: exact trims, sync through gaps and timestamp jitter, speed, long-run drift.

use crate::signal::{block, frequency, sine};
use frameloom::audio::{AudioBlock, ChainPoll, ClipChain, Envelope, LayerSpec, MixPoll, Mixer, OUTPUT_RATE, Resampler, Speed, Volume, us_to_frame};
use frameloom::time;
use std::f64::consts::TAU;

/// Cuts `planes` (source frames from `first`) into decoder-like blocks of `size` frames whose
/// starts come from microsecond timestamps rounded to `clock_us` (1 = MP4, 1000 = WebM's ms clock).
fn decoded(rate: u32, first: i64, planes: &[Vec<f32>], size: usize, clock_us: i64) -> Vec<AudioBlock> {
    (0..planes[0].len())
        .step_by(size)
        .map(|at| {
            let exact_us = time::ticks_to_us(first + at as i64, rate);
            let start = time::us_to_ticks((exact_us + clock_us / 2).div_euclid(clock_us) * clock_us, rate);
            let end = (at + size).min(planes[0].len());
            block(rate, start, planes.iter().map(|p| p[at..end].to_vec()).collect())
        })
        .collect()
}

/// Runs blocks through a chain, pushing only when asked; returns the layer's left and right planes.
fn run(mut chain: ClipChain, blocks: &[AudioBlock]) -> Vec<Vec<f32>> {
    let mut out = vec![Vec::new(), Vec::new()];
    let mut blocks = blocks.iter();
    loop {
        match chain.poll().unwrap() {
            ChainPoll::Audio(b) => {
                assert_eq!(b.start(), out[0].len() as i64, "layer stream is contiguous");
                for (o, p) in out.iter_mut().zip(b.planes()) {
                    o.extend_from_slice(p);
                }
            }
            ChainPoll::NeedInput => match blocks.next() {
                Some(b) => chain.push(b).unwrap(),
                None => chain.end_input(),
            },
            ChainPoll::Done => return out,
        }
    }
}

/// A `freq` Hz sine of peak 0.5 as it sounds at source time `t` seconds.
fn tone_at(freq: f64, t: f64) -> f32 {
    (0.5 * (TAU * freq * t).sin()) as f32
}

#[test]
fn trims_at_the_exact_source_frame_and_keeps_phase() {
    // Decoding starts at 1.0 s (the keyframe before the 1.3 s cut); the clip plays 1.3 s – 2.3 s.
    let rate = 44_100;
    let source = sine(rate, 1000.0, 0.5, 3 * rate as usize);
    let blocks = decoded(rate, rate as i64, &[source[rate as usize..].to_vec()], 1024, 1);
    let out = run(ClipChain::new(1_300_000, 2_300_000, Speed::NORMAL).unwrap(), &blocks);
    assert_eq!(out[0].len(), 48_000, "one second at 48 kHz");
    // Layer frame k is source time 1.3 s + k/48000 s: compare with the ideal tone away from the hard cut's edges.
    for (k, &x) in out[0].iter().enumerate().take(47_800).skip(200) {
        let ideal = tone_at(1000.0, 1.3 + k as f64 / 48_000.0);
        assert!((x - ideal).abs() < 1e-3, "frame {k}: {x} vs {ideal}");
    }
    assert_eq!(out[0], out[1], "mono goes to both sides");
}

#[test]
fn block_sizes_do_not_change_the_layer_audio() {
    let rate = 22_050u32;
    let source = sine(rate, 440.0, 0.5, rate as usize);
    let cut = |sizes: &[usize]| {
        let (mut at, mut blocks) = (0usize, Vec::new());
        for &n in sizes.iter().cycle() {
            if at >= source.len() {
                break;
            }
            let end = (at + n).min(source.len());
            blocks.push(block(rate, at as i64, vec![source[at..end].to_vec()]));
            at = end;
        }
        blocks
    };
    let chain = || ClipChain::new(100_000, 900_000, Speed::new(0.7).unwrap()).unwrap();
    let whole = run(chain(), &cut(&[usize::MAX]));
    assert_eq!(whole, run(chain(), &cut(&[1, 7, 333, 4096])));
}

#[test]
fn missing_blocks_become_silence_and_sync_holds_after_them() {
    let rate = 48_000;
    let source = sine(rate, 440.0, 0.5, rate as usize);
    let mut blocks = decoded(rate, 0, &[source.clone(), source], 960, 1);
    blocks.remove(10); // frames 9600..10560 never arrive
    let out = run(ClipChain::new(0, 1_000_000, Speed::NORMAL).unwrap(), &blocks);
    assert_eq!(out[0].len(), 48_000);
    assert!(out[0][9600..10_560].iter().all(|&x| x == 0.0));
    for k in (0..9600).chain(10_560..48_000) {
        assert!((out[0][k] - tone_at(440.0, k as f64 / 48_000.0)).abs() < 1e-6, "frame {k}");
    }
}

#[test]
fn millisecond_timestamp_jitter_does_not_cut_the_stream() {
    let rate = 44_100;
    let source = sine(rate, 1000.0, 0.5, rate as usize);
    let exact = run(ClipChain::new(0, 1_000_000, Speed::NORMAL).unwrap(), &decoded(rate, 0, std::slice::from_ref(&source), 1024, 1));
    let jittery = run(ClipChain::new(0, 1_000_000, Speed::NORMAL).unwrap(), &decoded(rate, 0, &[source], 1024, 1000));
    assert_eq!(exact, jittery);
}

#[test]
fn surround_input_is_downmixed_then_resampled() {
    let rate = 32_000;
    let tone = sine(rate, 500.0, 0.5, rate as usize / 2);
    let silent = vec![0.0; tone.len()];
    // 5.1 with the tone on the centre channel only: both sides at −3 dB.
    let planes = vec![silent.clone(), silent.clone(), tone, silent.clone(), silent.clone(), silent];
    let out = run(ClipChain::new(0, 500_000, Speed::NORMAL).unwrap(), &decoded(rate, 0, &planes, 1536, 1));
    assert_eq!(out[0].len(), 24_000);
    assert_eq!(out[0], out[1], "centre goes equally to both sides");
    for (k, &x) in out[0].iter().enumerate().take(23_500).skip(500) {
        let ideal = std::f32::consts::FRAC_1_SQRT_2 * tone_at(500.0, k as f64 / 48_000.0);
        assert!((x - ideal).abs() < 1e-3, "frame {k}: {x} vs {ideal}");
    }
}

#[test]
fn speed_changes_length_exactly_and_keeps_pitch() {
    let rate = 22_050;
    let source = sine(rate, 440.0, 0.5, rate as usize * 2);
    let chain = ClipChain::new(500_000, 1_500_000, Speed::new(2.0).unwrap()).unwrap();
    let out = run(chain, &decoded(rate, 0, &[source], 1024, 1));
    let resampled = Resampler::new(rate, OUTPUT_RATE, 2).unwrap().output_frames(rate as u64);
    assert_eq!(out[0].len() as u64, Speed::new(2.0).unwrap().output_frames(resampled));
    assert_eq!(out[0].len(), 24_000);
    assert!((frequency(&out[0][2_000..22_000], OUTPUT_RATE) / 440.0 - 1.0).abs() < 0.02);
}

/// A clip for the renderer-like loop: decoded blocks, source range, speed, timeline start.
struct Clip {
    blocks: Vec<AudioBlock>,
    in_us: i64,
    out_us: i64,
    speed: f64,
    timeline_us: i64,
}

/// Renders clips the way the renderer will: a chain per clip feeding a mixer layer on demand.
fn render_timeline(clips: Vec<Clip>, end_us: i64) -> Vec<f32> {
    let mut mixer = Mixer::new(0, us_to_frame(end_us), 960).unwrap();
    let mut layers = Vec::new();
    for clip in clips {
        let speed = Speed::new(clip.speed).unwrap();
        let end_us = clip.timeline_us + ((clip.out_us - clip.in_us) as f64 / clip.speed).round() as i64;
        let (start, end) = (us_to_frame(clip.timeline_us), us_to_frame(end_us));
        let id = mixer.add_layer(LayerSpec { start, envelope: Envelope::constant((end - start) as u64, Volume::UNITY) });
        layers.push((id, ClipChain::new(clip.in_us, clip.out_us, speed).unwrap(), clip.blocks.into_iter()));
    }
    let mut out = Vec::new();
    loop {
        match mixer.poll() {
            MixPoll::Block(b) => out.extend_from_slice(&b.planes()[0]),
            MixPoll::NeedInput(id) => {
                let (_, chain, blocks) = layers.iter_mut().find(|(i, _, _)| *i == id).unwrap();
                match chain.poll().unwrap() {
                    ChainPoll::Audio(b) => mixer.push(id, &b).unwrap(),
                    ChainPoll::NeedInput => match blocks.next() {
                        Some(b) => chain.push(&b).unwrap(),
                        None => chain.end_input(),
                    },
                    ChainPoll::Done => mixer.end_layer(id).unwrap(),
                }
            }
            MixPoll::Done => return out,
        }
    }
}

#[test]
fn trimmed_sped_up_and_concatenated_clips_stay_in_sync_for_a_minute() {
    // A 48 kHz source (WebM-like millisecond timestamps) with a 100 ms 1 kHz burst every 6 s.
    // Clip A plays 3 s – 33 s at 1.5× on timeline 0 – 20 s; clip B plays 33 s – 45 s at 0.8× on
    // 20 s – 35 s; C plays 45 s – 64 s at 1× on 35 s – 54 s.
    let rate = 48_000usize;
    let mut source = vec![0.0f32; 64 * rate];
    let tone = sine(rate as u32, 1000.0, 0.5, source.len());
    for burst in (0..64).step_by(6) {
        let at = burst * rate;
        source[at..at + rate / 10].copy_from_slice(&tone[at..at + rate / 10]);
    }
    let blocks = decoded(rate as u32, 0, &[source], 1024, 1000);
    let clip = |in_s: i64, out_s: i64, speed: f64, timeline_us: i64| Clip { blocks: blocks.clone(), in_us: in_s * 1_000_000, out_us: out_s * 1_000_000, speed, timeline_us };
    let out = render_timeline(vec![clip(3, 33, 1.5, 0), clip(33, 45, 0.8, 20_000_000), clip(45, 64, 1.0, 35_000_000)], 54_000_000);
    // Where the timeline says each burst plays.
    let timeline_s = |t: f64| if t < 33.0 { (t - 3.0) / 1.5 } else if t < 45.0 { 20.0 + (t - 33.0) / 0.8 } else { 35.0 + t - 45.0 };
    let mut errors = Vec::new();
    for burst in (6..64).step_by(6) {
        let expected = (timeline_s(burst as f64) * 48_000.0).round() as i64;
        let from = (expected - 12_000).max(0) as usize;
        let onset = from + out[from..].iter().position(|x| x.abs() > 0.25).expect("burst present");
        errors.push(onset as i64 - expected);
    }
    let video_frame = 48_000 / 60;
    assert!(errors.iter().all(|e| e.abs() < video_frame), "burst onsets off by {errors:?} frames");
    let spread = errors.iter().max().unwrap() - errors.iter().min().unwrap();
    assert!(spread < video_frame, "onset errors drift: {errors:?}");
    // The 1× clip is sample-exact: its burst at 48 s lands on timeline 38 s, where the detector
    // fires 5 frames in (0.5·sin first exceeds 0.25 at 1/12 of a 1 kHz period, frame 4.0).
    assert_eq!(errors.last(), Some(&5), "{errors:?}");
}

#[test]
fn long_gaps_are_filled_piece_by_piece() {
    // The first block arrives 30 s into the clip (an audio track that starts late).
    let mut chain = ClipChain::new(0, 31_000_000, Speed::NORMAL).unwrap();
    assert_eq!(chain.poll().unwrap(), ChainPoll::NeedInput);
    chain.push(&block(44_100, 30 * 44_100, vec![vec![0.5; 44_100]])).unwrap();
    let (mut total, mut largest, mut first_sound) = (0, 0, None);
    loop {
        match chain.poll().unwrap() {
            ChainPoll::Audio(b) => {
                if first_sound.is_none() {
                    first_sound = b.planes()[0].iter().position(|&x| x != 0.0).map(|i| b.start() + i as i64);
                }
                largest = largest.max(b.frames());
                total += b.frames();
            }
            ChainPoll::NeedInput => chain.end_input(),
            ChainPoll::Done => break,
        }
    }
    assert_eq!(total, 31 * 48_000);
    assert!(largest <= 48_000, "no piece holds the whole gap: {largest} frames");
    // The kernel rings a little ahead of the step at 30 s, never earlier than its half-width.
    let onset = first_sound.expect("audio after the gap");
    assert!((30 * 48_000 - 80..=30 * 48_000).contains(&onset), "sound starts at {onset}");
}

#[test]
fn never_asks_for_blocks_past_the_range() {
    let mut chain = ClipChain::new(0, 100_000, Speed::NORMAL).unwrap();
    assert_eq!(chain.poll().unwrap(), ChainPoll::NeedInput);
    chain.push(&block(48_000, 0, vec![vec![0.1; 9600]])).unwrap();
    let ChainPoll::Audio(b) = chain.poll().unwrap() else { panic!("audio") };
    assert_eq!(b.frames(), 4800, "only the clip's 100 ms");
    assert!(matches!(chain.poll().unwrap(), ChainPoll::Audio(tail) if tail.frames() == 0));
    assert_eq!(chain.poll().unwrap(), ChainPoll::Done);
}

#[test]
fn rate_changes_and_inverted_ranges_are_typed_errors() {
    let mut chain = ClipChain::new(0, 1_000_000, Speed::NORMAL).unwrap();
    chain.push(&block(44_100, 0, vec![vec![0.0; 1024]])).unwrap();
    assert_eq!(chain.push(&block(48_000, 1024, vec![vec![0.0; 1024]])).unwrap_err().code(), "audio_sample_rate_changed");
    assert_eq!(ClipChain::new(5, 4, Speed::NORMAL).unwrap_err().code(), "audio_inverted_range");
    // A chain whose source had no audio at all is done at once.
    let mut empty = ClipChain::new(0, 10, Speed::NORMAL).unwrap();
    empty.end_input();
    assert_eq!(empty.poll().unwrap(), ChainPoll::Done);
}
