//! The gateway end to end: real TCP sockets, a real SQLite file, the HTTP API read back.

use platform::Settings;
use std::sync::Arc;
use std::time::Duration;
use store::{CrcPolicy, Device, Site, SiteKind, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod support;

use support::Server;
use support::device::{packet, read_answers};

/// Two flue-gas outlets, one device with a strict CRC policy and one lenient.
fn outlets(store: &mut Store, _tz: &jiff::tz::TimeZone) {
    for site in ["OUT1", "OUT2"] {
        store
            .upsert_site(&Site {
                id: site.into(),
                name: format!("outlet {site}"),
                kind: SiteKind::FlueGasOutlet,
                county: Some("530602".into()),
                lon: None,
                lat: None,
                enterprise_id: None,
                emission_standard: None,
                simulated: false,
            })
            .unwrap();
    }
    for (mn, site, crc) in [
        ("MNSTRICT0001", "OUT1", CrcPolicy::Strict),
        ("MNLENIENT001", "OUT2", CrcPolicy::Lenient),
    ] {
        store
            .upsert_device(&Device {
                mn: mn.into(),
                password: "123456".into(),
                site_id: site.into(),
                protocol: "auto".into(),
                crc_policy: crc,
                realtime_interval_s: 60,
                minute_interval_min: 10,
            })
            .unwrap();
    }
}

/// The platform with [`outlets`] registered, its settings changed by `tweak`.
async fn start(tweak: impl FnOnce(&mut Settings)) -> Server {
    // The frames here are dated 2026-11-28: accept them whenever the tests run (the DataTime window has
    // tests of its own, in `evidence.rs` and the admission unit tests).
    let tweak = |s: &mut Settings| {
        s.limits.max_backfill_days = 36_500;
        tweak(s)
    };
    Server::start_with(tweak, outlets).await
}

fn so2(qn: &str, mn: &str, minute: u32, value: &str) -> Vec<u8> {
    packet(
        qn,
        "2011",
        mn,
        "123456",
        &format!(
            "DataTime=20261128{:02}{:02}00;a21026-Rtd={value},a21026-Flag=N;a34013-Rtd=12.5,a34013-Flag=N",
            8 + minute / 60,
            minute % 60
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_data_is_answered_stored_and_served() {
    let server = start(|_| {}).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    // Two packets in one write, then one split across writes.
    let mut both = so2("20261128080000001", "MNSTRICT0001", 0, "41.5");
    both.extend(so2("20261128080100001", "MNSTRICT0001", 1, "42.0"));
    dev.write_all(&both).await.unwrap();
    let answers = read_answers(&mut dev, 2).await;
    assert!(
        answers[0].contains(
            "QN=20261128080000001;ST=91;CN=9014;PW=123456;MN=MNSTRICT0001;Flag=4;CP=&&&&"
        ),
        "{answers:?}"
    );
    assert!(answers[1].contains("QN=20261128080100001"), "{answers:?}");
    let third = so2("20261128080200001", "MNSTRICT0001", 2, "43.25");
    dev.write_all(&third[..20]).await.unwrap();
    dev.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    dev.write_all(&third[20..]).await.unwrap();
    read_answers(&mut dev, 1).await;

    let body = server
        .json("/api/v1/sites/OUT1/series?param=a21026&interval=realtime&from=2026-11-28T08:00:00%2B08:00&to=2026-11-28T09:00:00%2B08:00")
        .await;
    let values = body["values"].as_array().unwrap();
    assert_eq!(values.len(), 3, "{body}");
    assert_eq!(values[0]["time"], "2026-11-28T08:00:00+08:00");
    assert_eq!(values[0]["value"], 41.5);
    assert_eq!(values[2]["value"], 43.25);
    assert_eq!(values[0]["flag"], "N");
    assert!(values[0]["journal_id"].as_i64().unwrap() > 0);
    // 28 November is long past its marking deadline: once the day is determined, its values are
    // confirmed (preliminary until then).
    let series = "/api/v1/sites/OUT1/series?param=a21026&interval=realtime&from=2026-11-28T08:00:00%2B08:00&to=2026-11-28T09:00:00%2B08:00";
    let mut tier = values[0]["tier"].clone();
    for _ in 0..400 {
        if tier == "validated" {
            break;
        }
        assert_eq!(tier, "preliminary");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        tier = server.json(series).await["values"][0]["tier"].clone();
    }
    assert_eq!(tier, "validated");

    // Re-sending is idempotent: still three values, answered again.
    dev.write_all(&so2("20261128080000001", "MNSTRICT0001", 0, "41.5"))
        .await
        .unwrap();
    read_answers(&mut dev, 1).await;
    let again = server.json("/api/v1/sites/OUT1/series?param=a21026&from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z").await;
    assert_eq!(again["values"].as_array().unwrap().len(), 3);

    // CSV export.
    let (status, csv) = server.get("/api/v1/sites/OUT1/series.csv?param=a21026&from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z").await;
    assert_eq!(status, 200);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("site,param,interval,time,value,min,max,cou,flag,tier,original,correction")
    );
    assert_eq!(
        lines.next(),
        Some("OUT1,a21026,realtime,2026-11-28T08:00:00+08:00,41.5,,,,N,validated,,")
    );

    let metrics = server.get("/metrics").await.1;
    assert!(
        metrics.contains("qingshan_frames_total{verdict=\"accepted\"} 4"),
        "{metrics}"
    );
    assert!(
        metrics.contains("qingshan_values_stored_total 6"),
        "{metrics}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_devices_wrong_passwords_and_bad_frames_are_quarantined() {
    let server = start(|_| {}).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    let unknown = so2("20261128080000001", "NOBODY000001", 0, "1");
    let wrong_pw = packet(
        "20261128080000002",
        "2011",
        "MNSTRICT0001",
        "999999",
        "DataTime=20261128080000;a21026-Rtd=5",
    );
    let mut bad_crc = so2("20261128080000003", "MNSTRICT0001", 0, "7");
    let n = bad_crc.len();
    bad_crc[n - 6] = if bad_crc[n - 6] == b'0' { b'1' } else { b'0' };
    let mut stream = Vec::new();
    for p in [&unknown, &wrong_pw, &bad_crc] {
        stream.extend_from_slice(p);
        stream.extend_from_slice(b"\x01\x03\x00\x00\x00\x0a\xc5\xcd"); // Modbus noise between frames
    }
    // A valid frame after all that is still found and answered.
    stream.extend(so2("20261128080500009", "MNSTRICT0001", 5, "9.5"));
    dev.write_all(&stream).await.unwrap();
    let answers = read_answers(&mut dev, 1).await;
    assert_eq!(
        answers.len(),
        1,
        "only the valid frame is answered: {answers:?}"
    );
    assert!(answers[0].contains("QN=20261128080500009"));

    let q = server.json("/api/v1/quarantine").await;
    assert_eq!(q["counts"]["unknown_device"], 1, "{q}");
    assert_eq!(q["counts"]["wrong_password"], 1, "{q}");
    assert_eq!(q["counts"]["bad_frame"], 1, "{q}");
    let frames = q["frames"].as_array().unwrap();
    let bad = frames.iter().find(|f| f["verdict"] == "bad_frame").unwrap();
    assert!(
        bad["cause"].as_str().unwrap().starts_with("crc_mismatch"),
        "{bad}"
    );
    assert_eq!(
        bad["mn"], "MNSTRICT0001",
        "the header of a bad frame still names its device"
    );
    let wrong = frames
        .iter()
        .find(|f| f["verdict"] == "wrong_password")
        .unwrap();
    let cause = wrong["cause"].as_str().unwrap();
    assert!(
        cause.contains("password") && !cause.contains("999999"),
        "the cause names the fault and never echoes the password offered: {wrong}"
    );
    let one = server
        .json(&format!("/api/v1/quarantine/{}", bad["id"]))
        .await;
    assert!(one["raw"].as_str().unwrap().starts_with("##"));
    let only = server
        .json("/api/v1/quarantine?verdict=unknown_device")
        .await;
    assert_eq!(only["frames"].as_array().unwrap().len(), 1);

    // Nothing from the rejected frames reached the series.
    let s = server.json("/api/v1/sites/OUT1/series?param=a21026&from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z").await;
    assert_eq!(s["values"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(s["values"][0]["value"], 9.5);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crc_variants_follow_each_devices_policy() {
    let server = start(|_| {}).await;
    // The same data with a CRC-16/MODBUS printed low byte first (hj212.md §2.5).
    let modbus = |mn: &str, qn: &str| {
        let data = format!(
            "QN={qn};ST=31;CN=2011;PW=123456;MN={mn};Flag=5;CP=&&DataTime=20261128090000;a21026-Rtd=3.5,a21026-Flag=N&&"
        );
        let crc = hj212::crc::crc16_modbus(data.as_bytes()).swap_bytes();
        format!("##{:04}{data}{crc:04X}\r\n", data.len()).into_bytes()
    };
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    dev.write_all(&modbus("MNLENIENT001", "20261128090000001"))
        .await
        .unwrap();
    let answers = read_answers(&mut dev, 1).await;
    assert!(
        answers[0].contains("CN=9014"),
        "lenient device answered: {answers:?}"
    );
    dev.write_all(&modbus("MNSTRICT0001", "20261128090000002"))
        .await
        .unwrap();
    dev.write_all(&so2("20261128090000003", "MNSTRICT0001", 60, "1.0"))
        .await
        .unwrap();
    let answers = read_answers(&mut dev, 1).await;
    assert!(
        answers[0].contains("QN=20261128090000003"),
        "the strict device's variant frame was not answered: {answers:?}"
    );
    let q = server.json("/api/v1/quarantine?verdict=bad_frame").await;
    let cause = q["frames"][0]["cause"].as_str().unwrap();
    assert!(
        cause.contains("crc_variant_refused") && cause.contains("strict"),
        "{cause}"
    );
    let lenient = server.json("/api/v1/sites/OUT2/series?param=a21026&from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z").await;
    assert_eq!(lenient["values"][0]["value"], 3.5);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_drip_and_garbage_floods_do_not_starve_a_good_device() {
    let server = start(|s| {
        s.limits.frame_timeout = Duration::from_secs(2);
        s.limits.connection_buffer_bytes = 8 * 1024;
    })
    .await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut hostile = Vec::new();
    for i in 0..40 {
        let addr = server.hj212.clone();
        let stop = stop.clone();
        hostile.push(tokio::spawn(async move {
            let mut closed_by_server = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let Ok(mut s) = TcpStream::connect(&addr).await else {
                    continue;
                };
                let result: std::io::Result<()> = async {
                    if i % 2 == 0 {
                        // Slow drip: a frame header, then a byte every 100 ms.
                        s.write_all(b"##0500QN=2026").await?;
                        loop {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            s.write_all(b"1").await?;
                        }
                    } else {
                        // Garbage as fast as it goes.
                        let junk = vec![0xA5u8; 4096];
                        loop {
                            s.write_all(&junk).await?;
                        }
                    }
                }
                .await;
                if result.is_err() {
                    closed_by_server += 1;
                }
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
            }
            closed_by_server
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    for minute in 0..30 {
        dev.write_all(&so2(
            &format!("202611281000{minute:02}001"),
            "MNSTRICT0001",
            120 + minute,
            "5",
        ))
        .await
        .unwrap();
        let answers = read_answers(&mut dev, 1).await;
        assert!(
            answers[0].contains(&format!("QN=202611281000{minute:02}001")),
            "{answers:?}"
        );
    }
    // Keep the hostile clients going long enough for the slow-drip timeout to fire.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut closed = 0;
    for h in hostile {
        closed += tokio::time::timeout(Duration::from_secs(10), h)
            .await
            .map(|r| r.unwrap_or(0))
            .unwrap_or(0);
    }
    assert!(
        closed >= 20,
        "the server closed hostile connections ({closed} times)"
    );
    let s = server.json("/api/v1/sites/OUT1/series?param=a21026&from=2026-11-28T00:00:00Z&to=2026-11-29T00:00:00Z").await;
    assert_eq!(s["values"].as_array().unwrap().len(), 30);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_errors_are_json_and_the_openapi_paths_exist() {
    let server = start(|_| {}).await;
    for (path, status, needle) in [
        ("/api/v1/sites/OUT1/series", 400, "param is required"),
        (
            "/api/v1/sites/OUT1/series?param=a21026&interval=weekly",
            400,
            "unknown interval",
        ),
        (
            "/api/v1/sites/OUT1/series?param=a21026&from=yesterday",
            400,
            "RFC 3339",
        ),
        ("/api/v1/sites/NOPE/series?param=a21026", 404, "no site"),
        ("/api/v1/quarantine?limit=many", 400, "bad query"),
        ("/api/v1/quarantine/abc", 400, "not an integer"),
        ("/api/v1/nothing", 404, "no such"),
    ] {
        let (s, body) = server.get(path).await;
        assert_eq!(s, status, "{path}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|_| panic!("{path} answered non-JSON {body}"));
        assert!(
            v["error"]["message"].as_str().unwrap().contains(needle),
            "{path}: {body}"
        );
    }
    let (s, body) = server
        .request("POST", "/api/v1/devices", "{\"mn\": 5}")
        .await;
    assert_eq!(s, 400, "{body}");
    let (s, body) = server
        .request(
            "POST",
            "/api/v1/devices",
            r#"{"mn":"NEWDEV000001","password":"abcdef","site_id":"OUT1","crc_policy":"off"}"#,
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert!(
        server.platform.devices.get("NEWDEV000001").is_some(),
        "registry refreshed after the API change"
    );
    let devices = server.json("/api/v1/devices").await;
    assert!(
        !devices.to_string().contains("abcdef"),
        "passwords are never shown"
    );

    let doc = server.json("/api/v1/openapi.json").await;
    for path in doc["paths"].as_object().unwrap().keys() {
        let concrete = path.replace("{site}", "OUT1").replace("{id}", "1");
        let (status, body) = server.get(&format!("{concrete}?param=a21026")).await;
        assert!(
            !body.contains("no such page or endpoint"),
            "documented path {path} is not routed ({status})"
        );
    }
    let health = server.json("/healthz").await;
    assert_eq!(health["status"], "ok");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bootstrap_admin_token_changes_the_registry_and_nothing_else_does_unasked() {
    let server = start(|s| s.admin_token = Some("s3cret-token".into())).await;
    let device = r#"{"mn":"TOKEN0000001","password":"abcdef","site_id":"OUT1"}"#;
    let (status, _, body) = server.send("POST", "/api/v1/devices", &[], device).await;
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    assert!(server.platform.devices.get("TOKEN0000001").is_none());
    let mut s = TcpStream::connect(&server.http).await.unwrap();
    let req = format!(
        "POST /api/v1/devices HTTP/1.0\r\nAuthorization: Bearer s3cret-token\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{device}",
        device.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    assert!(
        out.starts_with("HTTP/1.0 200") || out.starts_with("HTTP/1.1 200"),
        "{out}"
    );
    assert!(server.platform.devices.get("TOKEN0000001").is_some());
    // The change is in the audit log, without the password.
    let db = server.store();
    let log = db.audit_log(10).unwrap();
    let entry = log
        .iter()
        .find(|e| e.action == "upsert_device" && e.subject == "TOKEN0000001")
        .expect("audited");
    assert!(
        entry.actor.starts_with("api:admin-token@127.0.0.1"),
        "{entry:?}"
    );
    // The attempt without the token is in the log too, with who tried and why it was refused.
    let refused = log
        .iter()
        .find(|e| e.action == "refused:upsert_device")
        .expect("refused attempt audited");
    assert_eq!(
        (refused.actor.as_str(), refused.subject.as_str()),
        ("anonymous@127.0.0.1", "TOKEN0000001")
    );
    assert!(
        refused.detail.as_deref().unwrap().starts_with("401 "),
        "{refused:?}"
    );
    assert!(!format!("{refused:?}").contains("abcdef"));
    assert!(
        !format!("{entry:?}").contains("abcdef"),
        "no password in the audit log: {entry:?}"
    );
    // What only staff may read needs the token too: the devices' MNs, the journal, the quarantine.
    for path in [
        "/api/v1/devices",
        "/api/v1/quarantine",
        "/api/v1/quarantine/1",
        "/api/v1/journal/1",
        "/api/v1/conflicts",
        "/api/v1/refusals",
        "/api/v1/audit",
    ] {
        let (status, _, body) = server.send("GET", path, &[], "").await;
        assert_eq!(status, 401, "{path}: {}", String::from_utf8_lossy(&body));
        let (status, _, body) = server
            .send("GET", path, &[("Authorization", "Bearer s3cret-token")], "")
            .await;
        assert!(
            status == 200 || status == 404,
            "{path} with the token: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_its_answers_is_dropped() {
    let server = start(|s| s.limits.frame_timeout = Duration::from_secs(1)).await;
    let mut hog = TcpStream::connect(&server.hj212).await.unwrap();
    // Enough answer-wanting packets that their answers overflow the socket buffers; never read any.
    let chunk: Vec<u8> = (0..1000)
        .flat_map(|i| {
            so2(
                &format!("2026112811{:02}{:02}{:03}", i / 60 % 60, i % 60, i % 1000),
                "MNSTRICT0001",
                0,
                "1",
            )
        })
        .collect();
    let writer = tokio::spawn(async move {
        for _ in 0..200 {
            if hog.write_all(&chunk).await.is_err() {
                return true; // the server closed the connection
            }
        }
        false
    });
    let closed = tokio::time::timeout(Duration::from_secs(60), writer)
        .await
        .expect("the hog finished")
        .unwrap();
    assert!(
        closed,
        "the server dropped the connection that would not take its answers"
    );
    // Meanwhile, and after, a well-behaved device is served.
    let mut dev = TcpStream::connect(&server.hj212).await.unwrap();
    dev.write_all(&so2("20261128120000001", "MNSTRICT0001", 240, "2"))
        .await
        .unwrap();
    assert!(read_answers(&mut dev, 1).await[0].contains("QN=20261128120000001"));
    server.stop().await;
}
