//! Many gateways, one database: two `qingshan serve` processes on one PostgreSQL database, as behind a TCP
//! load balancer. A logger that reconnects through the other gateway and re-sends is stored once; both
//! gateways append to one hash chain; one server at a time computes the rollups, and another takes over
//! when it stops. PostgreSQL only (SQLite is one file for one server): SKIPPED without a server, a failure
//! without one under `CI=true`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};
use store::{Interval, Period};
use support::Process;

const MN: &str = "GATEWAY00001";

fn day_start() -> jiff::Zoned {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    jiff::Zoned::now()
        .with_time_zone(tz.clone())
        .date()
        .yesterday()
        .unwrap()
        .to_zoned(tz)
        .unwrap()
}

/// Packet `i`: real-time SO2 `i` seconds after yesterday 00:00 local, answer wanted.
fn packet(i: u32) -> Vec<u8> {
    let at = day_start()
        .checked_add(jiff::Span::new().seconds(i))
        .unwrap();
    let t = at.strftime("%Y%m%d%H%M%S");
    let data = format!(
        "QN={t}{:03};ST=31;CN=2011;PW=123456;MN={MN};Flag=5;CP=&&DataTime={t};a21026-Rtd={i}.5,a21026-Flag=N&&",
        i % 1000
    );
    hj212::packet::frame_data_segment(data.as_bytes()).unwrap()
}

/// Sends packets `range` to the gateway on `port` and returns how many were answered 9014.
fn send(port: u16, range: std::ops::Range<u32>) -> usize {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answers = BufReader::new(s.try_clone().unwrap());
    let mut answered = 0;
    for i in range {
        s.write_all(&packet(i)).unwrap();
        let mut line = String::new();
        answers.read_line(&mut line).unwrap();
        answered += usize::from(line.contains("CN=9014"));
    }
    answered
}

fn leads(log: &std::path::Path) -> bool {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .contains("this server leads the background jobs")
}

fn wait_for(what: &str, deadline: Duration, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + deadline;
    while !done() {
        assert!(Instant::now() < until, "{what} within {deadline:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_gateways_on_one_database_store_each_value_once_and_roll_up_once() {
    let Some(pg) = store::postgres::TestDatabase::create("two_gateways") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(["device", "add", "--data-dir"])
        .arg(dir.path())
        .args([
            "--database",
            &pg.url,
            "--mn",
            MN,
            "--password-env",
            "DEVICE_PW",
        ])
        .args(["--site", "STACK1", "--kind", "flue_gas_outlet"])
        .env("DEVICE_PW", "123456")
        .env("QINGSHAN_LOG", "warn")
        .status()
        .unwrap();
    assert!(status.success());
    // Both servers share the data folder for its device key, as every server of one database must.
    let (log_a, log_b) = (dir.path().join("a.log"), dir.path().join("b.log"));
    let flags = ["--database", pg.url.as_str()];
    let a = Process::start_with(dir.path(), &flags, Some(&log_a));
    let b = Process::start_with(dir.path(), &flags, Some(&log_b));

    // The same 300 packets through both gateways at once, as a logger re-sending after a reconnect.
    let (pa, pb) = (a.hj212, b.hj212);
    let through_a = std::thread::spawn(move || send(pa, 0..300));
    let through_b = std::thread::spawn(move || send(pb, 0..300));
    assert_eq!(
        (through_a.join().unwrap(), through_b.join().unwrap()),
        (300, 300),
        "every packet answered by both gateways"
    );

    let db = store::open(&pg.url, store::Durability::Normal).unwrap();
    let store = db.reader().unwrap();
    let from = day_start().timestamp().as_second();
    let values = store
        .series("STACK1", "a21026", Interval::Realtime, from, from + 86_400)
        .unwrap();
    assert_eq!(values.len(), 300, "each value stored once");
    assert!(
        values
            .iter()
            .enumerate()
            .all(|(i, v)| v.value == Some(i as f64 + 0.5)),
        "with its first value"
    );
    assert!(
        store.conflicts(None, None, 10).unwrap().is_empty(),
        "identical re-sends are not conflicts"
    );
    assert_eq!(store.journal_len().unwrap(), 600, "every frame journaled");
    let chain = store.verify_chain().unwrap();
    assert_eq!(
        (chain.records, chain.first_broken),
        (600, None),
        "one unbroken chain from both gateways"
    );

    // One server leads the background jobs and rolls the hour up; the other does not.
    let hour = |s: &store::Store| {
        s.rollups("STACK1", "a21026", Period::Hour, from, from + 3600)
            .unwrap()
    };
    // (It may be rolled up while values still arrive; the late ones mark it again and it is redone.)
    wait_for(
        "the hour rolled up with all 300 values",
        Duration::from_secs(30),
        || hour(&store).first().is_some_and(|r| r.count == 300),
    );
    let (leader, follower, follower_log) = if leads(&log_a) {
        (a, b, log_b.clone())
    } else {
        (b, a, log_a.clone())
    };
    assert!(!leads(&follower_log), "only one server leads");

    // The leader stops; the other takes over and rolls up what arrives next.
    leader.kill();
    let next_hour = from + 3600;
    assert_eq!(send(follower.hj212, 3600..3660), 60);
    wait_for(
        "the other server to take the lead",
        Duration::from_secs(30),
        || leads(&follower_log),
    );
    wait_for("the next hour rolled up", Duration::from_secs(30), || {
        !store
            .rollups(
                "STACK1",
                "a21026",
                Period::Hour,
                next_hour,
                next_hour + 3600,
            )
            .unwrap()
            .is_empty()
    });
    follower.kill();
}
