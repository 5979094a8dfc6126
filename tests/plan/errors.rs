//! Every planning error, with its path, message and code, all reported at once.

use super::*;
use frameloom::plan::Rotation;

fn video_project(layer: Value) -> Project {
    let mut layer = layer;
    layer["type"] = json!("video");
    layer["source"] = json!("clipA");
    project_with(
        json!({}),
        json!({ "clipA": { "kind": "video", "name": "a.mp4", "size": 1 } }),
        json!([{ "layers": [layer] }]),
    )
}

fn one_error(project: &Project, probes: &BTreeMap<String, ProbeInfo>) -> PlanError {
    let errors = plan_err(project, probes);
    assert_eq!(errors.len(), 1, "{}", shown(&errors));
    errors.into_iter().next().unwrap()
}

#[test]
fn trim_past_the_end_of_the_source() {
    let e = one_error(&video_project(json!({ "trimEnd": 12 })), &probes(vec![("clipA", clip_probe(10))]));
    assert_eq!(
        e.to_string(),
        "scenes[0].layers[0].trimEnd: is 12.0 s but clipA lasts 10.0 s; lower trimEnd to at most 10.0"
    );
    assert_eq!(e.code(), "trim_past_end");
    // Exactly the length is fine.
    plan_ok(&video_project(json!({ "trimEnd": 10 })), &probes(vec![("clipA", clip_probe(10))]));
}

#[test]
fn missing_probe_and_missing_tracks() {
    let e = one_error(&video_project(json!({ "trimEnd": 1 })), &BTreeMap::new());
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[0].source", "missing_probe"));
    assert!(e.message().contains("\"clipA\""), "{e}");

    let sound_only = media_probe(None, true, 10 * S, vec![]);
    let e = one_error(&video_project(json!({ "trimEnd": 1 })), &probes(vec![("clipA", sound_only)]));
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[0].source", "no_video_track"));

    let p = project_with(
        json!({}),
        json!({ "clipA": { "kind": "video", "name": "a.mp4", "size": 1 } }),
        json!([{ "layers": [{ "type": "audio", "source": "clipA", "trimEnd": 1 }] }]),
    );
    let silent = media_probe(Some((640, 480, 0)), false, 10 * S, vec![0]);
    let e = one_error(&p, &probes(vec![("clipA", silent)]));
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[0].source", "no_audio_track"));
    assert_eq!(e.message(), "source \"clipA\" has no audio track; remove this audio layer or pick a file with sound");
}

#[test]
fn pictures_that_cannot_be_placed() {
    let crop = json!({ "trimEnd": 1, "crop": { "x": 100, "y": 0, "width": 1920, "height": 1080 } });
    let e = one_error(&video_project(crop), &probes(vec![("clipA", clip_probe(10))]));
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[0].crop", "crop_outside"));

    // The same crop counts in upright pixels: a portrait source is 1080 wide.
    let portrait = media_probe(Some((1920, 1080, 90)), true, 10 * S, vec![0]);
    let crop = json!({ "trimEnd": 1, "crop": { "x": 0, "y": 0, "width": 1920, "height": 1080 } });
    let e = one_error(&video_project(crop), &probes(vec![("clipA", portrait)]));
    assert!(e.message().contains("1080×1920 source pixels"), "{e}");

    let empty = media_probe(Some((0, 0, 0)), true, 10 * S, vec![0]);
    let e = one_error(&video_project(json!({ "trimEnd": 1 })), &probes(vec![("clipA", empty)]));
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[0].source", "empty_picture"));

    let tilted = media_probe(Some((640, 480, 45)), true, 10 * S, vec![0]);
    let e = one_error(&video_project(json!({ "trimEnd": 1 })), &probes(vec![("clipA", tilted)]));
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[0].source", "unsupported_rotation"));
}

#[test]
fn image_crops_are_checked_once_the_image_is_decoded() {
    let p = project_with(
        json!({}),
        json!({ "logo": { "kind": "image", "name": "l.png", "size": 1 } }),
        json!([{ "duration": 1, "layers": [
            { "type": "text", "text": "t" },
            { "type": "image", "source": "logo", "crop": { "x": 10, "y": 10, "width": 100, "height": 100 } }
        ] }]),
    );
    let plan = plan_ok(&p, &BTreeMap::new());
    assert!(plan.visuals[0].place_picture(100, 100, Rotation::R0).is_none(), "text is not a picture");
    let image = &plan.visuals[1];
    assert!(image.place_picture(110, 110, Rotation::R0).unwrap().is_ok());
    let e = image.place_picture(100, 200, Rotation::R0).unwrap().unwrap_err();
    assert_eq!((e.path.as_str(), e.code()), ("scenes[0].layers[1].crop", "crop_outside"));
}

#[test]
fn output_problems() {
    let mut p = project_with(json!({}), json!({}), json!([{ "duration": 1 }]));
    p.output.fps = 0.0;
    let e = one_error(&p, &BTreeMap::new());
    assert_eq!((e.path.as_str(), e.code()), ("output.fps", "invalid_frame_rate"));

    let p = project_with(
        json!({ "width": 1920, "height": 1080, "targetSizeBytes": 16384 }),
        json!({}),
        json!([{ "duration": 600 }]),
    );
    let e = one_error(&p, &BTreeMap::new());
    assert_eq!((e.path.as_str(), e.code()), ("output.targetSizeBytes", "target_size_too_small"));
    // At the floor (0.005 bit per pixel: 311 040 bit/s, plus 192 kbit/s of AAC) 600 s need about 38.5 MB.
    assert!(e.message().starts_with("16384 bytes are too few for this video (about 38497960 bytes"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let p = project_with(
        json!({ "targetSizeBytes": 16384 }),
        json!({ "a": { "kind": "video", "name": "a.mp4", "size": 1 }, "b": { "kind": "audio", "name": "b.m4a", "size": 1 } }),
        json!([
            { "layers": [{ "type": "video", "source": "a", "trimEnd": 30, "crop": { "width": 5000, "height": 10 } }] },
            { "layers": [{ "type": "audio", "source": "b", "trimEnd": 700 }] }
        ]),
    );
    let errors = plan_err(&p, &probes(vec![("a", clip_probe(20))]));
    let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.path.as_str(), e.code())).collect();
    assert_eq!(
        found,
        [
            ("scenes[0].layers[0].trimEnd", "trim_past_end"),
            ("scenes[0].layers[0].crop", "crop_outside"),
            ("scenes[1].layers[0].source", "missing_probe"),
            ("output.targetSizeBytes", "target_size_too_small"),
        ]
    );
    let json = serde_json::to_value(&errors).unwrap();
    assert_eq!(json[0]["code"], "trim_past_end");
    assert_eq!(json[0]["path"], "scenes[0].layers[0].trimEnd");
    assert!(json[0]["message"].as_str().unwrap().starts_with("is 30.0 s but a lasts 20.0 s"));
}
