//! Hostile HJ 212 clients against the real gateway (issue 10): floods of refused frames stay within the
//! journal's budget, brute-forcing a password is throttled and locked out, silent clients are cut.

use std::time::{Duration, Instant};
use store::{CrcPolicy, Device, Site, SiteKind, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod support;

use support::Server;
use support::device::{packet, read_answers};

const MN: &str = "MNHONEST0001";

fn one_device(store: &mut Store, _tz: &jiff::tz::TimeZone) {
    store
        .upsert_site(&Site {
            id: "OUT1".into(),
            name: "outlet".into(),
            kind: SiteKind::FlueGasOutlet,
            county: None,
            lon: None,
            lat: None,
            enterprise_id: None,
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
    store
        .upsert_device(&Device {
            mn: MN.into(),
            password: "123456".into(),
            site_id: "OUT1".into(),
            protocol: "auto".into(),
            crc_policy: CrcPolicy::Strict,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        })
        .unwrap();
}

/// A real-time upload of `mn` with password `pw`, stamped now.
fn upload(mn: &str, pw: &str, qn: u32) -> Vec<u8> {
    let now = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    packet(
        &format!("{}{qn:03}", now.strftime("%Y%m%d%H%M%S")),
        "2011",
        mn,
        pw,
        &format!(
            "DataTime={};a21026-Rtd=1.5,a21026-Flag=N",
            now.strftime("%Y%m%d%H%M%S")
        ),
    )
}

/// Reads until the server closes the connection (or `limit` passes); returns whether it closed.
async fn closed_within(s: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_unknown_devices_grows_the_journal_by_a_bounded_amount() {
    let server = Server::start_with(
        |s| {
            s.limits.refused_journal_per_source_hour = 50;
            s.limits.max_refused_frames = 20;
        },
        one_device,
    )
    .await;
    let mut sent = 0;
    let mut closed = 0;
    // 100 connections of 25 frames, each frame from a different unknown MN: 2,500 refusals.
    for c in 0..100u32 {
        let mut s = TcpStream::connect(&server.hj212).await.unwrap();
        let mut burst = Vec::new();
        for f in 0..25u32 {
            burst.extend(upload(&format!("MNX{c:04}{f:04}"), "123456", f));
        }
        sent += 25;
        let _ = s.write_all(&burst).await;
        if closed_within(&mut s, Duration::from_secs(10)).await {
            closed += 1;
        }
    }
    assert_eq!(
        closed, 100,
        "every flooding connection is closed by the server"
    );
    // The honest device is still served.
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    dev.write_all(&upload(MN, "123456", 1)).await.unwrap();
    assert!(read_answers(&mut dev, 1).await[0].contains("CN=9014"));
    let metrics = server.get("/metrics").await.1;
    let stopped = server.stop().await;
    let store = stopped.store();
    let journaled = store.journal_len().unwrap();
    let counted: i64 = store
        .refusal_counts(0)
        .unwrap()
        .iter()
        .map(|c| c.count)
        .sum();
    // Each connection is cut at its 20th refusal: at most 20 of its 25 frames are read.
    assert!(counted + journaled - 1 <= sent, "{counted} + {journaled}");
    assert!(
        journaled <= 50 + 1,
        "the source's hourly budget bounds the journal: {journaled}"
    );
    assert!(counted >= 1_000, "the rest is counted: {counted}");
    assert!(
        metrics.contains("qingshan_connections_closed_abuse_total 100"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brute_forcing_a_password_is_slowed_cut_and_locked_out() {
    let server = Server::start_with(
        |s| s.limits.wrong_password_delay = Duration::from_millis(1),
        one_device,
    )
    .await;
    // Three wrong passwords close the connection; each costs a growing wait first (1 ms, 2 ms).
    let started = Instant::now();
    let mut s = TcpStream::connect(&server.hj212).await.unwrap();
    for guess in 0..3u32 {
        let _ = s
            .write_all(&upload(MN, &format!("{guess:06}"), guess))
            .await;
    }
    assert!(closed_within(&mut s, Duration::from_secs(20)).await);
    assert!(
        started.elapsed() >= Duration::from_millis(3),
        "{:?}",
        started.elapsed()
    );
    // Ten wrong passwords in a row lock the MN out for this source, right password or not.
    for round in 0..3u32 {
        let mut s = TcpStream::connect(&server.hj212).await.unwrap();
        for guess in 0..3u32 {
            let _ = s
                .write_all(&upload(MN, &format!("9{round}{guess:04}"), guess))
                .await;
        }
        closed_within(&mut s, Duration::from_secs(60)).await;
    }
    let mut s = TcpStream::connect(&server.hj212).await.unwrap();
    s.write_all(&upload(MN, "123456", 7)).await.unwrap();
    let mut buf = [0u8; 256];
    let answered = tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await;
    assert!(
        !matches!(answered, Ok(Ok(n)) if n > 0),
        "a locked-out MN is not answered, even with the right password"
    );
    let metrics = server.get("/metrics").await.1;
    assert!(metrics.contains("qingshan_lockouts_total 1"), "{metrics}");
    let q = server
        .json("/api/v1/quarantine?verdict=wrong_password")
        .await;
    let causes: Vec<&str> = q["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["cause"].as_str())
        .collect();
    assert!(
        causes
            .iter()
            .any(|c| c.starts_with("locked_out: MN MNHONEST0001")),
        "{causes:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_without_a_valid_frame_in_time_is_cut() {
    let server = Server::start_with(
        |s| s.limits.first_frame_timeout = Duration::from_secs(1),
        one_device,
    )
    .await;
    let started = Instant::now();
    let mut silent = TcpStream::connect(&server.hj212).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(10)).await);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    // An honest device that speaks at once stays connected past the first-frame time.
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    dev.write_all(&upload(MN, "123456", 1)).await.unwrap();
    read_answers(&mut dev, 1).await;
    assert!(!closed_within(&mut dev, Duration::from_millis(1500)).await);
    server.stop().await;
}

/// Allocates `bytes` of real disk (not a sparse file) at `path`.
fn allocate(path: &std::path::Path, bytes: i64) {
    use std::os::unix::io::AsRawFd;
    let file = std::fs::File::create(path).unwrap();
    // SAFETY: a valid open descriptor; posix_fallocate only allocates blocks for it.
    let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, bytes) };
    assert_eq!(rc, 0, "posix_fallocate failed");
    file.sync_all().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_stop_before_the_disk_is_full_and_resume_when_space_returns() {
    const MB: u64 = 1_000_000;
    let ballast_dir = tempfile::tempdir().unwrap();
    let free = platform::health::free_bytes(ballast_dir.path()).unwrap();
    assert!(
        free > 1_000 * MB,
        "this test needs 1 GB of free disk, {} MB left",
        free / MB
    );
    // Take 96 MB, and set the limit halfway: refused now, room again once the ballast goes.
    let ballast = ballast_dir.path().join("ballast");
    allocate(&ballast, 96 * MB as i64);
    let limit_mb = platform::health::free_bytes(ballast_dir.path()).unwrap() / MB + 48;
    let server =
        Server::start_with(move |s| s.limits.min_free_disk_mb = limit_mb, one_device).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    dev.write_all(&upload(MN, "123456", 1)).await.unwrap();
    let mut buf = [0u8; 512];
    let answer = tokio::time::timeout(Duration::from_secs(2), dev.read(&mut buf)).await;
    assert!(
        !matches!(answer, Ok(Ok(n)) if n > 0),
        "nothing is answered while writes are refused"
    );
    let (status, health) = server.get("/healthz").await;
    assert_eq!(status, 503, "{health}");
    assert!(
        health.contains("free disk below limits.min_free_disk_mb"),
        "{health}"
    );
    assert!(
        server
            .get("/metrics")
            .await
            .1
            .contains("qingshan_disk_low 1")
    );

    std::fs::remove_file(&ballast).unwrap();
    // The writer measures the disk at most once a second; the logger connects and sends its frame again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    dev.write_all(&upload(MN, "123456", 1)).await.unwrap();
    assert!(read_answers(&mut dev, 1).await[0].contains("CN=9014"));
    let (status, health) = server.get("/healthz").await;
    assert_eq!(status, 200, "{health}");
    assert!(
        server
            .get("/metrics")
            .await
            .1
            .contains("qingshan_disk_low 0")
    );
    let stopped = server.stop().await;
    let store = stopped.store();
    assert_eq!(
        store.journal_len().unwrap(),
        1,
        "the refused batch left nothing behind"
    );
}
