//! Captions in bulk: dedupe with hit/miss counts, progress, VTT placement, overlap, 10,000
//! cues streamed with bounded memory, per-cue errors.

use super::{renderer, style};
use frameloom::plan::LayerBox;
use frameloom::project::TextBox;
use frameloom::raster::subtitles::{Cue, CueRaster, CueSettings, parse_vtt, rasterize_cues};

const FRAME: LayerBox = LayerBox { x: 0.0, y: 0.0, width: 1920.0, height: 1026.0, rotation: 0.0 };

fn cue(i: usize, text: String) -> Cue {
    let start = i as i64 * 2_000_000;
    Cue { id: None, start_us: start, end_us: start + 1_500_000, text, settings: CueSettings::default() }
}

#[test]
fn repeated_cues_are_rendered_once() {
    let mut r = renderer();
    let cues: Vec<Cue> = (0..30).map(|i| cue(i, format!("Line {}", i % 3))).collect();
    let mut calls = 0;
    let out = rasterize_cues(&mut r, &cues, &style(), FRAME, 1.0, |p| {
        calls += 1;
        assert!(p.done <= p.total);
    });
    assert_eq!(out.placed.len(), 30);
    assert_eq!((out.progress.misses, out.progress.hits, out.progress.done, calls), (3, 27, 30, 30));
    assert!(std::sync::Arc::ptr_eq(&out.placed[0].text, &out.placed[3].text));
    let p = &out.placed[0];
    assert_eq!((p.start_us, p.end_us, p.cues.clone()), (0, 1_500_000, vec![0]));
    let bounds = p.placement.output_bounds();
    assert!(bounds.y + bounds.height <= 1026.0 + 1.0 && bounds.y > 900.0, "bottom-aligned: {bounds:?}");
}

#[test]
fn vtt_settings_place_cues() {
    let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000 line:10% align:left position:5%\nTop left\n\n00:03.000 --> 00:04.000 line:0\nFirst line\n\n00:05.000 --> 00:06.000\nDefault\n";
    let parsed = parse_vtt(vtt);
    assert_eq!(parsed.errors, []);
    let mut r = renderer();
    let out = rasterize_cues(&mut r, &parsed.cues, &style(), FRAME, 1.0, |_| {});
    let bounds: Vec<_> = out.placed.iter().map(|p| p.placement.output_bounds()).collect();
    assert!(
        (bounds[0].y - 102.6).abs() < 12.0 && bounds[0].x < 5.0 * 19.2 + 10.0 && bounds[0].x >= 5.0 * 19.2 - 1.0,
        "{:?}",
        bounds[0]
    );
    assert!(bounds[1].y < 12.0, "line 0 is at the top: {:?}", bounds[1]);
    assert!(bounds[2].y > 900.0, "no settings: the style's bottom alignment: {:?}", bounds[2]);
}

#[test]
fn overlapping_cues_are_one_block() {
    let mut r = renderer();
    let cues = vec![
        Cue { id: None, start_us: 0, end_us: 4_000_000, text: "First".into(), settings: CueSettings::default() },
        Cue {
            id: None,
            start_us: 1_000_000,
            end_us: 2_000_000,
            text: "Second".into(),
            settings: CueSettings::default(),
        },
    ];
    let out = rasterize_cues(&mut r, &cues, &style(), FRAME, 1.0, |_| {});
    let spans: Vec<(i64, i64, usize)> = out.placed.iter().map(|p| (p.start_us, p.end_us, p.text.lines)).collect();
    assert_eq!(spans, [(0, 1_000_000, 1), (1_000_000, 2_000_000, 2), (2_000_000, 4_000_000, 1)]);
}

#[test]
fn ten_thousand_cues_stream_in_bounded_memory() {
    let mut r = renderer();
    let budget = 1024 * 1024;
    r.set_cache_budget(budget);
    // Small and plain so the debug build stays quick: what is checked is memory, not looks.
    let mut s = style();
    s.size = 16.0;
    s.text_box = Some(TextBox { color: frameloom::project::Color::rgba(0, 0, 0, 153), padding: 4.0, radius: 0.0 });
    let cues: Vec<Cue> = (0..10_000).map(|i| cue(i, format!("Cue {i}"))).collect();
    let mut batch = CueRaster::new(&mut r, &cues, &s, FRAME, 1.0);
    let (mut count, mut bytes) = (0, 0usize);
    for placed in batch.by_ref() {
        bytes += placed.expect("renders").bitmap().map_or(0, |b| b.pixels().len());
        count += 1;
    }
    let progress = batch.progress();
    assert_eq!((count, progress.done, progress.misses, progress.hits), (10_000, 10_000, 10_000, 0));
    let stats = r.cache_stats();
    assert!(stats.bytes <= budget, "cache holds {} bytes", stats.bytes);
    assert!(stats.entries < 2000, "cache holds {} entries", stats.entries);
    assert!(bytes > 5 * budget, "the batch produced {bytes} bytes in all, far more than was ever held");
}

#[test]
fn one_bad_cue_does_not_stop_the_batch() {
    let mut r = renderer();
    let mut s = style();
    s.size = 1000.0;
    s.max_width = 32_768.0;
    let cues = vec![cue(0, "ok".into()), cue(1, "W".repeat(200)), cue(2, "fine".into())];
    let out = rasterize_cues(&mut r, &cues, &s, FRAME, 1.0, |_| {});
    assert_eq!(out.placed.len(), 2);
    assert_eq!(out.errors.len(), 1);
    assert_eq!((out.errors[0].cue, out.errors[0].code()), (1, "text_too_large"));
}
