//! Image decoding: files made by ffmpeg decode to ffmpeg's own pixels; oversized headers are
//! rejected before decoding; damaged files give errors, never panics.

use super::scratch;
use frameloom::raster::image::{self, ImageFormat};
use std::path::Path;
use std::process::Command;

/// Makes `name` with ffmpeg (`args` between the input and the output) and returns its bytes.
fn make(name: &str, input: &str, args: &[&str]) -> Vec<u8> {
    let path = scratch(name);
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", input])
        .args(args)
        .arg(&path)
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "ffmpeg made no {name}: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(path).expect("read image")
}

/// ffmpeg's decoding of every frame of `path` as straight RGBA.
fn ffmpeg_rgba(path: &Path) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-i"])
        .arg(path)
        .args(["-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// Mean absolute difference of two byte buffers.
fn mean_diff(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| f64::from(x.abs_diff(*y))).sum::<f64>() / a.len().max(1) as f64
}

#[test]
fn decodes_what_ffmpeg_writes() {
    let src = "testsrc2=size=96x64:rate=10";
    let cases: [(&str, &[&str], ImageFormat, f64); 4] = [
        ("still.png", &["-frames:v", "1", "-pix_fmt", "rgba"], ImageFormat::Png, 0.0),
        ("still.jpg", &["-frames:v", "1", "-q:v", "2"], ImageFormat::Jpeg, 6.0),
        ("still.webp", &["-frames:v", "1", "-c:v", "libwebp", "-lossless", "1"], ImageFormat::Webp, 0.0),
        ("lossy.webp", &["-frames:v", "1", "-c:v", "libwebp", "-quality", "90"], ImageFormat::Webp, 6.0),
    ];
    for (name, args, format, tolerance) in cases {
        let bytes = make(name, src, args);
        let decoded = image::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (decoded.format, decoded.width, decoded.height, decoded.frames.len()),
            (format, 96, 64, 1),
            "{name}"
        );
        let ours = decoded.frames[0].bitmap.to_straight_rgba();
        // Lossy formats: decoders differ in chroma upsampling by a few levels.
        let diff = mean_diff(&ours, &ffmpeg_rgba(&scratch(name)));
        assert!(diff <= tolerance, "{name}: mean difference {diff}");
    }
}

#[test]
fn animated_gif_frames_and_delays() {
    let bytes = make("anim.gif", "testsrc2=size=80x60:rate=10:duration=1", &["-loop", "0"]);
    let decoded = image::decode(&bytes).expect("decodes");
    assert_eq!((decoded.format, decoded.frames.len(), decoded.loop_count), (ImageFormat::Gif, 10, None));
    assert!(decoded.frames.iter().all(|f| f.delay_us == 100_000), "10 fps");
    assert_eq!(decoded.duration_us(), 1_000_000);
    assert!(std::ptr::eq(decoded.frame_at(1_250_000).unwrap(), &decoded.frames[2]), "loops forever");
    // Composited frames match ffmpeg's decoding (palette colours are exact).
    let ours: Vec<u8> = decoded.frames.iter().flat_map(|f| f.bitmap.to_straight_rgba()).collect();
    assert!(mean_diff(&ours, &ffmpeg_rgba(&scratch("anim.gif"))) < 0.5);
    let streamed = image::GifFrames::new(&bytes).unwrap().count();
    assert_eq!(streamed, 10);
}

/// A PNG signature and an IHDR chunk declaring `w × h`, and nothing else.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b
}

#[test]
fn oversized_headers_are_rejected_before_decoding() {
    let jpeg = [
        &[0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8][..],
        &30000u16.to_be_bytes(),
        &30000u16.to_be_bytes(),
        &[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
    ]
    .concat();
    let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
    webp.extend([0x2F, 0x75, 0x00, 0x2F, 0x75, 0x00]);
    let mut gif = b"GIF89a".to_vec();
    gif.extend(30000u16.to_le_bytes());
    gif.extend(30000u16.to_le_bytes());
    gif.extend([0, 0, 0]);
    for (name, bytes) in [("png", png_header(30000, 30000)), ("jpeg", jpeg), ("webp", webp), ("gif", gif)] {
        let started = std::time::Instant::now();
        let err = image::decode(&bytes).expect_err(name);
        assert_eq!(err, image::ImageError::TooLarge { width: 30000, height: 30000 }, "{name}");
        assert_eq!(err.code(), "image_too_large");
        assert!(started.elapsed().as_millis() < 50, "{name}: rejected from the header");
        assert_eq!(image::probe(&bytes).unwrap_err().code(), "image_too_large");
    }
    assert_eq!(image::decode(&png_header(20000, 100)).unwrap_err().code(), "image_too_large", "a side over the limit");
    assert_eq!(image::decode(&png_header(0, 100)).unwrap_err().code(), "image_malformed");
}

#[test]
fn damaged_files_give_errors() {
    let png = make("cut.png", "testsrc2=size=64x64", &["-frames:v", "1"]);
    let jpg = make("cut.jpg", "testsrc2=size=64x64", &["-frames:v", "1"]);
    let gif = make("cut.gif", "testsrc2=size=64x64:rate=5:duration=1", &[]);
    let webp = make("cut.webp", "testsrc2=size=64x64", &["-frames:v", "1", "-c:v", "libwebp"]);
    for (name, bytes) in [("png", &png), ("jpeg", &jpg), ("gif", &gif), ("webp", &webp)] {
        for cut in [8, 20, 40, bytes.len() / 2, bytes.len() - 3] {
            let _ = image::decode(&bytes[..cut]); // any result but a panic
        }
        let mut flipped = bytes.clone();
        for i in (30..flipped.len()).step_by(7) {
            flipped[i] ^= 0x5A;
        }
        let _ = image::decode(&flipped);
        // JPEG and GIF decoders show what arrived of a cut file; PNG and WebP refuse it.
        if name == "png" || name == "webp" {
            assert!(image::decode(&bytes[..bytes.len() / 2]).is_err(), "{name}: half a file");
        }
    }
    assert_eq!(image::decode(b"hello").unwrap_err().code(), "image_unknown_format");
    assert_eq!(image::decode(&[]).unwrap_err().code(), "image_unknown_format");
}
