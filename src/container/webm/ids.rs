//! Matroska / EBML element ids (with their length-marker bits, as they appear in files).

/// EBML header (top level, before the Segment).
pub const EBML: u32 = 0x1A45_DFA3;
/// EBMLVersion.
pub const EBML_VERSION: u32 = 0x4286;
/// EBMLReadVersion.
pub const EBML_READ_VERSION: u32 = 0x42F7;
/// EBMLMaxIDLength.
pub const EBML_MAX_ID_LENGTH: u32 = 0x42F2;
/// EBMLMaxSizeLength.
pub const EBML_MAX_SIZE_LENGTH: u32 = 0x42F3;
/// DocType ("webm" or "matroska").
pub const DOC_TYPE: u32 = 0x4282;
/// DocTypeVersion.
pub const DOC_TYPE_VERSION: u32 = 0x4287;
/// DocTypeReadVersion.
pub const DOC_TYPE_READ_VERSION: u32 = 0x4285;

/// Void (padding), allowed anywhere.
pub const VOID: u32 = 0xEC;
/// CRC-32, allowed as the first child of any master.
pub const CRC32: u32 = 0xBF;

/// Segment: the root of all Matroska data.
pub const SEGMENT: u32 = 0x1853_8067;
/// SeekHead: positions of the other top-level elements.
pub const SEEK_HEAD: u32 = 0x114D_9B74;
/// Seek entry.
pub const SEEK: u32 = 0x4DBB;
/// SeekID: the id of the element pointed to.
pub const SEEK_ID: u32 = 0x53AB;
/// SeekPosition: its offset from the start of the Segment data.
pub const SEEK_POSITION: u32 = 0x53AC;

/// Info: segment-wide facts.
pub const INFO: u32 = 0x1549_A966;
/// TimestampScale: nanoseconds per timestamp tick.
pub const TIMESTAMP_SCALE: u32 = 0x2AD7B1;
/// Duration (float, in ticks).
pub const DURATION: u32 = 0x4489;
/// MuxingApp.
pub const MUXING_APP: u32 = 0x4D80;
/// WritingApp.
pub const WRITING_APP: u32 = 0x5741;

/// Tracks.
pub const TRACKS: u32 = 0x1654_AE6B;
/// TrackEntry.
pub const TRACK_ENTRY: u32 = 0xAE;
/// TrackNumber (as used in blocks).
pub const TRACK_NUMBER: u32 = 0xD7;
/// TrackUID.
pub const TRACK_UID: u32 = 0x73C5;
/// TrackType: 1 video, 2 audio.
pub const TRACK_TYPE: u32 = 0x83;
/// FlagLacing.
pub const FLAG_LACING: u32 = 0x9C;
/// DefaultDuration in nanoseconds.
pub const DEFAULT_DURATION: u32 = 0x23E383;
/// Language (ISO 639-2).
pub const LANGUAGE: u32 = 0x22B59C;
/// CodecID, e.g. `V_VP9`.
pub const CODEC_ID: u32 = 0x86;
/// CodecPrivate: decoder configuration.
pub const CODEC_PRIVATE: u32 = 0x63A2;
/// CodecDelay in nanoseconds (Opus pre-skip).
pub const CODEC_DELAY: u32 = 0x56AA;
/// SeekPreRoll in nanoseconds.
pub const SEEK_PRE_ROLL: u32 = 0x56BB;
/// ContentEncodings (compression or encryption of frames).
pub const CONTENT_ENCODINGS: u32 = 0x6D80;
/// ContentEncoding.
pub const CONTENT_ENCODING: u32 = 0x6240;
/// ContentEncodingType: 0 compression, 1 encryption.
pub const CONTENT_ENCODING_TYPE: u32 = 0x5033;
/// ContentCompression.
pub const CONTENT_COMPRESSION: u32 = 0x5034;
/// ContentCompAlgo: 3 is header stripping.
pub const CONTENT_COMP_ALGO: u32 = 0x4254;
/// ContentCompSettings: the stripped header bytes.
pub const CONTENT_COMP_SETTINGS: u32 = 0x4255;
/// ContentEncryption.
pub const CONTENT_ENCRYPTION: u32 = 0x5035;

/// Video settings of a track.
pub const VIDEO: u32 = 0xE0;
/// PixelWidth.
pub const PIXEL_WIDTH: u32 = 0xB0;
/// PixelHeight.
pub const PIXEL_HEIGHT: u32 = 0xBA;
/// Projection.
pub const PROJECTION: u32 = 0x7670;
/// ProjectionType: 0 rectangular.
pub const PROJECTION_TYPE: u32 = 0x7671;
/// ProjectionPoseRoll: counter-clockwise degrees.
pub const PROJECTION_POSE_ROLL: u32 = 0x7675;

/// Audio settings of a track.
pub const AUDIO: u32 = 0xE1;
/// SamplingFrequency (float).
pub const SAMPLING_FREQUENCY: u32 = 0xB5;
/// Channels.
pub const CHANNELS: u32 = 0x9F;

/// Cluster of blocks.
pub const CLUSTER: u32 = 0x1F43_B675;
/// Cluster Timestamp.
pub const TIMESTAMP: u32 = 0xE7;
/// Cluster Position.
pub const POSITION: u32 = 0xA7;
/// Cluster PrevSize.
pub const PREV_SIZE: u32 = 0xAB;
/// SilentTracks.
pub const SILENT_TRACKS: u32 = 0x5854;
/// SimpleBlock.
pub const SIMPLE_BLOCK: u32 = 0xA3;
/// BlockGroup.
pub const BLOCK_GROUP: u32 = 0xA0;
/// EncryptedBlock (obsolete).
pub const ENCRYPTED_BLOCK: u32 = 0xAF;
/// Block inside a BlockGroup.
pub const BLOCK: u32 = 0xA1;
/// BlockDuration in ticks.
pub const BLOCK_DURATION: u32 = 0x9B;
/// ReferenceBlock: present on frames that are not keyframes.
pub const REFERENCE_BLOCK: u32 = 0xFB;
/// DiscardPadding in nanoseconds (Opus end trimming).
pub const DISCARD_PADDING: u32 = 0x75A2;

/// Cues: the seek index.
pub const CUES: u32 = 0x1C53_BB6B;
/// CuePoint.
pub const CUE_POINT: u32 = 0xBB;
/// CueTime in ticks.
pub const CUE_TIME: u32 = 0xB3;
/// CueTrackPositions.
pub const CUE_TRACK_POSITIONS: u32 = 0xB7;
/// CueTrack.
pub const CUE_TRACK: u32 = 0xF7;
/// CueClusterPosition, relative to the Segment data.
pub const CUE_CLUSTER_POSITION: u32 = 0xF1;

/// True for the elements that may appear directly inside a Cluster; an unknown-size
/// Cluster ends at the first element that is not one of these.
pub fn is_cluster_child(id: u32) -> bool {
    matches!(id, TIMESTAMP | POSITION | PREV_SIZE | SILENT_TRACKS | SIMPLE_BLOCK | BLOCK_GROUP | ENCRYPTED_BLOCK | VOID | CRC32)
}
