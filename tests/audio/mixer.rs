//! Mixer: sample-exact envelopes at timeline positions, silence in gaps, block sizes, limiting.

use crate::signal::{block, sine};
use frameloom::audio::{AudioBlock, Envelope, FadeCurve, LayerId, LayerSpec, MixPoll, Mixer, OUTPUT_RATE, Volume};

/// One layer's content and slot for a test.
struct Source {
    spec: LayerSpec,
    planes: Vec<Vec<f32>>,
}

/// Mixes `sources` over `[start, end)` with `block_frames`, pushing each layer's audio in
/// chunks of `chunk` frames only when asked; returns the output planes and block sizes.
fn mix(sources: &[Source], start: i64, end: i64, block_frames: usize, chunk: usize) -> (Vec<Vec<f32>>, Vec<usize>) {
    let mut mixer = Mixer::new(start, end, block_frames).unwrap();
    let ids: Vec<LayerId> = sources.iter().map(|s| mixer.add_layer(s.spec)).collect();
    let mut sent = vec![0usize; sources.len()];
    let (mut out, mut sizes) = (vec![Vec::new(); 2], Vec::new());
    loop {
        match mixer.poll() {
            MixPoll::Block(b) => {
                assert_eq!((b.start(), b.sample_rate(), b.channels()), (start + out[0].len() as i64, OUTPUT_RATE, 2));
                sizes.push(b.frames());
                for (o, p) in out.iter_mut().zip(b.planes()) {
                    o.extend_from_slice(p);
                }
            }
            MixPoll::NeedInput(id) => {
                let i = ids.iter().position(|&x| x == id).unwrap();
                let planes = &sources[i].planes;
                let n = chunk.min(planes[0].len() - sent[i]);
                if n == 0 {
                    mixer.end_layer(id).unwrap();
                    continue;
                }
                let part = planes.iter().map(|p| p[sent[i]..sent[i] + n].to_vec()).collect();
                mixer.push(id, &block(OUTPUT_RATE, 0, part)).unwrap();
                sent[i] += n;
            }
            MixPoll::Done => return (out, sizes),
        }
    }
}

fn dc(left: f32, right: f32, frames: usize) -> Vec<Vec<f32>> {
    vec![vec![left; frames], vec![right; frames]]
}

/// Two overlapping layers: A (full volume, 960-frame linear fade-out) then B (volume 0.5, 960-frame linear fade-in).
fn crossfade() -> Vec<Source> {
    vec![
        Source { spec: LayerSpec { start: 1000, envelope: Envelope::new(4800, Volume::UNITY, 0, 960, FadeCurve::Linear) }, planes: dc(0.25, -0.25, 4800) },
        Source { spec: LayerSpec { start: 4840, envelope: Envelope::new(4800, Volume::new(0.5).unwrap(), 960, 0, FadeCurve::Linear) }, planes: dc(0.4, 0.4, 4800) },
    ]
}

#[test]
fn two_layers_give_the_expected_envelope_at_exact_frames() {
    let (out, sizes) = mix(&crossfade(), 0, 12_000, 1024, 333);
    assert_eq!(sizes, [vec![1024; 11], vec![736]].concat());
    let expected = |t: i64| -> f32 {
        let a = match t - 1000 {
            0..3840 => 0.25,
            i @ 3840..4800 => 0.25 * (4799 - i) as f32 / 960.0,
            _ => 0.0,
        };
        let b = match t - 4840 {
            i @ 0..960 => 0.4 * 0.5 * i as f32 / 960.0,
            960..4800 => 0.2,
            _ => 0.0,
        };
        a + b
    };
    for t in 0..12_000 {
        assert!((out[0][t as usize] - expected(t)).abs() < 1e-6, "frame {t}: {} vs {}", out[0][t as usize], expected(t));
    }
    // Sample-exact landmarks: silence before, first frame of A, A's fade meeting B's, B alone, silence after.
    assert_eq!(out[0][999], 0.0);
    assert_eq!(out[0][1000], 0.25);
    assert_eq!(out[1][1000], -0.25);
    assert!((out[0][5320] - (0.25 * 479.0 / 960.0 + 0.1)).abs() < 1e-6);
    assert_eq!(out[0][5800], 0.2);
    assert_eq!(out[0][9639], 0.2);
    assert!(out[0][9640..].iter().chain(&out[1][9640..]).all(|&x| x == 0.0));
    assert!(out[0][..1000].iter().all(|&x| x == 0.0));
}

#[test]
fn block_size_and_push_chunks_do_not_change_the_mix() {
    let (reference, _) = mix(&crossfade(), 0, 12_000, 1024, 333);
    for (block_frames, chunk) in [(960, 1), (1, 4096), (7, 7), (48_000, 100_000)] {
        assert_eq!(mix(&crossfade(), 0, 12_000, block_frames, chunk).0, reference, "blocks of {block_frames}, pushes of {chunk}");
    }
}

#[test]
fn loud_sums_are_limited_not_clipped() {
    let tone = sine(OUTPUT_RATE, 440.0, 0.9, 4800);
    let layer = || Source { spec: LayerSpec { start: 0, envelope: Envelope::constant(4800, Volume::UNITY) }, planes: vec![tone.clone(), tone.clone()] };
    let (out, _) = mix(&[layer(), layer()], 0, 4800, 960, 960);
    let peak = out[0].iter().fold(0.0f32, |m, &x| m.max(x.abs()));
    assert!(peak <= 1.0 && peak > 0.97, "peak {peak}");
    // Quiet parts pass untouched.
    assert!((out[0][1] - 2.0 * tone[1]).abs() < 1e-7);
}

#[test]
fn a_layer_started_before_the_mixer_is_joined_midway() {
    let ramp: Vec<f32> = (0..4000).map(|i| i as f32 / 8000.0).collect();
    let source = Source { spec: LayerSpec { start: 500, envelope: Envelope::constant(4000, Volume::UNITY) }, planes: vec![ramp.clone(), ramp.clone()] };
    let (out, _) = mix(&[source], 2_000, 6_000, 1024, 777);
    assert_eq!(out[0][..2500], ramp[1500..]);
    assert!(out[0][2500..].iter().all(|&x| x == 0.0));
}

#[test]
fn a_layer_ended_early_is_silent_for_the_rest_of_its_slot() {
    let source = Source { spec: LayerSpec { start: 10, envelope: Envelope::constant(1000, Volume::UNITY) }, planes: dc(0.5, 0.5, 300) };
    let (out, _) = mix(&[source], 0, 2000, 256, 64);
    assert!(out[0][10..310].iter().all(|&x| x == 0.5));
    assert!(out[0][..10].iter().chain(&out[0][310..]).all(|&x| x == 0.0));
}

#[test]
fn extra_audio_is_dropped_and_bad_calls_are_typed_errors() {
    let mut mixer = Mixer::new(0, 100, 50).unwrap();
    let id = mixer.add_layer(LayerSpec { start: 0, envelope: Envelope::constant(60, Volume::UNITY) });
    mixer.push(id, &block(OUTPUT_RATE, 0, dc(0.5, 0.5, 1000))).unwrap();
    let MixPoll::Block(first) = mixer.poll() else { panic!("first block") };
    let MixPoll::Block(second) = mixer.poll() else { panic!("second block") };
    assert_eq!((first.planes()[0][49], second.planes()[0][9], second.planes()[0][10]), (0.5, 0.5, 0.0));
    assert_eq!(mixer.poll(), MixPoll::Done);
    // The layer is finished: more audio is ignored, unknown ids and wrong formats are errors.
    mixer.push(id, &block(OUTPUT_RATE, 0, dc(0.5, 0.5, 10))).unwrap();
    assert_eq!(mixer.push(LayerId(7), &block(OUTPUT_RATE, 0, dc(0.5, 0.5, 10))).unwrap_err().code(), "audio_unknown_layer");
    assert_eq!(mixer.end_layer(LayerId(7)).unwrap_err().code(), "audio_unknown_layer");
    assert_eq!(mixer.push(id, &AudioBlock::silence(44_100, 2, 0, 4).unwrap()).unwrap_err().code(), "audio_format_mismatch");
    assert_eq!(Mixer::new(10, 5, 960).unwrap_err().code(), "audio_inverted_range");
    assert_eq!(Mixer::new(0, 5, 0).unwrap_err().code(), "audio_block_size_out_of_range");
}
