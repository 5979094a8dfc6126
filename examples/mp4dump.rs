use frameloom::container::*;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let src = FileSource::open(std::path::Path::new(&path)).unwrap();
    let mut d = match open_demuxer(Box::new(src)) { Ok(d) => d, Err(e) => { println!("ERR {e:?}"); return; } };
    let info = d.info().clone();
    for t in &info.tracks {
        let mut t2 = t.clone(); t2.keyframes_us.truncate(5);
        println!("{:?} desc={:?}", t2, t.description.as_ref().map(|d| d.len()));
    }
    println!("container={:?} dur={:?} streamable={}", info.container, info.duration_us, info.streamable);
    let mut n = 0; let mut counts = std::collections::BTreeMap::new();
    while let Some(p) = d.next_packet().unwrap() {
        if n < 12 { println!("  id={} pts={} dts={} dur={} key={} len={}", p.track_id, p.pts_us, p.dts_us, p.duration_us, p.keyframe, p.data.len()); }
        n += 1; *counts.entry(p.track_id).or_insert(0) += 1;
    }
    println!("packets {n} {counts:?}");
}
