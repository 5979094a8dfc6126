//! GIF output (`output.gif`): the palette pass that joins the lossless scene files into the
//! GIF. One palette for the whole file (`palette: "global"`, `palettegen=stats_mode=full`) or
//! one per scene (`"scene"`: each scene's frames get their own palette, written as local colour
//! tables), mapped with `paletteuse`. `quality` picks the colours and the dithering: `high` up to
//! 256 colours with error diffusion (`sierra2_4a`), `medium` 256 with ordered (Bayer) dithering,
//! `low` 128 with coarser Bayer dithering; `dither: false` maps to the nearest colour. With
//! `maxBytes` the file is written again at half the frame rate (down to 1/8) while it is too
//! big, then cut at the last frame that fits. Filter strings hold only numbers and labels.

use super::error::RenderError;
use frameloom::plan::FrameRate;
use frameloom::project::{GifPalette, GifSettings, Quality};
use std::fmt::Write;

/// The lowest frame rate the size cap goes down to, as a divisor of the project's.
const MAX_RATE_DIVISOR: u32 = 8;
/// Share of the estimated fitting frames kept when cutting (frames differ in size).
const CUT_MARGIN: f64 = 0.95;

/// One try at writing the GIF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// The frame rate is the project's divided by this (1, 2, 4 or 8).
    pub rate_divisor: u32,
    /// Only this many frames are kept (the GIF was cut to fit `maxBytes`).
    pub frames: Option<u64>,
}

impl Attempt {
    /// The first try: every frame at the project's rate.
    pub const FULL: Attempt = Attempt { rate_divisor: 1, frames: None };

    /// The try after this one wrote `bytes` (for a timeline of `frame_count` frames), or `None`
    /// when the file fits `max_bytes` (or there is no cap).
    pub fn next(self, bytes: u64, frame_count: u64, max_bytes: Option<u64>) -> Result<Option<Attempt>, RenderError> {
        let Some(cap) = max_bytes.filter(|&cap| bytes > cap) else { return Ok(None) };
        if self.rate_divisor < MAX_RATE_DIVISOR {
            return Ok(Some(Attempt { rate_divisor: self.rate_divisor * 2, frames: None }));
        }
        let written = self.frames.unwrap_or_else(|| frame_count.div_ceil(u64::from(self.rate_divisor)));
        if written <= 1 {
            return Err(RenderError::Unsupported(format!(
                "even one frame of the GIF is over maxBytes ({cap} bytes); raise maxBytes or lower the size or quality"
            )));
        }
        let fits = (written as f64 * cap as f64 / bytes as f64 * CUT_MARGIN) as u64;
        Ok(Some(Attempt { rate_divisor: self.rate_divisor, frames: Some(fits.clamp(1, written - 1)) }))
    }
}

/// The `-filter_complex` of the palette pass, ending in `[vout]`. `scenes[i]` is the scene of
/// input `i`: one palette is made for each run of inputs of the same scene (give a single
/// input for one global palette).
pub fn filter(settings: &GifSettings, quality: Quality, rate: FrameRate, attempt: Attempt, scenes: &[usize]) -> String {
    let (colors, dither) = match quality {
        Quality::High => (256, "sierra2_4a"),
        Quality::Medium => (256, "bayer:bayer_scale=3"),
        Quality::Low => (128, "bayer:bayer_scale=5"),
    };
    let dither = if settings.dither { dither } else { "none" };
    let fps = match attempt.rate_divisor {
        1 => String::new(),
        d => format!("fps={}/{},", rate.num, u64::from(rate.den) * u64::from(d)),
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (input, scene) in scenes.iter().enumerate() {
        match groups.last_mut() {
            Some(group) if group.first().map(|&i| scenes[i]) == Some(*scene) => group.push(input),
            _ => groups.push(vec![input]),
        }
    }
    let mut f = String::new();
    let single = groups.len() == 1;
    for (g, inputs) in groups.iter().enumerate() {
        for i in inputs {
            let _ = write!(f, "[{i}:v:0]");
        }
        if inputs.len() > 1 {
            let _ = write!(f, "concat=n={}:v=1:a=0,", inputs.len());
        }
        let out = if single { "vout".to_owned() } else { format!("v{g}") };
        let _ = write!(
            f,
            "{fps}split[a{g}][b{g}];[a{g}]palettegen=max_colors={colors}:stats_mode=full[p{g}];[b{g}][p{g}]paletteuse=dither={dither}[{out}];"
        );
    }
    if !single {
        for g in 0..groups.len() {
            let _ = write!(f, "[v{g}]");
        }
        let _ = write!(f, "concat=n={}:v=1:a=0[vout]", groups.len());
    }
    f.trim_end_matches(';').to_owned()
}

/// The scene of each input of the palette pass: every scene file, or the single concat list.
pub fn input_scenes(settings: &GifSettings, file_scenes: &[usize]) -> Vec<usize> {
    if settings.palette == GifPalette::Scene { file_scenes.to_vec() } else { vec![0] }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: FrameRate = FrameRate { num: 10, den: 1 };

    #[test]
    fn one_palette_or_one_per_scene() {
        let global = GifSettings::default();
        assert_eq!(
            filter(&global, Quality::Low, RATE, Attempt::FULL, &[0]),
            "[0:v:0]split[a0][b0];[a0]palettegen=max_colors=128:stats_mode=full[p0];[b0][p0]paletteuse=dither=bayer:bayer_scale=5[vout]"
        );
        let scene = GifSettings { palette: GifPalette::Scene, dither: false, max_bytes: None };
        let half = Attempt { rate_divisor: 2, frames: None };
        let f = filter(&scene, Quality::High, RATE, half, &input_scenes(&scene, &[0, 0, 1]));
        assert!(f.starts_with("[0:v:0][1:v:0]concat=n=2:v=1:a=0,fps=10/2,split[a0][b0];"), "{f}");
        assert!(f.contains("[2:v:0]fps=10/2,split[a1][b1]") && f.contains("paletteuse=dither=none[v1]"), "{f}");
        assert!(f.ends_with("[v0][v1]concat=n=2:v=1:a=0[vout]"), "{f}");
    }

    #[test]
    fn the_cap_halves_the_rate_then_cuts() {
        let cap = Some(1000);
        assert_eq!(Attempt::FULL.next(900, 80, cap).unwrap(), None);
        assert_eq!(Attempt::FULL.next(5000, 80, None).unwrap(), None);
        let mut a = Attempt::FULL;
        for d in [2, 4, 8] {
            a = a.next(5000, 80, cap).unwrap().unwrap();
            assert_eq!(a, Attempt { rate_divisor: d, frames: None });
        }
        // 10 frames at 1/8 wrote 2000 bytes: keep 95 % of the 5 that fit; at least one frame.
        assert_eq!(a.next(2000, 80, cap).unwrap(), Some(Attempt { rate_divisor: 8, frames: Some(4) }));
        assert_eq!(a.next(900_000, 80, cap).unwrap(), Some(Attempt { rate_divisor: 8, frames: Some(1) }));
        let one = Attempt { rate_divisor: 8, frames: Some(1) };
        assert!(one.next(2000, 80, cap).is_err());
    }
}
