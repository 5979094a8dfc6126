//! Overlays in the browser: the job's [`OverlayTimeline`] (built from the source `Blob`s),
//! and for each output frame the showing entries rasterized (through the worker's text cache)
//! once, kept while they show and dropped when they stop. Each is made ready for the path
//! that draws it, once: uploaded as an `ImageBitmap` for the canvas, or converted to a
//! [`YuvOverlay`] for the YUV path.

use super::counters::{Counted, closed, opened};
use super::error::RenderError;
use crate::container::{ByteSource, ContainerError};
use crate::overlay::{Entry, OverlayError, OverlayTimeline, OverlayWarning, Picture};
use crate::plan::{Placement, RenderPlan};
use crate::project::Project;
use crate::raster::yuv::{YuvFrame, YuvOverlay, YuvSpace};
use crate::web::BlobSource;
use crate::web::fonts::with_renderer;
use js_sys::Reflect;
use std::collections::BTreeMap;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ImageBitmap, ImageBitmapOptions, ImageData, PremultiplyAlpha, WorkerGlobalScope};

/// Largest image, subtitles or font file read into memory for overlays.
const MAX_OVERLAY_FILE_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// An `ImageBitmap` closed on drop.
struct Bitmap(ImageBitmap);

impl Bitmap {
    fn new(bitmap: ImageBitmap) -> Self {
        opened(Counted::ImageBitmap);
        Bitmap(bitmap)
    }
}

impl Drop for Bitmap {
    fn drop(&mut self) {
        self.0.close();
        closed(Counted::ImageBitmap);
    }
}

/// A showing entry's picture, and its forms for each path (made on first use).
struct Shown {
    picture: Picture,
    /// Uploaded for the canvas.
    bitmap: Option<Bitmap>,
    /// Converted for frames in a colour space; `None` inside when its placement is not on
    /// whole pixels (the canvas draws it).
    yuv: Option<(YuvSpace, Option<YuvOverlay>)>,
}

/// The overlays of one job.
pub(crate) struct OverlayStage {
    timeline: OverlayTimeline,
    /// The entries showing at the last prepared time, bottom first.
    active: Vec<Entry>,
    /// Pictures by `(visual, item)`; `None` when the entry draws nothing.
    shown: BTreeMap<(usize, usize), Option<Shown>>,
}

impl OverlayStage {
    /// Prepares the overlays of `plan`, reading their sources from `files`; `None` when the
    /// project has none.
    pub(crate) fn open(plan: &RenderPlan, project: &Project, files: &JsValue) -> Result<Option<Self>, RenderError> {
        let mut missing = None;
        let read = |id: &str| {
            let blob: Blob = Reflect::get(files, &id.into()).ok()?.dyn_into().ok()?;
            read_blob(&blob).map_err(|error| missing = Some(RenderError::CorruptSource { source_id: id.to_owned(), error })).ok()
        };
        let built = with_renderer(|r| OverlayTimeline::build(plan, project, r, read, 1.0));
        if let Some(e) = missing {
            return Err(e);
        }
        let timeline = built.map_err(overlay_error)?;
        Ok((!timeline.is_empty()).then(|| OverlayStage { timeline, active: Vec::new(), shown: BTreeMap::new() }))
    }

    /// Problems in subtitle files that did not stop the render.
    pub(crate) fn warnings(&self) -> &[OverlayWarning] {
        self.timeline.warnings()
    }

    /// Rasterizes the entries showing at `t_us` and drops those no longer showing.
    pub(crate) fn prepare(&mut self, t_us: i64) -> Result<(), RenderError> {
        self.active = self.timeline.active_at(t_us);
        let keys: Vec<(usize, usize)> = self.active.iter().map(|e| (e.visual, e.item)).collect();
        self.shown.retain(|key, _| keys.contains(key));
        for entry in &self.active {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.shown.entry((entry.visual, entry.item)) {
                let picture = with_renderer(|r| self.timeline.rasterize(r, entry)).map_err(overlay_error)?;
                slot.insert(picture.map(|picture| Shown { picture, bitmap: None, yuv: None }));
            }
        }
        Ok(())
    }

    /// Uploads the showing pictures not uploaded yet, for the canvas.
    pub(crate) async fn upload(&mut self) -> Result<(), RenderError> {
        for shown in self.shown.values_mut().flatten().filter(|s| s.bitmap.is_none()) {
            shown.bitmap = Some(upload(shown.picture.bitmap()).await?);
        }
        Ok(())
    }

    /// The uploaded pictures of visual layer `visual` at the prepared time, bottom first.
    pub(crate) fn pictures(&self, visual: usize) -> impl Iterator<Item = (&ImageBitmap, &Placement)> {
        self.showing(visual)
            .filter_map(|key| self.shown.get(&key)?.as_ref())
            .filter_map(|s| Some((&s.bitmap.as_ref()?.0, &s.picture.placement)))
    }

    /// True when a visual layer of `visuals` shows a picture at the prepared time.
    pub(crate) fn has_pictures(&self, visuals: &[usize]) -> bool {
        visuals.iter().any(|&v| self.showing(v).any(|key| matches!(self.shown.get(&key), Some(Some(_)))))
    }

    /// Converts the showing pictures of `visuals` for frames in `space` (once each); false
    /// when one of them is not on whole pixels, so the frame needs the canvas.
    pub(crate) fn yuv_ready(&mut self, visuals: &[usize], space: YuvSpace) -> bool {
        let keys: Vec<(usize, usize)> = visuals.iter().flat_map(|&v| self.showing(v)).collect();
        keys.iter().all(|key| match self.shown.get_mut(key) {
            Some(Some(shown)) => {
                if shown.yuv.as_ref().map(|(s, _)| *s) != Some(space) {
                    let overlay = YuvOverlay::placed(shown.picture.bitmap(), &shown.picture.placement, space);
                    shown.yuv = Some((space, overlay));
                }
                matches!(shown.yuv, Some((_, Some(_))))
            }
            _ => true,
        })
    }

    /// Blends the showing pictures of visual layer `visual` (made ready by
    /// [`OverlayStage::yuv_ready`]) over `frame` at `opacity`, bottom first.
    pub(crate) fn blend_yuv(&mut self, visual: usize, opacity: f64, frame: &mut YuvFrame<'_>) {
        let keys: Vec<(usize, usize)> = self.showing(visual).collect();
        for key in keys {
            if let Some(Some(Shown { yuv: Some((_, Some(overlay))), .. })) = self.shown.get_mut(&key) {
                overlay.blend(frame, opacity);
            }
        }
    }

    /// The keys of visual layer `visual`'s entries at the prepared time, bottom first.
    fn showing(&self, visual: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.active.iter().filter(move |e| e.visual == visual).map(|e| (e.visual, e.item))
    }
}

/// Uploads premultiplied pixels: `ImageData` holds straight alpha, and `createImageBitmap`
/// premultiplies it again for the canvas.
async fn upload(bitmap: &crate::raster::Bitmap) -> Result<Bitmap, RenderError> {
    let fail = |e| RenderError::internal("overlay upload", &e);
    let straight = bitmap.to_straight_rgba();
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&straight), bitmap.width(), bitmap.height()).map_err(fail)?;
    let options = ImageBitmapOptions::new();
    options.set_premultiply_alpha(PremultiplyAlpha::Premultiply);
    let scope: WorkerGlobalScope = js_sys::global().dyn_into().map_err(|g: js_sys::Object| fail(g.into()))?;
    let promise = scope.create_image_bitmap_with_image_data_and_image_bitmap_options(&data, &options).map_err(fail)?;
    let bitmap: ImageBitmap = JsFuture::from(promise).await.map_err(fail)?.dyn_into().map_err(fail)?;
    Ok(Bitmap::new(bitmap))
}

/// The whole of `blob`, after checking its size.
fn read_blob(blob: &Blob) -> Result<Vec<u8>, ContainerError> {
    let size = blob.size();
    if size > MAX_OVERLAY_FILE_BYTES {
        return Err(ContainerError::Io(format!(
            "the file is {size} bytes, above the limit of {MAX_OVERLAY_FILE_BYTES} for images, subtitles and fonts; use a smaller file"
        )));
    }
    let mut source = BlobSource::new(blob.clone())?;
    let mut bytes = vec![0; source.len() as usize];
    source.read_at(0, &mut bytes)?;
    Ok(bytes)
}

/// A render error for an overlay problem.
fn overlay_error(error: OverlayError) -> RenderError {
    match error {
        OverlayError::MissingSource { source_id, .. } => RenderError::MissingFile { source_id },
        other => RenderError::Overlay(other),
    }
}
