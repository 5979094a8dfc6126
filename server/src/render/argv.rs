//! ffmpeg argv pieces: inputs (always `-protocol_whitelist file`, absolute `file:` paths, no
//! automatic rotation), encoder settings from the plan, and number formatting for filters.
//!
//! Encoders: H.264 `libx264` (`-preset medium`, `-crf` = the plan's rate factor, or `-b:v` =
//! the plan's bitrate with a size target; `-maxrate` 1.5× the bitrate, `-bufsize` 2×), VP9 `libvpx-vp9` (`-deadline good -cpu-used 4 -row-mt 1`), VP8 `libvpx`,
//! AV1 `libsvtav1` (`-preset 8`); all 4:2:0 8-bit with `-g` = the plan's keyframe interval and
//! BT.709 colour tags. Audio: AAC `aac`, Opus `libopus`, at the plan's bitrate, 48 kHz stereo.
//! GIF scenes are kept lossless (FFV1, planar RGB) until the palette pass.

use frameloom::plan::{Encoding, FrameRate};
use frameloom::project::{AudioCodec, Format, VideoCodec};
use std::ffi::OsString;
use std::path::Path;

/// One ffmpeg input: the options before `-i`, then the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Options placed before `-i` (seek, length, demuxer…); only numbers and fixed words.
    pub options: Vec<String>,
    /// The file (absolute).
    pub path: std::path::PathBuf,
}

impl Input {
    /// A media file read from `seek_us` for `length_us` (None: to the end), never auto-rotated.
    ///
    /// `-seek_timestamp 1` with an explicit `-ss` (even 0) makes the filters see the file's own
    /// timestamps minus `seek_us`, whatever the file's start time, the same clock the prober's
    /// times are on; accurate seeking drops frames before `seek_us`.
    pub fn media(path: &Path, seek_us: i64, length_us: Option<i64>) -> Input {
        let mut options = vec!["-noautorotate".to_owned(), "-seek_timestamp".to_owned(), "1".to_owned()];
        options.extend(["-ss".to_owned(), seconds(seek_us.max(0))]);
        if let Some(length_us) = length_us {
            options.extend(["-t".to_owned(), seconds(length_us.max(1))]);
        }
        Input { options, path: path.to_owned() }
    }

    /// A file read with the demuxer `format` (e.g. `png_pipe`, `concat`).
    pub fn with_format(path: &Path, format: &str) -> Input {
        Input { options: vec!["-f".to_owned(), format.to_owned()], path: path.to_owned() }
    }

    /// Appends this input's argv: options, `-protocol_whitelist file`, `-i file:PATH`.
    pub fn push_to(&self, argv: &mut Vec<OsString>, threads: usize) {
        argv.extend(self.options.iter().map(OsString::from));
        argv.extend(["-threads".into(), threads.to_string().into(), "-protocol_whitelist".into(), "file".into()]);
        argv.push("-i".into());
        argv.push(file_url(&self.path));
    }
}

/// `file:` + the absolute path, so no part of a file name is ever read as a protocol or option.
pub fn file_url(path: &Path) -> OsString {
    let mut url = OsString::from("file:");
    url.push(path.as_os_str());
    url
}

/// Microseconds as decimal seconds, exact to the microsecond (`-1.500000`).
pub fn seconds(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let abs = us.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

/// A float for a filter argument (finite; 9 decimals, no exponent).
pub fn num(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() { "0".to_owned() } else { s.to_owned() }
}

/// The frame rate as `num/den`.
pub fn rate(r: FrameRate) -> String {
    format!("{}/{}", r.num, r.den)
}

/// Encoder options for the video of `encoding` at `rate`, using up to `threads` threads.
pub fn video_encoder(encoding: &Encoding, rate: FrameRate, threads: usize) -> Vec<String> {
    let v = &encoding.video;
    let b = v.bitrate_bps.max(1);
    let g = v.keyframe_interval_frames.max(1).to_string();
    let mut a: Vec<String> = match v.codec {
        VideoCodec::H264 => words(&["-c:v", "libx264", "-preset", "medium", "-profile:v", "high"]),
        VideoCodec::Vp9 => words(&["-c:v", "libvpx-vp9", "-deadline", "good", "-cpu-used", "4", "-row-mt", "1"]),
        VideoCodec::Vp8 => words(&["-c:v", "libvpx", "-deadline", "good", "-cpu-used", "4"]),
        VideoCodec::Av1 => words(&["-c:v", "libsvtav1", "-preset", "8"]),
        VideoCodec::Gif => return words(&["-c:v", "ffv1", "-level", "3", "-pix_fmt", "gbrp", "-r", &self::rate(rate)]),
    };
    match v.crf {
        Some(crf) => a.extend(["-crf".to_owned(), crf.to_string()]),
        None => a.extend(["-b:v".to_owned(), b.to_string()]),
    }
    if v.codec == VideoCodec::H264 {
        a.extend(["-maxrate".to_owned(), (b * 3 / 2).to_string(), "-bufsize".to_owned(), (b * 2).to_string()]);
    }
    a.extend(["-g".to_owned(), g.clone(), "-keyint_min".to_owned(), g]);
    a.extend(words(&[
        "-pix_fmt",
        "yuv420p",
        "-colorspace",
        "bt709",
        "-color_primaries",
        "bt709",
        "-color_trc",
        "bt709",
    ]));
    a.extend(["-r".to_owned(), self::rate(rate), "-threads".to_owned(), threads.to_string()]);
    a
}

/// Encoder options for the audio of `encoding` (`None` when the output has no sound).
pub fn audio_encoder(encoding: &Encoding) -> Option<Vec<String>> {
    let a = encoding.audio.as_ref()?;
    let codec = match a.codec {
        AudioCodec::Aac => "aac",
        AudioCodec::Opus => "libopus",
        AudioCodec::None => return None,
    };
    Some(vec![
        "-c:a".to_owned(),
        codec.to_owned(),
        "-b:a".to_owned(),
        a.bitrate_bps.to_string(),
        "-ar".to_owned(),
        a.sample_rate.to_string(),
        "-ac".to_owned(),
        a.channels.to_string(),
    ])
}

/// The muxer options for the final file of `format`.
pub fn muxer(format: Format) -> Vec<String> {
    match format {
        Format::Mp4 => words(&["-movflags", "+faststart", "-f", "mp4"]),
        Format::Webm => words(&["-f", "webm"]),
        Format::Gif => words(&["-loop", "0", "-f", "gif"]),
    }
}

/// The file extension of scene intermediates for `format` (the same container family, so
/// their packets can be copied into the output; lossless Matroska for GIF).
pub fn intermediate_extension(format: Format) -> &'static str {
    match format {
        Format::Mp4 => "mp4",
        Format::Webm => "webm",
        Format::Gif => "mkv",
    }
}

/// The muxer name of scene intermediates for `format`.
pub fn intermediate_muxer(format: Format) -> &'static str {
    match format {
        Format::Mp4 => "mp4",
        Format::Webm => "webm",
        Format::Gif => "matroska",
    }
}

/// Owned strings from string slices.
pub fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_for_filters() {
        assert_eq!(seconds(1_500_000), "1.500000");
        assert_eq!(seconds(-20), "-0.000020");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(1e20), "100000000000000000000");
        assert_eq!(num(2.0), "2");
    }

    #[test]
    fn inputs_are_whitelisted_file_urls() {
        let mut argv = Vec::new();
        Input::media(Path::new("/w/a,b;'c.mp4"), 2_000_000, Some(1_000_000)).push_to(&mut argv, 2);
        let argv: Vec<String> = argv.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(
            argv,
            [
                "-noautorotate",
                "-seek_timestamp",
                "1",
                "-ss",
                "2.000000",
                "-t",
                "1.000000",
                "-threads",
                "2",
                "-protocol_whitelist",
                "file",
                "-i",
                "file:/w/a,b;'c.mp4"
            ]
        );
    }
}
