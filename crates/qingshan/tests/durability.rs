//! No answered packet is lost: a client streams packets that ask for answers, the server is killed with
//! SIGKILL mid-stream and restarted, and every packet that was answered is in the store.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Command;

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::Process;

const BIN: &str = env!("CARGO_BIN_EXE_qingshan");

/// Yesterday in the city's zone: the packets' day, inside the accepted DataTime window whenever this runs.
fn day() -> jiff::Zoned {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .yesterday()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .unwrap()
}

/// Packet `i`: real-time SO2 with a DataTime `i` seconds after yesterday 00:00:00 local, Flag=5.
fn packet(i: u32) -> Vec<u8> {
    let (h, m, s) = (i / 3600, i / 60 % 60, i % 60);
    let ymd = day().strftime("%Y%m%d").to_string();
    let data = format!(
        "QN={ymd}{h:02}{m:02}{s:02}{:03};ST=31;CN=2011;PW=123456;MN=DURABLE00001;Flag=5;CP=&&DataTime={ymd}{h:02}{m:02}{s:02};a21026-Rtd={i}.5,a21026-Flag=N&&",
        i % 1000
    );
    hj212::packet::frame_data_segment(data.as_bytes()).unwrap()
}

/// What a streaming client saw before the server was stopped, and what the store holds after.
struct Outcome {
    answered: std::collections::HashSet<i64>,
    sent: u32,
    stored: std::collections::HashSet<i64>,
}

const TOTAL: u32 = 6000;

/// Registers a device, starts the server, streams packets at it, and once 2,000 are answered stops the
/// server with `stop` (SIGKILL or SIGTERM) while packets are still flowing; restarts it and reads the store.
fn stream_and_stop(stop: impl FnOnce(Process)) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(BIN)
        .args(["device", "add", "--data-dir"])
        .arg(dir.path())
        .args([
            "--mn",
            "DURABLE00001",
            "--password-env",
            "DEVICE_PW",
            "--site",
            "STACK1",
            "--kind",
            "flue_gas_outlet",
        ])
        .env("DEVICE_PW", "123456")
        .status()
        .unwrap();
    assert!(status.success());
    let server = Process::start(dir.path());
    let hj = server.hj212;
    let answered: Arc<Mutex<Vec<u32>>> = Arc::new(Mutex::new(Vec::new()));
    let sent_until = Arc::new(Mutex::new(0u32));
    let client = {
        let answered = answered.clone();
        let sent_until = sent_until.clone();
        std::thread::spawn(move || {
            let stream = TcpStream::connect(("127.0.0.1", hj)).unwrap();
            let mut writer = stream.try_clone().unwrap();
            let reader = std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    // QN=yyyymmddhhmmsszzz: recover i from hh:mm:ss.
                    let qn = &line[line.find("QN=").unwrap() + 3..][..17];
                    let (h, m, s): (u32, u32, u32) = (
                        qn[8..10].parse().unwrap(),
                        qn[10..12].parse().unwrap(),
                        qn[12..14].parse().unwrap(),
                    );
                    answered.lock().unwrap().push(h * 3600 + m * 60 + s);
                }
            });
            // Pipelined: a window of packets in flight, as a device replaying history would.
            for chunk in (0..TOTAL).collect::<Vec<_>>().chunks(20) {
                let bytes: Vec<u8> = chunk.iter().flat_map(|&i| packet(i)).collect();
                if writer.write_all(&bytes).is_err() {
                    break;
                }
                *sent_until.lock().unwrap() = chunk[chunk.len() - 1] + 1;
                std::thread::sleep(Duration::from_micros(300));
            }
            let _ = writer.shutdown(std::net::Shutdown::Write);
            let _ = reader.join();
        })
    };
    // Stop the server once a good part of the stream has been answered, while packets are still flowing.
    let deadline = Instant::now() + Duration::from_secs(120);
    while answered.lock().unwrap().len() < 2000 {
        assert!(
            Instant::now() < deadline,
            "too few answers: {}",
            answered.lock().unwrap().len()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    stop(server);
    client.join().unwrap();
    let answered = answered.lock().unwrap().iter().map(|&i| i as i64).collect();
    let sent = *sent_until.lock().unwrap();

    // Restart (runs recovery and migrations), then check the store directly.
    let server = Process::start(dir.path());
    let store =
        store::sqlite::connect_file(&dir.path().join("qingshan.db"), store::Durability::Normal)
            .unwrap();
    let from = day().timestamp().as_second();
    let stored = store
        .series(
            "STACK1",
            "a21026",
            store::Interval::Realtime,
            from,
            from + 86_400,
        )
        .unwrap()
        .iter()
        .map(|v| v.time - from)
        .collect();
    server.kill();
    Outcome {
        answered,
        sent,
        stored,
    }
}

#[test]
fn every_answered_packet_survives_sigkill() {
    let out = stream_and_stop(|server| server.kill());
    assert!(
        out.answered.len() < out.sent as usize || out.sent < TOTAL,
        "the kill happened mid-stream"
    );
    let mut lost: Vec<i64> = out.answered.difference(&out.stored).copied().collect();
    lost.sort();
    assert!(
        lost.is_empty(),
        "{} answered packets lost after SIGKILL, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
    eprintln!(
        "answered {} of {} sent before SIGKILL; {} values stored; none lost",
        out.answered.len(),
        out.sent,
        out.stored.len()
    );
}

#[test]
fn sigterm_answers_every_committed_batch_and_exits_zero() {
    let mut status = None;
    let out = stream_and_stop(|mut server| {
        // SAFETY: signalling our own child process by its id.
        unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(30);
        while status.is_none() {
            status = server.child.try_wait().unwrap();
            assert!(
                Instant::now() < deadline,
                "the server did not exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    assert_eq!(status.and_then(|s| s.code()), Some(0), "SIGTERM exits 0");
    let mut unanswered: Vec<i64> = out.stored.difference(&out.answered).copied().collect();
    unanswered.sort();
    assert!(
        unanswered.is_empty(),
        "{} committed packets were not answered before exit, e.g. {:?}",
        unanswered.len(),
        &unanswered[..unanswered.len().min(10)]
    );
    assert!(out.answered.is_subset(&out.stored));
    eprintln!(
        "SIGTERM: answered {} of {} sent; every committed packet answered",
        out.answered.len(),
        out.sent
    );
}
