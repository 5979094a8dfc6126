//! Job options: extra files made from a job's output, asked for in the query string of
//! `POST /jobs` (the body stays the bare project v1):
//!
//! - `thumbnail=SECONDS` (with `thumbnailFormat=png|jpeg`, default png): a poster of the frame at
//!   that time, `thumbnail.png` / `thumbnail.jpg`;
//! - `renditions=720,480`: smaller copies `{height}p.{ext}` (heights at or above the output's
//!   are skipped: the output itself is the top rung);
//! - `hls=1`: an HLS package of the output and its renditions, `hls/master.m3u8` (MP4 + H.264).
//!
//! The files are served under `/jobs/{id}/output/NAME`; every name is made by the server.

use crate::render::{ExtraOutput, hls, ladder};
use frameloom::project::Project;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Latest accepted thumbnail time, in seconds (a day; the frame is clamped to the last one).
const MAX_THUMBNAIL_SECONDS: f64 = 86_400.0;
/// Largest rendition height accepted.
const MAX_RENDITION_HEIGHT: u32 = 8192;

/// The options of one job, stored with it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobOptions {
    /// Poster time in microseconds, if a poster is wanted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_us: Option<i64>,
    /// JPEG rather than PNG for the poster.
    #[serde(default)]
    pub thumbnail_jpeg: bool,
    /// Rendition heights asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renditions: Vec<u32>,
    /// Package HLS.
    #[serde(default)]
    pub hls: bool,
}

/// A query string the server cannot use.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct OptionsError(String);

impl OptionsError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "bad_option"
    }
}

impl JobOptions {
    /// Reads the query string of `POST /jobs` (`None` or empty: no options).
    pub fn parse(query: Option<&str>) -> Result<JobOptions, OptionsError> {
        let mut o = JobOptions::default();
        let mut format_given = false;
        for pair in query.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "thumbnail" => {
                    let s: f64 = value.parse().ok().filter(|s: &f64| (0.0..=MAX_THUMBNAIL_SECONDS).contains(s)).ok_or_else(|| {
                        OptionsError(format!("thumbnail must be a time in seconds from 0 to {MAX_THUMBNAIL_SECONDS}, e.g. thumbnail=1.5"))
                    })?;
                    o.thumbnail_us = Some(frameloom::time::seconds_to_us(s));
                }
                "thumbnailFormat" => {
                    format_given = true;
                    o.thumbnail_jpeg = match value {
                        "png" => false,
                        "jpeg" | "jpg" => true,
                        _ => return Err(OptionsError("thumbnailFormat must be png or jpeg".to_owned())),
                    }
                }
                "renditions" => {
                    let heights: Option<Vec<u32>> = value
                        .split(',')
                        .map(|h| h.parse().ok().filter(|h| (ladder::MIN_HEIGHT..=MAX_RENDITION_HEIGHT).contains(h)))
                        .collect();
                    o.renditions = heights.filter(|h| h.len() <= ladder::MAX_RUNGS).ok_or_else(|| {
                        OptionsError(format!(
                            "renditions must be up to {} heights from {} to {MAX_RENDITION_HEIGHT}, comma-separated, e.g. renditions=720,480",
                            ladder::MAX_RUNGS,
                            ladder::MIN_HEIGHT
                        ))
                    })?;
                }
                "hls" => {
                    o.hls = match value {
                        "1" | "true" | "" => true,
                        "0" | "false" => false,
                        _ => return Err(OptionsError("hls must be 1 or 0".to_owned())),
                    }
                }
                _ => {
                    let shown: String = key.chars().take(40).collect();
                    return Err(OptionsError(format!(
                        "unknown option {shown:?}; options are thumbnail, thumbnailFormat, renditions and hls"
                    )));
                }
            }
        }
        if format_given && o.thumbnail_us.is_none() {
            return Err(OptionsError("thumbnailFormat needs thumbnail=SECONDS".to_owned()));
        }
        Ok(o)
    }

    /// Refuses options the project's output cannot have (renditions of a GIF, HLS of WebM).
    pub fn check(&self, project: &Project) -> Result<(), OptionsError> {
        let out = &project.output;
        if !self.renditions.is_empty() && out.format == frameloom::project::Format::Gif {
            return Err(OptionsError("renditions are made of MP4 or WebM outputs, not GIF".to_owned()));
        }
        if self.hls {
            hls::check(out.format, out.video_codec).map_err(|e| OptionsError(e.to_string()))?;
        }
        Ok(())
    }

    /// True when the job makes files besides its output.
    pub fn has_files(&self) -> bool {
        self.thumbnail_us.is_some() || !self.renditions.is_empty() || self.hls
    }

    /// What the renderer makes, with every file in `dir`.
    pub fn extras(&self, dir: &Path) -> Vec<ExtraOutput> {
        let mut extra = Vec::new();
        if let Some(at_us) = self.thumbnail_us {
            let name = if self.thumbnail_jpeg { "thumbnail.jpg" } else { "thumbnail.png" };
            extra.push(ExtraOutput::Thumbnail { at_us, path: dir.join(name) });
        }
        if !self.renditions.is_empty() || self.hls {
            extra.push(ExtraOutput::Ladder { heights: self.renditions.clone(), hls: self.hls, dir: dir.to_owned() });
        }
        extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(JobOptions::parse(None).unwrap(), JobOptions::default());
        let o = JobOptions::parse(Some("thumbnail=1.5&thumbnailFormat=jpeg&renditions=720,480&hls=1")).unwrap();
        assert_eq!(
            o,
            JobOptions { thumbnail_us: Some(1_500_000), thumbnail_jpeg: true, renditions: vec![720, 480], hls: true }
        );
        for bad in [
            "thumbnail=-1",
            "thumbnail=nan",
            "renditions=720,abc",
            "renditions=4",
            "renditions=100,120,140,160,180,200,220,240,260",
            "hls=yes",
            "../../etc=1",
            "thumbnailFormat=png",
        ] {
            let e = JobOptions::parse(Some(bad)).unwrap_err();
            assert_eq!(e.code(), "bad_option", "{bad}");
        }
    }
}
