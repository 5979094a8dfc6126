//! Hostile inputs: every malformed file must give a typed error (or a clean end),
//! never a panic, a hang or a giant allocation.

use super::ebml_writer::{UNKNOWN_SIZE, float_element, id_bytes, master, string_element, uint_element};
use super::{WebmDemuxer, WebmMuxer, WebmOptions, ids, probe};
use crate::container::{ContainerError, Demuxer, MuxTrack, Muxer, Packet, SliceSource, TrackKind, VecSink, VideoInfo};

fn ebml_header() -> Vec<u8> {
    let mut body = string_element(ids::DOC_TYPE, "webm");
    body.extend(uint_element(ids::DOC_TYPE_READ_VERSION, 2));
    master(ids::EBML, &body)
}

fn info(scale: u64) -> Vec<u8> {
    let mut body = uint_element(ids::TIMESTAMP_SCALE, scale);
    body.extend(float_element(ids::DURATION, 1000.0));
    master(ids::INFO, &body)
}

fn vp8_tracks() -> Vec<u8> {
    let mut entry = uint_element(ids::TRACK_NUMBER, 1);
    entry.extend(uint_element(ids::TRACK_TYPE, 1));
    entry.extend(string_element(ids::CODEC_ID, "V_VP8"));
    let mut video = uint_element(ids::PIXEL_WIDTH, 16);
    video.extend(uint_element(ids::PIXEL_HEIGHT, 16));
    entry.extend(master(ids::VIDEO, &video));
    master(ids::TRACKS, &master(ids::TRACK_ENTRY, &entry))
}

/// A live-style file: unknown-size Segment holding Info, Tracks and `body`.
fn file(scale: u64, body: &[u8]) -> Vec<u8> {
    let mut out = ebml_header();
    out.extend(id_bytes(ids::SEGMENT));
    out.extend(UNKNOWN_SIZE);
    out.extend(info(scale));
    out.extend(vp8_tracks());
    out.extend_from_slice(body);
    out
}

/// Probes and drains `bytes`; returns the packets read and the first error.
fn drain(bytes: &[u8]) -> (usize, Option<ContainerError>) {
    if let Err(e) = probe(&mut SliceSource::new(bytes)) {
        return (0, Some(e));
    }
    let mut demuxer = match WebmDemuxer::open(Box::new(SliceSource::new(bytes))) {
        Ok(d) => d,
        Err(e) => return (0, Some(e)),
    };
    let mut packets = 0;
    loop {
        match demuxer.next_packet() {
            Ok(Some(_)) => packets += 1,
            Ok(None) => return (packets, None),
            Err(e) => return (packets, Some(e)),
        }
        assert!(packets < 1_000_000, "runaway demuxer");
    }
}

fn cluster(blocks: &[u8]) -> Vec<u8> {
    let mut body = uint_element(ids::TIMESTAMP, 0);
    body.extend_from_slice(blocks);
    master(ids::CLUSTER, &body)
}

#[test]
fn a_minimal_file_demuxes() {
    let block = master(ids::SIMPLE_BLOCK, &[0x81, 0, 0, 0x80, 1, 2, 3]);
    assert_eq!(drain(&file(1_000_000, &cluster(&block))), (1, None));
}

#[test]
fn empty_and_random_bytes_are_typed_errors() {
    assert_eq!(drain(&[]).1, Some(ContainerError::Empty));
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..300 {
        let len = 1 + round * 7;
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let _ = drain(&bytes);
        let mut prefixed = file(1_000_000, &[]);
        prefixed.append(&mut bytes);
        let _ = drain(&prefixed);
    }
}

#[test]
fn huge_declared_sizes_do_not_allocate() {
    let huge = [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE];
    let mut tracks = id_bytes(ids::TRACKS);
    tracks.extend(huge);
    let mut bytes = ebml_header();
    bytes.extend(id_bytes(ids::SEGMENT));
    bytes.extend(UNKNOWN_SIZE);
    bytes.extend(tracks);
    assert!(matches!(drain(&bytes).1, Some(ContainerError::Truncated { .. } | ContainerError::LimitExceeded { .. })));

    let mut block = id_bytes(ids::SIMPLE_BLOCK);
    block.extend(huge);
    block.extend([0x81, 0, 0, 0x80]);
    let mut clusters = id_bytes(ids::CLUSTER);
    clusters.extend(huge);
    clusters.extend(block);
    assert!(matches!(drain(&file(1_000_000, &clusters)).1, Some(ContainerError::Truncated { .. })));

    let mut segment = ebml_header();
    segment.extend(id_bytes(ids::SEGMENT));
    segment.extend(huge);
    segment.extend(info(1_000_000));
    segment.extend(vp8_tracks());
    assert_eq!(drain(&segment), (0, None), "a Segment larger than the file ends at the end of the file");
}

#[test]
fn nested_unknown_sizes_end_or_fail_cleanly() {
    let mut clusters = Vec::new();
    for _ in 0..20_000 {
        clusters.extend(id_bytes(ids::CLUSTER));
        clusters.extend(UNKNOWN_SIZE);
    }
    assert_eq!(drain(&file(1_000_000, &clusters)), (0, None));

    let mut groups = id_bytes(ids::CLUSTER);
    groups.extend(UNKNOWN_SIZE);
    for _ in 0..1_000 {
        groups.extend(id_bytes(ids::BLOCK_GROUP));
        groups.extend(UNKNOWN_SIZE);
    }
    assert!(matches!(drain(&file(1_000_000, &groups)).1, Some(ContainerError::Malformed { .. })));

    let mut tags = Vec::new();
    for _ in 0..1_000 {
        tags.extend(id_bytes(0x1254_C367));
        tags.extend(UNKNOWN_SIZE);
    }
    assert!(matches!(drain(&file(1_000_000, &tags)).1, Some(ContainerError::Malformed { .. })));
}

#[test]
fn lace_count_of_255_with_tiny_payload_is_malformed() {
    for lacing in [0x02, 0x06] {
        let block = master(ids::SIMPLE_BLOCK, &[0x81, 0, 0, 0x80 | lacing, 254, 1]);
        let (packets, error) = drain(&file(1_000_000, &cluster(&block)));
        assert_eq!(packets, 0);
        assert!(matches!(error, Some(ContainerError::Malformed { .. })), "{error:?}");
    }
    let block = master(ids::SIMPLE_BLOCK, &[0x81, 0, 0, 0x84, 254, 1]);
    assert!(matches!(drain(&file(1_000_000, &cluster(&block))).1, Some(ContainerError::Malformed { .. })));
}

#[test]
fn zero_timestamp_scale_is_malformed() {
    assert!(matches!(drain(&file(0, &[])).1, Some(ContainerError::Malformed { .. })));
}

#[test]
fn ids_longer_than_four_bytes_are_malformed() {
    let long_id = [0x08, 1, 2, 3, 4, 0x81, 0];
    assert!(matches!(drain(&file(1_000_000, &long_id)).1, Some(ContainerError::Malformed { .. })));
    let mut header = ebml_header();
    header.extend(long_id);
    assert!(matches!(drain(&header).1, Some(ContainerError::Malformed { .. })));
    let mut header_body = uint_element(ids::EBML_MAX_ID_LENGTH, 8);
    header_body.extend(string_element(ids::DOC_TYPE, "webm"));
    let max_id = [master(ids::EBML, &header_body), file(1_000_000, &[])[ebml_header().len()..].to_vec()].concat();
    assert!(matches!(drain(&max_id).1, Some(ContainerError::Unsupported { .. })));
}

#[test]
fn extreme_timestamps_saturate() {
    let mut entry = uint_element(ids::TRACK_NUMBER, 1);
    entry.extend(uint_element(ids::TRACK_TYPE, 2));
    entry.extend(string_element(ids::CODEC_ID, "A_OPUS"));
    entry.extend(uint_element(ids::CODEC_DELAY, u64::MAX));
    entry.extend(uint_element(ids::DEFAULT_DURATION, u64::MAX));
    let mut bytes = ebml_header();
    bytes.extend(id_bytes(ids::SEGMENT));
    bytes.extend(UNKNOWN_SIZE);
    bytes.extend(master(ids::INFO, &uint_element(ids::TIMESTAMP_SCALE, 1)));
    bytes.extend(master(ids::TRACKS, &master(ids::TRACK_ENTRY, &entry)));
    for (time, relative) in [(u64::MAX, [0x80u8, 0]), (0, [0x80, 0]), (i64::MAX as u64, [0x7F, 0xFF])] {
        let mut body = uint_element(ids::TIMESTAMP, time);
        body.extend(master(ids::SIMPLE_BLOCK, &[0x81, relative[0], relative[1], 0x82, 2, 1, 1, 0xF8, 0xF8, 0xF8]));
        bytes.extend(master(ids::CLUSTER, &body));
    }
    assert_eq!(drain(&bytes), (9, None));
}

#[test]
fn muxer_output_survives_truncation_everywhere() {
    let track = MuxTrack {
        kind: TrackKind::Video,
        codec: "vp8".into(),
        description: None,
        timescale: 0,
        video: Some(VideoInfo { width: 16, height: 16, rotation: 90, frame_rate: Some(25.0), variable_frame_rate: false }),
        audio: None,
    };
    for live in [false, true] {
        let mut muxer = WebmMuxer::new(VecSink::default(), std::slice::from_ref(&track), WebmOptions { live }).expect("muxer");
        for i in 0..50i64 {
            let packet = Packet { track_id: 1, pts_us: i * 40_000, dts_us: i * 40_000, duration_us: 40_000, keyframe: i % 10 == 0, data: vec![i as u8; 30] };
            muxer.write_packet(0, &packet).expect("write");
        }
        muxer.finish().expect("finish");
        let bytes = muxer.into_sink().bytes;
        assert_eq!(drain(&bytes), (50, None));
        let info = probe(&mut SliceSource::new(&bytes)).expect("probe");
        assert_eq!(info.tracks[0].video.as_ref().map(|v| v.rotation), Some(90));
        assert_eq!(info.tracks[0].keyframes_us, vec![0, 400_000, 800_000, 1_200_000, 1_600_000]);
        assert_eq!(info.duration_us, Some(2_000_000));
        for len in 0..bytes.len() {
            let (packets, _) = drain(&bytes[..len]);
            assert!(packets <= 50);
        }
    }
}
