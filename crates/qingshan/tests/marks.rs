//! Enterprises' marks from real HJ 212 frames over TCP: a mark made in time takes the exceedance away
//! and its alarm closes naming the mark; a rejected mark brings it back; a fault mark over an exceedance
//! without evidence raises a suspicious-mark alarm; a late mark waits for the bureau's approval; quotas
//! and the mark hierarchy are enforced; a day past its deadline is confirmed.

mod support;

use platform::accounts::{NewAccount, Role};
use serde_json::{Value, json};
use store::Scopes;
use support::Server;
use support::outlet::{determined, flue_gas_minute, prepare, rolled_up, send_all, yesterday};

const PASSWORD: &str = "Mark-tests-2026";

const PERMIT: &str = r#"{"number":"P-MARK-1","enterprise":"E01","valid_from":"2020-01-01","valid_to":"2099-12-31",
  "outlet":[{"site":"S01","kind":"main","limit":[{"param":"a21026","limit":35,"unit":"mg/m3","averaging":"hour","reference_o2":6}]}]}"#;

/// `%PDF-1.4` and a line: a repair record as an enterprise would attach it.
const PDF_BASE64: &str = "JVBERi0xLjQKJSByZXBhaXIgcmVjb3JkIDIwMjYK";

type Tokens = std::collections::HashMap<&'static str, String>;

/// The outlet of `prepare` and an enterprise user (`plant`) and the county's officer, with tokens.
fn people(store: &mut store::Store, tokens: &mut Tokens) {
    prepare(store);
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
            vec!["530602".to_string()],
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

/// Yesterday 08:00–10:59 at the outlet: SO2 40, 40, 20 at 6 % O2 (an exceedance 08:00–10:00), rolled up.
async fn exceed(server: &Server) {
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    let mut frames = Vec::new();
    for h in 8..11u32 {
        for m in 0..60u32 {
            frames.extend(flue_gas_minute(day, h, m, if h < 10 { 40.0 } else { 20.0 }));
        }
    }
    send_all(server, &frames, 180).await;
    rolled_up(server, "S01", "a21026", 8..11, 60).await;
}

fn at(h: u32) -> String {
    format!("{}T{h:02}:00:00+08:00", yesterday())
}

const EXCEEDANCES: &str = "/api/v1/exceedances?site=S01";

/// The (id, start, end) of each exceedance at S01 yesterday.
fn episodes(v: &Value) -> Vec<(i64, String, String)> {
    v["exceedances"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (e["id"].as_i64().unwrap_or(0), s("start"), s("end"))
        })
        .collect()
}

fn exceedances_path() -> String {
    let day = yesterday();
    format!(
        "{EXCEEDANCES}&from={day}T00:00:00%2B08:00&to={}T00:00:00%2B08:00",
        day.tomorrow().unwrap()
    )
}

/// Sends `body` to `path` as `token`; returns the status and the answer.
async fn call(server: &Server, method: &str, path: &str, token: &str, body: &str) -> (u16, Value) {
    let (status, _, answer) = server
        .send(
            method,
            path,
            &[
                ("Authorization", token),
                ("Content-Type", "application/json"),
            ],
            body,
        )
        .await;
    let v = serde_json::from_slice(&answer)
        .unwrap_or(Value::String(String::from_utf8_lossy(&answer).into_owned()));
    (status, v)
}

/// (kind, state) of every alarm at S01, oldest first.
async fn alarms(server: &Server) -> Vec<(String, String)> {
    let v = server.json("/api/v1/alarms?site=S01").await;
    let mut out: Vec<(String, String)> = v["alarms"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["kind"] != "offline")
        .map(|a| {
            (
                a["kind"].as_str().unwrap_or_default().to_string(),
                a["state"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    out.reverse();
    out
}

async fn wait_for_alarms(server: &Server, expected: &[(&str, &str)]) {
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, s)| (k.to_string(), s.to_string()))
        .collect();
    let mut got = Vec::new();
    for _ in 0..400 {
        got = alarms(server).await;
        if got == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(got, expected);
}

/// The notes of the newest alarm of `kind` at S01, as "event: comment".
async fn notes_of(server: &Server, kind: &str) -> Vec<String> {
    let list = server
        .json(&format!("/api/v1/alarms?site=S01&kind={kind}"))
        .await;
    let id = list["alarms"][0]["id"]
        .as_i64()
        .expect("an alarm of the kind");
    let alarm = server.json(&format!("/api/v1/alarms/{id}")).await;
    alarm["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| {
            format!(
                "{}: {}",
                n["event"].as_str().unwrap_or(""),
                n["comment"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_in_time_takes_the_exceedance_away_and_closes_its_alarm_with_the_reason() {
    let mut tokens = Tokens::new();
    let dir = tempfile::tempdir().unwrap();
    let attachments = dir.path().to_path_buf();
    let server = Server::start_with(
        move |s| s.attachments.dir = Some(attachments),
        |s, _| people(s, &mut tokens),
    )
    .await;
    let (plant, officer) = (&tokens["plant"], &tokens["officer"]);
    exceed(&server).await;
    determined(&server, &exceedances_path(), |v| episodes(v).len(), 1).await;
    wait_for_alarms(&server, &[("exceedance", "open")]).await;
    let episode = episodes(&server.json(&exceedances_path()).await);
    assert_eq!(episode.len(), 1, "{episode:?}");
    assert_eq!(
        (episode[0].1.as_str(), episode[0].2.as_str()),
        (at(8).as_str(), at(10).as_str())
    );

    // The plant marks its analyser's fault 08:00–10:00 with the repair record, before the deadline.
    let body = json!({"site": "S01", "param": "a21026", "category": "device_fault",
        "start": at(8), "end": at(10), "reason": "分析仪故障，已维修",
        "evidence": [{"name": "维修记录.pdf", "content_base64": PDF_BASE64}]});
    let (status, mark) = call(&server, "POST", "/api/v1/marks", plant, &body.to_string()).await;
    assert_eq!(status, 200, "{mark}");
    assert_eq!(
        (mark["state"].as_str(), mark["late"].as_bool()),
        (Some("submitted"), Some(false)),
        "{mark}"
    );
    let evidence = &mark["evidence"][0];
    assert_eq!(evidence["media_type"], "application/pdf");
    // Kept on disk under its digest, not in the database; served back as sent.
    let digest = evidence["digest"].as_str().unwrap();
    assert!(dir.path().join(&digest[..2]).join(digest).exists());
    let (status, _, bytes) = server
        .send(
            "GET",
            evidence["href"].as_str().unwrap(),
            &[("Authorization", officer.as_str())],
            "",
        )
        .await;
    assert_eq!((status, bytes.starts_with(b"%PDF-")), (200, true));
    let id = mark["id"].as_i64().unwrap();

    // In force at once: the episode is withdrawn and its alarm closed, naming the mark. The mark covered
    // an exceedance, so staff get a suspicious-mark alarm to review it.
    determined(&server, &exceedances_path(), episodes, vec![]).await;
    wait_for_alarms(
        &server,
        &[("exceedance", "closed"), ("suspicious_mark", "open")],
    )
    .await;
    let notes = notes_of(&server, "exceedance").await;
    assert!(
        notes.last().unwrap().starts_with("withdrawn: ")
            && notes
                .last()
                .unwrap()
                .contains(&format!("mark {id} (device_fault) by token:plant")),
        "{notes:?}"
    );
    assert!(
        notes_of(&server, "suspicious_mark").await[0]
            .contains("covers the exceedance episode of a21026")
    );

    // The enterprise cannot review its own mark; the officer accepts it, which closes the review alarm.
    let accept = format!("/api/v1/marks/{id}/accept");
    assert_eq!(call(&server, "POST", &accept, plant, "").await.0, 403);
    let (status, accepted) = call(
        &server,
        "POST",
        &accept,
        officer,
        r#"{"comment":"维修记录核实"}"#,
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["state"], "accepted");
    assert!(
        accepted["reviewed_by"]
            .as_str()
            .unwrap()
            .starts_with("token:officer")
    );
    wait_for_alarms(
        &server,
        &[("exceedance", "closed"), ("suspicious_mark", "closed")],
    )
    .await;
    assert!(
        notes_of(&server, "suspicious_mark")
            .await
            .last()
            .unwrap()
            .contains("the mark was accepted by token:officer")
    );
    // Reviewed marks are final.
    assert_eq!(
        call(
            &server,
            "POST",
            &format!("/api/v1/marks/{id}/withdraw"),
            plant,
            ""
        )
        .await
        .0,
        409
    );
    let audit = server.json("/api/v1/audit").await.to_string();
    assert!(
        audit.contains("mark_submit") && audit.contains("mark_accept"),
        "{audit}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_mark_without_evidence_is_suspicious_and_rejecting_it_restores_the_exceedance() {
    let mut tokens = Tokens::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let (plant, officer) = (&tokens["plant"], &tokens["officer"]);
    exceed(&server).await;
    wait_for_alarms(&server, &[("exceedance", "open")]).await;
    let before = episodes(&server.json(&exceedances_path()).await);
    assert_eq!(before.len(), 1, "{before:?}");

    let body = json!({"site": "S01", "category": "device_fault", "start": at(8), "end": at(11),
        "reason": "设备故障"});
    let (status, mark) = call(&server, "POST", "/api/v1/marks", plant, &body.to_string()).await;
    assert_eq!(status, 200, "{mark}");
    let id = mark["id"].as_i64().unwrap();
    determined(&server, &exceedances_path(), episodes, vec![]).await;
    wait_for_alarms(
        &server,
        &[("exceedance", "closed"), ("suspicious_mark", "open")],
    )
    .await;
    let why = notes_of(&server, "suspicious_mark").await;
    assert!(
        why[0].contains("a device_fault mark without evidence")
            && why[0].contains("covers the exceedance"),
        "{why:?}"
    );

    // Rejecting needs a reason; rejected, the mark loses its effect and the same episode comes back with a
    // new alarm.
    let reject = format!("/api/v1/marks/{id}/reject");
    let (status, answer) = call(&server, "POST", &reject, officer, "").await;
    assert_eq!(status, 400, "{answer}");
    let (status, rejected) = call(
        &server,
        "POST",
        &reject,
        officer,
        r#"{"comment":"无维修记录，标记不实"}"#,
    )
    .await;
    assert_eq!(
        (status, rejected["state"].as_str()),
        (200, Some("rejected")),
        "{rejected}"
    );
    determined(&server, &exceedances_path(), episodes, before.clone()).await;
    wait_for_alarms(
        &server,
        &[
            ("exceedance", "closed"),
            ("suspicious_mark", "closed"),
            ("exceedance", "open"),
        ],
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_mark_waits_for_approval_and_quotas_and_the_hierarchy_hold() {
    let mut tokens = Tokens::new();
    // A deadline of 0 hours: yesterday's marking closed at midnight. Faults: at most 3 hours a year.
    let server = Server::start_with(
        |s| {
            s.marks.deadline_hours = 0;
            s.marks.quota_hours =
                vec![(platform::supervision::marking::MarkCategory::DeviceFault, 3)];
        },
        |s, _| people(s, &mut tokens),
    )
    .await;
    let (plant, officer) = (&tokens["plant"], &tokens["officer"]);
    exceed(&server).await;
    wait_for_alarms(&server, &[("exceedance", "open")]).await;
    let before = episodes(&server.json(&exceedances_path()).await);

    let mark = |category: &str, from: u32, to: u32| {
        json!({"site": "S01", "param": "a21026", "category": category, "start": at(from), "end": at(to),
            "reason": "检修", "evidence": [{"name": "r.pdf", "content_base64": PDF_BASE64}]})
        .to_string()
    };
    let (status, late) = call(
        &server,
        "POST",
        "/api/v1/marks",
        plant,
        &mark("calibration", 8, 10),
    )
    .await;
    assert_eq!(status, 200, "{late}");
    assert_eq!(
        (late["state"].as_str(), late["late"].as_bool()),
        (Some("awaiting_approval"), Some(true))
    );
    // Waiting, it changes nothing: the days it covers were not queued, the episode stands.
    assert_eq!(episodes(&server.json(&exceedances_path()).await), before);
    // The hierarchy: a stopped source has no calibration; the quota: 4 fault hours of 3.
    let (status, answer) = call(
        &server,
        "POST",
        "/api/v1/marks",
        plant,
        &mark("source_stopped", 9, 11),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("a stopped source has no calibration"),
        "{answer}"
    );
    let (status, answer) = call(
        &server,
        "POST",
        "/api/v1/marks",
        plant,
        &mark("device_fault", 6, 10),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.to_string().contains("limited to 3 h a year"),
        "{answer}"
    );
    // Not whole hours, and hours not yet begun, are refused by name.
    let odd =
        mark("maintenance", 8, 9).replace(":00:00+08:00\",\"reason", ":30:00+08:00\",\"reason");
    assert_eq!(
        call(&server, "POST", "/api/v1/marks", plant, &odd).await.0,
        400
    );

    // The officer approves the late mark: now it takes the episode away.
    let id = late["id"].as_i64().unwrap();
    let (status, approved) = call(
        &server,
        "POST",
        &format!("/api/v1/marks/{id}/accept"),
        officer,
        "",
    )
    .await;
    assert_eq!(
        (status, approved["state"].as_str()),
        (200, Some("accepted")),
        "{approved}"
    );
    determined(&server, &exceedances_path(), episodes, vec![]).await;
    // It covered the episode when it was made, so it was flagged for review; approving it closed that.
    wait_for_alarms(
        &server,
        &[("exceedance", "closed"), ("suspicious_mark", "closed")],
    )
    .await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_past_its_marking_deadline_is_confirmed() {
    let mut tokens = Tokens::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    // Three days ago (past the default deadline, the end of the next day) and yesterday (still open).
    let old = yesterday().yesterday().unwrap().yesterday().unwrap();
    let mut frames = Vec::new();
    for m in 0..60u32 {
        frames.extend(flue_gas_minute(old, 8, m, 20.0));
        frames.extend(flue_gas_minute(yesterday(), 8, m, 20.0));
    }
    send_all(&server, &frames, 120).await;
    let tiers = |day: jiff::civil::Date| {
        format!(
            "/api/v1/sites/S01/series?param=a21026&interval=realtime&from={day}T08:00:00%2B08:00&to={day}T09:00:00%2B08:00"
        )
    };
    let tier_set = |v: &Value| {
        let mut t: Vec<String> = v["values"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x["tier"].as_str().unwrap_or_default().to_string())
            .collect();
        t.dedup();
        t
    };
    determined(
        &server,
        &tiers(old),
        tier_set,
        vec!["validated".to_string()],
    )
    .await;
    let open = server.json(&tiers(yesterday())).await;
    assert_eq!(tier_set(&open), vec!["preliminary".to_string()], "{open}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_explains_the_silence_it_covers_and_not_the_one_after() {
    let mut tokens = Tokens::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let plant = &tokens["plant"];
    // The logger reports 08:00–08:59 and 10:15–11:59: silent for 75 minutes between, and since 12:00.
    let day = yesterday();
    let mut frames = Vec::new();
    for i in (8 * 60..9 * 60).chain(10 * 60 + 15..12 * 60) {
        frames.extend(flue_gas_minute(day, i / 60, i % 60, 20.0));
    }
    send_all(&server, &frames, 165).await;
    let spans = |v: &Value| -> Vec<(String, String)> {
        let mut s: Vec<(String, String)> = v["alarms"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| {
                let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                (s("episode_start"), s("state"))
            })
            .collect();
        s.sort();
        s
    };
    let offline = "/api/v1/alarms?site=S01&kind=offline";
    let starts = |v: &Value| spans(v).into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    let found = determined(&server, offline, starts, vec![at(9), at(12)]).await;
    let silence = found["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["episode_start"] == at(9))
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    // The plant marks the link down 09:00–11:00: that silence is explained, the one since 12:00 is not.
    let body = json!({"site": "S01", "category": "comm_outage", "start": at(9), "end": at(11),
        "reason": "运营商光缆中断"});
    let (status, mark) = call(&server, "POST", "/api/v1/marks", plant, &body.to_string()).await;
    assert_eq!(status, 200, "{mark}");
    let after = server.json(offline).await;
    assert_eq!(
        spans(&after),
        vec![
            (at(9), "resolved".to_string()),
            (at(12), "open".to_string())
        ],
        "{after}"
    );
    let alarm = server.json(&format!("/api/v1/alarms/{silence}")).await;
    let last = alarm["notes"].as_array().unwrap().last().unwrap().clone();
    // Cleared by the mark, or (a silence that stopped clears by itself) explained after clearing.
    assert!(
        last["event"] == "cleared" || last["event"] == "explained",
        "{alarm}"
    );
    assert_eq!(
        last["comment"],
        format!(
            "explained by mark {} (comm_outage): 运营商光缆中断",
            mark["id"]
        )
    );
    server.stop().await;
}
