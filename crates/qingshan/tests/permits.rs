//! Emission permits end to end: the permit file of the issue loaded with `qingshan permit import` (TOML
//! and CSV, all or nothing, audited), and the JSON API (create, list cut to the jurisdiction, one
//! version, a renewal as a new version, refusals naming what is wrong).

mod support;

use platform::accounts::{NewAccount, Role};
use std::process::Command;
use store::{County, Enterprise, Scopes, Site, SiteKind};
use support::{Server, Stopped};

fn prepare(store: &mut store::Store) {
    for (code, e, site) in [("530602", "E01", "S01"), ("530621", "E02", "S02")] {
        store
            .upsert_county(&County {
                code: code.into(),
                name: code.into(),
                name_en: None,
                lon: None,
                lat: None,
            })
            .unwrap();
        store
            .upsert_enterprise(&Enterprise {
                id: e.into(),
                name: format!("企业{e}"),
                county: Some(code.into()),
            })
            .unwrap();
        store
            .upsert_site(&Site {
                id: site.into(),
                name: format!("{site}排口"),
                kind: SiteKind::FlueGasOutlet,
                county: Some(code.into()),
                lon: None,
                lat: None,
                enterprise_id: Some(e.into()),
                emission_standard: None,
                simulated: false,
            })
            .unwrap();
    }
    let new = NewAccount {
        name: "officer".into(),
        role: Role::CountyOfficer,
        scopes: Scopes {
            counties: vec!["530621".into()],
            ..Scopes::default()
        },
        password: "Permit-test-pass-1".into(),
        must_change_password: false,
    };
    platform::accounts::create_account(store, &platform::registry::Actor::new("test"), &new)
        .unwrap();
}

const PERMIT: &str = r#"{"number":"91530600000000000X001P","enterprise":"E01","valid_from":"2026-01-01","valid_to":"2030-12-31",
  "outlet":[{"site":"S01","kind":"main",
    "limit":[{"param":"a21026","limit":35.0,"unit":"mg/m3","averaging":"hour","reference_o2":6.0},
             {"param":"a21026","limit":25,"unit":"mg/m3","averaging":"hour","reference_o2":6.0,"season_from":"11-15","season_to":"03-15"}],
    "annual":[{"param":"a21026","tonnes":120.0}]}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permits_through_the_api() {
    let server = Server::start(|s, _| prepare(s)).await;
    let (status, body) = server.request("POST", "/api/v1/permits", PERMIT).await;
    assert_eq!(status, 200, "{body}");
    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(created["outlet"][0]["limit"][1]["season_from"], "11-15");
    assert_eq!(created["outlet"][0]["annual"][0]["tonnes"], 120.0);
    let id = created["id"].as_i64().unwrap();
    let one = server.json(&format!("/api/v1/permits/{id}")).await;
    assert_eq!(one, created);
    // The public emitters page judges the outlet by its permit and says so.
    let (status, page) = server.get("/emitters").await;
    assert_eq!(status, 200);
    assert!(page.contains("permit 91530600000000000X001P"), "{page}");
    // A renewal is a new version beside the first.
    let renewal = PERMIT
        .replace("2026-01-01", "2031-01-01")
        .replace("2030-12-31", "2035-12-31");
    assert_eq!(
        server.request("POST", "/api/v1/permits", &renewal).await.0,
        200
    );
    let all = server.json("/api/v1/permits?enterprise=E01").await;
    assert_eq!(all["permits"].as_array().unwrap().len(), 2);
    // Refusals name what is wrong.
    for (change, status, says) in [
        (("2030-12-31", "2025-12-31"), 400, "before valid_from"),
        (
            ("\"S01\"", "\"S02\""),
            400,
            "not an outlet of enterprise E01",
        ),
        (("\"E01\"", "\"E09\""), 404, "E09"),
        (("\"mg/m3\"", "\"kg\""), 400, "unit"),
        (("\"hour\"", "\"week\""), 400, "averaging"),
    ] {
        let (got, body) = server
            .request(
                "POST",
                "/api/v1/permits",
                &PERMIT.replacen(change.0, change.1, 1),
            )
            .await;
        assert_eq!(got, status, "{change:?}: {body}");
        assert!(body.contains(says), "{change:?}: {body}");
    }
    let (got, body) = server
        .request(
            "POST",
            "/api/v1/permits",
            &PERMIT
                .replace("\"E01\"", "\"E02\"")
                .replace("\"S01\"", "\"S02\""),
        )
        .await;
    assert_eq!(got, 409, "the number belongs to E01: {body}");
    // A county officer of the other county sees none of E01's permits and may not add one.
    let (_, token) = server
        .platform
        .write(|s| {
            platform::accounts::create_token(
                s,
                &platform::registry::Actor::new("test"),
                "officer",
                "t",
                None,
                None,
            )
        })
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token.0);
    let (status, _, body) = server
        .send("GET", "/api/v1/permits", &[("Authorization", &bearer)], "")
        .await;
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8_lossy(&body), r#"{"permits":[]}"#);
    let (status, _, _) = server
        .send(
            "GET",
            &format!("/api/v1/permits/{id}"),
            &[("Authorization", &bearer)],
            "",
        )
        .await;
    assert_eq!(status, 403);
    let (status, _, _) = server
        .send(
            "POST",
            "/api/v1/permits",
            &[("Authorization", &bearer)],
            PERMIT,
        )
        .await;
    assert_eq!(status, 403);
    let audit = server.store().audit_log(50).unwrap();
    assert_eq!(
        audit.iter().filter(|e| e.action == "upsert_permit").count(),
        2,
        "{audit:?}"
    );
    server.stop().await;
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
async fn permit_files_load_all_or_nothing() {
    let stopped = Server::start(|s, _| prepare(s)).await.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("permits.toml");
    std::fs::write(
        &toml,
        r#"
[[permit]]
number = "91530600000000000X001P"
enterprise = "E01"
valid_from = "2026-01-01"
valid_to = "2030-12-31"
[[permit.outlet]]
site = "S01"
kind = "main"
[[permit.outlet.limit]]
param = "a21026"
limit = 35.0
unit = "mg/m3"
averaging = "hour"
reference_o2 = 6.0
[[permit.outlet.annual]]
param = "a21026"
tonnes = 120.0
"#,
    )
    .unwrap();
    let (code, out) = qingshan(&["permit", "import", toml.to_str().unwrap()], &stopped);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("loaded 1 permit versions (1 outlets)"),
        "{out}"
    );
    // A CSV with one good version and one naming a site of another enterprise: nothing of it is loaded.
    let csv = dir.path().join("permits.csv");
    std::fs::write(
        &csv,
        "number,enterprise,authority,valid_from,valid_to,site,kind,param,limit,unit,averaging,reference_o2,season_from,season_to,annual_tonnes
P2,E02,,2026-01-01,2030-12-31,S02,main,a21002,100,mg/m3,hour,6,,,
P3,E02,,2026-01-01,2030-12-31,S01,general,a21002,100,mg/m3,hour,6,,,
",
    )
    .unwrap();
    let (code, out) = qingshan(&["permit", "import", csv.to_str().unwrap()], &stopped);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("S01 is not an outlet of enterprise E02"),
        "{out}"
    );
    let (code, out) = qingshan(&["permit", "list"], &stopped);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("91530600000000000X001P enterprise E01 2026-01-01 – 2030-12-31"),
        "{out}"
    );
    assert!(
        out.contains("a21026 ≤ 35 mg/m3 (hour mean at 6 % O2)"),
        "{out}"
    );
    assert!(out.contains("a21026: 120 t a year"), "{out}");
    assert!(!out.contains("P2"), "all or nothing: {out}");
}
