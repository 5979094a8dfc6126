//! Job options through the real server: `POST /jobs?thumbnail=…&renditions=…&hls=1` makes the
//! files, `GET /jobs/{id}` lists them, `/jobs/{id}/output/NAME` serves them (ffprobe-checked);
//! bad options and hostile names are refused; deleting the job removes them.

mod support;

use std::time::Duration;
use support::*;

#[test]
fn thumbnail_renditions_and_hls_are_served_under_the_job() {
    let dir = TempDir::new("outputs");
    let (file, sha, bytes) = fixture("small.mp4", "320x240", 3.0);
    install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    let body = project(&sha, bytes, (320, 240), 0.0, 3.0);
    let r = server.post("/jobs?thumbnail=1&thumbnailFormat=jpeg&renditions=480,240,120&hls=1", &body);
    assert_eq!(r.status, 202, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let job = wait_finished(&server, &id, Duration::from_secs(120));
    assert_eq!(job["status"], "succeeded", "{job}");
    let names: Vec<&str> =
        job["output"]["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["120p.mp4", "hls/master.m3u8", "thumbnail.jpg"], "{job}");
    assert_eq!(job["output"]["files"][1]["url"], format!("/jobs/{id}/output/hls/master.m3u8"));

    let thumb = server.get(&format!("/jobs/{id}/output/thumbnail.jpg"));
    assert_eq!((thumb.status, thumb.header("content-type")), (200, Some("image/jpeg")));
    let local = dir.data().join("thumb.jpg");
    std::fs::write(&local, &thumb.body).unwrap();
    assert_eq!(ffprobe_size(&local), (320, 240));

    let rung = server.get(&format!("/jobs/{id}/output/120p.mp4"));
    assert_eq!(rung.status, 200);
    let local = dir.data().join("rung.mp4");
    std::fs::write(&local, &rung.body).unwrap();
    assert_eq!(ffprobe_size(&local), (160, 120));
    let (duration, codecs) = ffprobe(&local).unwrap();
    assert!((duration - 3.0).abs() < 0.1 && codecs == ["h264", "aac"], "{duration} {codecs:?}");

    let master = server.get(&format!("/jobs/{id}/output/hls/master.m3u8")).text();
    assert!(master.contains("240p.m3u8") && master.contains("120p.m3u8") && !master.contains("480p"), "{master}");
    let media = server.get(&format!("/jobs/{id}/output/hls/120p.m3u8"));
    assert_eq!(media.header("content-type"), Some("application/vnd.apple.mpegurl"));
    let segment = media.text().lines().find(|l| l.ends_with(".ts")).unwrap().to_string();
    let ts = server.get(&format!("/jobs/{id}/output/hls/{segment}"));
    assert_eq!((ts.status, ts.header("content-type")), (200, Some("video/mp2t")));

    for hostile in [
        "../outputs",
        "hls/../../jobs.sqlite3",
        "..%2F..%2Fjobs.sqlite3",
        "hls/x/y.ts",
        ".hidden.ts",
        "a..b",
        "%2e%2e/x.mp4",
    ] {
        let r = server.get(&format!("/jobs/{id}/output/{hostile}"));
        assert!(r.status == 404 || r.status == 400, "{hostile}: {}", r.status);
    }
    assert_eq!(server.delete(&format!("/jobs/{id}")).status, 204);
    assert!(!dir.data().join("outputs").join(&id).exists(), "the files go with the job");
}

#[test]
fn bad_options_are_refused_before_queuing() {
    let dir = TempDir::new("bad-options");
    let (file, sha, bytes) = fixture("small.mp4", "320x240", 3.0);
    install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "1"]);
    let body = project(&sha, bytes, (320, 240), 0.0, 1.0);
    for query in ["thumbnail=-1", "renditions=abc", "hls=maybe", "path=../../etc", "thumbnailFormat=png"] {
        let r = server.post(&format!("/jobs?{query}"), &body);
        assert_eq!((r.status, r.code()), (400, "bad_option".to_string()), "{query}: {}", r.text());
    }
    let webm = body.replace("\"mp4\"", "\"webm\"").replace("\"h264\"", "\"vp9\"").replace("\"aac\"", "\"opus\"");
    let r = server.post("/jobs?hls=1", &webm);
    assert_eq!((r.status, r.code()), (400, "bad_option".to_string()), "{}", r.text());
    assert!(r.text().contains("HLS"), "{}", r.text());
    let capacity = server.get("/capacity").json();
    assert_eq!(capacity["queueDepth"], 0, "nothing was queued");
}

/// (width, height) of a picture or video file, by ffprobe.
fn ffprobe_size(path: &std::path::Path) -> (u64, u64) {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json"])
        .arg(path)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (v["streams"][0]["width"].as_u64().unwrap(), v["streams"][0]["height"].as_u64().unwrap())
}
