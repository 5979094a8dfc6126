//! WebM/Matroska probe, demux and mux against real ffmpeg-made files, checked by ffprobe.

mod common;

use frameloom::container::webm::{WebmDemuxer, WebmMuxer, WebmOptions};
use frameloom::container::{
    ByteSink, ContainerError, ContainerFormat, Demuxer, FileSink, FileSource, MuxTrack, Muxer, ProbeInfo, SliceSource, TrackKind, open_demuxer, probe,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A sink that cannot seek, like a network stream.
struct AppendOnly(FileSink);

impl ByteSink for AppendOnly {
    fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
        self.0.write(data)
    }
}

fn probe_file(path: &Path) -> ProbeInfo {
    probe(&mut FileSource::open(path).expect("open")).expect("probe")
}

fn copy_packets(demuxer: &mut dyn Demuxer, muxer: &mut dyn Muxer) {
    let ids: Vec<u32> = demuxer.tracks().iter().map(|t| t.id).collect();
    while let Some(packet) = demuxer.next_packet().expect("demux") {
        let index = ids.iter().position(|&id| id == packet.track_id).expect("known track");
        muxer.write_packet(index, &packet).expect("mux");
    }
    muxer.finish().expect("finish");
}

/// Demuxes `src` with our demuxer and muxes it into `out` with our muxer.
fn remux(src: &Path, out: &Path, live: bool) {
    let mut demuxer = WebmDemuxer::open(Box::new(FileSource::open(src).expect("open"))).expect("open demuxer");
    let tracks: Vec<MuxTrack> = demuxer.tracks().iter().map(MuxTrack::from).collect();
    let sink = FileSink::create(out).expect("create");
    if live {
        let mut muxer = WebmMuxer::new(AppendOnly(sink), &tracks, WebmOptions { live: true }).expect("muxer");
        copy_packets(&mut demuxer, &mut muxer);
        muxer.into_sink().0.flush().expect("flush");
    } else {
        let mut muxer = WebmMuxer::new(sink, &tracks, WebmOptions::default()).expect("muxer");
        copy_packets(&mut demuxer, &mut muxer);
        muxer.into_sink().flush().expect("flush");
    }
}

fn hashes_by_stream(path: &Path) -> BTreeMap<u32, Vec<String>> {
    let mut map: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for (stream, hash) in common::packet_hashes(path) {
        map.entry(stream).or_default().push(hash);
    }
    map
}

/// Per stream: (first pts, last end) in seconds, from ffprobe's packet list.
fn extent_by_stream(path: &Path) -> BTreeMap<u64, (f64, f64)> {
    let json = common::ffprobe_json(path, &["-show_entries", "packet=stream_index,pts_time,duration_time"]);
    let mut map: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    for p in json["packets"].as_array().expect("packets") {
        let stream = p["stream_index"].as_u64().expect("index");
        let pts: f64 = p["pts_time"].as_str().and_then(|s| s.parse().ok()).expect("pts");
        let duration: f64 = p["duration_time"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0.0);
        let entry = map.entry(stream).or_insert((f64::MAX, f64::MIN));
        entry.0 = entry.0.min(pts);
        entry.1 = entry.1.max(pts + duration);
    }
    map
}

fn format_duration(path: &Path) -> Option<f64> {
    common::ffprobe_json(path, &["-show_format"])["format"]["duration"].as_str().and_then(|s| s.parse().ok())
}

fn out_path(name: &str, live: bool) -> PathBuf {
    common::fixture_dir().join(format!("remux_{}_{name}", if live { "live" } else { "seekable" }))
}

/// One frame at 30 fps, the tolerance for durations.
const FRAME: f64 = 1.0 / 30.0 + 1e-6;

fn check_remux(name: &str) {
    let src = common::fixture(name);
    let src_streams = common::ffprobe_streams(&src);
    let src_info = probe_file(&src);
    for live in [false, true] {
        let out = out_path(name, live);
        remux(&src, &out, live);
        let what = format!("{name} ({})", if live { "live" } else { "seekable" });

        let out_streams = common::ffprobe_streams(&out);
        assert_eq!(out_streams.len(), src_streams.len(), "{what}: stream count");
        for (a, b) in src_streams.iter().zip(&out_streams) {
            assert_eq!(a["codec_name"], b["codec_name"], "{what}: codec");
            assert_eq!(a["nb_read_packets"], b["nb_read_packets"], "{what}: packet count");
        }
        assert_eq!(hashes_by_stream(&src), hashes_by_stream(&out), "{what}: packet bytes");
        let (src_extent, out_extent) = (extent_by_stream(&src), extent_by_stream(&out));
        for (stream, (start, end)) in &src_extent {
            let (out_start, out_end) = out_extent[stream];
            assert!((start - out_start).abs() < 1e-6, "{what}: stream {stream} starts at {out_start}, source at {start}");
            assert!((end - out_end).abs() <= FRAME, "{what}: stream {stream} ends at {out_end}, source at {end}");
        }
        if let (Some(a), Some(b)) = (format_duration(&src), format_duration(&out)) {
            assert!((a - b).abs() <= FRAME, "{what}: duration {b} vs {a}");
        }
        assert_eq!(format_duration(&out).is_none(), live, "{what}: only the seekable layout has a Duration");
        assert_eq!(common::decode_errors(&out), "", "{what}: ffmpeg decodes cleanly");

        let out_info = probe_file(&out);
        assert_eq!(out_info.streamable, live, "{what}: streamable");
        for (a, b) in src_info.tracks.iter().zip(&out_info.tracks) {
            assert_eq!(a.codec, b.codec, "{what}: codec string");
            assert_eq!(a.keyframes_us, b.keyframes_us, "{what}: keyframes");
            assert_eq!(a.video, b.video, "{what}: video facts");
            assert_eq!(a.audio, b.audio, "{what}: audio facts");
        }
    }
}

#[test]
fn remuxes_vp9_opus() {
    check_remux("vp9_opus.webm");
}

#[test]
fn remuxes_vp8_opus() {
    check_remux("vp8_opus.webm");
}

#[test]
fn remuxes_live_webm() {
    check_remux("live.webm");
}

#[test]
fn remuxes_av1() {
    check_remux("av1.webm");
    let info = probe_file(&common::fixture("av1.webm"));
    assert_eq!(info.tracks[0].codec, "av01.0.00M.08");
    assert_eq!(info.tracks[0].description.as_deref().and_then(|d| d.first()), Some(&0x81), "av1C kept as description");
}

fn assert_keyframes_each_second(keyframes: &[i64]) {
    assert_eq!(keyframes.len(), 3, "{keyframes:?}");
    for (i, &k) in keyframes.iter().enumerate() {
        assert!((k - i as i64 * 1_000_000).abs() <= 34_000, "keyframe {i} at {k} µs");
    }
}

#[test]
fn probes_webm_fixtures() {
    for (name, video_codec) in [("vp9_opus.webm", "vp09.00.20.08"), ("vp8_opus.webm", "vp8"), ("live.webm", "vp09.00.20.08")] {
        let info = probe_file(&common::fixture(name));
        assert_eq!(info.container, ContainerFormat::Webm, "{name}");
        assert_eq!(info.streamable, name == "live.webm", "{name}: streamable");
        let duration = info.duration_us.expect("duration (from Info or the scan)");
        assert!((duration - 3_000_000).abs() < 50_000, "{name}: duration {duration}");
        let video = info.tracks.iter().find(|t| t.kind == TrackKind::Video).expect("video");
        assert_eq!(video.codec, video_codec, "{name}");
        assert_eq!(video.description, None, "{name}: VP8/VP9 have no description");
        assert_eq!(video.timescale, 1000);
        let v = video.video.as_ref().expect("video info");
        assert_eq!((v.width, v.height, v.rotation), (320, 240, 0), "{name}");
        assert!((v.frame_rate.expect("frame rate") - 30.0).abs() < 0.01, "{name}: {:?}", v.frame_rate);
        assert!(!v.variable_frame_rate, "{name}");
        assert_keyframes_each_second(&video.keyframes_us);
        let audio = info.tracks.iter().find(|t| t.kind == TrackKind::Audio).expect("audio");
        assert_eq!(audio.codec, "opus");
        assert!(audio.description.as_deref().is_some_and(|d| d.starts_with(b"OpusHead")), "{name}: OpusHead");
        let a = audio.audio.as_ref().expect("audio info");
        assert_eq!((a.sample_rate, a.channels), (48_000, 1), "{name}");
    }
}

#[test]
fn demuxes_like_ffprobe() {
    for name in ["vp9_opus.webm", "live.webm"] {
        let path = common::fixture(name);
        let mut demuxer = open_demuxer(Box::new(FileSource::open(&path).expect("open"))).expect("open");
        let mut pts: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
        while let Some(p) = demuxer.next_packet().expect("packet") {
            assert_eq!(p.pts_us, p.dts_us);
            pts.entry(p.track_id).or_default().push(p.pts_us);
        }
        let json = common::ffprobe_json(&path, &["-show_entries", "packet=stream_index,pts"]);
        let mut expected: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
        for p in json["packets"].as_array().expect("packets") {
            let stream = p["stream_index"].as_u64().expect("index") as u32;
            expected.entry(stream + 1).or_default().push(p["pts"].as_i64().expect("pts") * 1000);
        }
        assert_eq!(pts, expected, "{name}: timestamps (CodecDelay applied like ffmpeg)");
    }
}

#[test]
fn seekable_layout_refuses_append_only_sinks() {
    let info = probe_file(&common::fixture("vp8_opus.webm"));
    let tracks: Vec<MuxTrack> = info.tracks.iter().map(MuxTrack::from).collect();
    let sink = AppendOnly(FileSink::create(&common::fixture_dir().join("refused.webm")).expect("create"));
    assert!(matches!(WebmMuxer::new(sink, &tracks, WebmOptions::default()), Err(ContainerError::SinkNotSeekable)));
}

/// Every prefix of a real file probes and demuxes to packets or a typed error, without panicking or hanging.
#[test]
fn survives_truncation_at_many_offsets() {
    for name in ["vp9_opus.webm", "live.webm"] {
        let bytes = std::fs::read(common::fixture(name)).expect("read");
        let offsets = (0..600).chain((600..bytes.len()).step_by(211));
        for len in offsets {
            let cut = &bytes[..len];
            let _ = probe(&mut SliceSource::new(cut));
            if let Ok(mut demuxer) = open_demuxer(Box::new(SliceSource::new(cut))) {
                let mut packets = 0;
                while let Ok(Some(_)) = demuxer.next_packet() {
                    packets += 1;
                    assert!(packets < 10_000, "{name} cut at {len}: too many packets");
                }
            }
        }
    }
}

/// Matroska with H.264 (B-frames) and AAC: probed with ISO codec strings and remuxed as DocType matroska.
#[test]
fn remuxes_h264_aac_matroska() {
    let src = common::fixture("h264_aac.mkv");
    let info = probe_file(&src);
    assert_eq!(info.container, ContainerFormat::Matroska);
    let codecs: Vec<&str> = info.tracks.iter().map(|t| t.codec.as_str()).collect();
    assert!(codecs[0].starts_with("avc1.64"), "{codecs:?}");
    assert_eq!(codecs[1], "mp4a.40.2");
    assert!(info.tracks.iter().all(|t| t.description.is_some()), "avcC and ASC are kept");
    let out = out_path("h264_aac.mkv", false);
    remux(&src, &out, false);
    assert_eq!(probe_file(&out).container, ContainerFormat::Matroska);
    assert_eq!(hashes_by_stream(&src), hashes_by_stream(&out), "packet bytes");
    assert_eq!(common::decode_errors(&out), "", "ffmpeg decodes cleanly");
}
