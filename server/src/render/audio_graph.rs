//! The sound of the whole timeline as one ffmpeg graph, matching the browser's mixer.
//!
//! Each [`AudioClip`] of the plan becomes one input (`-ss` at its decode point) and a chain:
//! `aresample=48000` → stereo (the mixer's table: mono to both sides at 0 dB, `pan` with the
//! same coefficients for 3–8 channels) → `atrim` to `[source_in, source_out)` → `atempo`
//! stages for the speed (each 0.5–2, chained for 0.25–4; pitch kept, like the browser's
//! stretcher but not sample-identical) → padded/cut to the clip's exact length in samples →
//! `volume` → linear `afade`s placed on the uncut length (a cut clip is cut, not faded) →
//! `adelay` to its timeline start. `amix=normalize=0` sums the clips, silence pads them to the
//! timeline's length, and `aeval` applies the mixer's soft limiter (identity up to −1 dBFS, tanh
//! knee above) sample by sample. The result is written losslessly (FLAC, 24-bit) and encoded
//! once when the scenes are joined, so scene cuts never click.

use super::argv::{Input, num, seconds};
use super::error::RenderError;
use frameloom::audio::{LIMIT_THRESHOLD, OUTPUT_RATE, stereo_gains, us_to_frame};
use frameloom::container::ProbeInfo;
use frameloom::plan::{AudioClip, RenderPlan};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

/// The ffmpeg work for the timeline's sound.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioGraph {
    /// One input per clip.
    pub inputs: Vec<Input>,
    /// The `-filter_complex` text; its output is `[aout]`.
    pub filter: String,
    /// The timeline's length (for progress).
    pub duration_us: i64,
}

/// Builds the mix of `plan`'s clips (`None` when the output has no sound).
pub fn build(
    plan: &RenderPlan,
    files: &BTreeMap<String, PathBuf>,
    probes: &BTreeMap<String, ProbeInfo>,
) -> Result<Option<AudioGraph>, RenderError> {
    if plan.encoding.audio.is_none() {
        return Ok(None);
    }
    let total = us_to_frame(plan.output.duration_us).max(1);
    let mut filter = String::new();
    let mut inputs = Vec::new();
    let mut labels = Vec::new();
    for (i, clip) in plan.audio.iter().enumerate() {
        let path = files.get(&clip.source).ok_or_else(|| RenderError::Source {
            source_id: clip.source.clone(),
            message: "no file was given for this source".to_owned(),
        })?;
        let channels = probes
            .get(&clip.source)
            .and_then(|p| p.tracks.iter().find(|t| t.id == clip.track_id))
            .and_then(|t| t.audio.as_ref())
            .map_or(2, |a| usize::from(a.channels));
        let Some(chain) = clip_chain(clip, channels, inputs.len())? else { continue };
        inputs.push(Input::media(path, clip.decode_from_us, Some(clip.source_out_us - clip.decode_from_us + 100_000)));
        let _ = write!(filter, "{chain}[a{i}];");
        labels.push(format!("[a{i}]"));
    }
    let t = LIMIT_THRESHOLD;
    let k = 1.0 - t;
    let limit = |c: u8| {
        format!(
            "if(gt(abs(val({c})),{t}),sgn(val({c}))*({t}+{k}*tanh((abs(val({c}))-{t})/{k})),val({c}))",
            t = num(t.into()),
            k = num(k.into())
        )
    };
    // Silence is padded at the end rather than mixed in from an `anullsrc` input: ffmpeg 5.1
    // can stall when a generated source and file inputs feed the same `amix`.
    if labels.is_empty() {
        let _ = write!(filter, "anullsrc=r={OUTPUT_RATE}:cl=stereo,atrim=end_sample={total}[aout]");
    } else {
        let _ = write!(
            filter,
            "{}amix=inputs={}:normalize=0:duration=longest:dropout_transition=0,aeval=exprs='{}|{}':c=same,apad=whole_len={total},atrim=end_sample={total}[aout]",
            labels.concat(),
            labels.len(),
            limit(0),
            limit(1)
        );
    }
    Ok(Some(AudioGraph { inputs, filter, duration_us: plan.output.duration_us }))
}

/// The chain of one clip read from input `input` with `channels` channels, without its output label.
fn clip_chain(clip: &AudioClip, channels: usize, input: usize) -> Result<Option<String>, RenderError> {
    let spec = clip.layer_spec().map_err(|e| RenderError::Unsupported(format!("audio of {}: {e}", clip.source)))?;
    let length = spec.envelope.frames();
    if length == 0 {
        return Ok(None);
    }
    let span = (us_to_frame(clip.own_end_us) - spec.start).max(0) as u64;
    let (fade_in, fade_out) = spec.envelope.fades();
    let mut c = format!("[{input}:a:0]aresample={OUTPUT_RATE}");
    match (channels, stereo_gains(channels)) {
        (2, _) => c.push_str(",aformat=channel_layouts=stereo"),
        (_, Some(gains)) => {
            let side = |pick: fn(&(f32, f32)) -> f32| {
                let terms: Vec<String> =
                    gains.iter().enumerate().map(|(ch, g)| format!("{}*c{ch}", num(f64::from(pick(g))))).collect();
                terms.join("+")
            };
            let _ = write!(c, ",pan=stereo|c0={}|c1={}", side(|g| g.0), side(|g| g.1));
        }
        (_, None) => c.push_str(",aformat=channel_layouts=stereo"),
    }
    let from = clip.source_in_us - clip.decode_from_us;
    let to = clip.source_out_us - clip.decode_from_us;
    let _ = write!(c, ",atrim=start={}:end={},asetpts=PTS-STARTPTS", seconds(from), seconds(to));
    for stage in tempo_stages(clip.speed) {
        let _ = write!(c, ",atempo={}", num(stage));
    }
    let _ = write!(c, ",apad=whole_len={length},atrim=end_sample={length}");
    if clip.volume != 1.0 {
        let _ = write!(c, ",volume={}:precision=float", num(clip.volume));
    }
    if fade_in > 0 {
        let _ = write!(c, ",afade=t=in:ss=0:ns={fade_in}:curve=tri");
    }
    if fade_out > 0 && fade_out <= span {
        let _ = write!(c, ",afade=t=out:ss={}:ns={fade_out}:curve=tri", span - fade_out);
    }
    if spec.start > 0 {
        let _ = write!(c, ",adelay=delays={}S:all=1", spec.start);
    }
    Ok(Some(c))
}

/// `atempo` factors (each within 0.5–2) whose product is `speed`; none for 1×.
fn tempo_stages(speed: f64) -> Vec<f64> {
    let mut left = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
    let mut stages = Vec::new();
    while left > 2.0 {
        stages.push(2.0);
        left /= 2.0;
    }
    while left < 0.5 {
        stages.push(0.5);
        left /= 0.5;
    }
    if (left - 1.0).abs() > 1e-9 {
        stages.push(left);
    }
    stages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tempo_chains_cover_a_quarter_to_four() {
        assert_eq!(tempo_stages(1.0), Vec::<f64>::new());
        assert_eq!(tempo_stages(4.0), vec![2.0, 2.0]);
        assert_eq!(tempo_stages(0.25), vec![0.5, 0.5]);
        assert_eq!(tempo_stages(3.0), vec![2.0, 1.5]);
        assert_eq!(tempo_stages(0.3).iter().product::<f64>(), 0.3);
    }
}
