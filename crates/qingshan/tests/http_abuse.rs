//! The HTTP server under abuse (issue 10): slow headers are cut, proxies are believed only when trusted,
//! "loopback" authorises nothing behind a proxy, errors carry a stable code and a request id, and the
//! server refuses to listen beyond loopback without an admin token.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod support;

use support::{Server, header};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_dribbling_its_headers_is_cut() {
    let server = Server::start_with(
        |s| s.http.header_timeout = Duration::from_secs(1),
        |_, _| {},
    )
    .await;
    let slow = TcpStream::connect(&server.http).await.unwrap();
    let (mut read, mut write) = slow.into_split();
    let started = Instant::now();
    write
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let drip = tokio::spawn(async move {
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if write.write_all(b"X-Drip: 1\r\n").await.is_err() {
                return;
            }
        }
    });
    // The server closes the connection (EOF or reset) about a second in, headers still unfinished.
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(4), read.read_to_end(&mut answer)).await;
    let took = started.elapsed();
    assert!(
        closed.is_ok(),
        "still open after {took:?} of dripped headers"
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert!(
        !answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    drip.abort();
    // Everyone else is served meanwhile.
    assert_eq!(server.get("/healthz").await.0, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_have_a_stable_code_and_a_request_id() {
    let server = Server::start(|_, _| {}).await;
    let bearer = format!("Bearer {}", server.token);
    let staff = [("Authorization", bearer.as_str())];
    let (status, headers, body) = server
        .send("GET", "/api/v1/sites/NOWHERE", &staff, "")
        .await;
    assert_eq!(status, 404);
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "not_found", "{body}");
    let id = header(&headers, "x-request-id").expect("a request id");
    assert_eq!(body["error"]["request_id"], id, "{body}");
    let site = r#"{"id":"X","name":"x","kind":"other"}"#;
    assert_eq!(server.request("POST", "/api/v1/sites", site).await.0, 200);
    let (status, _, body) = server
        .send(
            "GET",
            "/api/v1/sites/X/series?param=a21026&from=yesterday",
            &staff,
            "",
        )
        .await;
    assert_eq!(status, 400);
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "bad_request", "{body}");
    let (status, _, body) = server.get_raw("/api/v1/sites/X").await;
    assert_eq!(status, 401);
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated", "{body}");
    server.stop().await;
}

/// Nobody is authorised by where they connect from: not loopback, not a same-host proxy's client. Only an
/// account's token (or session) is, and only for what its role and its token allow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_is_authorised_by_their_address() {
    let site = r#"{"id":"S9","name":"x","kind":"other"}"#;
    for proxies in [vec![], vec!["127.0.0.1".to_string()]] {
        let server = Server::start_with(|s| s.http.trusted_proxies = proxies, |_, _| {}).await;
        for headers in [vec![], vec![("X-Forwarded-For", "203.0.113.9")]] {
            let (status, _, body) = server.send("POST", "/api/v1/sites", &headers, site).await;
            assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
            assert_eq!(
                server.send("GET", "/api/v1/devices", &headers, "").await.0,
                401
            );
        }
        let wrong = [("Authorization", "Bearer qs_0000")];
        assert_eq!(
            server.send("POST", "/api/v1/sites", &wrong, site).await.0,
            401
        );
        assert_eq!(
            server.request("POST", "/api/v1/sites", site).await.0,
            200,
            "the administrator's token"
        );
        // A token limited to reading cannot write, whatever its account may do.
        let actor = platform::registry::Actor::new("test");
        let reader = server
            .platform
            .write(move |s| {
                platform::accounts::create_token(
                    s,
                    &actor,
                    "harness-admin",
                    "reader",
                    Some(&[platform::accounts::Action::DataRead]),
                    Some(1),
                )
            })
            .await
            .unwrap()
            .1;
        let bearer = format!("Bearer {}", reader.0);
        let limited = [("Authorization", bearer.as_str())];
        assert_eq!(
            server.send("POST", "/api/v1/sites", &limited, site).await.0,
            403
        );
        assert_eq!(
            server.send("GET", "/api/v1/sites/S9", &limited, "").await.0,
            200
        );
        // The refusals are in the audit log with who asked and from where.
        let log = server.json("/api/v1/audit?limit=50").await;
        let refusals: Vec<&str> = log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "refused:upsert_site")
            .filter_map(|e| e["actor"].as_str())
            .collect();
        assert!(
            refusals.iter().any(|a| a.starts_with("anonymous@")),
            "{refusals:?}"
        );
        assert!(
            refusals
                .iter()
                .any(|a| a.starts_with("token:harness-admin#")),
            "{refusals:?}"
        );
        server.stop().await;
    }
}

/// A server reachable beyond this machine needs no admin token to be safe: changes need an account.
#[test]
fn a_server_listening_beyond_loopback_refuses_anonymous_changes() {
    let dir = tempfile::tempdir().unwrap();
    let http = support::free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(["serve", "--data-dir"])
        .arg(dir.path())
        .args([
            "--hj212-listen",
            &format!("127.0.0.1:{}", support::free_port()),
            "--http-listen",
            &format!("0.0.0.0:{http}"),
        ])
        .env("QINGSHAN_LOG", "warn")
        .env_remove("QINGSHAN_ADMIN_TOKEN")
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let answer = loop {
        use std::io::{Read, Write};
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", http)) {
            let body = r#"{"id":"S1","name":"x","kind":"other"}"#;
            write!(
                s,
                "POST /api/v1/sites HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            break out;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        answer.starts_with("HTTP/1.0 401") || answer.starts_with("HTTP/1.1 401"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_capped_by_range_with_an_answer_naming_the_cap() {
    let server = Server::start(|_, _| {}).await;
    let site = r#"{"id":"S1","name":"outlet","kind":"flue_gas_outlet"}"#;
    assert_eq!(server.request("POST", "/api/v1/sites", site).await.0, 200);
    let years = "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z";
    for (path, cap) in [
        (
            format!("/api/v1/sites/S1/series?param=a21026&{years}"),
            "realtime series cover at most 31 days",
        ),
        (
            format!("/api/v1/sites/S1/series.csv?param=a21026&interval=hour&{years}"),
            "hour series cover at most 400 days",
        ),
        (
            format!("/api/v1/sites/S1/rollups?param=a21026&period=hour&{years}"),
            "hour rollups cover at most 400 days",
        ),
        (
            format!("/api/v1/sites/S1/completeness?param=a21026&{years}"),
            "completeness reports cover at most 31 days",
        ),
    ] {
        let (status, body) = server.get(&path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains(cap), "{path}: {body}");
    }
    // Out-of-bounds limits are refused, not clamped.
    for (path, says) in [
        (
            "/api/v1/quarantine?limit=1001",
            "limit=1001 is outside 1..=1000",
        ),
        ("/api/v1/audit?limit=0", "limit=0 is outside 1..=1000"),
        ("/api/v1/conflicts?before=0", "before=0 is outside"),
        (
            "/api/v1/sites/S1/series?param=a21026&limit=100001",
            "limit=100001 is outside 1..=100000",
        ),
    ] {
        let (status, body) = server.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains(says), "{path}: {body}");
    }
    // Daily data may span ten years.
    let (status, body) = server
        .get(&format!(
            "/api/v1/sites/S1/rollups?param=a21026&period=day&{years}"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}

/// The API reads what its OpenAPI document says and nothing looser (schemathesis checks the same from
/// the outside in `scripts/schemathesis`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_and_bodies_are_read_as_the_document_describes_them() {
    let server = Server::start(|_, _| {}).await;
    let site = r#"{"id":"S1","name":"outlet","kind":"flue_gas_outlet"}"#;
    let (status, body) = server.request("POST", "/api/v1/sites", site).await;
    assert_eq!(status, 200, "{body}");
    for (path, says) in [
        // date-time: an empty value is not a time (absent is the default).
        (
            "/api/v1/sites/S1/series?param=a21026&from=",
            r#"from=\"\" is not an RFC 3339 time"#,
        ),
        (
            "/api/v1/refusals?from=",
            r#"from=\"\" is not an RFC 3339 time"#,
        ),
        (
            "/api/v1/public/stations/S1/hourly?to=",
            r#"to=\"\" is not an RFC 3339 time"#,
        ),
        // param: an HJ 212 factor code.
        (
            "/api/v1/sites/S1/rollups?param=",
            r#"param=\"\" is not an HJ 212 factor code"#,
        ),
        (
            "/api/v1/public/stations/S1/daily?param=%40SUM(1)",
            r#"param=\"@SUM(1)\" is not an HJ 212 factor code"#,
        ),
        (
            "/api/v1/public/bulletins/drinking-water?year=71759",
            "year must be 1990..=2200",
        ),
        (
            "/api/v1/public/stations?page=1000001",
            r#"page=\"1000001\" must be a page number"#,
        ),
    ] {
        let (status, body) = server.get(path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains(says), "{path}: {body}");
    }
    let (status, body) = server.get("/api/v1/sites/S1/series?param=a21026").await;
    assert_eq!(status, 200, "{body}");

    // An optional field is absent or a value of its type: null is refused, not read as "absent".
    let site = r#"{"id":"S2","name":"outlet","kind":"flue_gas_outlet","emission_standard":null}"#;
    let (status, body) = server.request("POST", "/api/v1/sites", site).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("emission_standard: invalid type: null"),
        "{body}"
    );
    // JSON Schema counts 60.0 as an integer, so the API does too; 1.5 is not a whole number.
    let device = |interval: &str| {
        format!(
            r#"{{"mn":"M2","password":"pw-2","site_id":"S1","realtime_interval_s":{interval}}}"#
        )
    };
    let (status, body) = server
        .request("POST", "/api/v1/devices", &device("60.0"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""realtime_interval_s":60"#), "{body}");
    let (status, body) = server
        .request("POST", "/api/v1/devices", &device("1.5"))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("1.5 is not a whole number"), "{body}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_of_an_unknown_enterprise_is_a_404_not_a_server_error() {
    let server = Server::start(|_, _| {}).await;
    let site = r#"{"id":"S1","name":"outlet","kind":"flue_gas_outlet","enterprise_id":"NOPE"}"#;
    let (status, body) = server.request("POST", "/api/v1/sites", site).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body.contains(r#"enterprise \"NOPE\" does not exist"#),
        "{body}"
    );
    server.stop().await;
}
