//! `output.gif` through the `render` CLI: one palette per scene (local colour tables in the
//! file), no dithering, and `maxBytes` (the frame rate is lowered, then the GIF cut, until the
//! file fits), checked with ffprobe and by reading the GIF's blocks.

mod support;

use serde_json::json;
use std::path::Path;
use support::media::*;

/// How many frames of the GIF at `file`, after the first, carry their own (local) colour table
/// (ffmpeg gives the first frame one too).
fn local_palettes(file: &Path) -> usize {
    let b = std::fs::read(file).unwrap();
    let table = |packed: u8| if packed & 0x80 != 0 { 3 << ((packed & 7) + 1) } else { 0 };
    let skip_blocks = |mut i: usize| {
        while b[i] != 0 {
            i += usize::from(b[i]) + 1;
        }
        i + 1
    };
    let (mut i, mut locals) = (13 + table(b[10]), 0);
    loop {
        match b[i] {
            0x21 => i = skip_blocks(i + 2),
            0x2c => {
                let packed = b[i + 9];
                locals += usize::from(packed & 0x80 != 0);
                i = skip_blocks(i + 10 + table(packed) + 1);
            }
            0x3b => return locals.saturating_sub(1),
            other => panic!("unexpected GIF block 0x{other:02x} at {i}"),
        }
    }
}

#[test]
fn gif_palette_per_scene_without_dithering() {
    let dir = Dir::new("gif-scenes");
    testsrc(&dir, "clip.mp4");
    dir.make(
        "blue.mp4",
        &["-f", "lavfi", "-i", "color=c=blue:s=160x120:r=10:d=1", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
    );
    let scenes = json!([
        { "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 1 }] },
        { "layers": [{ "type": "video", "source": "blue", "trimStart": 0, "trimEnd": 1 }] },
    ]);
    let sources = json!({ "clip": video_source("clip.mp4"), "blue": video_source("blue.mp4") });
    let output = |palette: &str| json!({ "width": 160, "height": 120, "fps": 10, "format": "gif", "gif": { "palette": palette, "dither": false } });
    dir.render_ok(&project(output("global"), sources.clone(), scenes.clone()), "global.gif");
    dir.render_ok(&project(output("scene"), sources, scenes), "scene.gif");
    assert_eq!(local_palettes(&dir.path("global.gif")), 0, "one palette: the header's");
    assert_eq!(local_palettes(&dir.path("scene.gif")), 10, "every frame of the second scene has its own palette");
    let out = dir.path("scene.gif");
    assert_eq!(frames(stream(&streams(&out), "video")), 20);
    let [r, g, b] = pixel(&out, 15, 80, 60);
    assert!(b > 200 && r < 40 && g < 40, "the second scene is blue: {:?}", [r, g, b]);
}

#[test]
fn gif_max_bytes_lowers_the_rate_then_cuts() {
    let dir = Dir::new("gif-cap");
    testsrc(&dir, "clip.mp4");
    let cap = 16_384;
    let p = project(
        json!({ "width": 160, "height": 120, "fps": 30, "format": "gif", "quality": "low", "gif": { "maxBytes": cap } }),
        json!({ "clip": video_source("clip.mp4") }),
        json!([{ "layers": [{ "type": "video", "source": "clip", "trimStart": 0, "trimEnd": 4 }] }]),
    );
    dir.render_ok(&p, "capped.gif");
    let out = dir.path("capped.gif");
    let bytes = std::fs::metadata(&out).unwrap().len();
    assert!(bytes <= cap, "{bytes} bytes is over the cap of {cap}");
    let v = streams(&out);
    let v = stream(&v, "video");
    // 120 frames at 30 fps would be far over 16 KiB: at most 15 (the rate at 1/8) remain.
    assert!((1..=15).contains(&frames(v)), "{} frames", frames(v));
}
