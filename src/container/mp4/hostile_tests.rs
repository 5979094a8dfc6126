//! Hostile and broken inputs: every one must give a typed error (or a harmless
//! result), never a panic, a hang or a huge allocation. The files are real MP4s
//! written by our muxer in both layouts, then cut and corrupted.

use super::{Mp4Demuxer, Mp4Muxer, Mp4Options};
use crate::container::{
    AudioInfo, ContainerError, Demuxer, MuxTrack, Muxer, Packet, SliceSource, TrackKind, VecSink, VideoInfo,
    open_demuxer, probe,
};
use crate::time::ticks_to_us;

fn tracks() -> Vec<MuxTrack> {
    vec![
        MuxTrack {
            kind: TrackKind::Video,
            codec: "avc1.64001f".into(),
            description: Some(vec![1, 0x64, 0, 0x1f, 0xff, 0xe0, 0]),
            timescale: 15360,
            video: Some(VideoInfo {
                width: 64,
                height: 48,
                rotation: 90,
                frame_rate: None,
                variable_frame_rate: false,
            }),
            audio: None,
        },
        MuxTrack {
            kind: TrackKind::Audio,
            codec: "mp4a.40.2".into(),
            description: None,
            timescale: 0,
            video: None,
            audio: Some(AudioInfo { sample_rate: 48000, channels: 2 }),
        },
    ]
}

/// 30 video frames (30 fps in 1/15360) with B-frame reordering, pts 0 at dts -2 frames,
/// and 60 AAC frames (1024 samples at 48 kHz) starting with one frame of priming.
fn packets() -> Vec<(usize, Packet)> {
    let (video, audio) = (|n: i64| ticks_to_us(n * 512, 15360), |n: i64| ticks_to_us(n * 1024, 48000));
    let mut out = Vec::new();
    for i in 0..30i64 {
        let pts = [0, 3, 1, 2][(i % 4) as usize] + (i / 4) * 4;
        let data = vec![0xAB; 50 + (i as usize * 7) % 40];
        let keyframe = i % 15 == 0;
        out.push((
            0,
            Packet { track_id: 1, pts_us: video(pts), dts_us: video(i - 2), duration_us: video(1), keyframe, data },
        ));
        for k in [2 * i - 1, 2 * i] {
            let data = vec![0xCD; 20 + (k + 1) as usize % 9];
            out.push((
                1,
                Packet { track_id: 2, pts_us: audio(k), dts_us: audio(k), duration_us: audio(1), keyframe: true, data },
            ));
        }
    }
    out
}

fn mux(options: Mp4Options) -> Vec<u8> {
    let mut m = Mp4Muxer::new(VecSink::default(), &tracks(), options).unwrap();
    for (i, p) in packets() {
        m.write_packet(i, &p).unwrap();
    }
    m.finish().unwrap();
    m.into_sink().bytes
}

fn files() -> [Vec<u8>; 2] {
    [
        mux(Mp4Options::fast_start(100)),
        mux(Mp4Options { layout: super::Mp4Layout::Fragmented { fragment_duration_us: 300_000 } }),
    ]
}

/// Probes and drains `bytes`; returns the first error.
fn read_all(bytes: &[u8]) -> Result<usize, ContainerError> {
    probe(&mut SliceSource::new(bytes))?;
    let mut d = open_demuxer(Box::new(SliceSource::new(bytes)))?;
    let mut n = 0;
    while d.next_packet()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// Offset of the first box of type `kind` (its size field).
fn find(bytes: &[u8], kind: &[u8; 4]) -> usize {
    bytes.windows(4).position(|w| w == kind).expect("box present") - 4
}

fn patch_u32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

#[test]
fn own_output_round_trips_exactly() {
    for bytes in files() {
        let mut d = Mp4Demuxer::open(Box::new(SliceSource::new(&bytes))).unwrap();
        let v = d.info().tracks[0].video.clone().unwrap();
        assert_eq!((v.width, v.height, v.rotation), (64, 48, 90));
        assert_eq!(d.info().tracks[0].keyframes_us, [0, ticks_to_us(14 * 512, 15360)]);
        let mut got: Vec<Vec<Packet>> = vec![Vec::new(), Vec::new()];
        while let Some(p) = d.next_packet().unwrap() {
            got[p.track_id as usize - 1].push(p);
        }
        let mut want: Vec<Vec<Packet>> = vec![Vec::new(), Vec::new()];
        for (i, p) in packets() {
            want[i].push(p);
        }
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.len(), w.len());
            for (a, b) in g.iter().zip(w) {
                assert_eq!((a.pts_us, a.dts_us, a.keyframe, &a.data), (b.pts_us, b.dts_us, b.keyframe, &b.data));
                assert!((a.duration_us - b.duration_us).abs() <= 1);
            }
        }
    }
}

#[test]
fn every_truncation_is_handled() {
    for bytes in files() {
        for cut in 0..bytes.len() {
            let _ = read_all(&bytes[..cut]);
        }
    }
}

#[test]
fn random_bytes_and_random_corruption_are_handled() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..200 {
        let mut junk = b"\0\0\0\x10ftypisom\0\0\0\0".to_vec();
        junk.extend((0..(next() % 4096)).map(|_| next() as u8));
        assert!(read_all(&junk).is_err());
    }
    for bytes in files() {
        for _ in 0..3000 {
            let mut broken = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % broken.len() as u64) as usize;
                broken[at] = next() as u8;
            }
            let _ = read_all(&broken);
        }
    }
}

#[test]
fn a_png_is_not_an_mp4() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
    assert!(matches!(probe(&mut SliceSource::new(png)), Err(ContainerError::UnknownFormat { .. })));
    assert!(super::probe(&mut SliceSource::new(png)).is_err());
}

#[test]
fn media_data_without_index_is_missing_index() {
    let mut bytes = b"\0\0\0\x10ftypisom\0\0\x02\0".to_vec();
    bytes.extend(b"\0\0\0\0mdat"); // size 0: up to the end of the file
    bytes.extend([0u8; 1000]);
    assert_eq!(read_all(&bytes), Err(ContainerError::MissingIndex));
    assert!(matches!(read_all(b"\0\0\0\x08free"), Err(ContainerError::Malformed { .. })));
}

#[test]
fn lying_box_sizes_are_errors() {
    let good = mux(Mp4Options::fast_start(100));
    let mut moov_too_big = good.clone();
    patch_u32(&mut moov_too_big, find(&good, b"moov"), u32::MAX);
    assert!(matches!(read_all(&moov_too_big), Err(ContainerError::Truncated { .. })));
    let mut child_too_big = good.clone();
    patch_u32(&mut child_too_big, find(&good, b"stsd"), 0x00FF_FFFF);
    assert!(matches!(read_all(&child_too_big), Err(ContainerError::Malformed { .. })));
    let mut smaller_than_header = good.clone();
    patch_u32(&mut smaller_than_header, find(&good, b"trak"), 3);
    assert!(matches!(read_all(&smaller_than_header), Err(ContainerError::Malformed { .. })));
    let mut large_size = good;
    let at = find(&large_size, b"mdat");
    large_size[at + 8..at + 16].copy_from_slice(&u64::MAX.to_be_bytes());
    assert!(read_all(&large_size).is_ok(), "an mdat running past the end ends the scan; samples are all inside");
}

#[test]
fn huge_sample_counts_are_refused_before_allocating() {
    let good = mux(Mp4Options::fast_start(100));
    let mut stsz = good.clone();
    patch_u32(&mut stsz, find(&good, b"stsz") + 16, u32::MAX);
    assert!(matches!(read_all(&stsz), Err(ContainerError::LimitExceeded { .. })));
    let mut constant = good.clone();
    let at = find(&good, b"stsz");
    patch_u32(&mut constant, at + 12, 1);
    patch_u32(&mut constant, at + 16, 1_000_000);
    assert!(matches!(read_all(&constant), Err(ContainerError::LimitExceeded { .. })));
    let mut stts = good.clone();
    patch_u32(&mut stts, find(&good, b"stts") + 12, u32::MAX);
    assert!(matches!(read_all(&stts), Err(ContainerError::Malformed { .. })));

    let frag = files()[1].clone();
    let mut trun = frag.clone();
    patch_u32(&mut trun, find(&frag, b"trun") + 12, u32::MAX);
    assert!(matches!(read_all(&trun), Err(ContainerError::LimitExceeded { .. })));
}

#[test]
fn samples_past_the_end_are_truncation() {
    let good = mux(Mp4Options::fast_start(100));
    let mut size = good.clone();
    patch_u32(&mut size, find(&good, b"stsz") + 20, 0x7FFF_FFFF);
    assert!(matches!(read_all(&size), Err(ContainerError::Truncated { .. })));
    let mut offset = good.clone();
    patch_u32(&mut offset, find(&good, b"stco") + 16, 0xFFFF_FF00);
    assert!(matches!(read_all(&offset), Err(ContainerError::Truncated { .. })));
}

#[test]
fn zero_timescales_are_typed() {
    let good = mux(Mp4Options::fast_start(100));
    let mut mdhd = good.clone();
    patch_u32(&mut mdhd, find(&good, b"mdhd") + 20, 0);
    assert!(matches!(read_all(&mdhd), Err(ContainerError::Malformed { .. })));
    let mut mvhd = good.clone();
    patch_u32(&mut mvhd, find(&good, b"mvhd") + 20, 0);
    assert_eq!(read_all(&mvhd), Ok(90));
}

#[test]
fn muxer_misuse_is_typed() {
    let mut m = Mp4Muxer::new(VecSink::default(), &tracks(), Mp4Options::fast_start(10)).unwrap();
    let p = |dts: i64| Packet { track_id: 1, pts_us: dts, dts_us: dts, duration_us: 0, keyframe: true, data: vec![1] };
    assert!(matches!(m.write_packet(5, &p(0)), Err(ContainerError::InvalidInput(_))));
    let wild = Packet { pts_us: i64::MAX, dts_us: i64::MIN, ..p(0) };
    assert!(matches!(m.write_packet(0, &wild), Err(ContainerError::InvalidInput(_))));
    m.write_packet(0, &p(1000)).unwrap();
    assert!(matches!(m.write_packet(0, &p(0)), Err(ContainerError::InvalidInput(_))), "decode time going back");
    m.write_packet(0, &p(2000)).unwrap();
    m.finish().unwrap();
    assert!(matches!(m.write_packet(0, &p(3000)), Err(ContainerError::InvalidInput(_))));
    assert!(m.finish().is_err());
    assert_eq!(read_all(&m.into_sink().bytes), Ok(2), "a refused packet leaves the file intact");

    let mut vp8 = tracks();
    vp8[0].codec = "vp8".into();
    assert!(matches!(
        Mp4Muxer::new(VecSink::default(), &vp8, Mp4Options::default()),
        Err(ContainerError::Unsupported { .. })
    ));
    let mut no_avcc = tracks();
    no_avcc[0].description = None;
    assert!(matches!(
        Mp4Muxer::new(VecSink::default(), &no_avcc, Mp4Options::default()),
        Err(ContainerError::InvalidInput(_))
    ));
    let mut tilted = tracks();
    tilted[0].video.as_mut().unwrap().rotation = 45;
    assert!(matches!(
        Mp4Muxer::new(VecSink::default(), &tilted, Mp4Options::default()),
        Err(ContainerError::InvalidInput(_))
    ));
    assert_eq!(Mp4Muxer::new(VecSink::default(), &[], Mp4Options::default()).err(), Some(ContainerError::NoTracks));
}

#[test]
fn encrypted_and_unknown_entries_are_reported_by_type() {
    let good = mux(Mp4Options::fast_start(100));
    let mut encrypted = good.clone();
    let at = find(&good, b"stsd") + 16; // the first sample entry (after ftyp's avc1 brand)
    assert_eq!(&good[at + 4..at + 8], b"avc1");
    encrypted[at + 4..at + 8].copy_from_slice(b"encv");
    let info = probe(&mut SliceSource::new(&encrypted)).unwrap();
    assert_eq!((info.tracks[0].codec.as_str(), info.tracks[0].description.is_none()), ("encv", true));
    assert_eq!(read_all(&encrypted), Ok(90), "packets still come out, bytes as stored");
    let tracks: Vec<MuxTrack> = info.tracks.iter().map(MuxTrack::from).collect();
    assert!(matches!(
        Mp4Muxer::new(VecSink::default(), &tracks, Mp4Options::default()),
        Err(ContainerError::Unsupported { .. })
    ));
}
