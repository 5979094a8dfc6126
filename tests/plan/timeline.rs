//! Segments, the frame grid, source time mapping and opacity.

use super::*;
use frameloom::plan::{FrameRate, Visual};
use frameloom::project::Color;

fn layer_sets(plan: &RenderPlan) -> Vec<(i64, i64, Vec<usize>)> {
    plan.segments.iter().map(|s| (s.start_us, s.end_us, s.layers.clone())).collect()
}

/// Segments tile the timeline in order, and their frames tile the frame grid.
fn assert_tiles(plan: &RenderPlan) {
    let (mut t, mut frame) = (0, 0);
    for s in &plan.segments {
        assert_eq!((s.start_us, s.first_frame), (t, frame), "segments are contiguous");
        assert!(s.end_us > s.start_us);
        if let Some(splice) = s.treatment.splice() {
            assert_eq!(splice.shown.to_us - splice.shown.from_us, s.end_us - s.start_us);
        }
        for n in s.frames() {
            let time = plan.output.frame_time_us(n);
            assert!((s.start_us..s.end_us).contains(&time), "frame {n} at {time} outside its segment");
            assert_eq!(plan.segment_of_frame(n), Some(s));
        }
        (t, frame) = (s.end_us, frame + s.frame_count);
    }
    assert_eq!((t, frame), (plan.output.duration_us, plan.output.frame_count));
}

#[test]
fn overlapping_layers_split_the_timeline_where_visibility_changes() {
    let p = project_with(
        json!({}),
        json!({ "a": { "kind": "video", "name": "a.mp4", "size": 1 }, "logo": { "kind": "image", "name": "l.png", "size": 1 } }),
        json!([{ "layers": [
            { "type": "video", "source": "a", "trimEnd": 10 },
            { "type": "image", "source": "logo", "start": 2, "duration": 3 },
            { "type": "text", "text": "hi", "start": 4, "duration": 4 },
            { "type": "audio", "source": "a", "start": 1, "trimEnd": 3 }
        ] }]),
    );
    let plan = plan_ok(&p, &probes(vec![("a", clip_probe(10))]));
    assert_eq!(plan.visuals.len(), 3, "audio layers are not visual");
    assert_eq!(
        layer_sets(&plan),
        vec![
            (0, 2 * S, vec![0]),
            (2 * S, 4 * S, vec![0, 1]),
            (4 * S, 5 * S, vec![0, 1, 2]),
            (5 * S, 8 * S, vec![0, 2]),
            (8 * S, 10 * S, vec![0]),
        ]
    );
    assert_eq!(plan.segments.iter().map(|s| s.frame_count).collect::<Vec<_>>(), [60, 60, 30, 90, 60]);
    let names: Vec<_> = plan.segment_layers(&plan.segments[2]).map(|v| matches!(v.content, Visual::Text)).collect();
    assert_eq!(names, [false, false, true], "bottom first");
    assert_tiles(&plan);
}

#[test]
fn scenes_play_one_after_another() {
    let p = project_with(
        json!({ "fps": 29.97, "background": "#101010" }),
        json!({}),
        json!([
            { "duration": 3, "layers": [{ "type": "text", "text": "one" }] },
            { "duration": 4, "background": "#ff0000", "layers": [{ "type": "text", "text": "two", "start": 1, "duration": 2 }] },
            { "duration": 0.01 }
        ]),
    );
    let plan = plan_ok(&p, &BTreeMap::new());
    assert_eq!(plan.output.duration_us, 7_010_000);
    assert_eq!(
        layer_sets(&plan),
        vec![
            (0, 3 * S, vec![0]),
            (3 * S, 4 * S, vec![]),
            (4 * S, 6 * S, vec![1]),
            (6 * S, 7 * S, vec![]),
            (7 * S, 7_010_000, vec![])
        ]
    );
    assert_eq!(plan.segments.iter().map(|s| s.scene).collect::<Vec<_>>(), [0, 1, 1, 1, 2]);
    assert_eq!(plan.segments[0].background, Color::rgba(0x10, 0x10, 0x10, 255));
    assert_eq!(plan.segments[1].background, Color::rgba(255, 0, 0, 255));
    assert_eq!((plan.visuals[1].scene, plan.visuals[1].layer, plan.visuals[1].start_us), (1, 0, 4 * S));
    // 7.01 s at 29.97: frames start at n·1001/30000 s, so frames 0…210 (7.007 s) start before the end.
    assert_eq!(plan.output.frame_count, 211);
    assert_eq!(plan.segments[4].frame_count, 1, "a 10 ms scene still gets the frame that starts in it");
    assert_tiles(&plan);
}

#[test]
fn a_scene_cuts_its_layers() {
    let p = project_with(
        json!({}),
        json!({ "a": { "kind": "video", "name": "a.mp4", "size": 1 } }),
        json!([
            { "duration": 5, "layers": [{ "type": "video", "source": "a", "trimStart": 1, "trimEnd": 11, "fadeOut": 2, "opacity": 0.5 }] },
            { "duration": 1 }
        ]),
    );
    let plan = plan_ok(&p, &probes(vec![("a", clip_probe(12))]));
    let v = &plan.visuals[0];
    assert_eq!((v.start_us, v.end_us, v.opacity.own_end_us), (0, 5 * S, 10 * S));
    assert_eq!(v.opacity.at(4_900_000), 0.5, "the fade-out (8–10 s) is past the cut: no fade before it");
    assert_eq!(v.opacity.at(5 * S - 1), 0.5);
    assert!(!v.is_visible_at(5 * S));
    let Visual::Video(video) = &v.content else { panic!("video") };
    assert_eq!(video.time.source_time_us(5 * S - 1), 6 * S - 1);
    let clip = &plan.audio[0];
    assert_eq!(
        (clip.timeline_end_us, clip.own_end_us, clip.source_in_us, clip.source_out_us),
        (5 * S, 10 * S, S, 6 * S)
    );
    assert_eq!(plan.sources["a"].video[0].to_us, 6 * S);
    assert_eq!(layer_sets(&plan), vec![(0, 5 * S, vec![0]), (5 * S, 6 * S, vec![])]);
    assert_tiles(&plan);
}

#[test]
fn frame_times_at_29_97_do_not_drift_over_four_hours() {
    let p = project_with(json!({ "fps": 29.97 }), json!({}), json!([{ "duration": 14400 }]));
    let plan = plan_ok(&p, &BTreeMap::new());
    let out = &plan.output;
    assert_eq!(out.frame_rate, FrameRate { num: 30000, den: 1001 });
    // Frames that start before 14 400 s: n·1001/30000 < 14 400 ⇔ n ≤ 431 568.
    assert_eq!(out.frame_count, 431_569);
    for n in 0..=out.frame_count {
        let t = out.frame_time_us(n);
        // t is n·1001/30000 s rounded to the microsecond: |3·t − 100 100·n| ≤ 1 (exact thirds).
        let error = 3 * i128::from(t) - 100_100 * i128::from(n);
        assert!(error.abs() <= 1, "frame {n} at {t} µs drifts");
        assert_eq!(out.frame_at(t), n.min(out.frame_count - 1));
    }
    assert_eq!(out.frame_time_us(431_568), 14_399_985_600);
    assert_eq!(out.video_end_us(), out.frame_time_us(431_569));
    assert!(out.video_end_us() >= out.duration_us);
    assert_eq!(out.frame_duration_us(0) + out.frame_duration_us(1) + out.frame_duration_us(2), 100_100);
}

#[test]
fn source_time_follows_speed_exactly() {
    for (speed, timeline_len_us) in [(0.25, 16 * S), (1.5, 2_666_667), (4.0, S)] {
        let p = project_with(
            json!({}),
            json!({ "a": { "kind": "video", "name": "a.mp4", "size": 1 } }),
            json!([
                { "duration": 2, "layers": [] },
                { "layers": [{ "type": "video", "source": "a", "start": 0.5, "trimStart": 10, "trimEnd": 14, "speed": speed }] }
            ]),
        );
        let plan = plan_ok(&p, &probes(vec![("a", clip_probe(20))]));
        let v = &plan.visuals[0];
        assert_eq!((v.start_us, v.end_us), (2_500_000, 2_500_000 + timeline_len_us), "speed {speed}");
        let Visual::Video(video) = &v.content else { panic!("video") };
        let map = &video.time;
        for elapsed in [0, 1, 3, 333_333, 1_000_000, timeline_len_us / 2] {
            // Independent reference: elapsed · speed in exact rationals, rounded half up.
            let (num, den) = match speed {
                0.25 => (1, 4),
                1.5 => (3, 2),
                _ => (4, 1),
            };
            let expected = 10 * S + (2 * elapsed * num + den) / (2 * den);
            assert_eq!(map.source_time_us(v.start_us + elapsed), expected, "speed {speed}, {elapsed} µs in");
        }
        assert_eq!(map.source_time_us(v.end_us), 14 * S, "the end maps to trimEnd");
        assert_eq!(map.pick_before_us(v.start_us), 10 * S + 1000);
        // Output frames map to increasing source times, within one output frame of speed × t.
        let frames: Vec<i64> = plan
            .segments
            .iter()
            .filter(|s| s.layers == [0])
            .flat_map(|s| s.frames())
            .map(|n| map.source_time_us(plan.output.frame_time_us(n)))
            .collect();
        assert!(frames.windows(2).all(|w| w[1] > w[0]), "speed {speed}");
        assert_eq!(plan.audio[0].speed, speed);
        assert_eq!(plan.audio[0].source_out_us, 14 * S);
    }
}

#[test]
fn opacity_is_the_layer_opacity_times_linear_fades() {
    let p = project_with(
        json!({}),
        json!({}),
        json!([
            { "duration": 1 },
            { "layers": [{ "type": "text", "text": "x", "start": 1, "duration": 4, "opacity": 0.5, "fadeIn": 1, "fadeOut": 2 }] }
        ]),
    );
    let plan = plan_ok(&p, &BTreeMap::new());
    let o = &plan.visuals[0].opacity;
    let at = |s: f64| o.at((s * 1e6) as i64);
    close(at(1.9), 0.0);
    close(at(2.0), 0.0);
    close(at(2.5), 0.25);
    close(at(3.0), 0.5);
    close(at(3.9), 0.5);
    close(at(4.0), 0.5);
    close(at(5.0), 0.25);
    close(at(5.5), 0.125);
    close(at(6.0), 0.0);
}
