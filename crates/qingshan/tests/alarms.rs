//! Alarms from real HJ 212 frames over TCP: an exceedance raises one alarm (not one per hour), nobody
//! acknowledges it and it goes to the city, people move alarms through their lifecycle through the API
//! (audited, kept to their jurisdiction and role), and a permit change that withdraws the episode closes
//! its alarm.

mod support;

use platform::accounts::{NewAccount, Role};
use serde_json::Value;
use store::{County, Scopes};
use support::Server;
use support::outlet::{determined, flue_gas_minute, prepare, rolled_up, send_all, yesterday};
use support::webhook::{Received, receiver};

const PASSWORD: &str = "Alarm-tests-2026";

const PERMIT: &str = r#"{"number":"P-ALARM-1","enterprise":"E01","valid_from":"2020-01-01","valid_to":"2099-12-31",
  "outlet":[{"site":"S01","kind":"main","limit":[{"param":"a21026","limit":35,"unit":"mg/m3","averaging":"hour","reference_o2":6}]}]}"#;

/// The registry of `prepare`, another county, and accounts with their tokens (name → token).
fn people(store: &mut store::Store, tokens: &mut std::collections::HashMap<&'static str, String>) {
    prepare(store);
    store
        .upsert_county(&County {
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
            "elsewhere",
            Role::CountyOfficer,
            vec!["530621".to_string()],
            vec![],
        ),
        (
            "officer",
            Role::CountyOfficer,
            vec!["530602".to_string()],
            vec![],
        ),
        ("duty", Role::CityStaff, vec![], vec![]),
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
        let email = format!("{name}@hbj.example");
        platform::accounts::set_email(store, &actor, name, Some(&email)).unwrap();
        let (_, token) =
            platform::accounts::create_token(store, &actor, name, "test", None, None).unwrap();
        tokens.insert(name, format!("Bearer {}", token.0));
    }
}

fn kinds(v: &Value) -> Vec<(String, String, String)> {
    v["alarms"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
            (s("kind"), s("param"), s("state"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exceedance_raises_one_alarm_that_escalates_and_is_handled() {
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start_with(
        |s| s.alarms.escalate_after_minutes = 0,
        |s, _| people(s, &mut tokens),
    )
    .await;
    let (plant, elsewhere, officer) = (&tokens["plant"], &tokens["elsewhere"], &tokens["officer"]);
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    let mut frames = Vec::new();
    // 08:00–10:59: SO2 40, 40, 20 at 6 % O2; two hours over 35, one episode.
    for h in 8..11u32 {
        for m in 0..60u32 {
            frames.extend(flue_gas_minute(day, h, m, if h < 10 { 40.0 } else { 20.0 }));
        }
    }
    send_all(&server, &frames, 180).await;
    rolled_up(&server, "S01", "a21026", 8..11, 60).await;
    let at = |h: u32| format!("{day}T{h:02}:00:00+08:00");
    let list = "/api/v1/alarms?kind=exceedance";
    // One alarm for the two exceeding hours, at the city once the escalation time (0 here) has passed.
    let found = determined(
        &server,
        list,
        |v| {
            v["alarms"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                    (
                        s("param"),
                        s("severity"),
                        s("state"),
                        s("level"),
                        s("episode_start"),
                        s("episode_end"),
                    )
                })
                .collect::<Vec<_>>()
        },
        vec![(
            "a21026".to_string(),
            "high".to_string(),
            "open".to_string(),
            "city".to_string(),
            at(8),
            at(10),
        )],
    )
    .await;
    let id = found["alarms"][0]["id"].as_i64().unwrap();
    let alarm = format!("/api/v1/alarms/{id}");
    // The silence since 11:00 of the whole logger raised one offline alarm beside it, not one per
    // parameter.
    let all = server.json("/api/v1/alarms").await;
    assert_eq!(
        kinds(&all),
        vec![
            ("offline".to_string(), "*".to_string(), "open".to_string()),
            (
                "exceedance".to_string(),
                "a21026".to_string(),
                "open".to_string()
            ),
        ],
        "{all}"
    );

    // Jurisdiction and role: the enterprise reads its alarm but cannot handle it; an officer of another
    // county does not see it.
    let (status, _, body) = server
        .send("GET", list, &[("Authorization", plant.as_str())], "")
        .await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains(&format!("\"id\":{id}")));
    let (status, _, _) = server
        .send(
            "POST",
            &format!("{alarm}/ack"),
            &[("Authorization", plant.as_str())],
            "",
        )
        .await;
    assert_eq!(
        status, 403,
        "an enterprise user marks, it does not handle alarms"
    );
    let (status, _, body) = server
        .send("GET", list, &[("Authorization", elsewhere.as_str())], "")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["alarms"],
        serde_json::json!([])
    );
    assert_eq!(
        server
            .send("GET", &alarm, &[("Authorization", elsewhere.as_str())], "")
            .await
            .0,
        403
    );

    // The county's officer acknowledges it; closing before resolving is refused and says why.
    let (status, _, body) = server
        .send(
            "POST",
            &format!("{alarm}/ack"),
            &[
                ("Authorization", officer.as_str()),
                ("Content-Type", "application/json"),
            ],
            r#"{"comment":"called the plant"}"#,
        )
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (status, _, body) = server
        .send(
            "POST",
            &format!("{alarm}/close"),
            &[("Authorization", officer.as_str())],
            "",
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        String::from_utf8_lossy(&body).contains("an alarm that is acknowledged cannot take close"),
        "{}",
        String::from_utf8_lossy(&body)
    );

    // A new permit version from yesterday on with 50 instead of 35: the episode is withdrawn, and its
    // alarm closes by itself with the reason.
    let looser = PERMIT
        .replace(
            "\"valid_from\":\"2020-01-01\"",
            &format!("\"valid_from\":\"{day}\""),
        )
        .replace("\"limit\":35", "\"limit\":50");
    assert_eq!(
        server.request("POST", "/api/v1/permits", &looser).await.0,
        200
    );
    let closed = determined(
        &server,
        &alarm,
        |v| v["state"].as_str().unwrap_or_default().to_string(),
        "closed".to_string(),
    )
    .await;
    let notes: Vec<(String, String)> = closed["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                // The actor as the audit log names it: `token:NAME#ID@ADDRESS`, here without the rest.
                n["actor"]
                    .as_str()
                    .unwrap_or_default()
                    .split('#')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                n["event"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            ("system".to_string(), "opened".to_string()),
            ("system".to_string(), "escalated".to_string()),
            ("token:officer".to_string(), "ack".to_string()),
            ("system".to_string(), "withdrawn".to_string()),
        ],
        "{closed}"
    );
    assert_eq!(closed["notes"][2]["comment"], "called the plant");

    // A person resolves and closes the offline alarm; each step is in the audit log.
    let gap = server.json("/api/v1/alarms?kind=offline&state=open").await["alarms"][0]["id"]
        .as_i64()
        .unwrap();
    for (step, body) in [
        ("resolve", r#"{"comment":"analyser replaced"}"#),
        ("close", ""),
    ] {
        let (status, _, answer) = server
            .send(
                "POST",
                &format!("/api/v1/alarms/{gap}/{step}"),
                &[
                    ("Authorization", officer.as_str()),
                    ("Content-Type", "application/json"),
                ],
                body,
            )
            .await;
        assert_eq!(status, 200, "{step}: {}", String::from_utf8_lossy(&answer));
    }
    let audit = server.json("/api/v1/audit?limit=50").await;
    let text = audit.to_string();
    for action in ["alarm_ack", "alarm_resolve", "alarm_close"] {
        assert!(text.contains(action), "{action}: {audit}");
    }
    assert!(text.contains("analyser replaced"), "{audit}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_gets_one_signed_delivery_retried_after_a_failure() {
    const SECRET: &str = "webhook-secret-for-tests";
    let (url, got) = receiver().await;
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start_with(
        |s| {
            s.alarms.webhook_url = Some(url.clone());
            s.alarms.webhook_secret = Some(SECRET.into());
            s.alarms.webhook_retry_s = 1;
        },
        |s, _| people(s, &mut tokens),
    )
    .await;
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    let mut frames = Vec::new();
    for h in 8..10u32 {
        for m in 0..60u32 {
            frames.extend(flue_gas_minute(day, h, m, 40.0));
        }
    }
    send_all(&server, &frames, 120).await;
    rolled_up(&server, "S01", "a21026", 8..10, 60).await;
    // The exceedance's delivery: refused once, delivered on the retry, a second later.
    let alarm = determined(
        &server,
        "/api/v1/alarms?kind=exceedance",
        |v| v["alarms"].as_array().map_or(0, Vec::len),
        1,
    )
    .await;
    let id = alarm["alarms"][0]["id"].as_i64().unwrap();
    let one = determined(
        &server,
        &format!("/api/v1/alarms/{id}"),
        |v| {
            v["deliveries"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| {
                    (
                        d["event"].as_str().unwrap_or_default().to_string(),
                        d["attempts"].as_i64(),
                        d["delivered_at"].is_string(),
                        d["last_error"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        },
        vec![("opened".to_string(), Some(2), true, "HTTP 500".to_string())],
    )
    .await;
    let delivery = one["deliveries"][0]["id"].as_i64().unwrap().to_string();
    // The receiver got the same delivery twice, each signed over its exact body.
    let received = got.lock().await.clone();
    let ours: Vec<&Received> = received
        .iter()
        .filter(|(h, _)| {
            h.iter()
                .any(|(k, v)| k == "x-qingshan-delivery" && *v == delivery)
        })
        .collect();
    assert_eq!(ours.len(), 2, "{received:?}");
    for (headers, body) in ours {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        assert_eq!(
            header("x-qingshan-signature"),
            platform::alarms::notify::signature(SECRET, body.as_bytes()),
            "{body}"
        );
        assert_eq!(header("content-type"), "application/json");
        let json: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (
                &json["event"],
                &json["alarm"]["kind"],
                &json["alarm"]["site"],
                &json["alarm"]["county"]
            ),
            (
                &serde_json::json!("opened"),
                &serde_json::json!("exceedance"),
                &serde_json::json!("S01"),
                &serde_json::json!("530602")
            ),
            "{body}"
        );
    }
    // Nothing secret went out: not the webhook key, not a device password.
    for (headers, body) in &received {
        assert!(!body.contains(SECRET) && !format!("{headers:?}").contains(SECRET));
        assert!(!body.contains("123456"), "{body}");
    }
    server.stop().await;
}

/// The console's alarm queue: counts and rows for the county's officer and the enterprise, nothing for
/// another county, exports, and a step taken through the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_queue_lists_exports_and_acts_within_the_jurisdiction() {
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let day = yesterday();
    // One hour of data, then silence: the logger is offline (one alarm, not one per parameter).
    let mut frames = Vec::new();
    for m in 0..60u32 {
        frames.extend(flue_gas_minute(day, 8, m, 20.0));
    }
    send_all(&server, &frames, 60).await;
    determined(
        &server,
        "/api/v1/alarms",
        kinds,
        vec![("offline".to_string(), "*".to_string(), "open".to_string())],
    )
    .await;

    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, page) = server.page(&officer, "/console/alarms?lang=en").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(r#"<div class="big" id="count-open">1</div>"#),
        "{page}"
    );
    assert_eq!(page.matches("logger offline</td>").count(), 1, "{page}");
    let (_, _, home) = server.page(&officer, "/console?lang=en").await;
    assert!(
        home.contains(r#"<div class="big" id="alarms">1</div>"#),
        "{home}"
    );
    let plant = server.sign_in("plant", PASSWORD).await;
    let (_, _, theirs) = server.page(&plant, "/console/alarms?lang=en").await;
    assert!(
        theirs.contains(r#"id="count-open">1<"#),
        "the enterprise sees its own: {theirs}"
    );
    assert!(!theirs.contains(r#"id="act""#), "and has no lifecycle form");
    let elsewhere = server.sign_in("elsewhere", PASSWORD).await;
    let (_, _, none) = server.page(&elsewhere, "/console/alarms?lang=en").await;
    assert!(none.contains("No alarm matches."), "{none}");

    // Exports hold the same rows.
    let (status, _, csv) = server
        .page(&officer, "/console/alarms.csv?kind=offline")
        .await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("id,severity,kind,site,site_name,county,param,opened"),
        "{csv}"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains(",offline,S01,") && l.contains(",open,")),
        "{csv}"
    );
    let (status, headers, xlsx) = server
        .send(
            "GET",
            "/console/alarms.xlsx",
            &[("Cookie", officer.as_str())],
            "",
        )
        .await;
    assert_eq!((status, &xlsx[..2]), (200, &b"PK"[..]));
    assert!(
        support::header(&headers, "content-disposition")
            .unwrap_or_default()
            .contains("alarms.xlsx")
    );

    // The officer acknowledges one through the form; the enterprise may not, even with a valid token.
    let id = server.json("/api/v1/alarms?kind=offline").await["alarms"][0]["id"]
        .as_i64()
        .unwrap();
    let path = format!("/console/alarms/{id}");
    let (_, _, one) = server.page(&officer, &format!("{path}?lang=en")).await;
    assert!(
        one.contains(r#"value="ack""#) && !one.contains(r#"value="close""#),
        "{one}"
    );
    let csrf = support::csrf_of(&one);
    let (status, location, _) = server
        .post_form(
            &officer,
            &path,
            &[
                ("csrf", &csrf),
                ("do", "ack"),
                ("comment", "site visit booked"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(format!("{path}?saved=1").as_str()))
    );
    let (_, _, after) = server.page(&officer, &format!("{path}?lang=en")).await;
    assert!(
        after.contains(r#"<dd id="state">acknowledged</dd>"#),
        "{after}"
    );
    assert!(after.contains("site visit booked"), "{after}");
    let (_, _, theirs) = server.page(&plant, &format!("{path}?lang=en")).await;
    let csrf = support::csrf_of(&theirs);
    let (status, _, _) = server
        .post_form(&plant, &path, &[("csrf", &csrf), ("do", "resolve")])
        .await;
    assert_eq!(status, 403);
    server.stop().await;
}

/// A re-send that changes a stored value is kept beside it, never applied (issue 10), and raises a
/// high alarm citing the re-sending frame, which does not clear by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflicting_resend_raises_an_alarm_that_a_person_resolves() {
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let day = yesterday();
    let first: Vec<u8> = (0..60u32)
        .flat_map(|m| flue_gas_minute(day, 8, m, 20.0))
        .collect();
    send_all(&server, &first, 60).await;
    // 08:30 again with SO2 5 lower, and a new minute after it (its data queue the day again).
    let mut again = flue_gas_minute(day, 8, 30, 15.0);
    again.extend(flue_gas_minute(day, 9, 0, 20.0));
    send_all(&server, &again, 2).await;
    let found = determined(
        &server,
        "/api/v1/alarms?kind=conflict",
        kinds,
        vec![(
            "conflict".to_string(),
            "a21026".to_string(),
            "open".to_string(),
        )],
    )
    .await;
    let alarm = &found["alarms"][0];
    assert_eq!(alarm["severity"], "high", "{found}");
    assert_eq!(
        alarm["episode_start"],
        format!("{day}T08:30:00+08:00"),
        "{found}"
    );
    // The first value stands.
    let series = server
        .json(&format!(
            "/api/v1/sites/S01/series?param=a21026&from={day}T08:30:00%2B08:00&to={day}T08:31:00%2B08:00"
        ))
        .await;
    assert_eq!(
        series["values"][0]["value"].as_f64(),
        Some(20.0),
        "{series}"
    );
    // Not a parameter's data problem.
    let span = format!(
        "from={day}T00:00:00%2B08:00&to={}T00:00:00%2B08:00",
        day.tomorrow().unwrap()
    );
    let problems = server
        .json(&format!("/api/v1/data-problems?site=S01&{span}"))
        .await;
    assert!(!problems.to_string().contains("conflict"), "{problems}");
    server.stop().await;
}

/// A rule the county's officer defines (SO2 above 30 for two hours, below the permit's 35) raises its
/// own alarm with its severity; disabled, the alarm closes; the enterprise may not define rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_rule_raises_its_own_alarm_until_disabled() {
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let (officer, plant) = (&tokens["officer"], &tokens["plant"]);
    let json = [("Content-Type", "application/json")];
    let rule = r#"{"site":"S01","param":"a21026","condition":"above","value":30,"hours":2,"severity":"low","note":"early warning"}"#;
    let (status, _, _) = server
        .send(
            "POST",
            "/api/v1/alarm-rules",
            &[json[0], ("Authorization", plant.as_str())],
            rule,
        )
        .await;
    assert_eq!(
        status, 403,
        "an enterprise user does not define alarm rules"
    );
    let (status, _, body) = server
        .send(
            "POST",
            "/api/v1/alarm-rules",
            &[json[0], ("Authorization", officer.as_str())],
            rule,
        )
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let created: Value = serde_json::from_slice(&body).unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created["describe"],
        format!("a21026 above 30 for 2 h (rule #{id})")
    );
    let (status, _, body) = server
        .send(
            "POST",
            "/api/v1/alarm-rules",
            &[json[0], ("Authorization", officer.as_str())],
            r#"{"site":"S01","param":"a21026","condition":"sideways","value":1}"#,
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        String::from_utf8_lossy(&body)
            .contains(r#"condition \"sideways\" is not one of above, below, rise"#)
    );

    // Three hours at 33 mg/m³ (6 % O2): under the permit, over the rule.
    let day = yesterday();
    let frames: Vec<u8> = (8..11u32)
        .flat_map(|h| (0..60u32).map(move |m| (h, m)))
        .flat_map(|(h, m)| flue_gas_minute(day, h, m, 33.0))
        .collect();
    send_all(&server, &frames, 180).await;
    let kind = format!("rule:{id}");
    let found = determined(
        &server,
        &format!("/api/v1/alarms?kind={kind}"),
        |v| {
            v["alarms"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    let s = |k: &str| a[k].as_str().unwrap_or_default().to_string();
                    (
                        s("severity"),
                        s("state"),
                        s("episode_start"),
                        s("episode_end"),
                    )
                })
                .collect::<Vec<_>>()
        },
        vec![(
            "low".to_string(),
            "open".to_string(),
            format!("{day}T08:00:00+08:00"),
            format!("{day}T11:00:00+08:00"),
        )],
    )
    .await;
    let alarm = found["alarms"][0]["id"].as_i64().unwrap();
    assert!(
        server.json("/api/v1/alarms?kind=exceedance").await["alarms"]
            .as_array()
            .unwrap()
            .is_empty(),
        "the permit is not exceeded"
    );

    // Disabled: the rule stays, its alarm closes with the reason.
    let (status, _, body) = server
        .send(
            "POST",
            &format!("/api/v1/alarm-rules/{id}/disable"),
            &[("Authorization", officer.as_str())],
            "",
        )
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    determined(
        &server,
        &format!("/api/v1/alarms/{alarm}"),
        |v| v["state"].as_str().unwrap_or_default().to_string(),
        "closed".to_string(),
    )
    .await;
    let rules = server.json("/api/v1/alarm-rules").await;
    assert_eq!(rules["rules"][0]["disabled"], true, "{rules}");
    let audit = server.json("/api/v1/audit?limit=20").await.to_string();
    assert!(
        audit.contains("upsert_alarm_rule") && audit.contains("disable_alarm_rule"),
        "{audit}"
    );
    server.stop().await;
}

/// Alarm rules in the console: the officer defines one through the form (a bad value is named), sees it
/// listed and disables it; the enterprise user reads the list without the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_defined_and_disabled_in_the_console() {
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start(|s, _| people(s, &mut tokens)).await;
    let officer = server.sign_in("officer", PASSWORD).await;
    let (status, _, page) = server.page(&officer, "/console/alarm-rules?lang=en").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(r#"id="new-rule""#), "{page}");
    let csrf = support::csrf_of(&page);
    let form = |value: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("site", "S01".to_string()),
            ("param", "a21026".to_string()),
            ("condition", "above".to_string()),
            ("value", value.to_string()),
            ("hours", "2".to_string()),
            ("severity", "high".to_string()),
        ]
    };
    let bad = form("thirty");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, answer) = server
        .post_form(&officer, "/console/alarm-rules?lang=en", &bad)
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.contains("value &quot;thirty&quot; is not a number"),
        "{answer}"
    );
    let good = form("30");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, location, _) = server
        .post_form(&officer, "/console/alarm-rules", &good)
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/console/alarm-rules?saved=1"))
    );
    let (_, _, listed) = server.page(&officer, "/console/alarm-rules?lang=en").await;
    assert!(
        listed.contains("a21026 above 30 for 2 h (rule #1)"),
        "{listed}"
    );
    let plant = server.sign_in("plant", PASSWORD).await;
    let (_, _, theirs) = server.page(&plant, "/console/alarm-rules?lang=en").await;
    assert!(
        theirs.contains("(rule #1)") && !theirs.contains(r#"id="new-rule""#),
        "{theirs}"
    );
    let (status, location, _) = server
        .post_form(
            &officer,
            "/console/alarm-rules/1",
            &[("csrf", &csrf), ("do", "disable")],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/console/alarm-rules?saved=1"))
    );
    let rules = server.json("/api/v1/alarm-rules").await;
    assert_eq!(rules["rules"][0]["disabled"], true, "{rules}");
    server.stop().await;
}

/// A message the SMTP sink took: (MAIL FROM, RCPT TO, the data as sent).
type Mail = (String, String, String);

/// A real SMTP server on loopback that accepts every message and keeps it.
async fn smtp_sink() -> (String, std::sync::Arc<tokio::sync::Mutex<Vec<Mail>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay = listener.local_addr().unwrap().to_string();
    let mails = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::<Mail>::new()));
    let keep = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let keep = keep.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut read = BufReader::new(read);
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let (mut from, mut to, mut data, mut in_data) =
                    (String::new(), String::new(), String::new(), false);
                loop {
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            keep.lock()
                                .await
                                .push((from.clone(), to.clone(), data.clone()));
                            let _ = write.write_all(b"250 2.0.0 queued\r\n").await;
                        } else {
                            data.push_str(&line);
                        }
                        continue;
                    }
                    let answer: &[u8] = match line.get(..4).unwrap_or("") {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "MAIL" => {
                            from = line[10..].trim().trim_matches(['<', '>']).to_string();
                            b"250 ok\r\n"
                        }
                        "RCPT" => {
                            to = line[8..].trim().trim_matches(['<', '>']).to_string();
                            b"250 ok\r\n"
                        }
                        "DATA" => {
                            in_data = true;
                            data.clear();
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"502 what\r\n",
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (relay, mails)
}

/// RFC 4648 base64, decoded (for the subject and the text of the mails).
fn unbase64(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let (mut n, mut out) = (0, Vec::new());
    for c in text.bytes().filter(|c| ALPHABET.contains(c)) {
        bits = (bits << 6) | ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A new exceedance alarm is e-mailed to the county's officer and the enterprise (not another county's
/// officer, not the city); escalated, to the city's duty staff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarm_emails_follow_jurisdiction_and_role() {
    let (relay, mails) = smtp_sink().await;
    let mut tokens = std::collections::HashMap::new();
    let server = Server::start_with(
        |s| {
            s.alarms.smtp_relay = Some(relay.clone());
            s.alarms.smtp_from = "alarms@hbj.example".into();
            s.alarms.escalate_after_minutes = 0;
            s.alarms.webhook_retry_s = 1;
        },
        |s, _| people(s, &mut tokens),
    )
    .await;
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    let frames: Vec<u8> = (8..10u32)
        .flat_map(|h| (0..60u32).map(move |m| (h, m)))
        .flat_map(|(h, m)| flue_gas_minute(day, h, m, 40.0))
        .collect();
    send_all(&server, &frames, 120).await;
    let id = determined(
        &server,
        "/api/v1/alarms?kind=exceedance",
        |v| v["alarms"].as_array().map_or(0, Vec::len),
        1,
    )
    .await["alarms"][0]["id"]
        .as_i64()
        .unwrap();
    // Every e-mail of the alarm delivered, as its delivery log says.
    determined(
        &server,
        &format!("/api/v1/alarms/{id}"),
        |v| {
            let mut got: Vec<(String, bool)> = v["deliveries"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|d| d["channel"] == "email")
                .map(|d| {
                    (
                        d["event"].as_str().unwrap_or_default().to_string(),
                        d["delivered_at"].is_string(),
                    )
                })
                .collect();
            got.sort();
            got
        },
        vec![
            ("escalated".to_string(), true),
            ("opened".to_string(), true),
            ("opened".to_string(), true),
        ],
    )
    .await;
    let mails = mails.lock().await.clone();
    let about = |to: &str| -> Vec<String> {
        mails
            .iter()
            .filter(|(_, rcpt, _)| rcpt == to)
            .map(|(_, _, data)| {
                let subject = data
                    .lines()
                    .find_map(|l| l.strip_prefix("Subject: =?UTF-8?B?"))
                    .and_then(|s| s.strip_suffix("?="))
                    .map(unbase64)
                    .unwrap_or_default();
                let text = unbase64(data.split("\r\n\r\n").nth(1).unwrap_or_default());
                format!("{subject}\n{text}")
            })
            .filter(|m| m.contains("exceedance"))
            .collect()
    };
    let (officer, plant, duty) = (
        about("officer@hbj.example"),
        about("plant@hbj.example"),
        about("duty@hbj.example"),
    );
    assert_eq!(
        (officer.len(), plant.len(), duty.len()),
        (1, 1, 1),
        "{mails:?}"
    );
    assert!(
        officer[0].contains("新告警 / new alarm: exceedance S01 a21026"),
        "{officer:?}"
    );
    assert!(
        officer[0].contains("点位 / site: S01 1号锅炉排口"),
        "{officer:?}"
    );
    assert!(duty[0].contains("escalated to the city"), "{duty:?}");
    assert!(
        about("elsewhere@hbj.example").is_empty(),
        "another county's officer is not told"
    );
    assert!(
        mails
            .iter()
            .all(|(from, _, _)| from == "alarms@hbj.example")
    );
    server.stop().await;
}
