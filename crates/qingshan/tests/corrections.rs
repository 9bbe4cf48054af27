//! Staff corrections from real HJ 212 frames over TCP: a correction over an outlet's hour changes the
//! hourly rollup and the emission total while the journal and the series read with its original still
//! show the value as received; an enterprise user is refused and nothing changes; every correction is
//! audited; a newer correction supersedes an older one and a withdrawn one no longer applies.

mod support;

use platform::accounts::{NewAccount, Role};
use serde_json::{Value, json};
use store::Scopes;
use support::Server;
use support::outlet::{determined, flue_gas_minute, prepare, rolled_up, send_all, yesterday};

const PASSWORD: &str = "Correction-tests-2026";

/// `%PDF-1.4` and a line: a calibration record as staff would attach it.
const PDF_BASE64: &str = "JVBERi0xLjQKJSByZXBhaXIgcmVjb3JkIDIwMjYK";

type Tokens = std::collections::HashMap<&'static str, String>;

/// The outlet of `prepare`, its enterprise user (`plant`) and the county's officer, with tokens.
fn people(store: &mut store::Store, tokens: &mut Tokens) {
    prepare(store);
    store
        .upsert_county(&store::County {
            code: "530621".into(),
            name: "鲁甸县".into(),
            name_en: None,
            lon: None,
            lat: None,
        })
        .unwrap();
    let actor = platform::registry::Actor::new("test");
    for (name, role, counties, enterprises) in [
        (
            "plant",
            Role::EnterpriseUser,
            vec![],
            vec!["E01".to_string()],
        ),
        (
            "officer",
            Role::CountyOfficer,
            vec!["530621".to_string()],
            vec![],
        ),
    ] {
        let new = NewAccount {
            name: name.into(),
            role,
            scopes: Scopes {
                counties,
                enterprises,
                ..Scopes::default()
            },
            password: PASSWORD.into(),
            must_change_password: false,
        };
        platform::accounts::create_account(store, &actor, &new).unwrap();
        let (_, token) =
            platform::accounts::create_token(store, &actor, name, "test", None, None).unwrap();
        tokens.insert(name, format!("Bearer {}", token.0));
    }
}

fn at(h: u32, m: u32) -> String {
    format!("{}T{h:02}:{m:02}:00+08:00", yesterday())
}

/// POST as the holder of `auth`; (status, JSON answer).
async fn post_as(server: &Server, auth: &str, path: &str, body: &Value) -> (u16, Value) {
    let (status, _, answer) = server
        .send("POST", path, &[("Authorization", auth)], &body.to_string())
        .await;
    (
        status,
        serde_json::from_slice(&answer).unwrap_or(Value::Null),
    )
}

fn correction(start: &str, end: &str, value: f64) -> Value {
    json!({"site": "S01", "param": "a21026", "start": start, "end": end, "value": value,
           "reason": "CEMS 校准漂移，按比对监测修正 calibration drift"})
}

/// `(time, mean)` of the outlet's hourly SO2 rollups yesterday 08:00–09:59.
fn means(answer: &Value) -> Vec<(String, Option<f64>)> {
    answer["rollups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["time"].as_str().unwrap_or("").to_string(),
                r["mean"].as_f64(),
            )
        })
        .collect()
}

fn rollups_path(param: &str) -> String {
    format!(
        "/api/v1/sites/S01/rollups?param={param}&period=hour&from={}&to={}",
        at(8, 0),
        at(10, 0)
    )
    .replace('+', "%2B")
}

/// SO2 measured at the outlet in yesterday's month, tonnes.
async fn so2_measured_t(server: &Server) -> f64 {
    let day = yesterday();
    let month = server
        .json(&format!(
            "/api/v1/emissions?enterprise=E01&year={}&month={}",
            day.year(),
            day.month()
        ))
        .await;
    month["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["param"] == "a21026")
        .and_then(|r| r["measured_t"].as_f64())
        .unwrap_or_else(|| panic!("{month}"))
}

/// What the hourly means give: Σ SO2 mean × flow mean × 3600 s, mg → t.
async fn expected_t(server: &Server) -> f64 {
    let so2 = means(&server.json(&rollups_path("a21026")).await);
    let flow = means(&server.json(&rollups_path("a00000")).await);
    so2.iter()
        .zip(&flow)
        .map(|((_, c), (_, q))| c.unwrap() * q.unwrap() * 3600.0 / 1e9)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_changes_the_rollup_and_the_emission_total_while_the_original_stays() {
    let mut tokens = Tokens::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let admin = format!("Bearer {}", server.token);
    let day = yesterday();
    // Yesterday 08:00–09:59: SO2 40 mg/m³ (with a wobble of 0.01 on average), every minute.
    let mut frames = Vec::new();
    for h in 8..10u32 {
        for m in 0..60u32 {
            frames.extend(flue_gas_minute(day, h, m, 40.0));
        }
    }
    send_all(&server, &frames, 120).await;
    rolled_up(&server, "S01", "a21026", 8..10, 60).await;
    rolled_up(&server, "S01", "a00000", 8..10, 60).await;
    let before = means(&server.json(&rollups_path("a21026")).await);
    assert_eq!(before.len(), 2);
    assert!(
        before
            .iter()
            .all(|(_, m)| (m.unwrap() - 40.01).abs() < 1e-9),
        "{before:?}"
    );
    let total_before = so2_measured_t(&server).await;
    let expected = expected_t(&server).await;
    assert!(
        (total_before - expected).abs() < 1e-5,
        "{total_before} vs {expected}"
    );
    assert!(total_before > 0.02, "two hours of 40 mg/m³ × 360,000 m³");

    // The enterprise cannot correct its own data, nor can a county officer of another county: 403, and
    // nothing is stored.
    let body = correction(&at(8, 0), &at(9, 0), 10.0);
    let (status, refused) = post_as(&server, &tokens["plant"], "/api/v1/corrections", &body).await;
    assert_eq!(status, 403, "{refused}");
    let (status, refused) =
        post_as(&server, &tokens["officer"], "/api/v1/corrections", &body).await;
    assert_eq!(status, 403, "{refused}");
    let listed = server.json("/api/v1/corrections?site=S01").await;
    assert_eq!(listed["corrections"], json!([]), "{listed}");
    assert_eq!(means(&server.json(&rollups_path("a21026")).await), before);
    let refusals = server.json("/api/v1/audit?q=refused").await;
    assert!(
        refusals["entries"].as_array().unwrap().iter().any(|e| {
            e["actor"].as_str().unwrap_or("").contains("plant")
                && e["subject"] == "POST /corrections"
        }),
        "{refusals}"
    );

    // Refused for what it says: no such parameter at the site, a reversed range, the future, no reason.
    for (bad, why) in [
        (
            json!({"site": "S01", "param": "w01018", "start": at(8, 0), "end": at(9, 0), "value": 1, "reason": "x"}),
            "no data of parameter",
        ),
        (correction(&at(9, 0), &at(8, 0), 1.0), "is not before"),
        (
            correction(&at(8, 0), "2099-01-01T00:00:00+08:00", 1.0),
            "at most 31 days",
        ),
        (
            json!({"site": "S01", "param": "a21026", "start": at(8, 0), "end": at(9, 0), "value": 1, "reason": "  "}),
            "reason",
        ),
    ] {
        let (status, answer) = post_as(&server, &admin, "/api/v1/corrections", &bad).await;
        assert_eq!(status, 400, "{bad}: {answer}");
        assert!(answer.to_string().contains(why), "{why}: {answer}");
    }

    // Staff correct 08:00–09:00 to 10 mg/m³, with the calibration record.
    let mut body = correction(&at(8, 0), &at(9, 0), 10.0);
    body["evidence"] = json!([{"name": "比对监测报告.pdf", "content_base64": PDF_BASE64}]);
    let (status, first) = post_as(&server, &admin, "/api/v1/corrections", &body).await;
    assert_eq!(status, 200, "{first}");
    let first_id = first["id"].as_i64().unwrap();
    assert_eq!(first["href"], format!("/api/v1/corrections/{first_id}"));
    assert_eq!(first["evidence"].as_array().unwrap().len(), 1, "{first}");

    // The hour is rolled up again from the corrected values; the next hour is not touched.
    let corrected = determined(
        &server,
        &rollups_path("a21026"),
        |a| means(a).first().and_then(|m| m.1),
        Some(10.0),
    )
    .await;
    assert_eq!(means(&corrected)[1], before[1]);
    // And the emission total follows the corrected hour.
    let mut total_after = total_before;
    for _ in 0..400 {
        total_after = so2_measured_t(&server).await;
        if total_after < total_before {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Figures are given to 10 g (five decimals of a tonne).
    assert!((total_after - expected_t(&server).await).abs() < 1e-5);
    assert!(
        total_before - total_after > 0.01,
        "30 mg/m³ less for an hour of 360,000 m³ is 0.0108 t less: {total_before} → {total_after}"
    );

    // The series shows the corrected value with the original beside it and the correction's link.
    let series = server
        .json(
            &format!(
                "/api/v1/sites/S01/series?param=a21026&from={}&to={}",
                at(8, 0),
                at(10, 0)
            )
            .replace('+', "%2B"),
        )
        .await;
    let values = series["values"].as_array().unwrap();
    assert_eq!(values.len(), 120);
    for v in &values[..60] {
        assert_eq!(v["value"], 10.0, "{v}");
        assert!((v["original"].as_f64().unwrap() - 40.0).abs() < 0.03, "{v}");
        assert_eq!(v["original_flag"], "N");
        assert_eq!(v["correction"], format!("/api/v1/corrections/{first_id}"));
    }
    for v in &values[60..] {
        assert!((v["value"].as_f64().unwrap() - 40.0).abs() < 0.03, "{v}");
        assert!(
            v.get("original").is_none() && v.get("correction").is_none(),
            "{v}"
        );
    }
    // The journal keeps the frame as received.
    let journal_id = values[0]["journal_id"].as_i64().unwrap();
    let entry = server.json(&format!("/api/v1/journal/{journal_id}")).await;
    assert!(
        entry["raw"].as_str().unwrap().contains("a21026-Rtd=40.00"),
        "{entry}"
    );
    // The open data's hourly means name the correction too.
    let public = server
        .json(
            &format!(
                "/api/v1/public/stations/S01/hourly?param=a21026&from={}&to={}",
                at(8, 0),
                at(10, 0)
            )
            .replace('+', "%2B"),
        )
        .await;
    let rows = public["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{public}");
    assert_eq!(
        (rows[0]["mean"].as_f64(), rows[0]["correction"].as_i64()),
        (Some(10.0), Some(first_id))
    );
    assert_eq!(rows[1]["correction"], Value::Null, "{public}");

    // One correction, its evidence file, and the audit entry written with it.
    let one = server
        .json(&format!("/api/v1/corrections/{first_id}"))
        .await;
    assert_eq!(
        (one["value"].as_f64(), one["param"].as_str()),
        (Some(10.0), Some("a21026"))
    );
    let digest = one["evidence"][0]["digest"].as_str().unwrap().to_string();
    let (status, _, pdf) = server
        .send(
            "GET",
            &format!("/api/v1/corrections/{first_id}/evidence?digest={digest}"),
            &[("Authorization", &admin)],
            "",
        )
        .await;
    assert_eq!((status, &pdf[..5]), (200, &b"%PDF-"[..]));
    let audit = server.json("/api/v1/audit?q=correction_add").await;
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["subject"], format!("correction {first_id}"));
    assert!(
        entries[0]["actor"]
            .as_str()
            .unwrap()
            .contains("harness-admin"),
        "{audit}"
    );
    assert!(
        entries[0]["detail"]
            .as_str()
            .unwrap()
            .contains("1 evidence file"),
        "{audit}"
    );

    // A newer correction over the second half-hour supersedes the first there: (30 × 10 + 30 × 20) / 60.
    let (status, second) = post_as(
        &server,
        &admin,
        "/api/v1/corrections",
        &correction(&at(8, 30), &at(9, 0), 20.0),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    let second_id = second["id"].as_i64().unwrap();
    assert!(second_id > first_id);
    determined(
        &server,
        &rollups_path("a21026"),
        |a| means(a).first().and_then(|m| m.1),
        Some(15.0),
    )
    .await;
    let series = server
        .json(
            &format!(
                "/api/v1/sites/S01/series?param=a21026&from={}&to={}",
                at(8, 29),
                at(8, 31)
            )
            .replace('+', "%2B"),
        )
        .await;
    let links: Vec<(f64, String)> = series["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_f64().unwrap(),
                v["correction"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        links,
        vec![
            (10.0, format!("/api/v1/corrections/{first_id}")),
            (20.0, format!("/api/v1/corrections/{second_id}"))
        ]
    );
    let listed = server
        .json("/api/v1/corrections?site=S01&param=a21026")
        .await;
    let ids: Vec<i64> = listed["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![second_id, first_id], "newest first");

    // Withdrawn: kept, no longer applied (the first one is again), and not withdrawn twice.
    let (status, withdrawn) = post_as(
        &server,
        &admin,
        &format!("/api/v1/corrections/{second_id}/withdraw"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{withdrawn}");
    assert!(
        withdrawn["withdrawn_by"]
            .as_str()
            .unwrap()
            .contains("harness-admin")
    );
    let (status, _) = post_as(
        &server,
        &admin,
        &format!("/api/v1/corrections/{second_id}/withdraw"),
        &json!({}),
    )
    .await;
    assert_eq!(status, 409);
    determined(
        &server,
        &rollups_path("a21026"),
        |a| means(a).first().and_then(|m| m.1),
        Some(10.0),
    )
    .await;
    let audit = server.json("/api/v1/audit?q=correction_").await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["correction_withdraw", "correction_add", "correction_add"]
    );

    // The values as stored never changed.
    let stored = server
        .store()
        .series(
            "S01",
            "a21026",
            store::Interval::Realtime,
            before_start(),
            before_start() + 3600,
        )
        .unwrap();
    assert_eq!(stored.len(), 60);
    assert!(
        stored
            .iter()
            .all(|v| (v.value.unwrap() - 40.0).abs() < 0.03)
    );
    // The command line lists them, newest first, the withdrawn one said so.
    let stopped = server.stop().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_qingshan"))
        .args(["correction", "list", "--site", "S01"])
        .args(stopped.flags())
        .env("QINGSHAN_LOG", "warn")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(&format!("#{second_id} S01 a21026"))
            && lines[0].contains("withdrawn by"),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&format!("#{first_id} S01 a21026")) && lines[1].contains("in force"),
        "{text}"
    );
}

/// Yesterday 08:00 local, unix seconds.
fn before_start() -> i64 {
    at(8, 0).parse::<jiff::Timestamp>().unwrap().as_second()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_gives_staff_the_form_and_enterprise_users_a_403() {
    let mut tokens = Tokens::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let plant = server.sign_in("plant", PASSWORD).await;
    let (status, _, _) = server.page(&plant, "/console/corrections/new").await;
    assert_eq!(status, 403);
    let (status, _, list) = server.page(&plant, "/console/corrections").await;
    assert_eq!(status, 200);
    assert!(
        !list.contains("/console/corrections/new"),
        "no link to the form"
    );

    let day = yesterday();
    let frames: Vec<u8> = (0..60u32)
        .flat_map(|m| flue_gas_minute(day, 8, m, 40.0))
        .collect();
    send_all(&server, &frames, 60).await;
    rolled_up(&server, "S01", "a21026", 8..9, 60).await;
    let staff = server
        .sign_in("harness-admin", support::ADMIN_PASSWORD)
        .await;
    let (status, _, form) = server.page(&staff, "/console/corrections/new").await;
    assert_eq!(status, 200);
    let csrf = support::csrf_of(&form);
    // A plain form (no files) works without JavaScript.
    let (status, location, _) = server
        .post_form(
            &staff,
            "/console/corrections",
            &[
                ("csrf", &csrf),
                ("site", "S01"),
                ("param", "a21026"),
                ("start", &format!("{day}T08:00")),
                ("end", &format!("{day}T09:00")),
                ("value", "12.5"),
                ("reason", "比对监测修正"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert!(location.starts_with("/console/corrections/"), "{location}");
    let path = location.split('?').next().unwrap().to_string();
    let (status, _, page) = server.page(&staff, &location).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("12.5") && page.contains("比对监测修正"),
        "{page}"
    );
    // The enterprise user reads it (its own outlet) but gets no withdraw button, and cannot withdraw.
    let (status, _, seen) = server.page(&plant, &path).await;
    assert_eq!(status, 200);
    assert!(!seen.contains(r#"id="withdraw""#));
    let (status, _, list) = server.page(&staff, "/console/corrections").await;
    assert_eq!(status, 200);
    assert!(list.contains(&format!(r#"href="{path}""#)), "{list}");
    server.stop().await;
}
