//! Outputs checked by ffmpeg: animated GIF (frame count, size, palettes, size cap, frame
//! rate limit), PNG and JPEG thumbnails, sprite sheets.

use super::common::{decode_errors, ffprobe_json};
use super::scratch;
use frameloom::container::VecSink;
use frameloom::raster::Bitmap;
use frameloom::raster::encode::{self, FrameOutcome, GifEncoder, GifOptions, PaletteMode};
use frameloom::raster::image;

/// A moving gradient with a square: frame `n` of a `w × h` animation, hue set by `scene`.
fn frame(w: u32, h: u32, n: u32, scene: u8) -> Bitmap {
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let inside = (x + 4 * n) % w < 30 && y > h / 3 && y < h / 3 + 30;
            let g = ((x * 255) / w) as u8;
            rgb.extend(match (inside, scene) {
                (true, _) => [255, 255, 255],
                (false, 0) => [g, 40, 255 - g],
                (false, _) => [40, g, (y * 255 / h) as u8],
            });
        }
    }
    Bitmap::from_rgb(w, h, &rgb).unwrap()
}

/// Frames and size as ffprobe counts them.
fn probe(path: &std::path::Path) -> (u64, u64, u64) {
    let v = ffprobe_json(path, &["-count_frames", "-show_streams"]);
    let s = &v["streams"][0];
    let n = |k: &str| s[k].as_u64().or_else(|| s[k].as_str().and_then(|t| t.parse().ok())).unwrap_or(0);
    (n("nb_read_frames"), n("width"), n("height"))
}

/// Writes `bytes` to a scratch file and returns its path.
fn save(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = scratch(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn gif_with_a_global_palette() {
    let mut sink = VecSink { bytes: Vec::new() };
    let samples = [frame(160, 90, 0, 0), frame(160, 90, 10, 0)];
    let refs: Vec<&Bitmap> = samples.iter().collect();
    let mut gif = GifEncoder::new(&mut sink, GifOptions::new(160, 90), &refs).unwrap();
    for n in 0..20 {
        assert_eq!(gif.push_frame(&frame(160, 90, n, 0), i64::from(n) * 100_000).unwrap(), FrameOutcome::Queued);
    }
    let summary = gif.finish(2_000_000).unwrap();
    assert_eq!((summary.frames, summary.skipped, summary.bytes), (20, 0, sink.bytes.len() as u64));
    let path = save("global.gif", &sink.bytes);
    assert_eq!(probe(&path), (20, 160, 90));
    assert_eq!(decode_errors(&path), "");
    let decoded = image::decode(&sink.bytes).unwrap();
    assert_eq!(decoded.frames.len(), 20);
    assert!(decoded.frames.iter().all(|f| f.delay_us == 100_000));
    assert_eq!(decoded.loop_count, None, "loops forever");
    let original = frame(160, 90, 5, 0);
    let (mean, _) = super::difference(&original, &decoded.frames[5].bitmap);
    assert!(mean < 6.0, "dithered 256 colours stay close: {mean}");
}

#[test]
fn gif_with_a_palette_per_scene_without_dithering() {
    let mut sink = VecSink { bytes: Vec::new() };
    let mut options = GifOptions::new(120, 80);
    options.palette = PaletteMode::PerScene;
    options.dither = false;
    options.colors = 64;
    options.loops = Some(1);
    let mut gif = GifEncoder::new(&mut sink, options, &[]).unwrap();
    for scene in 0..2u8 {
        gif.start_scene(&[]);
        for n in 0..8u32 {
            let t = i64::from(scene) * 800_000 + i64::from(n) * 100_000;
            gif.push_frame(&frame(120, 80, n, scene), t).unwrap();
        }
    }
    let summary = gif.finish(1_600_000).unwrap();
    assert_eq!(summary.frames, 16);
    let path = save("per_scene.gif", &sink.bytes);
    assert_eq!(probe(&path), (16, 120, 80));
    assert_eq!(decode_errors(&path), "");
    let decoded = image::decode(&sink.bytes).unwrap();
    assert_eq!(decoded.loop_count, Some(1), "plays once");
    let distinct = |f: &Bitmap| {
        f.pixels().chunks_exact(4).map(|p| [p[0], p[1], p[2]]).collect::<std::collections::BTreeSet<_>>().len()
    };
    assert!(distinct(&decoded.frames[0].bitmap) <= 64 && distinct(&decoded.frames[12].bitmap) <= 64);
    let green = decoded.frames[12].bitmap.pixel(2, 70).unwrap();
    assert!(green[1] < 60 && green[2] > 150, "the second scene has its own colours: {green:?}");
}

#[test]
fn gif_size_cap_lowers_the_rate_then_stops() {
    let noisy = |n: u32| {
        let rgb: Vec<u8> =
            (0..200 * 120 * 3u32).map(|i| (i.wrapping_mul(2654435761).wrapping_add(n * 97) >> 13) as u8).collect();
        Bitmap::from_rgb(200, 120, &rgb).unwrap()
    };
    let cap = 200_000;
    let mut sink = VecSink { bytes: Vec::new() };
    let mut options = GifOptions::new(200, 120);
    options.max_bytes = Some(cap);
    options.expected_frames = Some(60);
    let mut gif = GifEncoder::new(&mut sink, options, &[]).unwrap();
    for n in 0..60 {
        gif.push_frame(&noisy(n), i64::from(n) * 40_000).unwrap();
    }
    let summary = gif.finish(2_400_000).unwrap();
    assert!(sink.bytes.len() as u64 <= cap, "{} bytes", sink.bytes.len());
    assert!(summary.frame_stride > 1 || summary.truncated_at_us.is_some(), "{summary:?}");
    assert!(summary.frames < 60 && summary.frames > 0, "{summary:?}");
    let path = save("capped.gif", &sink.bytes);
    assert_eq!(probe(&path).0, summary.frames);
    assert_eq!(decode_errors(&path), "");
    let mut tiny = VecSink { bytes: Vec::new() };
    let mut options = GifOptions::new(200, 120);
    options.max_bytes = Some(1000);
    let mut gif = GifEncoder::new(&mut tiny, options, &[]).unwrap();
    gif.push_frame(&noisy(0), 0).unwrap();
    assert_eq!(gif.finish(100_000).unwrap_err().code(), "encode_no_frames");
}

#[test]
fn gif_frames_faster_than_50_fps_are_dropped() {
    let mut sink = VecSink { bytes: Vec::new() };
    let mut gif = GifEncoder::new(&mut sink, GifOptions::new(64, 36), &[]).unwrap();
    let mut skipped = 0;
    for n in 0..60 {
        if gif.push_frame(&frame(64, 36, n, 0), i64::from(n) * 1_000_000 / 60).unwrap() == FrameOutcome::Skipped {
            skipped += 1;
        }
    }
    let summary = gif.finish(1_000_000).unwrap();
    assert_eq!(summary.skipped, skipped);
    assert!(summary.frames <= 50 && summary.frames >= 25, "{summary:?}");
    let decoded = image::decode(&sink.bytes).unwrap();
    assert!(decoded.frames.iter().all(|f| f.delay_us >= 20_000));
    assert_eq!(decoded.duration_us(), 1_000_000, "delays add up to the length");
    let wrong = Bitmap::new(10, 10).unwrap();
    let mut sink = VecSink { bytes: Vec::new() };
    let mut gif = GifEncoder::new(&mut sink, GifOptions::new(64, 36), &[]).unwrap();
    assert_eq!(gif.push_frame(&wrong, 0).unwrap_err().code(), "encode_frame_size");
    assert_eq!(
        GifEncoder::new(&mut VecSink { bytes: Vec::new() }, GifOptions::new(0, 36), &[]).err().unwrap().code(),
        "encode_invalid_options"
    );
}

#[test]
fn thumbnails_and_posters_are_readable_by_ffmpeg() {
    let poster = frame(640, 360, 3, 1);
    let thumb = poster.resize(160, 90).unwrap();
    for (name, bytes, codec) in [
        ("poster.png", encode::png(&poster).unwrap(), "png"),
        ("poster.jpg", encode::jpeg(&poster, 85, [0, 0, 0]).unwrap(), "mjpeg"),
        ("thumb.jpg", encode::jpeg(&thumb, 80, [0, 0, 0]).unwrap(), "mjpeg"),
    ] {
        let path = save(name, &bytes);
        let v = ffprobe_json(&path, &["-show_streams"]);
        assert_eq!(v["streams"][0]["codec_name"], codec, "{name}");
        assert_eq!(decode_errors(&path), "", "{name}");
        let back = image::decode(&bytes).unwrap();
        let (mean, _) =
            super::difference(if name.starts_with("thumb") { &thumb } else { &poster }, &back.frames[0].bitmap);
        assert!(mean < 4.0, "{name}: {mean}");
    }
    // A transparent PNG keeps its alpha.
    let mut text = super::renderer();
    let caption = super::render(&mut text, "Alpha", &super::style());
    let back = image::decode(&encode::png(&caption).unwrap()).unwrap();
    let (mean, _) = super::difference(&caption, &back.frames[0].bitmap);
    assert!(mean < 0.5, "{mean}");
}

#[test]
fn sprite_sheet_of_thumbnails() {
    let frames: Vec<Bitmap> = (0..10).map(|n| frame(320, 180, n * 5, 0)).collect();
    let sheet = encode::sprite_sheet(&frames, 4, 160, 100).unwrap();
    assert_eq!((sheet.bitmap.width(), sheet.bitmap.height(), sheet.cells.len()), (640, 300, 10));
    assert_eq!((sheet.cells[5].x, sheet.cells[5].y), (160.0, 100.0));
    // Each 16:9 frame fits its 160 × 100 cell as 160 × 90, centred: bands stay transparent.
    assert_eq!(sheet.bitmap.pixel(80, 2).unwrap()[3], 0);
    assert_eq!(sheet.bitmap.pixel(80, 50).unwrap()[3], 255);
    let path = save("sprites.png", &encode::png(&sheet.bitmap).unwrap());
    assert_eq!(probe(&path), (1, 640, 300));
    assert_eq!(
        encode::sprite_sheet(&frames, 200, 100, 100).unwrap().bitmap.width(),
        1000,
        "columns are capped at the frame count"
    );
    assert_eq!(encode::sprite_sheet(&frames, 1, 100, 5000).unwrap_err().code(), "encode_too_large");
    assert_eq!(encode::sprite_sheet(&[], 4, 10, 10).unwrap_err().code(), "encode_invalid_options");
}
