use frameloom::project::*;
use frameloom::raster::*;
fn style(size: f64) -> TextStyle {
    TextStyle { family: FontFamily::SansSerif, font: None, size, weight: 400, italic: false, color: Color::WHITE,
        outline: Some(Outline { width: 3.0, color: Color::BLACK }), shadow: Some(Shadow { x: 3.0, y: 3.0, blur: 6.0, color: Color::rgba(0,0,0,0xb3) }),
        text_box: Some(TextBox { color: Color::rgba(0, 0, 80, 0x99), padding: 12.0, radius: 16.0 }),
        align: Align::Center, vertical_align: VerticalAlign::Bottom, max_width: 600.0, line_height: 1.2 }
}
fn main() {
    let mut r = TextRenderer::new();
    for p in ["/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"] {
        r.add_font(std::fs::read(p).unwrap()).unwrap();
    }
    let texts = ["Hello, world! The quick brown fox jumps over the lazy dog.", "مرحبا بالعالم 123 hello", "שלום עולם", "你好，世界！日本語のテキスト", "Emoji 😀👍🏽🇫🇷 ❤️ done"];
    for (i, t) in texts.iter().enumerate() {
        let start = std::time::Instant::now();
        let out = r.render_text(t, &style(48.0), 1.0).unwrap();
        let bm = out.bitmap.as_ref().unwrap();
        println!("{i}: {}x{} off {},{} block {}x{} lines {} in {:?}", bm.width(), bm.height(), out.offset_x, out.offset_y, out.block_width, out.block_height, out.lines, start.elapsed());
        std::fs::write(format!("/tmp/text{i}.png"), frameloom::raster::encode::png(bm).unwrap()).unwrap();
    }
}
