//! The v1 project format: the documented examples validate, every rejection rule reports the
//! expected path and message, problems come back together, and hostile input never panics.

use frameloom::project::{
    self, AudioCodec, ErrorCode, Format, Layer, Project, SubtitlesContent, ValidationError, VideoCodec, validate,
};
use serde_json::{Value, json};

const MINIMAL: &str = include_str!("projects/minimal.json");
const COMPLETE: &str = include_str!("projects/complete.json");
const DOC: &str = include_str!("../docs/project-format.md");

/// The minimal example as a JSON value, to mutate.
fn minimal() -> Value {
    serde_json::from_str(MINIMAL).unwrap()
}

/// Sets the value at a JSON pointer, creating the last key if needed.
fn with(mut doc: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is {other}"),
    }
    doc
}

/// Removes the key at a JSON pointer.
fn without(mut doc: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    doc.pointer_mut(parent).and_then(Value::as_object_mut).unwrap().remove(key).unwrap();
    doc
}

/// The errors for a document that must be rejected.
fn errors(doc: &Value) -> Vec<ValidationError> {
    validate(&doc.to_string()).expect_err("the project should be rejected")
}

/// Asserts that one of the errors is at `path` with exactly `message`.
fn assert_error(doc: &Value, path: &str, message: &str) {
    let errs = errors(doc);
    assert!(
        errs.iter().any(|e| e.path == path && e.message == message),
        "expected `{path}: {message}`, got:\n{}",
        errs.iter().map(|e| format!("  {e}\n")).collect::<String>()
    );
}

/// Asserts that the only error is at `path` with `code` and a message containing `part`.
fn assert_only(doc: &Value, path: &str, code: ErrorCode, part: &str) {
    let errs = errors(doc);
    assert_eq!(errs.len(), 1, "expected one error at {path}, got {errs:#?}");
    assert_eq!((errs[0].path.as_str(), errs[0].code), (path, code), "{errs:#?}");
    assert!(errs[0].message.contains(part), "`{}` should contain `{part}`", errs[0].message);
}

/// The first ```json block after `heading` in the format document.
fn doc_block(heading: &str) -> Value {
    let after = DOC.split_once(heading).unwrap_or_else(|| panic!("no {heading} in the doc")).1;
    let body = after.split_once("```json\n").unwrap().1.split_once("\n```").unwrap().0;
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{heading}: {e}"))
}

#[test]
fn doc_examples_are_the_test_fixtures() {
    assert_eq!(doc_block("## Minimal example"), minimal());
    assert_eq!(doc_block("## Complete example"), serde_json::from_str::<Value>(COMPLETE).unwrap());
}

#[test]
fn minimal_example_validates_with_defaults_filled_in() {
    let p = validate(MINIMAL).unwrap();
    assert_eq!(p.version, 1);
    assert_eq!((p.output.width, p.output.height, p.output.fps), (1280, 720, 30.0));
    assert_eq!(
        (p.output.format, p.output.video_codec, p.output.audio_codec),
        (Format::Mp4, VideoCodec::H264, AudioCodec::Opus)
    );
    assert_eq!(p.output.background.to_string(), "#000000");
    assert_eq!(p.sources["clipA"].size, 1_234_567);
    let scene = &p.scenes[0];
    assert_eq!(scene.duration_us, 6_000_000, "trimEnd - trimStart");
    assert_eq!(p.duration_us(), 6_000_000);
    let Layer::Video(video) = &scene.layers[0] else { panic!("video first") };
    assert_eq!((video.trim.start_us, video.trim.end_us, video.trim.speed), (2_000_000, 8_000_000, 1.0));
    assert_eq!((video.placement.width, video.placement.height, video.volume), (1280.0, 720.0, 1.0));
    let Layer::Subtitles(subs) = &scene.layers[1] else { panic!("subtitles second") };
    assert_eq!(subs.duration_us, 2_000_000, "runs to the last cue's end");
    assert_eq!((subs.style.size, subs.placement.height), (36.0, 684.0));
    let SubtitlesContent::Cues(cues) = &subs.content else { panic!("inline cues") };
    assert_eq!((cues[0].start_us, cues[0].end_us, cues[0].text.as_str()), (500_000, 2_000_000, "Hello"));
}

#[test]
fn complete_example_validates() {
    let p = validate(COMPLETE).unwrap();
    assert_eq!(p.output.frame_rate(), (30000, 1001));
    assert_eq!(p.output.target_size_bytes, Some(50_000_000));
    assert_eq!(p.sources.len(), 5);
    assert_eq!(p.scenes[0].duration_us, 8_000_000);
    assert_eq!(p.scenes[0].layers[0].duration_us(), 8_000_000, "12 s of source at 1.5x");
    let Layer::Text(title) = &p.scenes[0].layers[2] else { panic!("text third") };
    assert_eq!(title.style.font.as_deref(), Some("brandFont"));
    assert_eq!(title.style.outline.unwrap().width, 4.0);
    assert_eq!(title.style.text_box.unwrap().radius, 16.0);
    let second = &p.scenes[1];
    assert_eq!(second.duration_us, 10_000_000, "the longest timed layer");
    assert_eq!(second.background.to_string(), "#101820", "inherited from output");
    assert_eq!(second.layers[2].duration_us(), 10_000_000, "a subtitles source runs to the scene's end");
    assert_eq!(second.layers[3].end_us(), 7_000_000, "inline cues end at 1 + 6 s");
    let Layer::Subtitles(boxed) = &second.layers[2] else { panic!("subtitles") };
    assert_eq!(boxed.style.text_box.unwrap().padding, 8.0, "box: {{}} takes the defaults");
    assert_eq!(p.duration_us(), 18_000_000);
}

#[test]
fn normalized_json_round_trips() {
    for text in [MINIMAL, COMPLETE] {
        let p = validate(text).unwrap();
        let normalized = serde_json::to_string(&p).unwrap();
        assert_eq!(validate(&normalized).as_ref(), Ok(&p), "validate(serialize(p)) == p");
        assert_eq!(serde_json::from_str::<Project>(&normalized).unwrap(), p, "Deserialize agrees");
    }
}

#[test]
fn trim_end_must_follow_trim_start() {
    let doc = with(minimal(), "/scenes/0/layers/0/trimEnd", json!(2));
    assert_error(&doc, "scenes[0].layers[0].trimEnd", "must be greater than trimStart (2.0)");
    assert_eq!(errors(&doc)[0].to_string(), "scenes[0].layers[0].trimEnd: must be greater than trimStart (2.0)");
    assert_error(
        &without(minimal(), "/scenes/0/layers/0/trimEnd"),
        "scenes[0].layers[0].trimEnd",
        "missing required field",
    );
}

#[test]
fn version_rules() {
    assert_error(&without(minimal(), "/version"), "version", "missing required field");
    assert_only(
        &with(minimal(), "/version", json!("1")),
        "version",
        ErrorCode::WrongType,
        "must be the number 1, not a string",
    );
    // A future version reports only that, not a flood of unknown fields.
    let future = with(with(minimal(), "/version", json!(2)), "/shiny", json!(true));
    assert_only(&future, "version", ErrorCode::UnsupportedVersion, "unsupported version 2: this build reads version 1");
    assert!(validate(&with(minimal(), "/version", json!(1.0)).to_string()).is_ok());
}

#[test]
fn root_must_be_an_object() {
    for (text, got) in [("[]", "an array"), ("\"x\"", "a string"), ("null", "null"), ("42", "a number")] {
        let errs = validate(text).unwrap_err();
        assert_eq!(errs.len(), 1, "{text}");
        assert_eq!(errs[0].path, "");
        assert!(errs[0].message.starts_with(&format!("must be an object (the project), not {got}")), "{}", errs[0]);
    }
}

#[test]
fn output_rules() {
    let m = minimal;
    assert_error(&without(m(), "/output"), "output", "missing required field");
    assert_error(
        &with(m(), "/output/width", json!(1279)),
        "output.width",
        "must be even for mp4 video (4:2:0 chroma is sampled in 2×2 blocks); use 1278 or 1280",
    );
    assert!(
        validate(&with(with(m(), "/output/width", json!(333)), "/output/format", json!("gif")).to_string())
            .is_err_and(|e| e.iter().all(|e| e.path != "output.width"))
    );
    assert_error(&with(m(), "/output/width", json!(8)), "output.width", "must be at least 16 pixels (got 8)");
    assert_error(
        &with(m(), "/output/height", json!(10000)),
        "output.height",
        "must be at most 8192 pixels (got 10000)",
    );
    assert_error(&with(m(), "/output/width", json!(1280.5)), "output.width", "must be a whole number (got 1280.5)");
    let huge = with(with(m(), "/output/width", json!(8192)), "/output/height", json!(8192));
    assert_error(&huge, "output", "8192×8192 is 67108864 pixels; the limit is 35389440 (8192×4320)");
    assert_error(&with(m(), "/output/fps", json!(0)), "output.fps", "must be at least 1 frames per second (got 0)");
    assert_error(
        &with(m(), "/output/fps", json!(240)),
        "output.fps",
        "must be at most 120 frames per second (got 240)",
    );
    assert_error(
        &with(m(), "/output/format", json!("mov")),
        "output.format",
        "must be one of \"mp4\", \"webm\" or \"gif\" (got \"mov\")",
    );
    let webm = with(m(), "/output/format", json!("webm"));
    assert_error(
        &webm,
        "output.videoCodec",
        "\"h264\" cannot be stored in webm; choose \"vp9\", \"vp8\" or \"av1\" (or another format)",
    );
    let webm_aac = with(with(webm, "/output/videoCodec", json!("vp9")), "/output/audioCodec", json!("aac"));
    assert_only(
        &webm_aac,
        "output.audioCodec",
        ErrorCode::Conflict,
        "\"aac\" cannot be stored in webm; choose \"opus\" or \"none\"",
    );
    let gif = without(without(with(m(), "/output/format", json!("gif")), "/output/videoCodec"), "/output/audioCodec");
    let p = validate(&gif.to_string()).unwrap();
    assert_eq!((p.output.video_codec, p.output.audio_codec), (VideoCodec::Gif, AudioCodec::None));
    assert_only(
        &with(gif, "/output/audioCodec", json!("opus")),
        "output.audioCodec",
        ErrorCode::Conflict,
        "cannot be stored in gif",
    );
    assert_error(
        &with(m(), "/output/background", json!("#00000080")),
        "output.background",
        "must be opaque: outputs have no transparency in v1; use \"#000000\"",
    );
    assert_error(
        &with(m(), "/output/background", json!("black")),
        "output.background",
        "must be a hex colour like \"#ffffff\" or \"#00000080\" (#rrggbb or #rrggbbaa; got \"black\")",
    );
    assert_error(
        &with(m(), "/output/targetSizeBytes", json!(100)),
        "output.targetSizeBytes",
        "must be at least 16384 bytes (got 100)",
    );
    assert_error(
        &with(m(), "/output/forceTranscode", json!("yes")),
        "output.forceTranscode",
        "must be true or false, not a string",
    );
    assert_error(
        &with(m(), "/output/quality", json!(80)),
        "output.quality",
        "must be one of \"low\", \"medium\" or \"high\", not a number",
    );
    assert_error(
        &with(m(), "/output/fps", Value::Null),
        "output.fps",
        "must be a number, not null; omit the field to use its default",
    );
}

#[test]
fn gif_settings() {
    let gif = |settings: Value| {
        let doc = with(minimal(), "/output/format", json!("gif"));
        let doc = with(with(doc, "/output/videoCodec", json!("gif")), "/output/audioCodec", json!("none"));
        with(doc, "/output/gif", settings)
    };
    let p = validate(&gif(json!({ "palette": "scene", "dither": false, "maxBytes": 200000 })).to_string()).unwrap();
    assert_eq!(
        p.output.gif,
        Some(project::GifSettings { palette: project::GifPalette::Scene, dither: false, max_bytes: Some(200_000) })
    );
    let defaults = validate(&gif(json!({})).to_string()).unwrap();
    assert_eq!(defaults.output.gif, Some(project::GifSettings::default()));
    assert_eq!(validate(&minimal().to_string()).unwrap().output.gif, None);
    assert_only(&gif(json!({ "palette": "local" })), "output.gif.palette", ErrorCode::InvalidValue, "\"global\" or \"scene\"");
    assert_only(&gif(json!({ "maxBytes": 10 })), "output.gif.maxBytes", ErrorCode::OutOfRange, "at least 16384 bytes");
    assert_only(&gif(json!({ "colors": 16 })), "output.gif.colors", ErrorCode::UnknownField, "");
    assert_only(&with(minimal(), "/output/gif", json!({})), "output.gif", ErrorCode::Conflict, "do not apply to mp4");
}

#[test]
fn source_rules() {
    let m = minimal;
    let id_rule =
        "use 1–64 characters from A–Z, a–z, 0–9, \"_\" and \"-\", not starting with \"-\" (ids become file names)";
    for (id, path) in [
        ("a/b", "sources[\"a/b\"]"),
        ("..", "sources[\"..\"]"),
        ("-rf", "sources.-rf"),
        ("a\\b", "sources[\"a\\\\b\"]"),
        ("", "sources[\"\"]"),
    ] {
        let mut doc = m();
        doc["sources"][id] = json!({ "kind": "image", "name": "x.png", "size": 1 });
        let quoted = serde_json::to_string(id).unwrap();
        assert_error(&doc, path, &format!("invalid source id {quoted}: {id_rule}"));
    }
    let long = "a".repeat(65);
    assert_error(
        &with(m(), &format!("/sources/{long}"), json!({ "kind": "image", "name": "x", "size": 1 })),
        &format!("sources[\"{}…\"]", "a".repeat(64)),
        &format!("invalid source id \"{}…\": {id_rule}", "a".repeat(64)),
    );
    assert_error(
        &with(m(), "/sources/clipA/kind", json!("movie")),
        "sources.clipA.kind",
        "must be one of \"video\", \"image\", \"audio\", \"subtitles\" or \"font\" (got \"movie\")",
    );
    assert_error(&with(m(), "/sources/clipA/name", json!("")), "sources.clipA.name", "must not be empty");
    assert_error(
        &with(m(), "/sources/clipA/name", json!("a\u{7}.mp4")),
        "sources.clipA.name",
        "contains the control character U+0007; remove it",
    );
    assert_error(
        &with(m(), "/sources/clipA/name", json!("n".repeat(256))),
        "sources.clipA.name",
        "is 256 characters long; the limit is 255",
    );
    assert_error(&with(m(), "/sources/clipA/size", json!(0)), "sources.clipA.size", "must be at least 1 bytes (got 0)");
    assert_error(
        &with(m(), "/sources/clipA/size", json!(1e15)),
        "sources.clipA.size",
        "must be at most 1099511627776 bytes (got 1000000000000000)",
    );
    assert_error(
        &with(m(), "/sources/clipA/sha256", json!("AB".repeat(32))),
        "sources.clipA.sha256",
        "must be 64 lowercase hexadecimal digits (the SHA-256 of the file)",
    );
    assert!(validate(&with(m(), "/sources/clipA/sha256", json!("ab".repeat(32))).to_string()).is_ok());
    assert_error(
        &with(m(), "/sources/clipA/path", json!("/etc/passwd")),
        "sources.clipA.path",
        "unknown field; a source has \"kind\", \"name\", \"size\" and \"sha256\"",
    );
    assert_error(
        &with(m(), "/sources", json!([])),
        "sources",
        "must be an object mapping ids to sources, not an array",
    );
    let many: serde_json::Map<String, Value> =
        (0..1001).map(|i| (format!("s{i}"), json!({ "kind": "image", "name": "x", "size": 1 }))).collect();
    assert_error(&with(m(), "/sources", Value::Object(many)), "sources", "has 1001 sources; the limit is 1000");
    // Unused sources are fine.
    assert!(
        validate(&with(m(), "/sources/spare", json!({ "kind": "font", "name": "f.ttf", "size": 9 })).to_string())
            .is_ok()
    );
}

#[test]
fn source_references_must_exist_and_fit() {
    let m = minimal;
    assert_error(
        &with(m(), "/scenes/0/layers/0/source", json!("clipB")),
        "scenes[0].layers[0].source",
        "unknown source \"clipB\"; did you mean \"clipA\"?",
    );
    assert_error(
        &with(m(), "/scenes/0/layers/0/source", json!("../../etc")),
        "scenes[0].layers[0].source",
        "unknown source \"../../etc\"; add it to \"sources\" or use one of the ids defined there",
    );
    let image = with(m(), "/sources/clipA/kind", json!("image"));
    assert_error(
        &image,
        "scenes[0].layers[0].source",
        "source \"clipA\" is an image source; a video layer needs a video source",
    );
    let audio = with(m(), "/scenes/0/layers/0", json!({ "type": "audio", "source": "clipA", "trimEnd": 3 }));
    assert!(validate(&audio.to_string()).is_ok(), "audio layers may use a video's sound");
    let font = with(m(), "/scenes/0/layers/1/style", json!({ "font": "clipA" }));
    assert_error(
        &font,
        "scenes[0].layers[1].style.font",
        "source \"clipA\" is a video source; a text style needs a font source",
    );
    let subs = with(m(), "/scenes/0/layers/1", json!({ "type": "subtitles", "source": "clipA" }));
    assert_error(
        &subs,
        "scenes[0].layers[1].source",
        "source \"clipA\" is a video source; a subtitles layer needs a subtitles source",
    );
}

#[test]
fn scene_rules() {
    let m = minimal;
    assert_error(&without(m(), "/scenes"), "scenes", "missing required field");
    assert_error(&with(m(), "/scenes", json!([])), "scenes", "must have at least one scene");
    assert_error(
        &with(m(), "/scenes", json!(vec![json!({ "duration": 1 }); 1001])),
        "scenes",
        "has 1001 items; the limit is 1000",
    );
    let layer = json!({ "type": "text", "text": "x" });
    assert_error(
        &with(m(), "/scenes/0/layers", json!(vec![layer; 101])),
        "scenes[0].layers",
        "has 101 items; the limit is 100",
    );
    assert_error(
        &with(m(), "/scenes/0", json!({ "layers": [{ "type": "text", "text": "hi" }] })),
        "scenes[0]",
        "the scene has no length: add a video, audio or timed layer, or set \"duration\" in seconds",
    );
    assert!(
        validate(&with(m(), "/scenes/0", json!({ "duration": 2 })).to_string()).is_ok(),
        "an empty scene with a duration is a pause"
    );
    let late = with(m(), "/scenes/0/duration", json!(3));
    let late = with(late, "/scenes/0/layers/1/start", json!(3));
    assert_error(
        &late,
        "scenes[0].layers[1].start",
        "starts at 3.0 seconds, when the scene is over (its duration is 3.0); start it earlier or lengthen the scene",
    );
    let open = with(m(), "/scenes/0/layers/1", json!({ "type": "text", "text": "hi", "start": 7 }));
    assert_error(
        &open,
        "scenes[0].layers[1].start",
        "starts at 7.0 seconds, when the scene is over (its last timed layer ends at 6.0); give this layer a duration or set the scene's duration",
    );
    assert_error(
        &with(m(), "/scenes/0/background", json!("#fff8")),
        "scenes[0].background",
        "must be opaque: outputs have no transparency in v1; use \"#ffffff\"",
    );
    let long_scene = json!({ "duration": 3600.5 });
    assert_error(
        &with(m(), "/scenes", json!(vec![long_scene; 4])),
        "scenes",
        "the scenes last 14402.0 seconds in total; the limit is 14400.0 (4 hours): split the project",
    );
}

#[test]
fn timing_rules() {
    let m = minimal;
    let at = |field: &str, v: Value| with(m(), &format!("/scenes/0/layers/0/{field}"), v);
    let path = |field: &str| format!("scenes[0].layers[0].{field}");
    assert_error(&at("start", json!(-1)), &path("start"), "must be at least 0.0 seconds (got -1.0)");
    assert_error(&at("start", json!(1e9)), &path("start"), "must be at most 14400.0 seconds (got 1000000000.0)");
    assert_error(
        &at("trimEnd", json!(1e-9)),
        &path("trimEnd"),
        "must be at least one microsecond, 0.000001 (got 1e-9)",
    );
    assert_error(&at("trimEnd", json!("8s")), &path("trimEnd"), "must be a number of seconds, not a string");
    assert_error(&at("speed", json!(5)), &path("speed"), "must be at most 4× (got 5)");
    assert_error(&at("speed", json!(0)), &path("speed"), "must be at least 0.25× (got 0)");
    let fades = with(at("fadeIn", json!(4)), "/scenes/0/layers/0/fadeOut", json!(3));
    assert_error(
        &fades,
        &path("fadeOut"),
        "fadeIn (4.0) and fadeOut (3.0) together last longer than the layer (6.0 seconds); shorten them",
    );
    assert_error(
        &at("fadeIn", json!(7)),
        &path("fadeIn"),
        "fadeIn (7.0) and fadeOut (0.0) together last longer than the layer (6.0 seconds); shorten them",
    );
    let sped = with(at("speed", json!(2)), "/scenes/0/layers/0/fadeIn", json!(3));
    assert!(validate(&sped.to_string()).is_ok(), "3 s of fade fits the 3 s a 6 s clip lasts at 2x");
    assert!(validate(&with(sped, "/scenes/0/layers/0/fadeOut", json!(0.1)).to_string()).is_err());
    let text = with(m(), "/scenes/0/layers/1", json!({ "type": "text", "text": "x", "duration": 0 }));
    assert_error(&text, "scenes[0].layers[1].duration", "must be greater than 0.0 seconds (got 0.0)");
}

#[test]
fn visual_rules() {
    let m = minimal;
    let at = |field: &str, v: Value| with(m(), &format!("/scenes/0/layers/0/{field}"), v);
    let path = |field: &str| format!("scenes[0].layers[0].{field}");
    assert_error(&at("x", json!(-40000)), &path("x"), "must be at least -32768 pixels (got -40000)");
    assert_error(&at("width", json!(0)), &path("width"), "must be greater than 0 pixels (got 0)");
    assert_error(&at("rotation", json!(720)), &path("rotation"), "must be at most 360 degrees (got 720)");
    assert_error(&at("opacity", json!(1.5)), &path("opacity"), "must be at most 1 (got 1.5)");
    assert_error(&at("volume", json!(-1)), &path("volume"), "must be at least 0 (got -1)");
    assert_error(
        &at("fit", json!("stretch")),
        &path("fit"),
        "must be one of \"contain\", \"cover\", \"fill\" or \"none\" (got \"stretch\")",
    );
    assert_error(&at("crop", json!({ "x": 10 })), "scenes[0].layers[0].crop.width", "missing required field");
    assert_error(
        &at("crop", json!({ "width": 10.5, "height": 10 })),
        "scenes[0].layers[0].crop.width",
        "must be a whole number (got 10.5)",
    );
    assert_error(
        &at("crop", json!({ "width": 10, "height": 10, "left": 1 })),
        "scenes[0].layers[0].crop.left",
        "unknown field; a crop has \"x\", \"y\", \"width\" and \"height\"",
    );
    assert_error(&at("crop", json!([0, 0, 10, 10])), &path("crop"), "must be an object (a crop), not an array");
}

#[test]
fn layers_accept_only_their_own_fields() {
    let m = minimal;
    assert_error(&without(m(), "/scenes/0/layers/0/type"), "scenes[0].layers[0].type", "missing required field");
    assert_error(
        &with(m(), "/scenes/0/layers/0/type", json!("vidoe")),
        "scenes[0].layers[0].type",
        "must be one of \"video\", \"image\", \"audio\", \"text\" or \"subtitles\" (got \"vidoe\"); did you mean \"video\"?",
    );
    assert_error(
        &with(m(), "/scenes/0/layers/0/trim_end", json!(8)),
        "scenes[0].layers[0].trim_end",
        "unknown field; did you mean \"trimEnd\"?",
    );
    let audio =
        with(m(), "/scenes/0/layers/0", json!({ "type": "audio", "source": "clipA", "trimEnd": 3, "fit": "cover" }));
    assert_error(
        &audio,
        "scenes[0].layers[0].fit",
        "unknown field; an audio layer has \"type\", \"source\", \"start\", \"trimStart\", \"trimEnd\", \"speed\", \"volume\", \"fadeIn\" and \"fadeOut\"",
    );
    let image = with(m(), "/scenes/0/layers/0", json!({ "type": "image", "source": "clipA", "trimEnd": 3 }));
    assert!(
        errors(&image).iter().any(|e| e.path == "scenes[0].layers[0].trimEnd" && e.code == ErrorCode::UnknownField)
    );
    assert_error(
        &with(m(), "/scenes/0/layers/0", json!("video")),
        "scenes[0].layers[0]",
        "must be an object (a layer), not a string",
    );
}

#[test]
fn text_and_style_rules() {
    let m = minimal;
    let text = |extra: Value| {
        let mut layer = json!({ "type": "text", "text": "Title", "duration": 1 });
        layer.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        with(m(), "/scenes/0/layers/1", layer)
    };
    let path = |field: &str| format!("scenes[0].layers[1].{field}");
    assert!(validate(&text(json!({})).to_string()).is_ok());
    assert_error(&without(text(json!({})), "/scenes/0/layers/1/text"), &path("text"), "missing required field");
    assert_error(&text(json!({ "text": "" })), &path("text"), "must not be empty");
    assert_error(
        &text(json!({ "text": "x".repeat(10_001) })),
        &path("text"),
        "is 10001 characters long; the limit is 10000",
    );
    assert!(validate(&text(json!({ "text": "é".repeat(10_000) })).to_string()).is_ok(), "characters, not bytes");
    assert!(validate(&text(json!({ "text": "two\nlines\twith tab" })).to_string()).is_ok());
    assert_error(
        &text(json!({ "text": "bell\u{7}" })),
        &path("text"),
        "contains the control character U+0007; remove it",
    );
    assert_error(
        &text(json!({ "style": { "colour": "#fff" } })),
        &path("style.colour"),
        "unknown field; did you mean \"color\"?",
    );
    assert_error(&text(json!({ "style": { "weight": 950 } })), &path("style.weight"), "must be at most 900 (got 950)");
    assert_error(
        &text(json!({ "style": { "weight": 450.5 } })),
        &path("style.weight"),
        "must be a whole number (got 450.5)",
    );
    assert_error(
        &text(json!({ "style": { "family": "Arial" } })),
        &path("style.family"),
        "must be one of \"sans-serif\", \"serif\" or \"monospace\" (got \"Arial\")",
    );
    assert_error(
        &text(json!({ "style": { "size": 0 } })),
        &path("style.size"),
        "must be greater than 0 pixels (got 0)",
    );
    assert_error(
        &text(json!({ "style": { "outline": { "width": 0 } } })),
        &path("style.outline.width"),
        "must be greater than 0 pixels (got 0)",
    );
    assert_error(
        &text(json!({ "style": { "shadow": { "blur": -1 } } })),
        &path("style.shadow.blur"),
        "must be at least 0 pixels (got -1)",
    );
    assert_error(
        &text(json!({ "style": { "box": { "colour": "#000" } } })),
        &path("style.box.colour"),
        "unknown field; did you mean \"color\"?",
    );
    assert_error(
        &text(json!({ "style": { "lineHeight": 10 } })),
        &path("style.lineHeight"),
        "must be at most 4× (got 10)",
    );
    assert_error(
        &text(json!({ "style": { "italic": "yes" } })),
        &path("style.italic"),
        "must be true or false, not a string",
    );
    assert_error(
        &text(json!({ "style": { "font": "missing" } })),
        &path("style.font"),
        "unknown source \"missing\"; add it to \"sources\" or use one of the ids defined there",
    );
    let p = validate(&text(json!({ "width": 600, "style": { "outline": {} } })).to_string()).unwrap();
    let Layer::Text(t) = &p.scenes[0].layers[1] else { panic!("text") };
    assert_eq!((t.style.size, t.style.max_width, t.style.line_height, t.style.weight), (48.0, 600.0, 1.2, 400));
    assert_eq!(t.style.outline.unwrap().color.to_string(), "#000000");
}

#[test]
fn subtitles_rules() {
    let m = minimal;
    let path = |field: &str| format!("scenes[0].layers[1].{field}");
    let both = with(m(), "/scenes/0/layers/1/source", json!("clipA"));
    let both = with(both, "/sources/subs", json!({ "kind": "subtitles", "name": "a.srt", "size": 10 }));
    let both = with(both, "/scenes/0/layers/1/source", json!("subs"));
    assert_error(
        &both,
        &path("source"),
        "use either \"cues\" (inline captions) or \"source\" (an SRT/VTT file), not both",
    );
    let neither = without(m(), "/scenes/0/layers/1/cues");
    assert_error(
        &neither,
        "scenes[0].layers[1]",
        "needs \"cues\" (inline captions) or \"source\" (the id of an SRT/VTT subtitles source)",
    );
    let cue = |c: Value| with(m(), "/scenes/0/layers/1/cues/0", c);
    assert_error(
        &cue(json!({ "start": 2, "end": 2, "text": "x" })),
        &path("cues[0].end"),
        "must be greater than start (2.0)",
    );
    assert_error(&cue(json!({ "start": 1, "text": "x" })), &path("cues[0].end"), "missing required field");
    assert_error(&cue(json!({ "start": 1, "end": 2 })), &path("cues[0].text"), "missing required field");
    assert_error(
        &cue(json!({ "start": 1, "end": 2, "text": "x", "style": {} })),
        &path("cues[0].style"),
        "unknown field; a cue has \"start\", \"end\" and \"text\"",
    );
    let many = vec![json!({ "start": 0, "end": 1, "text": "x" }); 10_001];
    assert_error(
        &with(m(), "/scenes/0/layers/1/cues", json!(many)),
        &path("cues"),
        "has 10001 items; the limit is 10000",
    );
    let unsorted = with(
        m(),
        "/scenes/0/layers/1/cues",
        json!([{ "start": 3, "end": 4, "text": "b" }, { "start": 0, "end": 1, "text": "a" }]),
    );
    assert!(validate(&unsorted.to_string()).is_ok(), "cues need not be sorted");
    let empty = with(m(), "/scenes/0/layers/1/cues", json!([]));
    let p = validate(&empty.to_string()).unwrap();
    assert_eq!(p.scenes[0].layers[1].duration_us(), 6_000_000, "no cues: runs to the scene's end");
}

#[test]
fn project_wide_limits() {
    let scene = |cues: usize| {
        let cues = vec![json!({ "start": 0, "end": 1, "text": "x" }); cues];
        json!({ "layers": [{ "type": "subtitles", "cues": cues }] })
    };
    let doc = with(minimal(), "/scenes", json!(vec![scene(10_000); 11]));
    assert_error(
        &doc,
        "scenes[10].layers[0].cues",
        "the project has more than 100000 inline cues; move long subtitles into SRT/VTT sources",
    );
    let layers = vec![json!({ "type": "text", "text": "x", "duration": 1 }); 100];
    let doc = with(minimal(), "/scenes", json!(vec![json!({ "layers": layers }); 101]));
    assert_error(&doc, "scenes[100].layers", "the project has more than 10000 layers; split it into several projects");
}

#[test]
fn duplicate_keys_and_syntax_errors() {
    let text = MINIMAL.replacen("\"start\": 0,", "\"start\": 0, \"start\": 1,", 1);
    let errs = validate(&text).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].path, "scenes[0].layers[0].start");
    assert_eq!(errs[0].message, "duplicate key \"start\": this object has it more than once; keep only one");
    let errs = validate("{\n  \"version\": 1,\n  \"output\": {,}\n}").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].to_string(), "invalid JSON at line 3, column 14: key must be a string");
    assert_eq!(validate("{\"version\": NaN}").unwrap_err()[0].code, ErrorCode::InvalidJson);
    assert!(validate("[1e999]").unwrap_err()[0].message.contains("number out of range"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let doc = minimal();
    let doc = with(doc, "/output/fps", json!(-5));
    let doc = with(doc, "/output/colour", json!("#fff"));
    let doc = with(doc, "/sources/clipA/size", json!("big"));
    let doc = with(doc, "/scenes/0/layers/0/trimEnd", json!(1));
    let doc = with(doc, "/scenes/0/layers/1/cues/0/text", json!(""));
    let paths: Vec<String> = errors(&doc).into_iter().map(|e| e.path).collect();
    assert_eq!(
        paths,
        [
            "output.fps",
            "output.colour",
            "sources.clipA.size",
            "scenes[0].layers[0].trimEnd",
            "scenes[0].layers[1].cues[0].text"
        ]
    );
}

#[test]
fn error_list_is_capped() {
    let mut doc = minimal();
    for i in 0..500 {
        doc = with(doc, &format!("/output/extra{i}"), json!(i));
    }
    let errs = errors(&doc);
    assert_eq!(errs.len(), project::limits::MAX_ERRORS + 1);
    let last = errs.last().unwrap();
    assert_eq!((last.path.as_str(), last.code), ("", ErrorCode::TooManyErrors));
    assert_eq!(last.message, "400 more problems were not listed; fix the ones above and validate again");
}

#[test]
fn errors_serialize_with_path_message_and_code() {
    let errs = errors(&with(minimal(), "/scenes/0/layers/0/trimEnd", json!(2)));
    let json = serde_json::to_value(&errs).unwrap();
    assert_eq!(
        json,
        json!([{ "path": "scenes[0].layers[0].trimEnd", "message": "must be greater than trimStart (2.0)", "code": "conflict" }])
    );
}

/// Validates `text`; any outcome is fine except a panic, an empty error list, or an
/// accepted project that does not survive its own round trip.
fn survives(text: &str) {
    match validate(text) {
        Ok(p) => {
            let again = validate(&serde_json::to_string(&p).unwrap());
            assert_eq!(again.as_ref(), Ok(&p), "normalized form of {}", &text[..text.len().min(200)]);
        }
        Err(errs) => {
            assert!(!errs.is_empty() && errs.len() <= project::limits::MAX_ERRORS + 1);
            assert!(errs.iter().all(|e| !e.message.is_empty()));
        }
    }
}

#[test]
fn hostile_documents_never_panic() {
    let deep_arrays = "[".repeat(10_000) + &"]".repeat(10_000);
    let deep_objects = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    let unclosed = "[".repeat(100_000);
    let ten_mb_string = format!("{{\"version\":1,\"x\":\"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let seven_mb_name = with(minimal(), "/sources/clipA/name", json!("n".repeat(7 * 1024 * 1024))).to_string();
    let many_keys = format!("{{{}}}", (0..200_000).map(|i| format!("\"k{i}\":0")).collect::<Vec<_>>().join(","));
    let many_values = format!("[{}]", vec!["0"; 1_100_000].join(","));
    for text in [
        "",
        " ",
        "\u{feff}",
        "\u{feff}{}",
        "{}",
        "[]",
        "null",
        "true",
        "0",
        "-0",
        "\"\"",
        "{\"version\":1}",
        "{\"version\":1e308}",
        "{\"version\":-1e308}",
        "{\"version\":1e999}",
        "{\"version\":18446744073709551616}",
        "{\"version\":1,\"output\":{\"width\":1e308,\"height\":-1e308,\"fps\":5e-324}}",
        "{\"version\":NaN}",
        "{\"version\":Infinity}",
        "{\"\\u0000\":1}",
        "{\"a\":\"\\ud800\"}",
        "{\"version\":1,}",
        &deep_arrays,
        &deep_objects,
        &unclosed,
        &ten_mb_string,
        &seven_mb_name,
        &many_keys,
        &many_values,
    ] {
        survives(text);
    }
    assert_eq!(validate(&ten_mb_string).unwrap_err()[0].code, ErrorCode::TooLarge);
    assert_eq!(validate(&deep_objects).unwrap_err()[0].code, ErrorCode::TooComplex);
    assert_eq!(validate(&many_values).unwrap_err()[0].code, ErrorCode::TooComplex);
    let name_errors = validate(&seven_mb_name).unwrap_err();
    assert_eq!((name_errors[0].path.as_str(), name_errors[0].code), ("sources.clipA.name", ErrorCode::OutOfRange));
}

/// Every value and key of a document, as JSON pointers.
fn pointers(v: &Value, here: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => map.iter().for_each(|(k, child)| pointers(child, format!("{here}/{k}"), out)),
        Value::Array(items) => {
            items.iter().enumerate().for_each(|(i, child)| pointers(child, format!("{here}/{i}"), out))
        }
        _ => {}
    }
    if !here.is_empty() {
        out.push(here);
    }
}

#[test]
fn every_field_of_the_complete_example_survives_hostile_values() {
    let base: Value = serde_json::from_str(COMPLETE).unwrap();
    let mut all = Vec::new();
    pointers(&base, String::new(), &mut all);
    let hostile = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(0.5),
        json!(1e308),
        json!(-1e308),
        json!(5e-324),
        json!(""),
        json!("x"),
        json!("#zzz"),
        json!("\u{0}"),
        json!([]),
        json!([1]),
        json!({}),
        json!({ "x": 1 }),
    ];
    for pointer in &all {
        for value in &hostile {
            survives(&with(base.clone(), pointer, value.clone()).to_string());
        }
        if base.pointer(pointer.rsplit_once('/').unwrap().0).is_some_and(Value::is_object) {
            survives(&without(base.clone(), pointer).to_string());
        }
    }
}
