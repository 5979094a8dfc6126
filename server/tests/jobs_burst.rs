//! Load: a burst of 50 small jobs against 2 workers and a short queue completes with no 5xx;
//! clients that get 429 wait for `Retry-After` and try again.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::*;

#[test]
fn burst_of_50_jobs_completes_without_5xx() {
    let dir = TempDir::new("burst");
    let file = make_source(&dir.path, "tiny.mp4", "64x64", 0.5);
    let (sha, bytes) = install_source(&dir.data(), &file);
    let server = Server::start_in(&dir.data(), &["--workers", "2", "--max-queued", "8"]);
    let body = project(&sha, bytes, (64, 64), 0.0, 0.5);
    let too_many = AtomicUsize::new(0);
    let ids: Vec<String> = std::thread::scope(|s| {
        let clients: Vec<_> = (0..10)
            .map(|_| {
                s.spawn(|| {
                    let mut ids = Vec::new();
                    while ids.len() < 5 {
                        let r = server.post("/jobs", &body);
                        match r.status {
                            202 => ids.push(r.json()["id"].as_str().unwrap().to_string()),
                            429 => {
                                too_many.fetch_add(1, Ordering::Relaxed);
                                let wait: u64 = r.header("retry-after").expect("Retry-After").parse().unwrap();
                                assert!((1..=300).contains(&wait));
                                std::thread::sleep(Duration::from_secs(wait));
                            }
                            other => panic!("POST /jobs answered {other}: {}", r.text()),
                        }
                    }
                    ids
                })
            })
            .collect();
        clients.into_iter().flat_map(|c| c.join().unwrap()).collect()
    });
    assert_eq!(ids.len(), 50);
    assert!(too_many.load(Ordering::Relaxed) > 0, "the short queue pushed back");
    for id in &ids {
        let job = wait_finished(&server, id, Duration::from_secs(90));
        assert_eq!(job["status"], "succeeded", "{job}");
    }
    let metrics = server.get("/metrics").text();
    assert!(metrics.contains("\nframeloom_jobs_completed_total 50\n"), "{metrics}");
}
