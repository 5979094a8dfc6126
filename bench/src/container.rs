//! Container throughput: probe, demux, and demux→mux remux, against `ffmpeg -c copy`
//! doing the same remux in the same run.

use crate::measure::{mb_per_s, median, peak_rss_mb, reset_peak_rss};
use crate::{fixtures, table::Table};
use frameloom::container::mp4::{Mp4Muxer, Mp4Options};
use frameloom::container::webm::{WebmMuxer, WebmOptions};
use frameloom::container::{ContainerError, Demuxer, FileSink, FileSource, MuxTrack, Muxer, open_demuxer, probe};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Repetitions of the millisecond-scale probe; the median is reported.
const PROBE_RUNS: usize = 7;
/// Repetitions of each whole-file pass; the median is reported.
const RUNS: usize = 3;

/// The container and layout a remux writes.
#[derive(Clone, Copy)]
enum Target {
    /// Fragmented MP4 (moov first, streaming).
    Mp4Fragmented,
    /// Progressive MP4 with the moov reserved up front (seekable sink).
    Mp4FastStart,
    /// WebM with back-patched sizes and cues (seekable sink).
    Webm,
    /// Live WebM: unknown sizes, no back-patching.
    WebmLive,
}

impl Target {
    fn label(self) -> &'static str {
        match self {
            Self::Mp4Fragmented => "mp4 fragmented",
            Self::Mp4FastStart => "mp4 fast-start",
            Self::Webm => "webm",
            Self::WebmLive => "webm live",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Mp4Fragmented | Self::Mp4FastStart => "mp4",
            Self::Webm | Self::WebmLive => "webm",
        }
    }
}

/// One row: an input file and what to remux it into.
struct Case {
    input: &'static str,
    target: Target,
}

const CASES: &[Case] = &[
    Case { input: "h264_aac_1080p30_20s.mp4", target: Target::Mp4FastStart },
    Case { input: "h264_aac_1080p30_20s.mp4", target: Target::Mp4Fragmented },
    Case { input: "h264_aac_1080p30_20s_fragmented.mp4", target: Target::Mp4Fragmented },
    Case { input: "vp9_opus_720p30_10s.webm", target: Target::Webm },
    Case { input: "vp9_opus_720p30_10s.webm", target: Target::WebmLive },
];

/// Measures every case and returns the table.
pub fn run() -> Result<Table, String> {
    let mut rows = Vec::new();
    for case in CASES {
        rows.push(row(case)?);
    }
    Ok(Table {
        title: "container throughput (frameloom vs ffmpeg -c copy, same run)".into(),
        headers: vec!["fixture", "size MB", "probe ms", "demux MB/s", "remux to", "remux MB/s", "ffmpeg copy MB/s", "frameloom/ffmpeg", "peak RSS MB", "check"],
        rows,
        notes: vec![
            format!("MB = 10^6 bytes of input; medians of {RUNS} runs ({PROBE_RUNS} for probe); files are in the page cache."),
            "remux = open_demuxer + next_packet + Muxer into a FileSink; ffmpeg = `ffmpeg -v error -i IN -c copy -map 0 OUT` (process start included).".into(),
            "frameloom/ffmpeg > 1 means frameloom remuxes faster. peak RSS: VmHWM while measuring the row.".into(),
            "check: packets frameloom demuxed = ffprobe's count for the input = ffprobe's count for frameloom's output.".into(),
        ],
    })
}

fn row(case: &Case) -> Result<Vec<String>, String> {
    let input = fixtures::path(case.input)?;
    let size = std::fs::metadata(&input).map_err(|e| e.to_string())?.len();
    let output = fixtures::dir()?.join(format!("remuxed.{}", case.target.extension()));
    let reference = fixtures::dir()?.join(format!("ffmpeg-copy.{}", case.target.extension()));
    reset_peak_rss();

    let probe_ms = median(PROBE_RUNS, || probe(&mut FileSource::open(&input)?)).map(|(t, _)| format!("{:.2}", t.as_secs_f64() * 1e3));
    let demux = median(RUNS, || drain(&input));
    let remuxed = median(RUNS, || remux(&input, &output, case.target));
    let ffmpeg = median(RUNS, || ffmpeg_copy(&input, &reference))?;
    let peak = peak_rss_mb().map_or("?".into(), |mb| mb.to_string());

    let ffmpeg_speed = mb_per_s(size, ffmpeg.0);
    let (remux_cell, ratio) = match &remuxed {
        Ok((t, _)) => (speed(size, *t), format!("{:.2}x", mb_per_s(size, *t) / ffmpeg_speed)),
        Err(e) => (failed(e), "-".into()),
    };
    let check = check(&input, demux.as_ref().ok().map(|(_, n)| *n), remuxed.is_ok().then_some(output.as_path()))?;
    let _ = std::fs::remove_file(&output);
    let _ = std::fs::remove_file(&reference);
    Ok(vec![
        case.input.into(),
        format!("{:.1}", size as f64 / 1e6),
        probe_ms.unwrap_or_else(|e| failed(&e)),
        demux.map_or_else(|e| failed(&e), |(t, _)| speed(size, t)),
        case.target.label().into(),
        remux_cell,
        format!("{ffmpeg_speed:.0}"),
        ratio,
        peak,
        check,
    ])
}

fn speed(bytes: u64, time: Duration) -> String {
    format!("{:.0}", mb_per_s(bytes, time))
}

fn failed(e: &ContainerError) -> String {
    format!("error: {}", e.code())
}

/// Reads every packet; returns how many.
fn drain(input: &Path) -> Result<u64, ContainerError> {
    let mut demuxer = open_demuxer(Box::new(FileSource::open(input)?))?;
    let mut packets = 0;
    while demuxer.next_packet()?.is_some() {
        packets += 1;
    }
    Ok(packets)
}

/// Demuxes `input` and muxes every packet into `output`; returns how many packets were written.
fn remux(input: &Path, output: &Path, target: Target) -> Result<u64, ContainerError> {
    let mut demuxer = open_demuxer(Box::new(FileSource::open(input)?))?;
    let tracks: Vec<MuxTrack> = demuxer.tracks().iter().map(MuxTrack::from).collect();
    let sink = FileSink::create(output)?;
    let options = match target {
        Target::Mp4Fragmented => Mp4Options::fragmented(),
        Target::Mp4FastStart => {
            let most = demuxer.tracks().iter().filter_map(|t| t.sample_count).max().unwrap_or(0);
            Mp4Options::fast_start(u32::try_from(most).unwrap_or(u32::MAX))
        }
        Target::Webm | Target::WebmLive => {
            let options = WebmOptions { live: matches!(target, Target::WebmLive) };
            let mut muxer = WebmMuxer::new(sink, &tracks, options)?;
            let packets = copy_packets(demuxer.as_mut(), &mut muxer)?;
            muxer.into_sink().flush()?;
            return Ok(packets);
        }
    };
    let mut muxer = Mp4Muxer::new(sink, &tracks, options)?;
    let packets = copy_packets(demuxer.as_mut(), &mut muxer)?;
    muxer.into_sink().flush()?;
    Ok(packets)
}

/// Moves every packet from `demuxer` to `muxer` (track order is the same) and finishes the muxer.
fn copy_packets(demuxer: &mut dyn Demuxer, muxer: &mut dyn Muxer) -> Result<u64, ContainerError> {
    let ids: Vec<u32> = demuxer.tracks().iter().map(|t| t.id).collect();
    let mut packets = 0;
    while let Some(packet) = demuxer.next_packet()? {
        let index = ids
            .iter()
            .position(|&id| id == packet.track_id)
            .ok_or_else(|| ContainerError::InvalidInput(format!("packet of unknown track {}", packet.track_id)))?;
        muxer.write_packet(index, &packet)?;
        packets += 1;
    }
    muxer.finish()?;
    Ok(packets)
}

/// The same remux by ffmpeg, to the same container.
fn ffmpeg_copy(input: &Path, output: &Path) -> Result<(), String> {
    let out = Command::new("ffmpeg").arg("-nostdin")
        .args(["-hide_banner", "-v", "error", "-y", "-i"])
        .arg(input)
        .args(["-c", "copy", "-map", "0"])
        .arg(output)
        .output()
        .map_err(|e| format!("cannot run ffmpeg: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(format!("ffmpeg -c copy failed: {}", String::from_utf8_lossy(&out.stderr))) }
}

/// Total packets of every stream, as ffprobe counts them.
fn ffprobe_packets(path: &Path) -> Result<u64, String> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run ffprobe: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.trim().trim_end_matches(',').parse::<u64>().ok()).sum())
}

/// "ok" when ffprobe counts as many packets in the input as frameloom demuxed, and as many in frameloom's output.
fn check(input: &Path, demuxed: Option<u64>, output: Option<&Path>) -> Result<String, String> {
    let want = ffprobe_packets(input)?;
    let mut problems = Vec::new();
    if let Some(n) = demuxed.filter(|&n| n != want) {
        problems.push(format!("demuxed {n}"));
    }
    if let Some(out) = output {
        let got = ffprobe_packets(out)?;
        if got != want {
            problems.push(format!("output {got}"));
        }
    }
    Ok(if problems.is_empty() { format!("ok ({want} packets)") } else { format!("MISMATCH: input {want}, {}", problems.join(", ")) })
}
