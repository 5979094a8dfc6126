//! Router tests: job features from real plans (hand-made probes), the client and server cost
//! model, and the decision's hard rules, bias and reasons.

use frameloom::container::{ContainerFormat, ProbeInfo, TrackInfo, TrackKind, VideoInfo};
use frameloom::plan;
use frameloom::project::validate;
use frameloom::route::{
    ClientSupport, CodecFamily, DeviceProfile, JobFeatures, NetworkProfile, OVERLAYS_PER_PASS, RouteOptions,
    ServerCapacity, ServerState, Side, client_estimate, decide, server_estimate,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const MB: u64 = 1 << 20;

/// A `width × height` 30 fps video file of `seconds` with keyframes every 2 s, of `size` bytes.
fn probe(codec: &str, width: u32, height: u32, seconds: i64, size: u64) -> ProbeInfo {
    ProbeInfo {
        container: ContainerFormat::Mp4,
        size,
        duration_us: Some(seconds * 1_000_000),
        streamable: false,
        tracks: vec![TrackInfo {
            id: 1,
            kind: TrackKind::Video,
            codec: codec.into(),
            description: Some(vec![1, 100, 0, 40]),
            timescale: 30_000,
            duration_us: Some(seconds * 1_000_000),
            sample_count: None,
            video: Some(VideoInfo { width, height, rotation: 0, frame_rate: Some(30.0), variable_frame_rate: false }),
            audio: None,
            keyframes_us: (0..seconds).step_by(2).map(|s| s * 1_000_000).collect(),
        }],
    }
}

/// The features of a 1920×1080 30 fps MP4 project with `layers` over sources `a` (and `b`).
fn features(codec: &str, source_seconds: i64, layers: Value, output: Value) -> JobFeatures {
    let mut out = json!({ "width": 1920, "height": 1080, "fps": 30, "audioCodec": "none" });
    if let (Some(o), Some(extra)) = (out.as_object_mut(), output.as_object()) {
        o.extend(extra.clone());
    }
    let source = json!({ "kind": "video", "name": "a.mp4", "size": 1 });
    let project = json!({ "version": 1, "output": out, "sources": { "a": source, "b": source }, "scenes": [{ "layers": layers }] });
    let project = validate(&project.to_string()).expect("valid project");
    let size = source_seconds as u64 * MB;
    let probes = BTreeMap::from([
        ("a".to_owned(), probe(codec, 1920, 1080, source_seconds, size)),
        ("b".to_owned(), probe(codec, 1920, 1080, source_seconds, size)),
    ]);
    let plan = plan::build(&project, &probes).expect("plan");
    JobFeatures::from_plan(&project, &plan, &probes)
}

/// A 5-second trim (from 11 s) of a 60-second H.264 source, full frame.
fn trim() -> JobFeatures {
    features("avc1.640028", 60, json!([{ "type": "video", "source": "a", "trimStart": 11, "trimEnd": 16 }]), json!({}))
}

fn available(capacity: ServerCapacity) -> ServerState {
    ServerState::Available(capacity)
}

fn idle_server() -> ServerState {
    available(ServerCapacity { workers: 2, max_queued: 100, throughput_mpps: 100.0, ..ServerCapacity::default() })
}

fn route(
    job: &JobFeatures,
    network: &NetworkProfile,
    server: &ServerState,
    support: &ClientSupport,
) -> frameloom::route::Decision {
    decide(job, &DeviceProfile::default(), network, server, support, &RouteOptions::default())
}

#[test]
fn a_full_frame_trim_takes_the_fast_path_and_decodes_from_the_keyframe() {
    let job = trim();
    assert_eq!(job.output_frames, 150);
    assert_eq!(job.output_pixels, 1920 * 1080);
    assert_eq!(job.passthrough_frames, 150, "one opaque layer covering the frame skips the canvas");
    assert_eq!(job.decode.len(), 1);
    // Decoding starts at the keyframe at 10 s, one second before the trim.
    assert_eq!(job.decode[0].frames, 180);
    assert_eq!(job.upload_bytes, 60 * MB, "the whole source is uploaded");
    // A smart cut: the head 11–12 s is re-encoded, the GOPs 12–16 s are copied.
    assert_eq!(job.copied_frames, 120);
    assert_eq!(job.copied_bytes, 4 * MB);
    assert_eq!(job.output_codec, CodecFamily::H264);
    assert!(job.output_bytes > job.copied_bytes, "the copied GOPs' bytes and the encoded head's");
}

#[test]
fn overlapping_layers_composite_every_frame_they_share() {
    let layers = json!([
        { "type": "video", "source": "a", "trimEnd": 4 },
        { "type": "video", "source": "b", "trimEnd": 2, "x": 0.5, "y": 0.5, "width": 0.5, "height": 0.5 },
    ]);
    let job = features("avc1.640028", 10, layers, json!({}));
    assert_eq!(job.output_frames, 120);
    assert_eq!(job.passthrough_frames, 60, "only the 2 s with one layer skip the canvas");
    assert_eq!(job.decode.len(), 2);
    assert_eq!(job.upload_bytes, 20 * MB);
    let one = trim();
    assert!(job.memory_bytes > one.memory_bytes, "two decoders hold more frames");
}

#[test]
fn client_seconds_follow_pixels_and_codecs() {
    let device = DeviceProfile {
        decode_pps: 100e6,
        encode_pps: 50e6,
        composite_pps: 200e6,
        setup_seconds: 0.5,
        ..DeviceProfile::default()
    };
    let job = trim();
    let estimate = client_estimate(&job, &device);
    let pixels = 1920.0 * 1080.0;
    let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // The browser copies the 4 s of whole GOPs (their bytes); it decodes and encodes the rest.
    assert!(near(estimate.breakdown["decode"], 180.0 * pixels * (30.0 / 150.0) / 100e6));
    assert!(near(estimate.breakdown["encode"], 30.0 * pixels / 50e6));
    assert!(estimate.breakdown["copy"] > 0.0);
    assert!(near(estimate.breakdown["composite"], 0.0), "the fast path skips compositing");
    assert!(near(estimate.breakdown["overlays"], 0.0));
    assert!(near(estimate.seconds, estimate.breakdown.values().sum()));
    let av1 = features(
        "avc1.640028",
        60,
        json!([{ "type": "video", "source": "a", "trimStart": 11, "trimEnd": 16 }]),
        json!({ "format": "webm", "videoCodec": "av1" }),
    );
    assert_eq!(av1.copied_frames, 0, "H.264 packets cannot be copied into AV1");
    assert!(client_estimate(&av1, &device).breakdown["encode"] > 4.0 * estimate.breakdown["encode"]);
    let hevc = features(
        "hvc1.1.6.L120.90",
        60,
        json!([{ "type": "video", "source": "a", "trimStart": 11, "trimEnd": 16 }]),
        json!({}),
    );
    assert!(client_estimate(&hevc, &device).breakdown["decode"] > estimate.breakdown["decode"]);
}

#[test]
fn server_seconds_add_upload_queue_render_and_download() {
    let job = trim();
    let network = NetworkProfile { online: true, uplink_bps: 1e6, downlink_bps: 1e7, rtt_seconds: 0.0 };
    let capacity = ServerCapacity {
        workers: 1,
        queue_depth: 2,
        max_queued: 10,
        throughput_mpps: 0.0,
        estimated_wait_seconds: 7.0,
        running: 1,
        setup_seconds: 0.1,
    };
    let estimate = server_estimate(&job, &network, &capacity);
    assert!((estimate.breakdown["upload"] - (60 * MB) as f64 / 1e6).abs() < 1e-9);
    assert_eq!(estimate.breakdown["queue"], 7.0);
    assert!((estimate.breakdown["download"] - job.output_bytes as f64 / 1e7).abs() < 1e-9);
    let fast = server_estimate(&job, &network, &ServerCapacity { throughput_mpps: 400.0, ..capacity.clone() });
    assert!(fast.breakdown["render"] < estimate.breakdown["render"], "a measured throughput replaces the default");
    // Copied GOPs cost their bytes, not their pixels.
    assert!(estimate.breakdown["copy"] > 0.0);
    let encoded = JobFeatures { copied_frames: 0, copied_bytes: 0, ..job.clone() };
    let full = server_estimate(&encoded, &network, &capacity);
    // The fixed part: ffmpeg start-ups for the job and its one source.
    let idle = JobFeatures { output_frames: 0, copied_frames: 0, audio_seconds: 0.0, ..job.clone() };
    let fixed = server_estimate(&idle, &network, &capacity).breakdown["render"];
    assert!(fixed > 0.0);
    assert!(
        full.breakdown["render"] - fixed > 4.9 * (estimate.breakdown["render"] - fixed),
        "4 of 5 seconds are copied"
    );
    // Fixed costs are counted in the server's measured ffmpeg start-ups: a slower server pays more.
    let slow = ServerCapacity { setup_seconds: 0.3, ..capacity.clone() };
    assert!((server_estimate(&idle, &network, &slow).breakdown["render"] - 3.0 * fixed).abs() < 1e-9);
    let two = JobFeatures { sources: 2, ..idle.clone() };
    assert!(server_estimate(&two, &network, &capacity).breakdown["render"] > fixed, "each source is probed");
}

#[test]
fn client_pipeline_stages_overlap() {
    let device =
        DeviceProfile { decode_pps: 100e6, encode_pps: 50e6, composite_pps: 200e6, ..DeviceProfile::default() };
    let job = features(
        "avc1.640028",
        10,
        json!([{ "type": "video", "source": "a", "trimEnd": 10, "fadeIn": 10 }]),
        json!({}),
    );
    assert_eq!(job.copied_frames, 0, "a fade encodes every frame");
    let estimate = client_estimate(&job, &device);
    let stages = ["decode", "composite", "encode", "overlays", "audio"].map(|s| estimate.breakdown[s]);
    let (sum, max) = (stages.iter().sum::<f64>(), stages.iter().copied().fold(0.0, f64::max));
    assert!(sum > max, "more than one stage works");
    let saved = (1.0 - frameloom::route::CLIENT_OVERLAP) * (sum - max);
    assert!((estimate.breakdown["overlap"] + saved).abs() < 1e-9, "the time saved is the negative overlap part");
    assert!((estimate.seconds - estimate.breakdown.values().sum::<f64>()).abs() < 1e-9);
    assert!(estimate.seconds < estimate.breakdown["setup"] + estimate.breakdown["copy"] + sum);
    assert!(estimate.seconds > estimate.breakdown["setup"] + max);
}

#[test]
fn a_pages_first_renders_pay_its_cold_start() {
    let after = |renders| client_estimate(&trim(), &DeviceProfile { renders, ..DeviceProfile::default() });
    let (cold, second, warm) = (after(0), after(1), after(2));
    assert!(cold.breakdown["coldStart"] > second.breakdown["coldStart"] && second.breakdown["coldStart"] > 0.0);
    assert_eq!(warm.breakdown["coldStart"], 0.0);
    assert_eq!(after(9).seconds, warm.seconds);
    assert!((cold.seconds - warm.seconds - cold.breakdown["coldStart"]).abs() < 1e-9);
}

#[test]
fn captions_over_a_full_size_video_take_the_yuv_path() {
    let cues: Vec<Value> = (0..10).map(|i| json!({ "start": i, "end": i + 1, "text": "a line" })).collect();
    let layers = json!([{ "type": "video", "source": "a", "trimEnd": 10 }, { "type": "subtitles", "cues": cues }]);
    let yuv = features("avc1.640028", 10, layers.clone(), json!({}));
    assert_eq!((yuv.yuv_frames, yuv.passthrough_frames), (300, 0), "a 1080p source under captions at 1080p");
    let canvas = features("avc1.640028", 10, layers.clone(), json!({ "width": 1280, "height": 720 }));
    assert_eq!(canvas.yuv_frames, 0, "a scaled video is drawn on the canvas");
    // An SD source (BT.601 colours in Chromium when untagged) at its own size: the canvas too.
    let source = json!({ "kind": "video", "name": "a.mp4", "size": 1 });
    let sd = json!({ "width": 854, "height": 480, "fps": 30, "audioCodec": "none" });
    let project = validate(
        &json!({ "version": 1, "output": sd, "sources": { "a": source }, "scenes": [{ "layers": layers }] })
            .to_string(),
    )
    .expect("valid project");
    let probes = BTreeMap::from([("a".to_owned(), probe("avc1.640028", 854, 480, 10, 10 * MB))]);
    let plan = plan::build(&project, &probes).expect("plan");
    assert_eq!(JobFeatures::from_plan(&project, &plan, &probes).yuv_frames, 0);
    let device = DeviceProfile::default();
    let (on_yuv, on_canvas) = (client_estimate(&yuv, &device), client_estimate(&canvas, &device));
    let pixels = 300.0 * 1920.0 * 1080.0;
    assert!((on_yuv.breakdown["composite"] - pixels / device.yuv_pps).abs() < 1e-9);
    assert!(on_canvas.breakdown["composite"] > 300.0 * 1280.0 * 720.0 / device.composite_pps);
}

#[test]
fn overlays_cost_each_side_per_cue_and_the_server_per_pass() {
    let cues: Vec<Value> = (0..1000)
        .map(|i| json!({ "start": i as f64 * 0.01, "end": (i + 1) as f64 * 0.01, "text": "a line" }))
        .collect();
    let layers = json!([
        { "type": "video", "source": "a", "trimEnd": 10 },
        { "type": "subtitles", "cues": cues },
        { "type": "text", "text": "title", "duration": 2 },
    ]);
    let job = features("avc1.640028", 10, layers, json!({ "width": 1280, "height": 720 }));
    assert_eq!(job.overlay_items, 1001, "every cue and the text block");
    let plain = features(
        "avc1.640028",
        10,
        json!([{ "type": "video", "source": "a", "trimEnd": 10 }]),
        json!({ "width": 1280, "height": 720 }),
    );
    assert_eq!(plain.overlay_items, 0);
    let device = DeviceProfile::default();
    let (client, bare) = (client_estimate(&job, &device), client_estimate(&plain, &device));
    // At most one overlay is drawn per output frame: 300 of the 1,001.
    let per_frame = client.breakdown["overlays"] / 300.0;
    assert!((per_frame - device.overlay_seconds).abs() < 1e-9, "the measured cost at 720p: {per_frame}");
    assert!(client.seconds > bare.seconds + 300.0 * device.overlay_seconds * frameloom::route::CLIENT_OVERLAP);
    let network = NetworkProfile::default();
    let capacity = ServerCapacity { throughput_mpps: 20.0, setup_seconds: 0.1, ..ServerCapacity::default() };
    let server = server_estimate(&job, &network, &capacity);
    let passes = job.overlay_items.div_ceil(OVERLAYS_PER_PASS);
    assert_eq!(passes, 21);
    let fifty = JobFeatures { overlay_items: OVERLAYS_PER_PASS, ..job.clone() };
    let one_pass = server_estimate(&fifty, &network, &capacity);
    assert!(server.breakdown["overlays"] > one_pass.breakdown["overlays"] + 20.0 * 0.1, "20 more ffmpeg passes");
}

#[test]
fn without_a_server_or_offline_the_client_renders() {
    let job = trim();
    let network = NetworkProfile::default();
    let support = ClientSupport::default();
    let none = route(&job, &network, &ServerState::NotConfigured, &support);
    assert_eq!(none.choice, Side::Client);
    assert!(none.server.is_none());
    assert!(none.reasons[0].contains("no server configured"), "{:?}", none.reasons);
    let offline = route(&job, &NetworkProfile { online: false, ..network.clone() }, &idle_server(), &support);
    assert_eq!(offline.choice, Side::Client);
    assert!(offline.reasons[0].contains("offline"));
    let down = route(&job, &network, &ServerState::Unreachable { message: "connection refused".into() }, &support);
    assert_eq!(down.choice, Side::Client);
    assert!(down.reasons[0].contains("connection refused"));
}

#[test]
fn a_codec_the_browser_cannot_handle_goes_to_the_server() {
    let job = trim();
    let network = NetworkProfile { uplink_bps: 1e4, ..NetworkProfile::default() };
    let support =
        ClientSupport { undecodable: BTreeMap::from([("a".into(), "hvc1.1.6.L93.B0".into())]), unencodable: None };
    let decision = route(&job, &network, &idle_server(), &support);
    assert_eq!(decision.choice, Side::Server, "even over a slow uplink");
    assert!(!decision.client_feasible);
    assert!(decision.reasons[0].contains("cannot decode hvc1.1.6.L93.B0"), "{:?}", decision.reasons);
    let encode = ClientSupport { unencodable: Some("av01.0.08M.08".into()), ..ClientSupport::default() };
    let decision = route(&job, &network, &idle_server(), &encode);
    assert_eq!(decision.choice, Side::Server);
    assert!(decision.reasons[0].contains("cannot encode av01"));
    // Without a server the client still gets the job, and the reasons say it will likely fail.
    let alone = route(&job, &network, &ServerState::NotConfigured, &support);
    assert_eq!(alone.choice, Side::Client);
    assert!(alone.reasons.iter().any(|r| r.contains("likely fail")));
}

#[test]
fn a_job_over_the_memory_budget_goes_to_the_server() {
    let job = trim();
    let device = DeviceProfile { memory_budget_bytes: 10 * MB, ..DeviceProfile::default() };
    let decision = decide(
        &job,
        &device,
        &NetworkProfile::default(),
        &idle_server(),
        &ClientSupport::default(),
        &RouteOptions::default(),
    );
    assert_eq!(decision.choice, Side::Server);
    assert!(decision.reasons[0].contains("budget of 10 MB"), "{:?}", decision.reasons);
}

#[test]
fn a_full_queue_keeps_feasible_jobs_in_the_browser() {
    let job = trim();
    let full = available(ServerCapacity { queue_depth: 5, max_queued: 5, workers: 1, ..ServerCapacity::default() });
    let fast_line = NetworkProfile { uplink_bps: 1e9, downlink_bps: 1e9, ..NetworkProfile::default() };
    let decision = route(&job, &fast_line, &full, &ClientSupport::default());
    assert_eq!(decision.choice, Side::Client);
    assert!(!decision.server_feasible);
    assert!(decision.reasons[0].contains("queue is full"));
}

#[test]
fn the_cheaper_side_wins_with_a_bias_for_the_client() {
    let job = trim();
    let support = ClientSupport::default();
    // A slow uplink: 60 MB take a minute to send, the browser needs seconds.
    let slow = route(&job, &NetworkProfile { uplink_bps: 1e6, ..NetworkProfile::default() }, &idle_server(), &support);
    assert_eq!(slow.choice, Side::Client);
    assert!(slow.reasons[0].contains("this browser is faster"), "{:?}", slow.reasons);
    // A slow device on a fast line: the server wins.
    let device = DeviceProfile { decode_pps: 5e6, encode_pps: 2e6, ..DeviceProfile::default() };
    let line = NetworkProfile { uplink_bps: 1e9, downlink_bps: 1e9, ..NetworkProfile::default() };
    let options = RouteOptions::default();
    let decision = decide(&job, &device, &line, &idle_server(), &support, &options);
    assert_eq!(decision.choice, Side::Server);
    assert!(decision.reasons[0].contains("the server is faster"));
    // A bias large enough keeps it in the browser.
    let ratio = decision.client.seconds / decision.server.as_ref().map_or(1.0, |s| s.seconds);
    let biased = decide(&job, &device, &line, &idle_server(), &support, &RouteOptions { client_bias: ratio * 1.01 });
    assert_eq!(biased.choice, Side::Client);
    assert!(biased.reasons[0].contains("nearly as fast"));
}

#[test]
fn profiles_and_decisions_cross_the_js_boundary_as_camel_case() {
    let capacity: ServerCapacity = serde_json::from_value(json!({
        "queueDepth": 1, "running": 2, "workers": 2, "maxQueued": 100, "throughputMpps": 55.5, "estimatedWaitSeconds": 5
    }))
    .expect("capacity JSON");
    assert_eq!(capacity.throughput_mpps, 55.5);
    let device: DeviceProfile = serde_json::from_value(json!({ "decodePps": 1e8 })).expect("partial profile");
    assert_eq!(device.encode_pps, DeviceProfile::default().encode_pps, "missing fields keep their defaults");
    let decision =
        route(&trim(), &NetworkProfile::default(), &ServerState::Available(capacity), &ClientSupport::default());
    let value = serde_json::to_value(&decision).expect("decision JSON");
    assert!(value["choice"] == "client" || value["choice"] == "server");
    assert!(value["client"]["breakdown"]["encode"].is_number());
    assert!(value["server"]["breakdown"]["upload"].is_number());
    assert!(value["clientFeasible"].as_bool().expect("clientFeasible"));
}
