//! The bytes a muxed file starts with: EBML header, Segment header, SeekHead, Info
//! and Tracks, plus where the placeholders patched by `finish` lie.

use super::codec::MatroskaCodec;
use super::ebml_writer::{PATCHABLE_SIZE_LEN, UNKNOWN_SIZE, fixed_size, float_element, id_bytes, master, string_element, uint_element};
use super::ids;
use super::tracks::roll_for_rotation;
use crate::container::{MuxTrack, TrackKind};

/// SeekPreRoll written for Opus tracks, as the Matroska Opus mapping recommends (80 ms).
const SEEK_PRE_ROLL_NS: u64 = 80_000_000;

/// Name written as MuxingApp and WritingApp.
const APP_NAME: &str = "frameloom";

/// The file head and the offsets (from the start of the file) of its placeholders.
pub struct FileHead {
    /// The bytes to write first.
    pub bytes: Vec<u8>,
    /// Offset of the Segment payload (positions in SeekHead and Cues are relative to it).
    pub data_start: u64,
    /// Offset of the 8-byte Segment size, when it is to be patched.
    pub segment_size_at: Option<u64>,
    /// Offset and length of the SeekHead's Cues entry, whose position value ends it.
    pub cues_seek_at: Option<(u64, usize)>,
    /// Offset of the 8-byte float payload of Info Duration.
    pub duration_at: Option<u64>,
}

/// Builds the head of a file; `seekable` reserves the placeholders that `finish` patches.
pub fn file_head(doc_type: &str, tracks: &[(MuxTrack, MatroskaCodec)], timestamp_scale: u64, seekable: bool) -> FileHead {
    let mut bytes = ebml_header(doc_type);
    bytes.extend(id_bytes(ids::SEGMENT));
    let segment_size_at = seekable.then_some(bytes.len() as u64);
    bytes.extend(if seekable { fixed_size(0, PATCHABLE_SIZE_LEN) } else { UNKNOWN_SIZE.to_vec() });
    let data_start = bytes.len() as u64;

    let mut info_body = uint_element(ids::TIMESTAMP_SCALE, timestamp_scale);
    info_body.extend(string_element(ids::MUXING_APP, APP_NAME));
    info_body.extend(string_element(ids::WRITING_APP, APP_NAME));
    let duration_in_info = seekable.then(|| {
        info_body.extend(float_element(ids::DURATION, 0.0));
        info_body.len() - 8
    });
    let info = master(ids::INFO, &info_body);
    let info_header_len = info.len() - info_body.len();
    let tracks_bytes = master(ids::TRACKS, &tracks.iter().enumerate().flat_map(|(i, (t, c))| track_entry(i as u64 + 1, t, c)).collect::<Vec<_>>());

    let mut cues_seek_at = None;
    if seekable {
        let seek_head_len = seek_head(&[(ids::INFO, 0), (ids::TRACKS, 0), (ids::CUES, 0)]).len() as u64;
        let info_pos = seek_head_len;
        let tracks_pos = info_pos + info.len() as u64;
        let seek_head = seek_head(&[(ids::INFO, info_pos), (ids::TRACKS, tracks_pos), (ids::CUES, 0)]);
        let cues_entry_len = seek_entry(ids::CUES, 0).len();
        cues_seek_at = Some((bytes.len() as u64 + seek_head.len() as u64 - cues_entry_len as u64, cues_entry_len));
        bytes.extend(seek_head);
    }
    let duration_at = duration_in_info.map(|d| (bytes.len() + info_header_len + d) as u64);
    bytes.extend(info);
    bytes.extend(tracks_bytes);
    FileHead { bytes, data_start, segment_size_at, cues_seek_at, duration_at }
}

fn ebml_header(doc_type: &str) -> Vec<u8> {
    let mut body = uint_element(ids::EBML_VERSION, 1);
    body.extend(uint_element(ids::EBML_READ_VERSION, 1));
    body.extend(uint_element(ids::EBML_MAX_ID_LENGTH, 4));
    body.extend(uint_element(ids::EBML_MAX_SIZE_LENGTH, 8));
    body.extend(string_element(ids::DOC_TYPE, doc_type));
    body.extend(uint_element(ids::DOC_TYPE_VERSION, 4));
    body.extend(uint_element(ids::DOC_TYPE_READ_VERSION, 2));
    master(ids::EBML, &body)
}

/// One Seek entry with an 8-byte position (so it can be patched in place).
pub fn seek_entry(id: u32, position: u64) -> Vec<u8> {
    let mut body = master(ids::SEEK_ID, &id_bytes(id));
    body.extend(master(ids::SEEK_POSITION, &position.to_be_bytes()));
    master(ids::SEEK, &body)
}

fn seek_head(entries: &[(u32, u64)]) -> Vec<u8> {
    master(ids::SEEK_HEAD, &entries.iter().flat_map(|&(id, pos)| seek_entry(id, pos)).collect::<Vec<_>>())
}

fn track_entry(number: u64, track: &MuxTrack, codec: &MatroskaCodec) -> Vec<u8> {
    let mut body = uint_element(ids::TRACK_NUMBER, number);
    body.extend(uint_element(ids::TRACK_UID, number));
    body.extend(uint_element(ids::TRACK_TYPE, if track.kind == TrackKind::Video { 1 } else { 2 }));
    body.extend(uint_element(ids::FLAG_LACING, 0));
    body.extend(string_element(ids::LANGUAGE, "und"));
    body.extend(string_element(ids::CODEC_ID, codec.codec_id));
    if let Some(private) = &codec.private {
        body.extend(master(ids::CODEC_PRIVATE, private));
    }
    if codec.codec_id == "A_OPUS" {
        body.extend(uint_element(ids::CODEC_DELAY, codec.codec_delay_ns));
        body.extend(uint_element(ids::SEEK_PRE_ROLL, SEEK_PRE_ROLL_NS));
    }
    if let Some(video) = &track.video {
        if let Some(fps) = video.frame_rate.filter(|f| f.is_finite() && *f > 0.0 && !video.variable_frame_rate) {
            body.extend(uint_element(ids::DEFAULT_DURATION, (1e9 / fps).round() as u64));
        }
        let mut v = uint_element(ids::PIXEL_WIDTH, u64::from(video.width));
        v.extend(uint_element(ids::PIXEL_HEIGHT, u64::from(video.height)));
        if video.rotation % 360 != 0 {
            let mut projection = uint_element(ids::PROJECTION_TYPE, 0);
            projection.extend(float_element(ids::PROJECTION_POSE_ROLL, roll_for_rotation(video.rotation)));
            v.extend(master(ids::PROJECTION, &projection));
        }
        body.extend(master(ids::VIDEO, &v));
    }
    if let Some(audio) = &track.audio {
        let mut a = float_element(ids::SAMPLING_FREQUENCY, f64::from(audio.sample_rate));
        a.extend(uint_element(ids::CHANNELS, u64::from(audio.channels)));
        body.extend(master(ids::AUDIO, &a));
    }
    master(ids::TRACK_ENTRY, &body)
}
