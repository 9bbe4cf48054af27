//! Evidence that holds (issue 10), through the real server: the first value stands, a conflicting
//! re-send is kept beside it, and the journal's hash chain finds tampering with the database file.

use std::process::Command;
use store::{CrcPolicy, Device, Site, SiteKind, Store};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

mod support;

use support::device::{packet, read_answers};
use support::{Server, Stopped};

const MN: &str = "MNEVIDENCE01";

fn outlet(store: &mut Store, _tz: &jiff::tz::TimeZone) {
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

/// Yesterday, local time: recent enough for every time window.
fn yesterday() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .yesterday()
        .unwrap()
}

/// An SO2 real-time value at 08:00 local yesterday.
fn so2(qn: &str, value: &str, flag: &str) -> Vec<u8> {
    let day = yesterday();
    packet(
        qn,
        "2011",
        MN,
        "123456",
        &format!(
            "DataTime={}080000;a21026-Rtd={value},a21026-Flag={flag}",
            day.strftime("%Y%m%d")
        ),
    )
}

fn qingshan(args: &[&str], stopped: &Stopped) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(args)
        .args(stopped.flags())
        .env("QINGSHAN_LOG", "warn")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_value_stands_and_the_journal_finds_tampering() {
    let server = Server::start(outlet).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    // The first value, a rewrite of it (value and flag), and an identical re-send: all answered.
    for (qn, value, flag) in [
        ("20260101000000001", "1.5", "N"),
        ("20260101000000002", "99", "D"),
        ("20260101000000003", "1.5", "N"),
    ] {
        dev.write_all(&so2(qn, value, flag)).await.unwrap();
        let answers = read_answers(&mut dev, 1).await;
        assert!(answers[0].contains("CN=9014"), "{answers:?}");
    }
    // A wrong password: quarantined, and no more kept in clear than the right one.
    let mut guess = so2("20260101000000004", "2", "N");
    let at = guess.windows(10).position(|w| w == b"PW=123456;").unwrap();
    guess[at + 3..at + 9].copy_from_slice(b"654321");
    let guess = hj212::packet::frame_data_segment(&guess[6..guess.len() - 6]).unwrap();
    dev.write_all(&guess).await.unwrap();
    let series = server
        .json(&format!(
            "/api/v1/sites/OUT1/series?param=a21026&interval=realtime&from={}T00:00:00%2B08:00",
            yesterday()
        ))
        .await;
    let values = series["values"].as_array().unwrap();
    assert_eq!(values.len(), 1, "{series}");
    assert_eq!(
        (values[0]["value"].as_f64(), values[0]["flag"].as_str()),
        (Some(1.5), Some("N")),
        "the first value stands"
    );
    let metrics = server.get("/metrics").await.1;
    assert!(
        metrics.contains("qingshan_values_conflicting_total 1\n"),
        "one conflicting re-send counted: {metrics}"
    );
    assert!(
        metrics.contains("qingshan_values_stored_total 1\n"),
        "{metrics}"
    );
    let stopped = server.stop().await;
    if stopped.postgres().is_none() {
        // A clean stop folds the write-ahead log into the file: the file alone is the database.
        let wal = std::fs::metadata(stopped.dir.path().join("qingshan.db-wal")).map(|m| m.len());
        assert!(
            matches!(wal, Ok(0) | Err(_)),
            "the log still holds {wal:?} bytes"
        );
    }
    let (code, out) = qingshan(&["journal", "verify"], &stopped);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("journal intact: 4 records"), "{out}");
    // At rest. PostgreSQL dumps bytes as hex.
    let db_bytes = stopped.bytes_at_rest();
    for secret in ["123456", "654321", "313233343536", "363534333231"] {
        let secret = secret.as_bytes();
        let at = db_bytes.windows(secret.len()).position(|w| w == secret);
        assert!(
            at.is_none(),
            "the database holds a password in clear: {:?}",
            at.map(
                |at| String::from_utf8_lossy(&db_bytes[at.saturating_sub(80)..at + 40]).to_string()
            )
        );
    }

    // Rewrite the rewritten value inside the database itself, as someone with the file (or a
    // database login) could: one digit of the stored frame.
    match stopped.postgres() {
        Some(pg) => pg.execute(
            "UPDATE journal SET raw = overlay(raw placing '7'::bytea from position('a21026-Rtd=99,'::bytea in raw) + 11)
             WHERE position('a21026-Rtd=99,'::bytea in raw) > 0",
        ),
        None => {
            let db = stopped.dir.path().join("qingshan.db");
            let mut bytes = std::fs::read(&db).unwrap();
            let needle = b"a21026-Rtd=99,";
            let at = bytes
                .windows(needle.len())
                .position(|w| w == needle)
                .expect("the raw frame is stored in the file");
            bytes[at + 11] = b'7';
            std::fs::write(&db, &bytes).unwrap();
        }
    }
    let (code, out) = qingshan(&["journal", "verify"], &stopped);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("journal BROKEN at record 2"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn device_text_reaches_csv_neutralised_and_bad_codes_are_refused_with_a_note() {
    let server = Server::start(outlet).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    let day = yesterday();
    let frame = packet(
        "20260101000000001",
        "2011",
        MN,
        "123456",
        &format!(
            "DataTime={}090000;a21026-Rtd=2.5,a21026-Flag==1+2;@SUM(1)-Rtd=7;a34013-Rtd=abc",
            day.strftime("%Y%m%d")
        ),
    );
    dev.write_all(&frame).await.unwrap();
    assert!(read_answers(&mut dev, 1).await[0].contains("CN=9014"));
    let (status, csv) = server
        .get(&format!(
            "/api/v1/sites/OUT1/series.csv?param=a21026&from={day}T00:00:00%2B08:00"
        ))
        .await;
    assert_eq!(status, 200, "{csv}");
    let row = csv.lines().nth(1).unwrap();
    assert!(row.ends_with(",'=1+2,preliminary,,"), "{row}");
    // The refused item and the non-number are named in the frame's record, which staff can read.
    let journal_id = server
        .json(&format!(
            "/api/v1/sites/OUT1/series?param=a21026&from={day}T00:00:00%2B08:00"
        ))
        .await["values"][0]["journal_id"]
        .as_i64()
        .unwrap();
    let entry = server.json(&format!("/api/v1/journal/{journal_id}")).await;
    let cause = entry["cause"].as_str().unwrap_or_default();
    assert!(cause.contains(r#"bad_factor_code: "@SUM(1)""#), "{entry}");
    assert!(
        cause.contains(r#"invalid_value: a34013-Rtd="abc""#),
        "{entry}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logger_with_a_wrong_clock_is_answered_and_kept_not_cut() {
    let server = Server::start(outlet).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    // Its clock says 2099: 25 frames, more than a connection's refusal budget (20).
    for i in 0..25u32 {
        let frame = packet(
            &format!("20990101000000{i:03}"),
            "2011",
            MN,
            "123456",
            &format!(
                "DataTime=209901010{:02}000;a21026-Rtd=1.5,a21026-Flag=N",
                i % 60 / 10
            ),
        );
        dev.write_all(&frame).await.unwrap();
        let answers = read_answers(&mut dev, 1).await;
        assert!(
            answers[0].contains("CN=9014"),
            "answered so it does not loop: {answers:?}"
        );
    }
    let q = server
        .json("/api/v1/quarantine?verdict=time_out_of_range")
        .await;
    assert_eq!(
        q["counts"]["time_out_of_range"], 25,
        "every frame is kept: {q}"
    );
    let cause = q["frames"][0]["cause"].as_str().unwrap();
    assert!(
        cause.starts_with("data_time_out_of_range: DataTime 2099"),
        "{cause}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_that_are_not_numbers_show_in_completeness() {
    let server = Server::start(outlet).await;
    let now = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    let frame = packet(
        "20260101000000001",
        "2011",
        MN,
        "123456",
        &format!(
            "DataTime={};a21026-Rtd=2.5,a21026-Flag=N;a34013-Rtd=abc,a34013-Flag=N",
            now.strftime("%Y%m%d%H%M%S")
        ),
    );
    dev.write_all(&frame).await.unwrap();
    assert!(read_answers(&mut dev, 1).await[0].contains("CN=9014"));
    let hour = now
        .strftime("%Y-%m-%dT%H:00:00%:z")
        .to_string()
        .replace('+', "%2B");
    let report = server
        .json(&format!(
            "/api/v1/sites/OUT1/completeness?param=a34013&from={hour}"
        ))
        .await;
    assert_eq!(report["totals"]["missing"]["invalid_value"], 1, "{report}");
    let other = server
        .json(&format!(
            "/api/v1/sites/OUT1/completeness?param=a21026&from={hour}"
        ))
        .await;
    assert_eq!(other["totals"]["missing"]["invalid_value"], 0, "{other}");
    server.stop().await;
}
