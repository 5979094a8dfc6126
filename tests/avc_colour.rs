//! H.264 colour retagging against SPSs made by ffmpeg (libx264): profiles, scaling lists,
//! interlacing, cropping, 4:4:4, with and without colour tags. Each retagged stream must
//! carry the new colour description (ffprobe), decode to the very same pixels, and keep
//! every other SPS field (ffmpeg's trace_headers).

mod common;

use frameloom::container::codec::avc_colour::{retag_avcc, retag_sample, retag_sps};
use frameloom::container::codec::colour::Colour;
use frameloom::container::{FileSource, probe};
use std::path::{Path, PathBuf};
use std::process::Command;

/// BT.2020 / PQ, full range: nothing like what x264 writes by default.
const HDR: Colour = Colour { primaries: 9, transfer: 16, matrix: 9, full_range: true };

const VARIANTS: &[(&str, &str, &[&str])] = &[
    ("baseline", "320x240", &["-profile:v", "baseline"]),
    ("high_cqm", "320x240", &["-profile:v", "high", "-x264-params", "cqm=jvt"]),
    ("tagged_sar", "320x240", &["-vf", "setsar=4/3", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]),
    ("interlaced_cropped", "318x236", &["-flags", "+ildct+ilme", "-x264-params", "interlaced=1"]),
    ("high444", "320x240", &["-pix_fmt", "yuv444p", "-x264-params", "cqm=jvt"]),
];

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("ffmpeg/ffprobe runs");
    assert!(out.status.success(), "{:?} failed: {}", cmd, String::from_utf8_lossy(&out.stderr));
    [out.stdout, out.stderr].concat()
}

fn ffmpeg(args: &[&str]) -> Vec<u8> {
    run(Command::new("ffmpeg").args(["-nostdin", "-hide_banner", "-y"]).args(args))
}

/// Splits an Annex B stream into NAL units.
fn nal_units(stream: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut units = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(stream.len(), |&next| next - 3);
        while end > start && stream[end - 1] == 0 && k + 1 < starts.len() {
            end -= 1;
        }
        units.push(&stream[start..end]);
    }
    units
}

fn annex_b(units: &[Vec<u8>]) -> Vec<u8> {
    units.iter().flat_map(|u| [&[0u8, 0, 0, 1][..], u].concat()).collect()
}

/// The SPS fields as ffmpeg's trace_headers prints them (name = value), colour fields and
/// alignment bits aside.
fn sps_fields(file: &Path) -> Vec<String> {
    let log = ffmpeg(&["-v", "trace", "-i", file.to_str().unwrap(), "-frames:v", "1", "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"]);
    let log = String::from_utf8_lossy(&log);
    let sps = log.split("Sequence Parameter Set").nth(1).expect("an SPS in the trace");
    let sps = sps.split("Picture Parameter Set").next().unwrap_or(sps);
    let colour = ["video_signal_type_present_flag", "video_format", "video_full_range_flag", "colour_description_present_flag",
        "colour_primaries", "transfer_characteristics", "matrix_coefficients", "rbsp_alignment_zero_bit"];
    sps.lines()
        .filter(|l| l.contains("trace_headers") && l.contains(" = "))
        .filter_map(|l| {
            let name = l.split_whitespace().nth(4)?;
            let value = l.rsplit(" = ").next()?;
            (!colour.contains(&name)).then(|| format!("{name}={value}"))
        })
        .collect()
}

fn first_frame_tags(file: &Path) -> String {
    let out = run(Command::new("ffprobe").args(["-v", "error", "-select_streams", "v", "-read_intervals", "%+#1", "-show_entries",
        "frame=color_range,color_space,color_primaries,color_transfer", "-of", "csv=p=0"]).arg(file));
    String::from_utf8_lossy(&out).lines().next().unwrap_or_default().trim_end_matches(',').to_owned()
}

fn decoded_md5(file: &Path) -> String {
    String::from_utf8_lossy(&ffmpeg(&["-v", "error", "-i", file.to_str().unwrap(), "-c:v", "rawvideo", "-f", "md5", "-"])).trim().to_owned()
}

fn dir() -> PathBuf {
    let dir = common::fixture_dir().join("avc_colour");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn retagged_sps_from_x264_keeps_everything_but_the_colour() {
    let dir = dir();
    for (name, size, args) in VARIANTS {
        let original = dir.join(format!("{name}.h264"));
        let input = format!("testsrc2=size={size}:rate=25:duration=0.2");
        let mut argv = vec!["-v", "error", "-f", "lavfi", "-i", &input];
        argv.extend_from_slice(args);
        let out = original.to_str().unwrap();
        argv.extend_from_slice(&["-c:v", "libx264", "-preset", "ultrafast", "-f", "h264", out]);
        ffmpeg(&argv);
        let stream = std::fs::read(&original).unwrap();
        let units: Vec<Vec<u8>> = nal_units(&stream)
            .into_iter()
            .map(|u| if u[0] & 0x1F == 7 { retag_sps(u, HDR).unwrap_or_else(|e| panic!("{name}: {e}")) } else { u.to_vec() })
            .collect();
        let retagged = dir.join(format!("{name}.hdr.h264"));
        std::fs::write(&retagged, annex_b(&units)).unwrap();
        assert_eq!(first_frame_tags(&retagged), "pc,bt2020nc,bt2020,smpte2084", "{name}");
        assert_eq!(decoded_md5(&retagged), decoded_md5(&original), "{name}: pixels changed");
        assert_eq!(sps_fields(&retagged), sps_fields(&original), "{name}: other SPS fields changed");
    }
}

#[test]
fn retags_the_avcc_of_an_mp4_and_in_band_parameter_sets() {
    let file = common::fixture("h264_aac.mp4");
    let mut source = FileSource::open(&file).unwrap();
    let info = probe(&mut source).unwrap();
    let avcc = info.tracks.iter().find_map(|t| t.description.clone().filter(|_| t.codec.starts_with("avc1"))).unwrap();
    let retagged = retag_avcc(&avcc, Colour::BT709).unwrap();
    // One SPS, one PPS, then the High profile's extension bytes, all kept but the SPS.
    let sps_len = usize::from(u16::from_be_bytes([avcc[6], avcc[7]]));
    let sps = &avcc[8..8 + sps_len];
    let new_sps = retag_sps(sps, Colour::BT709).unwrap();
    assert_eq!(&retagged[..6], &avcc[..6]);
    assert_eq!(&retagged[8..8 + new_sps.len()], &new_sps[..]);
    assert_eq!(&retagged[8 + new_sps.len()..], &avcc[8 + sps_len..]);

    let mut sample = (new_sps.len() as u32).to_be_bytes().to_vec();
    sample.extend_from_slice(sps);
    sample.extend_from_slice(&[0, 0, 0, 3, 0x65, 0x88, 0x84]);
    let mut want = (new_sps.len() as u32).to_be_bytes().to_vec();
    want.extend_from_slice(&new_sps);
    want.extend_from_slice(&[0, 0, 0, 3, 0x65, 0x88, 0x84]);
    sample[..4].copy_from_slice(&(sps.len() as u32).to_be_bytes());
    assert_eq!(retag_sample(&sample, 4, Colour::BT709).unwrap(), Some(want));
}
