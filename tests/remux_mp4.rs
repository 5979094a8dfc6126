//! MP4/MOV end to end: probe real ffmpeg files, remux them demux→mux in both
//! layouts, and check the outputs with ffprobe/ffmpeg and with our own demuxer.

mod common;

use frameloom::container::mp4::{Mp4Demuxer, Mp4Muxer, Mp4Options};
use frameloom::container::{
    ByteSource, ContainerError, ContainerFormat, Demuxer, FileSink, FileSource, MuxTrack, Muxer, Packet, ProbeInfo,
    SliceSource, TrackKind, VecSink, open_demuxer, probe,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FIXTURES: [&str; 9] = [
    "h264_aac.mp4",
    "h264_aac.mov",
    "av1.mp4",
    "vp9.mp4",
    "hevc.mp4",
    "fragmented.mp4",
    "editlist.mp4",
    "rotated.mp4",
    "vfr.mp4",
];

fn probe_path(path: &Path) -> ProbeInfo {
    probe(&mut FileSource::open(path).expect("open fixture")).expect("probe fixture")
}

/// Every packet of `path` through our demuxer, grouped by track id, in decode order.
fn packets_by_track(path: &Path) -> BTreeMap<u32, Vec<Packet>> {
    let mut demuxer = Mp4Demuxer::open(Box::new(FileSource::open(path).expect("open"))).expect("open demuxer");
    let mut out: BTreeMap<u32, Vec<Packet>> = BTreeMap::new();
    while let Some(p) = demuxer.next_packet().expect("packet") {
        out.entry(p.track_id).or_default().push(p);
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Layout {
    FastStart,
    Fragmented,
}

/// Where a test writes output file `name`.
fn out_path(name: &str) -> PathBuf {
    let dir = common::fixture_dir().join("remux_mp4");
    std::fs::create_dir_all(&dir).expect("output dir");
    dir.join(name)
}

fn remux(src: &Path, layout: Layout) -> PathBuf {
    let name = src.file_name().and_then(|n| n.to_str()).expect("name");
    let out = out_path(&format!("{name}.{layout:?}.mp4"));
    let mut demuxer = open_demuxer(Box::new(FileSource::open(src).expect("open"))).expect("demuxer");
    let tracks: Vec<MuxTrack> = demuxer.tracks().iter().map(MuxTrack::from).collect();
    let ids: Vec<u32> = demuxer.tracks().iter().map(|t| t.id).collect();
    let options = match layout {
        Layout::FastStart => Mp4Options::fast_start(200),
        Layout::Fragmented => Mp4Options::fragmented(),
    };
    let mut muxer = Mp4Muxer::new(FileSink::create(&out).expect("create"), &tracks, options).expect("muxer");
    while let Some(p) = demuxer.next_packet().expect("packet") {
        let index = ids.iter().position(|&id| id == p.track_id).expect("known track");
        muxer.write_packet(index, &p).expect("write packet");
    }
    muxer.finish().expect("finish");
    if layout == Layout::FastStart {
        assert_eq!(muxer.moov_at_start(), Some(true), "{name}: moov fits its reservation");
    }
    muxer.into_sink().flush().expect("flush");
    out
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_str().and_then(|s| s.parse().ok()).or_else(|| v[key].as_f64()).unwrap_or(0.0)
}

fn ffprobe_rotation(stream: &Value) -> Option<i64> {
    stream["side_data_list"].as_array()?.iter().find_map(|sd| sd["rotation"].as_i64())
}

/// Checks `out` against `src` with ffprobe/ffmpeg and our demuxer.
fn check_remux(name: &str, layout: Layout) {
    let src = common::fixture(name);
    let out = remux(&src, layout);
    let (a, b) = (common::ffprobe_streams(&src), common::ffprobe_streams(&out));
    assert_eq!(a.len(), b.len(), "{name} {layout:?}: stream count");
    for (sa, sb) in a.iter().zip(&b) {
        let what = format!("{name} {layout:?} stream {}", sa["index"]);
        assert_eq!(sa["codec_name"], sb["codec_name"], "{what}: codec");
        assert_eq!(sa["nb_read_packets"], sb["nb_read_packets"], "{what}: packet count");
        assert_eq!(ffprobe_rotation(sa), ffprobe_rotation(sb), "{what}: rotation");
        let frame = num(sa, "duration") / num(sa, "nb_read_packets").max(1.0);
        // ffmpeg does not apply edit lists to fragments: there a stream's duration also
        // spans pre-roll with negative timestamps, so compare where presentation ends.
        let (da, db) = match layout {
            Layout::FastStart => (num(sa, "duration"), num(sb, "duration")),
            Layout::Fragmented => {
                (num(sa, "start_time") + num(sa, "duration"), num(sb, "start_time") + num(sb, "duration"))
            }
        };
        assert!((da - db).abs() <= frame + 1e-3, "{what}: duration {da} vs {db} (frame {frame})");
    }
    let per_stream = |hashes: Vec<(u32, String)>| {
        let mut m: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for (s, h) in hashes {
            m.entry(s).or_default().push(h);
        }
        m
    };
    assert_eq!(
        per_stream(common::packet_hashes(&src)),
        per_stream(common::packet_hashes(&out)),
        "{name} {layout:?}: packet bytes"
    );
    assert_eq!(common::decode_errors(&out), "", "{name} {layout:?}: decodes cleanly");

    // Our own reading of the output gives back exactly the packets we wrote, times included.
    let (pa, pb) = (packets_by_track(&src), packets_by_track(&out));
    assert_eq!(pa.len(), pb.len());
    for ((_, ta), (_, tb)) in pa.iter().zip(&pb) {
        assert_eq!(ta.len(), tb.len(), "{name} {layout:?}: packets per track");
        for (x, y) in ta.iter().zip(tb) {
            assert_eq!(
                (x.pts_us, x.dts_us, x.duration_us, x.keyframe, &x.data),
                (y.pts_us, y.dts_us, y.duration_us, y.keyframe, &y.data),
                "{name} {layout:?}"
            );
        }
    }
    let (ia, ib) = (probe_path(&src), probe_path(&out));
    assert_eq!(ib.streamable, layout == Layout::Fragmented);
    for (ta, tb) in ia.tracks.iter().zip(&ib.tracks) {
        assert_eq!(
            (&ta.codec, &ta.description, &ta.video, &ta.audio),
            (&tb.codec, &tb.description, &tb.video, &tb.audio),
            "{name} {layout:?}"
        );
        assert_eq!(ta.keyframes_us, tb.keyframes_us, "{name} {layout:?}: keyframes");
    }
}

macro_rules! remux_tests {
    ($($test:ident: $name:expr,)*) => {$(
        #[test]
        fn $test() {
            check_remux($name, Layout::FastStart);
            check_remux($name, Layout::Fragmented);
        }
    )*};
}

remux_tests! {
    remux_h264_aac_mp4: "h264_aac.mp4",
    remux_h264_aac_mov: "h264_aac.mov",
    remux_av1: "av1.mp4",
    remux_vp9_opus: "vp9.mp4",
    remux_hevc: "hevc.mp4",
    remux_fragmented: "fragmented.mp4",
    remux_editlist: "editlist.mp4",
    remux_rotated: "rotated.mp4",
    remux_vfr: "vfr.mp4",
}

#[test]
fn every_fixture_probes_like_ffprobe() {
    for name in FIXTURES {
        let path = common::fixture(name);
        let info = probe_path(&path);
        let streams = common::ffprobe_streams(&path);
        assert_eq!(info.tracks.len(), streams.len(), "{name}");
        for (t, s) in info.tracks.iter().zip(&streams) {
            assert_eq!(t.sample_count, Some(num(s, "nb_read_packets") as u64), "{name} track {}", t.id);
            if let Some(v) = &t.video {
                assert_eq!((v.width as f64, v.height as f64), (num(s, "width"), num(s, "height")), "{name}");
            }
            if let Some(a) = &t.audio {
                assert_eq!(
                    (a.sample_rate as f64, a.channels as f64),
                    (num(s, "sample_rate"), num(s, "channels")),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn probes_h264_aac() {
    let info = probe_path(&common::fixture("h264_aac.mp4"));
    assert_eq!(info.container, ContainerFormat::Mp4);
    assert!(!info.streamable);
    assert!((info.duration_us.unwrap() - 3_000_000).abs() < 30_000);
    let v = &info.tracks[0];
    assert_eq!(v.kind, TrackKind::Video);
    assert!(v.codec.starts_with("avc1.6400"), "{}", v.codec);
    assert_eq!(v.description.as_ref().unwrap()[0], 1, "avcC record");
    let vi = v.video.as_ref().unwrap();
    assert_eq!((vi.width, vi.height, vi.rotation, vi.variable_frame_rate), (320, 240, 0, false));
    assert!((vi.frame_rate.unwrap() - 30.0).abs() < 0.01);
    assert_eq!(v.keyframes_us, [0, 1_000_000, 2_000_000]);
    assert_eq!(v.sample_count, Some(90));
    let a = &info.tracks[1];
    assert_eq!(a.codec, "mp4a.40.2");
    assert_eq!(a.description.as_deref(), Some(&[0x11, 0x88, 0x56, 0xe5, 0x00][..]));
    let ai = a.audio.as_ref().unwrap();
    assert_eq!((ai.sample_rate, ai.channels), (48000, 1));
}

#[test]
fn probes_other_codecs_and_containers() {
    assert_eq!(probe_path(&common::fixture("h264_aac.mov")).container, ContainerFormat::Mov);
    let av1 = probe_path(&common::fixture("av1.mp4"));
    assert!(
        av1.tracks[0].codec.starts_with("av01.0.") && av1.tracks[0].codec.ends_with("M.08"),
        "{}",
        av1.tracks[0].codec
    );
    assert_eq!(av1.tracks[0].description.as_ref().unwrap()[0], 0x81, "av1C body");
    let hevc = probe_path(&common::fixture("hevc.mp4"));
    assert!(hevc.tracks[0].codec.starts_with("hvc1.1.6.L"), "{}", hevc.tracks[0].codec);
    let vp9 = probe_path(&common::fixture("vp9.mp4"));
    assert!(vp9.tracks[0].codec.starts_with("vp09.00."), "{}", vp9.tracks[0].codec);
    assert_eq!(vp9.tracks[0].description, None);
    let opus = &vp9.tracks[1];
    assert_eq!(opus.codec, "opus");
    let head = opus.description.as_ref().unwrap();
    assert_eq!(&head[..10], b"OpusHead\x01\x01", "OpusHead v1, mono");
    assert_eq!(u16::from_le_bytes([head[10], head[11]]), 312, "pre-skip, little-endian");
    assert_eq!(opus.audio.as_ref().map(|a| (a.sample_rate, a.channels)), Some((48000, 1)));
}

#[test]
fn probes_fragmented() {
    let info = probe_path(&common::fixture("fragmented.mp4"));
    assert!(info.streamable);
    assert_eq!(info.tracks[0].sample_count, Some(90));
    assert_eq!(info.tracks[1].sample_count, Some(142));
    assert_eq!(info.tracks[0].keyframes_us.len(), 3);
}

#[test]
fn probes_vfr_and_rotation() {
    let vfr = probe_path(&common::fixture("vfr.mp4"));
    let v = vfr.tracks[0].video.as_ref().unwrap();
    assert!(v.variable_frame_rate);
    assert!((v.frame_rate.unwrap() - 23.0).abs() < 0.5, "69 frames in 3 s: {:?}", v.frame_rate);

    // ffmpeg 5.1 turns `-metadata:s:v rotate=90` into the matrix (0,-1,1,0): ffprobe prints its
    // counter-clockwise display-matrix angle (rotation=90) and players turn the picture 90°
    // counter-clockwise, which is 270° in our clockwise convention (see mp4/rotation.rs).
    let path = common::fixture("rotated.mp4");
    let streams = common::ffprobe_streams(&path);
    assert_eq!(ffprobe_rotation(&streams[0]), Some(90));
    let rotated = probe_path(&path);
    let v = rotated.tracks[0].video.as_ref().unwrap();
    assert_eq!((v.width, v.height, v.rotation), (320, 240, 270));
}

#[test]
fn edit_list_puts_the_first_frame_at_zero() {
    let path = common::fixture("editlist.mp4");
    let info = probe_path(&path);
    assert!((info.duration_us.unwrap() - 1_700_000).abs() < 34_000, "{:?}", info.duration_us);
    let packets = packets_by_track(&path);
    let video = &packets[&info.tracks[0].id];
    assert_eq!(video.len(), 60, "pre-roll packets are kept");
    let first_shown = video.iter().map(|p| p.pts_us).filter(|&t| t >= 0).min().unwrap();
    assert!(first_shown.abs() < 1000, "first displayed frame at {first_shown} µs");
    assert!(video[0].keyframe && video[0].pts_us < 0, "decoding starts at the keyframe before the cut");
    let audio = &packets[&info.tracks[1].id];
    assert!(audio.iter().any(|p| p.pts_us.abs() < 22_000 && p.pts_us >= 0));
}

#[test]
fn packets_come_in_file_order() {
    let path = common::fixture("h264_aac.mp4");
    let mut source = FileSource::open(&path).unwrap();
    let bytes = source.read_vec(0, source.len(), "file").unwrap();
    let mut demuxer = Mp4Demuxer::open(Box::new(SliceSource::new(&bytes))).unwrap();
    let mut last = 0usize;
    while let Some(p) = demuxer.next_packet().unwrap() {
        let at = bytes.windows(p.data.len().min(64)).position(|w| w == &p.data[..p.data.len().min(64)]).unwrap();
        assert!(at >= last, "packet at {at} after {last}");
        last = at;
    }
}

#[test]
fn truncated_real_file_never_panics() {
    for name in ["h264_aac.mp4", "fragmented.mp4"] {
        let bytes = std::fs::read(common::fixture(name)).unwrap();
        let moov = bytes.windows(4).position(|w| w == b"moov").unwrap();
        let cuts = (0..bytes.len()).step_by(997).chain(moov.saturating_sub(16)..(moov + 3000).min(bytes.len()));
        for cut in cuts {
            let part = &bytes[..cut];
            if let Ok(mut d) = open_demuxer(Box::new(SliceSource::new(part))) {
                while let Ok(Some(_)) = d.next_packet() {}
            }
        }
    }
}

#[test]
fn fast_start_falls_back_to_moov_at_end_when_the_reservation_is_too_small() {
    let path = common::fixture("h264_aac.mp4");
    let mut demuxer = open_demuxer(Box::new(FileSource::open(&path).unwrap())).unwrap();
    let tracks: Vec<MuxTrack> = demuxer.tracks().iter().map(MuxTrack::from).collect();
    let mut muxer = Mp4Muxer::new(VecSink::default(), &tracks, Mp4Options::fast_start(0)).unwrap();
    while let Some(p) = demuxer.next_packet().unwrap() {
        muxer.write_packet(if p.track_id == 1 { 0 } else { 1 }, &p).unwrap();
    }
    muxer.finish().unwrap();
    assert_eq!(muxer.moov_at_start(), Some(false));
    let bytes = muxer.into_sink().bytes;
    let info = probe(&mut SliceSource::new(&bytes)).unwrap();
    assert_eq!(info.tracks[0].sample_count, Some(90));
    let out = out_path("fallback.mp4");
    std::fs::write(&out, &bytes).unwrap();
    assert_eq!(common::decode_errors(&out), "");
}

#[test]
fn fast_start_needs_a_seekable_sink() {
    struct Pipe(Vec<u8>);
    impl frameloom::container::ByteSink for Pipe {
        fn write(&mut self, data: &[u8]) -> Result<(), ContainerError> {
            self.0.extend_from_slice(data);
            Ok(())
        }
    }
    let info = probe_path(&common::fixture("av1.mp4"));
    let tracks: Vec<MuxTrack> = info.tracks.iter().map(MuxTrack::from).collect();
    let err = Mp4Muxer::new(Pipe(Vec::new()), &tracks, Mp4Options::fast_start(100)).err().unwrap();
    assert_eq!(err, ContainerError::SinkNotSeekable);
    assert!(Mp4Muxer::new(Pipe(Vec::new()), &tracks, Mp4Options::fragmented()).is_ok());
}

#[test]
fn hostile_top_level_inputs_are_typed_errors() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    assert!(matches!(probe(&mut SliceSource::new(&png)), Err(ContainerError::UnknownFormat { .. })));
    assert_eq!(probe(&mut SliceSource::new(&[])).unwrap_err(), ContainerError::Empty);
    let mut unfinished = b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2".to_vec();
    unfinished.extend(b"\0\0\x10\0mdat");
    unfinished.resize(unfinished.len() + 4088, 7);
    assert_eq!(probe(&mut SliceSource::new(&unfinished)).unwrap_err(), ContainerError::MissingIndex);
}

#[test]
fn written_rotation_is_what_players_apply() {
    let src = common::fixture("av1.mp4");
    let info = probe_path(&src);
    // ffprobe prints the counter-clockwise angle: our clockwise 90 is its -90 (≡ 270).
    for rotation in [90u16, 180, 270] {
        let mut tracks: Vec<MuxTrack> = info.tracks.iter().map(MuxTrack::from).collect();
        tracks[0].video.as_mut().unwrap().rotation = rotation;
        let out = out_path(&format!("rotation{rotation}.mp4"));
        let mut demuxer = open_demuxer(Box::new(FileSource::open(&src).unwrap())).unwrap();
        let mut muxer = Mp4Muxer::new(FileSink::create(&out).unwrap(), &tracks, Mp4Options::fast_start(100)).unwrap();
        while let Some(p) = demuxer.next_packet().unwrap() {
            muxer.write_packet(0, &p).unwrap();
        }
        muxer.finish().unwrap();
        muxer.into_sink().flush().unwrap();
        let counter_clockwise = ffprobe_rotation(&common::ffprobe_streams(&out)[0]).map(|r| r.rem_euclid(360));
        assert_eq!(counter_clockwise, Some(i64::from(360 - rotation)), "rotation {rotation}");
        assert_eq!(probe_path(&out).tracks[0].video.as_ref().unwrap().rotation, rotation);
    }
}

#[test]
fn audio_only_files_are_cut_into_timed_fragments() {
    let src = common::fixture("h264_aac.mp4");
    let info = probe_path(&src);
    let audio = info.tracks.iter().find(|t| t.kind == TrackKind::Audio).unwrap();
    let out = out_path("audio_only.mp4");
    let mut muxer =
        Mp4Muxer::new(FileSink::create(&out).unwrap(), &[MuxTrack::from(audio)], Mp4Options::fragmented()).unwrap();
    let mut demuxer = open_demuxer(Box::new(FileSource::open(&src).unwrap())).unwrap();
    while let Some(p) = demuxer.next_packet().unwrap() {
        if p.track_id == audio.id {
            muxer.write_packet(0, &p).unwrap();
        }
    }
    muxer.finish().unwrap();
    muxer.into_sink().flush().unwrap();
    let bytes = std::fs::read(&out).unwrap();
    let fragments = bytes.windows(4).filter(|w| w == b"moof").count();
    assert!((3..=4).contains(&fragments), "about one fragment per second of 3 s: {fragments}");
    assert_eq!(common::ffprobe_streams(&out)[0]["nb_read_packets"], "142");
    assert_eq!(common::decode_errors(&out), "");
}
