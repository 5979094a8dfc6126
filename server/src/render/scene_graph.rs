//! One scene → one ffmpeg `filter_complex` that draws exactly the scene's output frames.
//!
//! Timestamps inside the graph are *timeline* seconds on the plan's exact frame grid:
//!
//! - the background is `color` at the output rate, cut to the scene's frame count and shifted
//!   to its first frame (`setpts=PTS+first`, the time base being one frame);
//! - a video layer's frames are moved from source time to timeline time with one `setpts` (on a
//!   microsecond time base, so WebM's millisecond stamps do not round the result)
//!   (`timeline = layer start + (source − trimStart) / speed − tolerance / speed`), then
//!   `fps=…:round=up:start_time=…` puts them on the grid: output frame `n` gets the last source
//!   frame whose mapped time is at or before frame `n`'s time, i.e. the last frame at or before
//!   `TimeMap::pick_before_us`, as in the browser; `tpad` holds the last frame, `trim` cuts the
//!   layer to its frames in this scene; untagged HD sources are tagged BT.709 first
//!   (`setparams`, see [`super::sources`]) so the conversion to RGB reads them as browsers do;
//! - opacity is `lut` on alpha, fades are `fade=…:alpha=1` at the plan's times (linear, as the
//!   plan's `Opacity`), evaluated on the grid times;
//! - layers are composited bottom first with `overlay` in planar RGB (so odd positions stay
//!   exact), and the result becomes BT.709 4:2:0 (or stays RGB for GIF).
//!
//! Filter strings hold only numbers and our own labels; files are argv inputs. Text and caption
//! overlays (PNGs made by [`super::overlays`]) are drawn like still images at their layer's
//! z-order; a scene with many is built in parts ([`build_part`]), at most 50 per pass.

use super::argv::{Input, num, rate, seconds};
use super::error::RenderError;
use super::geometry::{draw, upright_crop};
use super::overlays::OverlayPng;
use super::sources::{ImageInfo, Probed};
use frameloom::plan::{FRAME_PICK_TOLERANCE_US, Rect, RenderPlan, Rotation, Visual, VisualLayer, keyframe_before};
use frameloom::project::Color;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

/// How far before its first use a source is decoded when the prober gave no keyframe.
const SEEK_WITHOUT_INDEX_US: i64 = 1_000_000;
/// Extra source time read past a layer's end, for frames that straddle it.
const READ_PAST_END_US: i64 = 500_000;

/// The ffmpeg work for one scene.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneGraph {
    /// The scene's index in the project.
    pub scene: usize,
    /// The inputs, in `-i` order.
    pub inputs: Vec<Input>,
    /// The `-filter_complex` text; its output is `[vout]`.
    pub filter: String,
    /// The scene's first output frame.
    pub first_frame: u64,
    /// How many frames it draws.
    pub frames: u64,
    /// Its length on the grid, in microseconds (for progress).
    pub duration_us: i64,
}

/// A picture ready to composite: a labelled stream on the grid, where to put it, and which of
/// the scene's frames (0-based within the scene) it shows on.
struct Layer {
    label: String,
    x: i64,
    y: i64,
    frames: (u64, u64),
}

/// The output frames `[first, end)` of `scene`, or `None` when it has none.
pub fn scene_frames(plan: &RenderPlan, scene: usize) -> Option<(u64, u64)> {
    let mut segments = plan.segments.iter().filter(|s| s.scene == scene);
    let first = segments.next()?;
    let last = segments.next_back().unwrap_or(first);
    let (first_frame, end_frame) = (first.first_frame, last.first_frame + last.frame_count);
    (end_frame > first_frame).then_some((first_frame, end_frame))
}

/// Builds the graph of the frames `part` (`[first, end)`, inside `scene`), with the text and
/// caption `overlays` that show there drawn at their layers' z-order. A part starting inside a
/// video layer decodes from the keyframe before its own first frame (from `probed`'s keyframe
/// index), not from the layer's start.
pub fn build_part(
    plan: &RenderPlan,
    scene: usize,
    part: (u64, u64),
    files: &BTreeMap<String, PathBuf>,
    probed: &Probed,
    overlays: &[OverlayPng],
    rgb_out: bool,
) -> Result<Option<SceneGraph>, RenderError> {
    let (first_frame, end_frame) = part;
    let Some(first) = plan.segments.iter().find(|s| s.scene == scene) else { return Ok(None) };
    if end_frame <= first_frame {
        return Ok(None);
    }
    let frames = end_frame - first_frame;
    let out = &plan.output;
    let mut g = Graph { filter: String::new(), inputs: Vec::new(), plan };
    let _ = write!(
        g.filter,
        "color=c={}:s={}x{}:r={},trim=end_frame={frames},setpts=PTS+{first_frame},format=gbrp[bg]",
        hex(first.background),
        out.width,
        out.height,
        rate(out.frame_rate)
    );
    let mut layers = Vec::new();
    for (index, visual) in plan.visuals.iter().enumerate().filter(|(_, v)| v.scene == scene) {
        let rate = out.frame_rate;
        let n0 = rate.first_frame_from(visual.start_us).max(first_frame);
        let n1 = rate.first_frame_from(visual.end_us).min(end_frame);
        if n1 <= n0 {
            continue;
        }
        let shown = (n0, n1);
        if matches!(visual.content, Visual::Text | Visual::Subtitles { .. }) {
            for overlay in overlays.iter().filter(|o| o.visual == index) {
                let (a, b) = overlay.frames(rate);
                let shown = (a.max(n0), b.min(n1));
                if shown.0 >= shown.1 {
                    continue;
                }
                let crop = Rect::new(0.0, 0.0, overlay.width.into(), overlay.height.into());
                let label = format!("o{}", g.inputs.len());
                let input = Input::with_format(&overlay.file, "png_pipe");
                if let Some(mut layer) = g.still(label, visual, input, &overlay.placement, crop, shown)? {
                    layer.frames = (shown.0 - first_frame, shown.1 - first_frame);
                    layers.push(layer);
                }
            }
            continue;
        }
        let layer = match &visual.content {
            Visual::Video(video) => {
                let path = source_file(files, &video.source)?;
                let keyframes = probed
                    .media
                    .get(&video.source)
                    .and_then(|p| p.tracks.iter().find(|t| t.id == video.track_id))
                    .map_or(&[][..], |t| &t.keyframes_us[..]);
                let decode_from_us = part_decode_from_us(plan, visual, video, keyframes, n0);
                let bt709 = probed.untagged_hd.contains(&video.source);
                g.video(index, visual, video, (path, decode_from_us, bt709), shown)?
            }
            Visual::Image(image) => {
                let path = source_file(files, &image.source)?;
                let info = probed.images.get(&image.source).ok_or_else(|| RenderError::Probe {
                    source: image.source.clone(),
                    error: "the image was not probed".to_owned(),
                })?;
                g.image(index, visual, path, info, shown)?
            }
            Visual::Text | Visual::Subtitles { .. } => None,
        };
        if let Some(mut layer) = layer {
            layer.frames = (n0 - first_frame, n1 - first_frame);
            layers.push(layer);
        }
    }
    let mut below = "bg".to_owned();
    for (i, layer) in layers.iter().enumerate() {
        let (a, b) = layer.frames;
        let _ = write!(
            g.filter,
            ";[{below}][{}]overlay=x={}:y={}:format=gbrp:eof_action=pass:enable='between(n,{a},{})'[c{i}]",
            layer.label,
            layer.x,
            layer.y,
            b - 1
        );
        below = format!("c{i}");
    }
    let finish = if rgb_out { "format=gbrp".to_owned() } else { yuv_finish("bt709") };
    let _ = write!(g.filter, ";[{below}]setpts=PTS-STARTPTS,{finish}[vout]");
    let duration_us = out.frame_time_us(end_frame) - out.frame_time_us(first_frame);
    Ok(Some(SceneGraph { scene, inputs: g.inputs, filter: g.filter, first_frame, frames, duration_us }))
}

/// The last filter of a YUV scene: planar RGB to limited-range 4:2:0 with colour `matrix`,
/// chroma averaged over each 2 × 2 block (`area`), as the browser's encoders subsample canvas
/// frames: 1 dB closer to the client's chroma than swscale's default bicubic.
pub fn yuv_finish(matrix: &str) -> String {
    format!("scale=out_color_matrix={matrix}:out_range=tv:flags=area,format=yuv420p")
}

/// The keyframe to decode `video` from when its first frame here is output frame `n0`: the
/// layer's own start keyframe when `n0` is its first frame (or there is no keyframe index),
/// else the last keyframe at or before the source frame `n0` shows (never before the layer's).
fn part_decode_from_us(
    plan: &RenderPlan,
    visual: &VisualLayer,
    video: &frameloom::plan::VideoVisual,
    keyframes: &[i64],
    n0: u64,
) -> i64 {
    let rate = plan.output.frame_rate;
    if keyframes.is_empty() || n0 <= rate.first_frame_from(visual.start_us) {
        return video.decode_from_us;
    }
    let pick_us = video.time.pick_before_us(plan.output.frame_time_us(n0));
    keyframe_before(keyframes, pick_us).max(video.decode_from_us)
}

fn source_file<'a>(files: &'a BTreeMap<String, PathBuf>, id: &str) -> Result<&'a PathBuf, RenderError> {
    files.get(id).ok_or_else(|| RenderError::Source {
        source_id: id.to_owned(),
        message: "no file was given for this source".to_owned(),
    })
}

/// `0xRRGGBB` for `color=`.
fn hex(c: Color) -> String {
    format!("0x{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// The graph being written.
struct Graph<'p> {
    filter: String,
    inputs: Vec<Input>,
    plan: &'p RenderPlan,
}

impl Graph<'_> {
    /// Adds a video layer's chain; `shown` is its global frame range in this scene.
    fn video(
        &mut self,
        index: usize,
        visual: &VisualLayer,
        video: &frameloom::plan::VideoVisual,
        (path, decode_from_us, untagged_hd): (&std::path::Path, i64, bool),
        shown: (u64, u64),
    ) -> Result<Option<Layer>, RenderError> {
        let out = &self.plan.output;
        let crop = upright_crop(video.crop, video.width, video.height, video.placement.source_rotation);
        let Some(drawn) = draw(&video.placement, crop, &visual.layer_box, out.width, out.height)? else {
            return Ok(None);
        };
        let time = &video.time;
        let seek_us =
            if decode_from_us > 0 { decode_from_us - 10_000 } else { time.trim_start_us - SEEK_WITHOUT_INDEX_US }
                .max(0);
        let read_to_us = time.source_time_us(visual.end_us) + READ_PAST_END_US;
        let input = self.inputs.len();
        self.inputs.push(Input::media(path, seek_us, Some(read_to_us - seek_us)));
        // timeline = start + (source − trimStart − tolerance) / speed, source = PTS·TB + seek.
        let (sn, sd) = (time.speed_num as f64, time.speed_den as f64);
        let offset_us =
            time.layer_start_us as f64 + (seek_us - time.trim_start_us - FRAME_PICK_TOLERANCE_US) as f64 * sd / sn;
        let (n0, n1) = shown;
        let start_us = floor_frame_time_us(self.plan, n0);
        let _ = write!(
            self.filter,
            ";[{input}:v:0]settb=AVTB,setpts=PTS*{}/{}{}/TB",
            time.speed_den,
            time.speed_num,
            signed(offset_us / 1e6)
        );
        if untagged_hd {
            self.filter.push_str(",setparams=colorspace=bt709");
        }
        for f in &drawn.filters[..drawn.filters.len() - usize::from(drawn.rotated)] {
            let _ = write!(self.filter, ",{f}");
        }
        let _ = write!(
            self.filter,
            ",fps=fps={}:round=up:start_time={},tpad=stop=-1:stop_mode=clone,trim=end_frame={}",
            rate(out.frame_rate),
            seconds(start_us),
            n1 - n0
        );
        Ok(Some(self.finish_layer(format!("l{index}"), visual, &drawn)))
    }

    /// Adds an image layer's chain: the one decoded picture repeated on the grid.
    fn image(
        &mut self,
        index: usize,
        visual: &VisualLayer,
        path: &std::path::Path,
        info: &ImageInfo,
        shown: (u64, u64),
    ) -> Result<Option<Layer>, RenderError> {
        let placement = match visual.place_picture(info.width, info.height, Rotation::R0) {
            Some(Ok(p)) => p,
            Some(Err(e)) => return Err(RenderError::Plan(vec![e])),
            None => return Ok(None),
        };
        let crop = match &visual.content {
            Visual::Image(image) => upright_crop(image.crop, info.width, info.height, Rotation::R0),
            _ => return Ok(None),
        };
        self.still(format!("l{index}"), visual, Input::with_format(path, info.demuxer), &placement, crop, shown)
    }

    /// Adds a still picture's chain (an image, or a text overlay PNG): the one decoded picture
    /// placed by `placement`, repeated on the grid over the global frames `shown`, ending in `label`.
    fn still(
        &mut self,
        label: String,
        visual: &VisualLayer,
        input: Input,
        placement: &frameloom::plan::Placement,
        crop: Rect,
        shown: (u64, u64),
    ) -> Result<Option<Layer>, RenderError> {
        let out = &self.plan.output;
        let Some(drawn) = draw(placement, crop, &visual.layer_box, out.width, out.height)? else { return Ok(None) };
        let input_index = self.inputs.len();
        self.inputs.push(input);
        let input = input_index;
        let (n0, n1) = shown;
        let _ = write!(self.filter, ";[{input}:v:0]trim=end_frame=1");
        for f in &drawn.filters[..drawn.filters.len() - usize::from(drawn.rotated)] {
            let _ = write!(self.filter, ",{f}");
        }
        let r = out.frame_rate;
        let _ =
            write!(self.filter, ",loop=loop={}:size=1:start=0,settb={}/{},setpts=N+{n0}", n1 - n0 - 1, r.den, r.num);
        Ok(Some(self.finish_layer(label, visual, &drawn)))
    }

    /// Alpha (opacity, fades) and the box rotation, ending in the layer's label.
    fn finish_layer(&mut self, label: String, visual: &VisualLayer, drawn: &super::geometry::Drawn) -> Layer {
        let o = &visual.opacity;
        self.filter.push_str(",format=gbrap");
        if o.value < 1.0 {
            let _ = write!(self.filter, ",lut=a=val*{}", num(o.value.max(0.0)));
        }
        if o.fade_in_us > 0 {
            let _ = write!(self.filter, ",fade=t=in:st={}:d={}:alpha=1", seconds(o.start_us), seconds(o.fade_in_us));
        }
        if o.fade_out_us > 0 {
            let st = o.own_end_us - o.fade_out_us;
            let _ = write!(self.filter, ",fade=t=out:st={}:d={}:alpha=1", seconds(st), seconds(o.fade_out_us));
        }
        if drawn.rotated {
            if let Some(rotate) = drawn.filters.last() {
                let _ = write!(self.filter, ",{rotate}");
            }
        }
        let _ = write!(self.filter, "[{label}]");
        Layer { label, x: drawn.x, y: drawn.y, frames: (0, 0) }
    }
}

/// Frame `n`'s time rounded down to the microsecond (so `fps` rounding up lands on `n`).
fn floor_frame_time_us(plan: &RenderPlan, n: u64) -> i64 {
    let r = plan.output.frame_rate;
    (i128::from(n) * i128::from(r.den) * 1_000_000 / i128::from(r.num)) as i64
}

/// `+x` or `-x` for appending to an expression.
fn signed(x: f64) -> String {
    let s = num(x);
    if s.starts_with('-') { s } else { format!("+{s}") }
}
