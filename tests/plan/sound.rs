//! Audio clips for the mixer, and what each source must provide.

use super::*;
use frameloom::audio::{AudioBlock, ChainPoll, MixPoll, us_to_frame};
use frameloom::plan::{AudioClip, SourceNeeds, TrackRange};

fn sources() -> Value {
    json!({
        "a": { "kind": "video", "name": "a.mp4", "size": 1 },
        "mute": { "kind": "video", "name": "mute.mp4", "size": 1 },
        "music": { "kind": "audio", "name": "m.m4a", "size": 1 },
        "logo": { "kind": "image", "name": "l.png", "size": 1 },
        "subs": { "kind": "subtitles", "name": "s.vtt", "size": 1 },
        "font": { "kind": "font", "name": "f.woff2", "size": 1 },
        "unused": { "kind": "video", "name": "u.mp4", "size": 1 }
    })
}

fn all_probes() -> BTreeMap<String, ProbeInfo> {
    probes(vec![
        ("a", clip_probe(20)),
        ("mute", media_probe(Some((1280, 720, 0)), false, 20 * S, vec![0])),
        ("music", media_probe(None, true, 60 * S, vec![])),
    ])
}

#[test]
fn video_and_audio_layers_become_clips() {
    let p = project_with(
        json!({}),
        sources(),
        json!([
            { "duration": 2 },
            { "duration": 8, "layers": [
                { "type": "video", "source": "a", "start": 1, "trimStart": 5, "trimEnd": 9, "speed": 2, "volume": 0.5, "fadeIn": 0.5 },
                { "type": "video", "source": "mute", "trimEnd": 3 },
                { "type": "video", "source": "a", "trimEnd": 3, "volume": 0 },
                { "type": "audio", "source": "music", "start": 0.25, "trimStart": 30, "trimEnd": 40, "fadeOut": 4 },
                { "type": "audio", "source": "a", "trimStart": 1, "trimEnd": 2 }
            ] }
        ]),
    );
    let plan = plan_ok(&p, &all_probes());
    let expected_video = AudioClip {
        scene: 1,
        layer: 0,
        source: "a".into(),
        track_id: 2,
        timeline_start_us: 3 * S,
        timeline_end_us: 5 * S,
        own_end_us: 5 * S,
        source_in_us: 5 * S,
        source_out_us: 9 * S,
        speed: 2.0,
        volume: 0.5,
        fade_in_us: 500_000,
        fade_out_us: 0,
        decode_from_us: 4_920_000,
    };
    assert_eq!(plan.audio[0], expected_video);
    // The silent file and the muted layer add nothing (and are no error); the music is cut by the scene.
    let layers: Vec<usize> = plan.audio.iter().map(|c| c.layer).collect();
    assert_eq!(layers, [0, 3, 4]);
    let music = &plan.audio[1];
    assert_eq!((music.timeline_start_us, music.timeline_end_us, music.own_end_us), (2_250_000, 10 * S, 12_250_000));
    assert_eq!((music.source_in_us, music.source_out_us, music.track_id), (30 * S, 37_750_000, 2));

    // The helpers feed the audio module directly.
    let spec = music.layer_spec().unwrap();
    assert_eq!(spec.start, us_to_frame(2_250_000));
    assert_eq!(spec.envelope.frames(), 372_000, "7.75 s at 48 kHz: cut at the scene's end");
    // Linear fade-out over 4 s ending at 12.25 s, so at the cut (10 s) the gain is still 2.25/4.
    let last = spec.envelope.at(371_999);
    assert!((last - 2.25 / 4.0).abs() < 1e-4, "cut, not faded: {last}");
    let spec = plan.audio[0].layer_spec().unwrap();
    assert_eq!(spec.envelope.fades(), (24_000, 0));
    assert!((spec.envelope.at(12_000) - 0.25).abs() < 1e-6, "volume × linear fade-in");
    assert!(plan.audio[0].clip_chain().is_ok());
}

#[test]
fn the_plan_drives_the_mixer_to_the_timeline_length() {
    let p = project_with(
        json!({ "audioCodec": "opus" }),
        sources(),
        json!([{ "duration": 1, "layers": [{ "type": "audio", "source": "music", "start": 0.5, "trimStart": 2, "trimEnd": 3 }] }]),
    );
    let plan = plan_ok(&p, &all_probes());
    let mut mixer = plan.mixer().expect("audio output").unwrap();
    let clip = &plan.audio[0];
    let id = mixer.add_layer(clip.layer_spec().unwrap());
    let mut chain = clip.clip_chain().unwrap();
    // Decoded stand-in: constant 0.5 from the decode start, 1024 frames at a time.
    let mut next = us_to_frame(clip.decode_from_us);
    let (mut frames, mut loud_from) = (0, None);
    loop {
        match mixer.poll() {
            MixPoll::Block(block) => {
                assert!(block.frames() <= 960, "opus-sized blocks");
                if loud_from.is_none() {
                    loud_from = block.planes()[0].iter().position(|&x| x != 0.0).map(|i| frames + i);
                }
                frames += block.frames();
            }
            MixPoll::NeedInput(_) => match chain.poll().unwrap() {
                ChainPoll::Audio(audio) => mixer.push(id, &audio).unwrap(),
                ChainPoll::NeedInput => {
                    chain.push(&AudioBlock::new(48_000, next, vec![vec![0.5; 1024]; 2]).unwrap()).unwrap();
                    next += 1024;
                }
                ChainPoll::Done => mixer.end_layer(id).unwrap(),
            },
            MixPoll::Done => break,
        }
    }
    assert_eq!(frames, 48_000, "one second of timeline");
    assert_eq!(loud_from, Some(24_000), "the clip sounds from 0.5 s");
}

#[test]
fn no_audio_output_means_no_clips_and_no_audio_probes() {
    let p = project_with(
        json!({ "audioCodec": "none" }),
        sources(),
        json!([{ "layers": [
            { "type": "video", "source": "a", "trimEnd": 2 },
            { "type": "audio", "source": "music", "trimEnd": 2 }
        ] }]),
    );
    let plan = plan_ok(&p, &probes(vec![("a", clip_probe(20))]));
    assert!(plan.audio.is_empty() && plan.mixer().is_none());
    assert!(plan.sources["a"].audio.is_empty() && !plan.sources.contains_key("music"));
}

#[test]
fn sources_say_what_to_decode_and_where_to_start() {
    let p = project_with(
        json!({}),
        sources(),
        json!([{ "layers": [
            { "type": "video", "source": "a", "trimStart": 5, "trimEnd": 7 },
            { "type": "video", "source": "a", "start": 1, "trimStart": 6.5, "trimEnd": 9 },
            { "type": "video", "source": "a", "trimStart": 15, "trimEnd": 16 },
            { "type": "image", "source": "logo" },
            { "type": "subtitles", "source": "subs", "style": { "font": "font" } },
            { "type": "text", "text": "t", "style": { "font": "font" } }
        ] }]),
    );
    let plan = plan_ok(&p, &all_probes());
    let a = &plan.sources["a"];
    let video: Vec<(i64, i64, i64)> = a.video.iter().map(|r| (r.from_us, r.to_us, r.decode_from_us)).collect();
    assert_eq!(video, [(5 * S, 7 * S, 4 * S), (6_500_000, 9 * S, 6 * S), (15 * S, 16 * S, 14 * S)]);
    assert_eq!(a.audio[0], TrackRange { track_id: 2, from_us: 5 * S, to_us: 7 * S, decode_from_us: 4_920_000 });
    assert_eq!(a.spans(), [(4 * S, 9 * S), (14 * S, 16 * S)]);
    assert!(!a.whole_file);
    let whole = SourceNeeds { whole_file: true, video: vec![], audio: vec![] };
    for id in ["logo", "subs", "font"] {
        assert_eq!(plan.sources[id], whole, "{id}");
    }
    assert!(!plan.sources.contains_key("unused"));
    let frameloom::plan::Visual::Video(v) = &plan.visuals[1].content else { panic!("video") };
    assert_eq!((v.decode_from_us, v.track_id, v.width, v.height), (6 * S, 1, 1920, 1080));
}
