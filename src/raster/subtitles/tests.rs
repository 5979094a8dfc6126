//! Parsing, export and span tests for SRT and WebVTT.

use super::*;

const SRT: &str = "\u{feff}1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i>\r\nworld\r\n\r\n2\r\n00:00:03,000 --> 00:00:02,000\r\nbackwards\r\n\r\n3\r\n00:00:04,000 --> 00:0x:05,000\r\nbad time\r\n\r\njust text without timing\r\n\r\n5\r\n00:00:06,000 --> 00:00:07,000\r\nno blank line after\r\n6\r\n00:00:08,000 --> 00:00:09,000\r\nlast\r\n";

#[test]
fn srt_keeps_valid_cues_and_reports_lines() {
    let parsed = parse_srt(SRT);
    let texts: Vec<&str> = parsed.cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["Hello\nworld", "no blank line after", "last"]);
    assert_eq!(parsed.cues[0].id.as_deref(), Some("1"));
    assert_eq!((parsed.cues[0].start_us, parsed.cues[0].end_us), (1_000_000, 2_500_000));
    assert_eq!(parsed.cues[2].id.as_deref(), Some("6"), "a cue number before a timing line starts a new cue");
    let errors: Vec<(usize, &str)> = parsed.errors.iter().map(|e| (e.line, e.code())).collect();
    assert_eq!(
        errors,
        [(7, "subtitle_end_not_after_start"), (11, "subtitle_bad_timestamp"), (14, "subtitle_missing_timing")]
    );
    assert!(parsed.errors[1].to_string().starts_with("line 11: cannot read the time \"00:0x:05,000\""));
}

const VTT: &str = "WEBVTT - with a title\nKind: captions\n\nNOTE a comment\n--> not a cue\n\nSTYLE\n::cue { color: red }\n\nintro\n00:01.000 --> 00:02.000 line:10% position:20%,line-left size:50% align:start\n<v Bob>Hi &amp; <b>bye</b>\n\n00:00:03.000 --> 00:00:04.000 line:-1 vertical:rl bogus\nsecond\n\n00:05.000 --> 00:06.000 line:0,end align:right position:150%\nthird\n";

#[test]
fn vtt_reads_settings_and_strips_markup() {
    let parsed = parse_vtt(VTT);
    assert_eq!(parsed.cues.len(), 3);
    let first = &parsed.cues[0];
    assert_eq!((first.id.as_deref(), first.text.as_str()), (Some("intro"), "Hi & bye"));
    let s = first.settings;
    assert_eq!(s.line, Some(CueLine { value: LineValue::Percent(10.0), align: LineAlign::Start }));
    assert_eq!(s.position, Some(CuePosition { percent: 20.0, align: Some(PositionAlign::LineLeft) }));
    assert_eq!((s.size, s.align), (Some(50.0), Some(CueAlign::Start)));
    assert_eq!(parsed.cues[1].settings.line.map(|l| l.value), Some(LineValue::Number(-1.0)));
    assert_eq!(parsed.cues[2].settings.line, Some(CueLine { value: LineValue::Number(0.0), align: LineAlign::End }));
    assert_eq!(parsed.cues[2].settings.position, None, "an out-of-range position is left out");
    let errors: Vec<(usize, &str)> = parsed.errors.iter().map(|e| (e.line, e.code())).collect();
    assert_eq!(errors, [(14, "subtitle_bad_setting"), (14, "subtitle_bad_setting"), (17, "subtitle_bad_setting")]);
}

#[test]
fn vtt_without_header_is_reported_but_read() {
    let parsed = parse_vtt("00:01.000 --> 00:02.000\nhello\n");
    assert_eq!(parsed.cues.len(), 1);
    assert_eq!(parsed.errors[0].code(), "subtitle_missing_header");
    assert_eq!(parse("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n").errors, []);
}

#[test]
fn exports_round_trip() {
    let parsed = parse_vtt(VTT);
    let again = parse_vtt(&to_vtt(&parsed.cues));
    assert_eq!(again.errors, []);
    assert_eq!(again.cues, parsed.cues);
    let tricky = vec![Cue {
        id: Some("a-->b".into()),
        start_us: 0,
        end_us: 1000,
        text: "x < y & z -->\n\nw".into(),
        settings: CueSettings::default(),
    }];
    let back = parse_vtt(&to_vtt(&tricky)).cues;
    assert_eq!((back[0].text.as_str(), back[0].id.as_deref()), ("x < y & z -->\nw", Some("a->b")));
    let srt = parse_srt(&to_srt(&parsed.cues));
    assert_eq!(srt.errors, []);
    let plain: Vec<(i64, i64, &str)> = srt.cues.iter().map(|c| (c.start_us, c.end_us, c.text.as_str())).collect();
    let want: Vec<(i64, i64, &str)> = parsed.cues.iter().map(|c| (c.start_us, c.end_us, c.text.as_str())).collect();
    assert_eq!(plain, want);
}

#[test]
fn hostile_input_is_bounded() {
    let mut many = String::new();
    for i in 0..(MAX_CUES_PER_FILE + 5) {
        many.push_str(&format!("{}\n00:00:00,000 --> 00:00:01,000\nx\n\n", i + 1));
    }
    let parsed = parse_srt(&many);
    assert_eq!(parsed.cues.len(), MAX_CUES_PER_FILE);
    assert_eq!(parsed.errors.len(), 1);
    let junk = "garbage\n\n".repeat(500);
    let parsed = parse_srt(&junk);
    assert_eq!(parsed.errors.len(), MAX_SUBTITLE_ERRORS + 1);
    assert_eq!(parsed.errors.last().map(|e| e.code()), Some("subtitle_too_many_errors"));
    for text in ["", "\r\r\r", "-->", "WEBVTT", "1\n-->\n", "\u{feff}", "00:00.000 --> 99:99:99.999 line:%"] {
        let _ = parse(text);
    }
}

fn cue(start: i64, end: i64, text: &str) -> Cue {
    Cue { id: None, start_us: start, end_us: end, text: text.into(), settings: CueSettings::default() }
}

#[test]
fn overlapping_cues_share_a_block() {
    let mut cues = vec![cue(0, 10, "a"), cue(5, 20, "b"), cue(30, 40, "c"), cue(30, 40, "d")];
    cues[3].settings.line = Some(CueLine { value: LineValue::Percent(10.0), align: LineAlign::Start });
    let got: Vec<(i64, i64, Vec<usize>)> = spans(&cues).into_iter().map(|s| (s.start_us, s.end_us, s.cues)).collect();
    assert_eq!(got, [(0, 5, vec![0]), (5, 10, vec![0, 1]), (10, 20, vec![1]), (30, 40, vec![2]), (30, 40, vec![3])]);
}
