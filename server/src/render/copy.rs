//! The copy and smart-cut fast path: when the plan copies or smart-cuts at least one segment
//! (`Treatment::Copy` or `Treatment::SmartCut`), the video is cut into parts in timeline order
//! and joined with the concat demuxer, without re-encoding the copied GOPs:
//!
//! - a copied span is stream-copied (`-ss` on ffmpeg's own time of its keyframe, looked up
//!   with ffprobe by [`seek`](super::seek), `-c:v copy`, `-frames:v` = the span's frames, so
//!   exactly its whole GOPs in decode order);
//! - a smart cut's head and tail are re-encoded from the source (input seek to the keyframe
//!   decoding starts at, frames before the span dropped by a `trim` filter, `-frames:v`)
//!   with the output encoder at the source's H.264 profile and level and its timescale;
//! - a run of encoded segments ([`mixed`]) is drawn by the scene graph over just its frames and
//!   encoded with those same matched parameters;
//! - the sound is copied when the plan copies it ([`audio_copy`]), else mixed and encoded as usual.
//!
//! When every segment is a plain copy the parts share one decoder configuration (the plan
//! guarantees it) and are joined as they are (`-auto_convert 0`: copied packets stay
//! byte-identical). Otherwise the concat demuxer's `auto_convert` puts each part's SPS/PPS in
//! band before its keyframes, so re-encoded and copied GOPs each carry their own (copied
//! keyframes gain those parameter sets as NAL units before their slice, their own NAL units
//! unchanged; other copied packets are unchanged). The joined file is then validated ([`validate`](super::validate)); a file
//! that fails is dropped and the caller renders the plan the normal way ("attempt, then validate").

use super::argv::{self, Input, file_url, words};
use super::concat::write_list;
use super::error::RenderError;
use super::mixed::{self, Piece};
use super::output::{Job, TempFile, audio_argv};
use super::preprocess::{run_all, threads_per_job, workers_for};
use super::progress::{Board, Progress};
use super::seek::{self, SpanRead};
use super::{audio_copy, audio_graph, ffmpeg, validate};
use frameloom::plan::{AudioTreatment, FRAME_PICK_TOLERANCE_US, FrameRate, SourceSpan, Splice, Treatment};
use frameloom::project::{Format, VideoCodec};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// The fast-path name when every segment was copied whole.
pub const STREAM_COPY: &str = "stream-copy";
/// The fast-path name when at least one segment was smart-cut.
pub const SMART_CUT: &str = "smart-cut";
/// The fast-path name when some segments were copied or smart-cut and others encoded.
pub const MIXED: &str = "mixed";
/// Extra source read after a re-encoded span (its frame count is exact; this only avoids
/// running short on timestamp rounding).
const READ_MARGIN_US: i64 = 100_000;

/// What the fast path did.
pub enum Outcome {
    /// The plan encodes some segment, or the format has no fast path: render normally.
    Skipped,
    /// The file is written: its fast-path name and size.
    Done(&'static str, u64),
    /// The copy was made but failed validation (why); render normally.
    Invalid(String),
}

/// Tries the fast path for `job`, writing `output` only when the result validates.
pub fn run(
    job: &Job,
    output: &Path,
    board: &mut Board,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Outcome, RenderError> {
    let plan = job.plan;
    let pieces = mixed::pieces(plan);
    let first_splice = pieces.iter().find_map(|p| if let Piece::Splice(s) = p { Some(*s) } else { None });
    let (Some(reference), Format::Mp4 | Format::Webm) = (first_splice, plan.output.format) else {
        return Ok(Outcome::Skipped);
    };
    let all_copy = plan.segments.iter().all(|s| matches!(s.treatment, Treatment::Copy(_)));
    let encodes = pieces.iter().any(|p| matches!(p, Piece::Encode { .. }));
    let copied_audio = match &plan.audio_treatment {
        AudioTreatment::Copy { splices, .. } => Some(splices),
        _ => None,
    };
    let audio = match copied_audio {
        Some(_) => None,
        None => audio_graph::build(plan, job.files, &job.probed.media)?,
    };
    let part_count: usize = pieces.iter().map(Piece::part_count).sum();
    let workers = workers_for(job.threads, part_count + usize::from(audio.is_some()));
    let per_job = threads_per_job(job.threads, workers);
    let ext = argv::intermediate_extension(plan.output.format);
    let (mut jobs, mut parts, mut work_us, mut joins_us) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let rate = plan.output.frame_rate;
    let (reference_codec, reference_timescale) = source_stream(job, reference);
    // One ffprobe pass per source: ffmpeg's times of every keyframe seeked to, and colours.
    let mut wanted: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for piece in &pieces {
        if let Piece::Splice(splice) = piece {
            wanted.entry(splice.source.as_str()).or_default().extend(spans_of(splice, rate).iter().map(|s| s.2));
        }
    }
    let mut scans = BTreeMap::new();
    for (source, mut keys) in wanted {
        keys.sort_unstable();
        keys.dedup();
        let file = job.files.get(source).ok_or_else(|| no_file(source))?;
        match seek::scan(file, &keys, rate.frame_duration_us(0) / 4)? {
            Ok(scan) => scans.insert(source, scan),
            Err(why) => return Ok(Outcome::Invalid(why)),
        };
    }
    // Every copied source has the same SPS (the plan checks it), so the same colour tags.
    let Some(colour) = scans.get(reference.source.as_str()).map(|s| s.colour.clone()) else {
        return Ok(Outcome::Skipped);
    };
    for piece in &pieces {
        let splice = match piece {
            Piece::Splice(splice) => *splice,
            Piece::Encode { scene, segments } => {
                let sub = mixed::sub_plan(plan, segments.clone(), &job.probed.media);
                for mut graph in job.scene_parts(&sub, *scene, false)? {
                    mixed::recolour(&mut graph, &colour)?;
                    let file = job.work.path.join(format!("part_{:04}.{ext}", parts.len()));
                    let mut encoder = matched_encoder(job, reference_codec, reference_timescale, per_job);
                    encoder.extend(colour.tags.iter().cloned());
                    jobs.push(job.scene_argv(&graph, &file, per_job, None, encoder));
                    work_us.push(graph.duration_us);
                    joins_us.push(rate.frame_time_us(graph.first_frame));
                    parts.push(file);
                }
                continue;
            }
        };
        let src = source_file(job, splice)?;
        let (codec, timescale) = source_stream(job, splice);
        for (span, frames, key, copied) in spans_of(splice, rate) {
            let Some(key_ff) = scans.get(splice.source.as_str()).and_then(|s| s.key(key)) else {
                return Ok(Outcome::Invalid(format!("the keyframe at {key} µs of {} was not looked up", splice.source)));
            };
            let file = job.work.path.join(format!("part_{:04}.{ext}", parts.len()));
            let argv = if copied {
                copy_argv(src, key_ff, frames, &file, plan.output.format)
            } else {
                let mut encoder = matched_encoder(job, codec, timescale, per_job);
                encoder.extend(colour.tags.iter().cloned());
                // The first frame shown may start up to a frame (less the pick tolerance) early.
                let lead_us = rate.frame_duration_us(0) - FRAME_PICK_TOLERANCE_US;
                let read = SpanRead::new(key, key_ff, span.from_us, span.to_us, lead_us, READ_MARGIN_US);
                encode_argv(src, read, frames, encoder, &file, plan.output.format)
            };
            jobs.push(argv);
            work_us.push(span.to_us - span.from_us);
            joins_us.push(rate.frame_time_us(first_slot(rate, span.from_us, splice.offset_us)));
            parts.push(file);
        }
    }
    let audio_file = job.work.path.join("audio.mka");
    if let Some(a) = &audio {
        jobs.push(audio_argv(a, &audio_file, per_job));
        work_us.push(a.duration_us);
    }
    let copied_audio_file = job.work.path.join("audio_copy.mp4");
    if let Some(splices) = copied_audio {
        audio_copy::write(splices, job.files, &copied_audio_file)?;
    }
    progress(board.stage("render", 0.02, 0.8, &work_us));
    run_all(&jobs, workers, cancel, &mut |i, s| progress(board.update(i, s)))?;

    let temp = TempFile::next_to(output)?;
    let list = write_list(&job.work.path, &parts)?;
    let mut a = Vec::new();
    let auto_convert = if all_copy { "0" } else { "1" };
    let concat = Input { options: words(&["-f", "concat", "-auto_convert", auto_convert]), path: list };
    concat.push_to(&mut a, job.threads);
    let mut tail = words(&["-map", "0:v:0", "-c:v", "copy", "-metadata:s:v:0", "rotate=0"]);
    if copied_audio.is_some() {
        Input::with_format(&copied_audio_file, "mp4").push_to(&mut a, job.threads);
        tail.extend(words(&["-map", "1:a:0", "-c:a", "copy"]));
    } else if let (Some(_), Some(encoder)) = (&audio, argv::audio_encoder(&plan.encoding)) {
        Input::with_format(&audio_file, "matroska").push_to(&mut a, job.threads);
        tail.extend(words(&["-map", "1:a:0"]));
        tail.extend(encoder);
    }
    tail.extend(argv::muxer(plan.output.format));
    a.extend(tail.into_iter().map(OsString::from));
    a.push(file_url(&temp.path));
    progress(board.stage("mux", 0.8, 1.0, &[plan.output.duration_us]));
    let stop = || cancel.load(Ordering::Relaxed);
    ffmpeg::run(&a, &stop, &mut |s| progress(board.update(0, s)))?;
    joins_us.retain(|&t| t > 0);
    if let Err(why) = validate::check(&temp.path, plan.output.frame_count, rate, &joins_us, !all_copy, cancel)? {
        return Ok(Outcome::Invalid(why));
    }
    temp.commit(output)?;
    let bytes = std::fs::metadata(output).map_err(|e| RenderError::io(output.display(), &e))?.len();
    let name = match (encodes, all_copy) {
        (true, _) => MIXED,
        (false, true) => STREAM_COPY,
        (false, false) => SMART_CUT,
    };
    Ok(Outcome::Done(name, bytes))
}

/// The file of a splice's source.
fn source_file<'j>(job: &'j Job, splice: &Splice) -> Result<&'j Path, RenderError> {
    Ok(job.files.get(&splice.source).ok_or_else(|| no_file(&splice.source))?)
}

/// The error for a source without a file.
fn no_file(source: &str) -> RenderError {
    RenderError::Unsupported(format!("source {source} has no file; add it to the sources"))
}

/// A splice's spans that show frames, in order: each with its output frame count, the keyframe
/// (our clock) ffmpeg decodes it from, and whether it is copied (else re-encoded).
fn spans_of(splice: &Splice, rate: FrameRate) -> Vec<(SourceSpan, u64, i64, bool)> {
    [
        (splice.head, splice.head_decode_from_us, false),
        (Some(splice.copy), splice.copy.from_us, true),
        (splice.tail, splice.copy.to_us, false),
    ]
    .into_iter()
    .filter_map(|(span, key, copied)| Some((span?, key, copied)))
    .map(|(span, key, copied)| (span, frames_in(rate, span, splice.offset_us), key, copied))
    .filter(|s| s.1 > 0)
    .collect()
}

/// The codec string and timescale of a splice's source track (`""`, 0 when unknown).
fn source_stream<'j>(job: &'j Job, splice: &Splice) -> (&'j str, u32) {
    let probe = job.probed.media.get(&splice.source);
    let track = probe.and_then(|p| p.tracks.iter().find(|t| t.id == splice.track_id));
    track.map_or(("", 0), |t| (t.codec.as_str(), t.timescale))
}

/// Output frames whose timeline time falls in the source `span` shifted by `offset_us`.
fn frames_in(rate: FrameRate, span: SourceSpan, offset_us: i64) -> u64 {
    first_slot(rate, span.to_us, offset_us).saturating_sub(first_slot(rate, span.from_us, offset_us))
}

/// The first output frame that shows source time `t_us` or later: output frame `n` shows the
/// last source frame starting at or before its source time plus [`FRAME_PICK_TOLERANCE_US`].
fn first_slot(rate: FrameRate, t_us: i64, offset_us: i64) -> u64 {
    rate.first_frame_from(t_us - offset_us - FRAME_PICK_TOLERANCE_US)
}

/// Stream-copies `frames` packets (whole GOPs) from the keyframe ffmpeg has at `key_ff_us` to `file`.
fn copy_argv(src: &Path, key_ff_us: i64, frames: u64, file: &Path, format: Format) -> Vec<OsString> {
    let mut a = Vec::new();
    // Exactly ffmpeg's keyframe time on the file's own clock (`-seek_timestamp 1`, whatever
    // the file's start time): ffmpeg shifts the copied timestamps by the seek time, so any
    // other value moves the keyframe off zero and the part's edit list would hide it.
    Input::media(src, key_ff_us, None).push_to(&mut a, 1);
    let mut tail = words(&["-map", "0:v:0", "-an", "-c:v", "copy", "-frames:v", &frames.to_string()]);
    tail.extend(words(&["-f", argv::intermediate_muxer(format)]));
    a.extend(tail.into_iter().map(OsString::from));
    a.push(file_url(file));
    a
}

/// Re-encodes exactly `frames` frames of `src`, read as `read` says, to `file` with `encoder`.
fn encode_argv(
    src: &Path,
    read: SpanRead,
    frames: u64,
    encoder: Vec<String>,
    file: &Path,
    format: Format,
) -> Vec<OsString> {
    let mut a = Vec::new();
    Input::media(src, read.seek_us, Some(read.length_us)).push_to(&mut a, 1);
    // Drops the frames before the span (on the decoded timestamps), then starts the part at
    // zero: the source and output share a rate, so each frame lands on its own output slot.
    let mut filter = String::new();
    if read.skip_us > 0 {
        filter = format!("trim=start={},", argv::seconds(read.skip_us));
    }
    filter.push_str("setpts=PTS-STARTPTS");
    let mut tail = words(&["-map", "0:v:0", "-an", "-vf", &filter]);
    tail.extend(words(&["-frames:v", &frames.to_string()]));
    tail.extend(encoder);
    tail.extend(words(&["-f", argv::intermediate_muxer(format)]));
    a.extend(tail.into_iter().map(OsString::from));
    a.push(file_url(file));
    a
}

/// The output encoder's options matched to the copied stream: the source's H.264 profile and
/// level (from its codec string), in MP4 its timescale, and no BT.709 tags (the caller adds
/// the source's own).
fn matched_encoder(job: &Job, codec: &str, timescale: u32, threads: usize) -> Vec<String> {
    let plan = job.plan;
    let mut encoder = argv::video_encoder(&plan.encoding, plan.output.frame_rate, threads);
    if plan.encoding.video.codec == VideoCodec::H264 {
        match_h264_profile(&mut encoder, codec);
    }
    keep_source_colours(&mut encoder);
    if plan.output.format == Format::Mp4 && timescale > 0 {
        encoder.extend(["-video_track_timescale".to_owned(), timescale.to_string()]);
    }
    encoder
}

/// Drops the encoder's BT.709 colour tags: re-encoded frames take the source's tags, which
/// the copied frames (and the file's decoder configuration) carry.
fn keep_source_colours(encoder: &mut Vec<String>) {
    let tags = ["-colorspace", "-color_primaries", "-color_trc"];
    let mut i = 0;
    while i < encoder.len() {
        if tags.contains(&encoder[i].as_str()) {
            encoder.drain(i..(i + 2).min(encoder.len()));
        } else {
            i += 1;
        }
    }
}

/// Sets libx264's `-profile:v` and `-level` to those of an `avc1.PPCCLL` codec string.
fn match_h264_profile(encoder: &mut Vec<String>, codec: &str) {
    let hex = codec.split('.').nth(1).filter(|h| h.len() == 6 && h.is_ascii());
    let Some((profile_idc, level_idc)) =
        hex.and_then(|h| Some((u8::from_str_radix(&h[0..2], 16).ok()?, u8::from_str_radix(&h[4..6], 16).ok()?)))
    else {
        return;
    };
    let profile = match profile_idc {
        66 => "baseline",
        77 => "main",
        _ => "high",
    };
    if let Some(i) = encoder.iter().position(|w| w == "-profile:v") {
        if let Some(value) = encoder.get_mut(i + 1) {
            *value = profile.to_owned();
        }
    }
    encoder.extend(["-level".to_owned(), format!("{}.{}", level_idc / 10, level_idc % 10)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_and_tail_encoders_take_the_source_profile_and_level() {
        let mut e = words(&["-c:v", "libx264", "-profile:v", "high"]);
        match_h264_profile(&mut e, "avc1.4d401f");
        assert_eq!(e, words(&["-c:v", "libx264", "-profile:v", "main", "-level", "3.1"]));
        let mut e = words(&["-profile:v", "high", "-colorspace", "bt709", "-color_trc", "bt709", "-g", "60"]);
        match_h264_profile(&mut e, "vp09.00.10.08");
        keep_source_colours(&mut e);
        assert_eq!(e, words(&["-profile:v", "high", "-g", "60"]));
    }

    #[test]
    fn spans_count_output_frames() {
        let rate = FrameRate { num: 30, den: 1 };
        assert_eq!(frames_in(rate, SourceSpan { from_us: 1_000_000, to_us: 2_000_000 }, 0), 30);
        assert_eq!(frames_in(rate, SourceSpan { from_us: 1_000_000, to_us: 2_000_000 }, 500_000), 30);
        assert_eq!(frames_in(rate, SourceSpan { from_us: 500_000, to_us: 1_000_000 }, 500_000), 15);
    }
}
