//! Overlay tests: text goldens (Latin, Arabic, Hebrew, CJK, emoji, outline, shadow, box, wrap,
//! alignment), captions in bulk, image decoding limits, and outputs checked by ffmpeg.
//!
//! Goldens live in `tests/golden/*.png` and are compared with a tolerance (mean absolute
//! channel difference ≤ 2, channels off by more than 64 on ≤ 0.5 % of values). On a mismatch
//! the actual picture is written next to the golden as `NAME.actual.png`. Regenerate with
//! `FRAMELOOM_UPDATE_GOLDEN=1 cargo test --test raster`. Fallback fonts come from Debian's
//! Noto packages (`scripts/setup.sh`).

mod common;

#[path = "raster/captions.rs"]
mod captions;
#[path = "raster/images.rs"]
mod images;
#[path = "raster/outputs.rs"]
mod outputs;
#[path = "raster/text.rs"]
mod text;

use frameloom::project::{Align, Color, FontFamily, TextStyle, VerticalAlign};
use frameloom::raster::fonts::FALLBACK_FILES;
use frameloom::raster::{Bitmap, TextRenderer, encode, image};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The bytes of every fallback font file (read once).
fn fallback_fonts() -> &'static Vec<Vec<u8>> {
    static FONTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FONTS.get_or_init(|| {
        FALLBACK_FILES
            .iter()
            .filter(|f| !f.path.contains("-Bold.ttc"))
            .map(|f| {
                std::fs::read(f.path)
                    .unwrap_or_else(|e| panic!("{} ({}): {e}; run scripts/setup.sh", f.path, f.package))
            })
            .collect()
    })
}

/// A renderer with Noto Sans (embedded, or added when the `embed-fonts` feature is off) and
/// the fallback fonts loaded, as the server has it.
pub fn renderer() -> TextRenderer {
    let mut r = TextRenderer::new();
    for name in ["NotoSans-Regular.ttf", "NotoSans-Bold.ttf"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts").join(name);
        r.add_font(std::fs::read(path).expect("assets font")).expect("Noto Sans loads");
    }
    for bytes in fallback_fonts() {
        r.add_font(bytes.clone()).expect("fallback font loads");
    }
    r
}

/// White 32 px text, centred, wrapping at 600 px, nothing else.
pub fn style() -> TextStyle {
    TextStyle {
        family: FontFamily::SansSerif,
        font: None,
        size: 32.0,
        weight: 400,
        italic: false,
        color: Color::WHITE,
        outline: None,
        shadow: None,
        text_box: None,
        align: Align::Center,
        vertical_align: VerticalAlign::Bottom,
        max_width: 600.0,
        line_height: 1.2,
    }
}

/// Renders `text` at scale 1 and returns its bitmap.
pub fn render(r: &mut TextRenderer, text: &str, style: &TextStyle) -> Bitmap {
    r.render_text(text, style, 1.0).expect("renders").bitmap.expect("something is drawn")
}

/// Compares `actual` with `tests/golden/NAME.png` (see the file comment for the tolerance).
pub fn assert_golden(name: &str, actual: &Bitmap) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let golden = dir.join(format!("{name}.png"));
    let actual_path = dir.join(format!("{name}.actual.png"));
    let png = encode::png(actual).expect("encodes");
    if std::env::var_os("FRAMELOOM_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &png).expect("write golden");
        return;
    }
    let fail = |why: String| -> ! {
        std::fs::write(&actual_path, &png).expect("write actual");
        panic!("{name}: {why}; actual written to {}; regenerate with FRAMELOOM_UPDATE_GOLDEN=1", actual_path.display());
    };
    let Ok(bytes) = std::fs::read(&golden) else { fail(format!("no golden at {}", golden.display())) };
    let expected = &image::decode(&bytes).expect("golden decodes").frames[0].bitmap;
    if (expected.width(), expected.height()) != (actual.width(), actual.height()) {
        fail(format!(
            "size {}×{} instead of {}×{}",
            actual.width(),
            actual.height(),
            expected.width(),
            expected.height()
        ));
    }
    let (mean, far) = difference(expected, actual);
    if mean > 2.0 || far > 0.005 {
        fail(format!("mean difference {mean:.2}, {:.3}% of channels off by more than 64", far * 100.0));
    }
    let _ = std::fs::remove_file(&actual_path);
}

/// Mean absolute channel difference, and the share of channels differing by more than 64.
pub fn difference(a: &Bitmap, b: &Bitmap) -> (f64, f64) {
    let n = a.pixels().len().max(1) as f64;
    let diffs = a.pixels().iter().zip(b.pixels()).map(|(x, y)| x.abs_diff(*y));
    let (sum, far) = diffs.fold((0u64, 0u64), |(s, f), d| (s + u64::from(d), f + u64::from(d > 64)));
    (sum as f64 / n, far as f64 / n)
}

/// A scratch folder under `target/` for files ffmpeg reads.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/raster-tests");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}
