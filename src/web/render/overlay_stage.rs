//! Overlays in the browser: the job's [`OverlayTimeline`] (built from the source `Blob`s),
//! and for each output frame the showing entries rasterized (through the worker's text cache)
//! and uploaded once as `ImageBitmap`s, kept while they show and closed when they stop.

use super::counters::{Counted, closed, opened};
use super::error::RenderError;
use crate::container::{ByteSource, ContainerError};
use crate::overlay::{Entry, OverlayError, OverlayTimeline, OverlayWarning};
use crate::plan::{Placement, RenderPlan};
use crate::project::Project;
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

/// The overlays of one job.
pub(crate) struct OverlayStage {
    timeline: OverlayTimeline,
    /// The entries showing at the last prepared time, bottom first.
    active: Vec<Entry>,
    /// Uploaded pictures by `(visual, item)`; `None` when the entry draws nothing.
    uploads: BTreeMap<(usize, usize), Option<(Bitmap, Placement)>>,
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
        Ok((!timeline.is_empty()).then(|| OverlayStage { timeline, active: Vec::new(), uploads: BTreeMap::new() }))
    }

    /// Problems in subtitle files that did not stop the render.
    pub(crate) fn warnings(&self) -> &[OverlayWarning] {
        self.timeline.warnings()
    }

    /// Uploads the entries showing at `t_us` and closes those no longer showing.
    pub(crate) async fn prepare(&mut self, t_us: i64) -> Result<(), RenderError> {
        self.active = self.timeline.active_at(t_us);
        let keys: Vec<(usize, usize)> = self.active.iter().map(|e| (e.visual, e.item)).collect();
        self.uploads.retain(|key, _| keys.contains(key));
        for entry in self.active.clone() {
            let key = (entry.visual, entry.item);
            if self.uploads.contains_key(&key) {
                continue;
            }
            let picture = with_renderer(|r| self.timeline.rasterize(r, &entry)).map_err(overlay_error)?;
            let upload = match picture {
                Some(picture) => Some((upload(picture.bitmap()).await?, picture.placement)),
                None => None,
            };
            self.uploads.insert(key, upload);
        }
        Ok(())
    }

    /// The uploaded pictures of visual layer `visual` at the prepared time, bottom first.
    pub(crate) fn pictures(&self, visual: usize) -> impl Iterator<Item = (&ImageBitmap, &Placement)> {
        self.active
            .iter()
            .filter(move |e| e.visual == visual)
            .filter_map(|e| self.uploads.get(&(e.visual, e.item))?.as_ref())
            .map(|(bitmap, placement)| (&bitmap.0, placement))
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
