//! Two-pass encoding for a target file size (`output.targetSizeBytes`): every scene is encoded
//! once to analyse it (`-pass 1`, statistics in the work folder, no file written: the `null`
//! muxer) and again at the plan's bitrate (`-pass 2`), so the encoder spreads the bits and the
//! file lands at the planned size. libx264 and libvpx (VP8, VP9) do it; AV1 and GIF stay single-pass.

use frameloom::plan::RenderPlan;
use frameloom::project::VideoCodec;
use std::path::{Path, PathBuf};

/// One pass of a two-pass encode.
#[derive(Debug, Clone)]
pub struct Pass {
    /// 1 (analysis) or 2 (the file).
    pub number: u8,
    /// The statistics file prefix (in the work folder; the encoder adds its own suffixes).
    pub log: PathBuf,
}

impl Pass {
    /// The encoder options of this pass.
    pub fn args(&self) -> Vec<String> {
        vec![
            "-pass".to_owned(),
            self.number.to_string(),
            "-passlogfile".to_owned(),
            self.log.to_string_lossy().into_owned(),
        ]
    }

    /// True for the analysis pass, whose output is thrown away (`-f null -`).
    pub fn is_analysis(&self) -> bool {
        self.number == 1
    }
}

/// True when `plan` has a size target its video encoder reaches in two passes.
pub fn applies(plan: &RenderPlan) -> bool {
    plan.encoding.video.target.is_some()
        && matches!(plan.encoding.video.codec, VideoCodec::H264 | VideoCodec::Vp9 | VideoCodec::Vp8)
}

/// The statistics prefix of scene `index` in `work_dir`.
pub fn log_prefix(work_dir: &Path, index: usize) -> PathBuf {
    work_dir.join(format!("pass_{index:04}"))
}
