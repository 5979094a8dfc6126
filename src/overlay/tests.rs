use super::*;
use crate::raster::encode;
use std::collections::BTreeMap;

const S: i64 = 1_000_000;

/// A 1280×720 project: scene 0 (2 s) empty, scene 1 (10 s) with `layers`; `sources` as JSON.
fn project(sources: &str, layers: &str) -> (Project, RenderPlan) {
    long_project(sources, layers, 10)
}

/// [`project`] with a scene 1 of `seconds`.
fn long_project(sources: &str, layers: &str, seconds: u32) -> (Project, RenderPlan) {
    let json = format!(
        r#"{{"version":1,"output":{{"width":1280,"height":720,"fps":30,"format":"mp4","videoCodec":"h264","audioCodec":"none"}},
        "sources":{{{sources}}},
        "scenes":[{{"duration":2,"layers":[]}},{{"duration":{seconds},"layers":[{layers}]}}]}}"#
    );
    let project = crate::project::validate(&json).expect("valid project");
    let plan = crate::plan::build(&project, &BTreeMap::new()).expect("plan");
    (project, plan)
}

fn timeline(
    project: &Project,
    plan: &RenderPlan,
    r: &mut TextRenderer,
    files: &BTreeMap<&str, Vec<u8>>,
) -> Result<OverlayTimeline, OverlayError> {
    OverlayTimeline::build(plan, project, r, |id| files.get(id).cloned(), 1.0)
}

fn red_logo() -> Vec<u8> {
    let mut pixels = Vec::new();
    for _ in 0..(40 * 20) {
        pixels.extend_from_slice(&[200, 0, 0, 200]);
    }
    encode::png(&Bitmap::from_straight_rgba(40, 20, pixels).unwrap()).unwrap()
}

#[test]
fn text_subtitles_and_image_entries_follow_the_timeline() {
    let (project, plan) = project(
        r#""logo":{"kind":"image","name":"logo.png","size":1}"#,
        r#"{"type":"image","source":"logo","start":1,"duration":3,"x":100,"y":50,"width":80,"height":40,"fit":"contain"},
           {"type":"text","text":"Title","start":0.5,"duration":2,"x":0,"y":0,"width":1280,"height":200},
           {"type":"subtitles","start":1,"cues":[{"start":0,"end":1,"text":"One"},{"start":2,"end":3,"text":"Two"}],
            "x":0,"y":520,"width":1280,"height":200}"#,
    );
    let mut r = TextRenderer::new();
    let files = BTreeMap::from([("logo", red_logo())]);
    let t = timeline(&project, &plan, &mut r, &files).unwrap();
    let times = |e: &Entry| (e.visual, e.item, e.start_us, e.end_us);
    let all: Vec<_> = t.entries().map(|e| times(&e)).collect();
    assert_eq!(
        all,
        [(0, 0, 3 * S, 6 * S), (1, 0, 2 * S + S / 2, 4 * S + S / 2), (2, 0, 3 * S, 4 * S), (2, 1, 5 * S, 6 * S)]
    );
    assert_eq!(r.cache_stats().misses, 0, "nothing is rasterized before it is asked for");
    let at = |us| t.active_at(us).iter().map(|e| (e.visual, e.item)).collect::<Vec<_>>();
    assert_eq!(at(2 * S), Vec::<(usize, usize)>::new());
    assert_eq!(at(3 * S), [(0, 0), (1, 0), (2, 0)]);
    assert_eq!(at(4 * S + S / 2), [(0, 0)]);
    assert_eq!(at(5 * S), [(0, 0), (2, 1)]);
    assert_eq!(at(6 * S), Vec::<(usize, usize)>::new());

    // The image is fitted into its box: 40×20 scaled ×2 fills 80×40 at (100, 50).
    let image = t.rasterize(&mut r, &t.active_at(3 * S)[0]).unwrap().unwrap();
    assert_eq!((image.bitmap().width(), image.bitmap().height()), (40, 20));
    assert_eq!(image.bounds(), Rect::new(100.0, 50.0, 80.0, 40.0));
    // Captions sit at the bottom of their box, centred, on whole pixels.
    let cue = t.rasterize(&mut r, &t.active_at(3 * S)[2]).unwrap().unwrap();
    let b = cue.bounds();
    assert!(b.y + b.height <= 720.0 && b.y > 600.0, "caption at {b:?}");
    assert!((b.x + b.width / 2.0 - 640.0).abs() < 2.0, "caption centred: {b:?}");
    assert_eq!((b.x.fract(), b.y.fract()), (0.0, 0.0));
    assert_eq!((b.width, b.height), (f64::from(cue.bitmap().width()), f64::from(cue.bitmap().height())));
}

#[test]
fn identical_cues_rasterize_once() {
    let (project, plan) = project(
        "",
        r#"{"type":"subtitles","cues":[{"start":0,"end":1,"text":"Same"},{"start":2,"end":3,"text":"Other"},
            {"start":4,"end":5,"text":"Same"}]}"#,
    );
    let mut r = TextRenderer::new();
    let t = timeline(&project, &plan, &mut r, &BTreeMap::new()).unwrap();
    let pictures: Vec<Picture> = t.entries().map(|e| t.rasterize(&mut r, &e).unwrap().unwrap()).collect();
    let stats = r.cache_stats();
    assert_eq!((stats.misses, stats.hits), (2, 1));
    assert!(std::ptr::eq(pictures[0].bitmap(), pictures[2].bitmap()), "the same pixels are shared");
}

#[test]
fn bad_cues_are_warnings_and_missing_files_errors() {
    let srt = "1\n00:00:00,000 --> 00:00:01,000\nGood\n\n2\n00:00:0x,000 --> 00:00:02,000\nBad\n\n3\n00:00:02,000 --> 00:00:03,000\nAlso good\n";
    let (project, plan) =
        project(r#""subs":{"kind":"subtitles","name":"a.srt","size":1}"#, r#"{"type":"subtitles","source":"subs"}"#);
    let mut r = TextRenderer::new();
    let t = timeline(&project, &plan, &mut r, &BTreeMap::from([("subs", srt.as_bytes().to_vec())])).unwrap();
    assert_eq!(t.entries().count(), 2);
    assert_eq!(t.warnings().len(), 1);
    assert_eq!((t.warnings()[0].path.as_str(), t.warnings()[0].error.line), ("scenes[1].layers[0].source", 6));
    let missing = timeline(&project, &plan, &mut r, &BTreeMap::new()).unwrap_err();
    assert_eq!((missing.code(), missing.path()), ("overlay_missing_source", "scenes[1].layers[0].source"));
    let binary = timeline(&project, &plan, &mut r, &BTreeMap::from([("subs", vec![0xff, 0xfe, 0])])).unwrap_err();
    assert_eq!(binary.code(), "subtitles_not_text");
}

#[test]
fn animated_gif_frames_by_time() {
    let mut gif_bytes = Vec::new();
    {
        let mut enc = gif::Encoder::new(&mut gif_bytes, 4, 4, &[]).unwrap();
        enc.set_repeat(gif::Repeat::Finite(1)).unwrap();
        for (i, delay) in [(0u8, 50u16), (1, 100)] {
            let mut rgba = [255 * (1 - i), 255 * i, 0, 255].repeat(16);
            let mut frame = gif::Frame::from_rgba(4, 4, &mut rgba);
            frame.delay = delay;
            enc.write_frame(&frame).unwrap();
        }
    }
    let (project, plan) = project(
        r#""anim":{"kind":"image","name":"a.gif","size":1}"#,
        r#"{"type":"image","source":"anim","start":0,"duration":5}"#,
    );
    let mut r = TextRenderer::new();
    let t = timeline(&project, &plan, &mut r, &BTreeMap::from([("anim", gif_bytes)])).unwrap();
    let all: Vec<_> = t.entries().map(|e| (e.item, e.start_us - 2 * S, e.end_us - 2 * S)).collect();
    // Plays twice in all (one repeat): 0.5 s + 1 s, 0.5 s + the last frame held to the end.
    assert_eq!(all, [(0, 0, S / 2), (1, S / 2, 3 * S / 2), (0, 3 * S / 2, 2 * S), (1, 2 * S, 5 * S)]);
    assert_eq!(t.active_at(2 * S + 1_600_000)[0].item, 0);
    let green = t.rasterize(&mut r, &t.active_at(6 * S)[0]).unwrap().unwrap();
    assert_eq!(&green.bitmap().pixels()[..4], &[0, 255, 0, 255]);
}

#[test]
fn ten_thousand_cues_stream_in_bounded_memory() {
    let mut srt = String::new();
    for i in 0..10_000u32 {
        let (a, b) = (i * 50, i * 50 + 40);
        let ts = |ms: u32| format!("00:{:02}:{:02},{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000);
        srt.push_str(&format!("{}\n{} --> {}\nCue {i}\n\n", i + 1, ts(a), ts(b)));
    }
    let (project, plan) = long_project(
        r#""subs":{"kind":"subtitles","name":"a.srt","size":1}"#,
        r#"{"type":"subtitles","source":"subs","style":{"size":14}}"#,
        500,
    );
    let mut r = TextRenderer::new();
    let budget = 512 * 1024;
    r.set_cache_budget(budget);
    let t = timeline(&project, &plan, &mut r, &BTreeMap::from([("subs", srt.into_bytes())])).unwrap();
    // Cue 5000 shows 250.00–250.04 s after the layer start (timeline + 2 s).
    assert_eq!(t.active_at(252 * S + 10_000)[0].item, 5000);
    assert_eq!(t.active_at(252 * S + 45_000).len(), 0);
    let (mut count, mut bytes) = (0usize, 0usize);
    for entry in t.entries() {
        let picture = t.rasterize(&mut r, &entry).unwrap().unwrap();
        bytes += picture.bitmap().pixels().len();
        count += 1;
    }
    assert_eq!(count, 10_000);
    let stats = r.cache_stats();
    assert!(stats.bytes <= budget, "cache holds {} bytes", stats.bytes);
    assert!(bytes > 4 * budget, "{bytes} bytes were drawn in all, far more than ever held");
}

#[test]
fn a_font_source_loaded_again_keeps_the_text_cache() {
    let (project, plan) = project(
        r#""brand":{"kind":"font","name":"NotoSans-Bold.ttf","size":1}"#,
        r#"{"type":"text","text":"Hello","style":{"font":"brand"}}"#,
    );
    let bold = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/NotoSans-Bold.ttf")).unwrap();
    let files = BTreeMap::from([("brand", bold)]);
    let mut r = TextRenderer::new();
    for job in 0..2 {
        let t = timeline(&project, &plan, &mut r, &files).unwrap();
        let entry = t.entries().next().unwrap();
        t.rasterize(&mut r, &entry).unwrap().unwrap();
        let stats = r.cache_stats();
        assert_eq!((stats.misses, stats.hits, stats.entries), (1, job, 1), "job {job}: the second job hits the cache");
    }
}
