//! Times a demo backfill: every demo device's frames over the last N days (default 90), without real-time
//! data (`--all` includes it). `cargo run --release -p sim --example backfill -- 90`
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let days: i64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(90);
    let all = args.iter().any(|a| a == "--all");
    let devices = sim::fleet(1, sim::fleet::DEMO_SITES, sim::Profile::Demo);
    let to = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let from = to - days * 86_400;
    let started = Instant::now();
    let (mut frames, mut bytes) = (0u64, 0u64);
    for d in &devices {
        let h = sim::history(d, from, to, 1);
        let h = if all {
            h
        } else {
            h.only(&[
                sim::Upload::RunState,
                sim::Upload::Minute,
                sim::Upload::Hour,
                sim::Upload::Day,
                sim::Upload::RunTime,
            ])
        };
        for s in h {
            frames += 1;
            bytes += s.frame.len() as u64;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} devices, {days} days{}: {frames} frames, {:.1} MB in {secs:.2} s ({:.0} frames/s)",
        devices.len(),
        if all { " with real-time data" } else { "" },
        bytes as f64 / 1e6,
        frames as f64 / secs
    );
}
