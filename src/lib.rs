//! frameloom: the platform-free core of a browser video editor engine.
//!
//! `project` parses and validates the v1 project format; `container` probes,
//! demuxes and muxes MP4/MOV and WebM/Matroska; `audio` resamples, stretches and
//! mixes decoded audio for the renderer; `plan` turns a project and the probes of its
//! media into the render plan both renderers follow; `raster` draws text, captions and
//! images, and `overlay` lays them on the timeline for both renderers; `route` estimates what
//! a render costs in the browser and on the server and picks a side. `web` (wasm32 only) is the thin
//! browser layer that exposes the core to the Web Worker.

pub mod audio;
pub mod container;
pub mod overlay;
pub mod plan;
pub mod project;
pub mod raster;
pub mod route;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod web;
