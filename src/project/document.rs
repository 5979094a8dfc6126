//! The whole project document: `version`, `output`, `sources` and `scenes`.

use super::color::Color;
use super::context::Ctx;
use super::error::{ErrorCode, ValidationError};
use super::limits::{MAX_SCENES, MAX_SECONDS};
use super::output::{Output, read_output};
use super::path::index_path;
use super::reader::{Fields, Report, show_number, show_seconds, wrong_type};
use super::scene::{Scene, read_scene};
use super::source::{Source, read_sources};
use crate::time::{seconds_to_us, us_to_seconds};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The only format version this build reads and writes.
pub const VERSION: u32 = 1;

/// A validated project, with every default filled in.
///
/// Build one with [`validate`](super::validate); `Deserialize` exists so trusted, already
/// validated JSON (e.g. this type's own serialization) can be read back cheaply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Always [`VERSION`].
    pub version: u32,
    /// What to render.
    pub output: Output,
    /// The media files, by id.
    pub sources: BTreeMap<String, Source>,
    /// The scenes, in play order.
    pub scenes: Vec<Scene>,
}

impl Project {
    /// The length of the whole timeline (all scenes) in microseconds.
    pub fn duration_us(&self) -> i64 {
        self.scenes.iter().map(|s| s.duration_us).sum()
    }
}

/// Reads and checks a parsed project; `report` may already hold problems from parsing.
pub(crate) fn read_project(value: &Value, mut report: Report) -> Result<Project, Vec<ValidationError>> {
    if let Some(n) = value.get("version").and_then(Value::as_f64).filter(|n| *n != f64::from(VERSION)) {
        let message = format!("unsupported version {}: this build reads version {VERSION} projects", show_number(n));
        report.add("version", ErrorCode::UnsupportedVersion, message);
        return Err(report.finish());
    }
    let Some(mut f) = Fields::new(value, String::new(), "the project", &mut report) else {
        return Err(report.finish());
    };
    let r = &mut report;
    let version = f
        .get("version", |v, p| match v.as_f64() {
            Some(_) => Some(VERSION),
            None => {
                wrong_type(v, p, "the number 1", r);
                None
            }
        })
        .required(r);
    let output = f.nested("output", "output", r, read_output).required(r);
    let sources_value = f.get("sources", |v, _| Some(v)).optional().flatten();
    let (sources, index) = read_sources(sources_value, r);
    let scene_items = f.array("scenes", MAX_SCENES, r).required(r);

    // Without a valid output the defaults below are placeholders; the project is rejected anyway.
    let frame = output.as_ref().map_or((1920.0, 1080.0), |o| (o.width.into(), o.height.into()));
    let background = output.as_ref().map_or(Color::BLACK, |o| o.background);
    let mut cx = Ctx::new(report, frame, background, &index);
    let scenes = scene_items.and_then(|items| read_scenes(items, &mut cx));
    let mut report = cx.report;
    f.finish(&mut report);

    match (version, output, sources, scenes) {
        (Some(version), Some(output), Some(sources), Some(scenes)) if report.is_clean() => {
            Ok(Project { version, output, sources, scenes })
        }
        _ => Err(report.finish()),
    }
}

/// Reads every scene and checks the total length.
fn read_scenes(items: &[Value], cx: &mut Ctx) -> Option<Vec<Scene>> {
    if items.is_empty() {
        cx.report.add("scenes", ErrorCode::Missing, "must have at least one scene");
        return None;
    }
    let mut scenes = Some(Vec::with_capacity(items.len()));
    for (i, item) in items.iter().enumerate() {
        match (read_scene(item, index_path("scenes", i), cx), scenes.as_mut()) {
            (Some(scene), Some(list)) => list.push(scene),
            _ => scenes = None,
        }
    }
    let scenes = scenes?;
    let total_us: i64 = scenes.iter().map(|s| s.duration_us).sum();
    if total_us > seconds_to_us(MAX_SECONDS) {
        let message = format!(
            "the scenes last {} seconds in total; the limit is {} (4 hours): split the project",
            show_seconds(us_to_seconds(total_us)),
            show_seconds(MAX_SECONDS)
        );
        cx.report.add("scenes", ErrorCode::OutOfRange, message);
        return None;
    }
    Some(scenes)
}
