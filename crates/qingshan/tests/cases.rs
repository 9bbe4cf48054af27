//! Cases through the API on a real server: an alarm escalated into a case keeps its link both ways, the
//! case goes through the chain (accepted, assigned with its clock, the enterprise's feedback, verified,
//! a penalty proposed by the county and decided by the city, closed) with every step in its history and
//! the audit log, each step refused to whoever the lifecycle or the jurisdiction does not allow.

mod support;

use platform::accounts::{NewAccount, Role};
use serde_json::{Value, json};
use store::{County, Scopes};
use support::Server;
use support::outlet::prepare;

const PASSWORD: &str = "Case-tests-2026";

type Tokens = std::collections::HashMap<&'static str, String>;

fn people(store: &mut store::Store, tokens: &mut Tokens, alarm: &mut i64) {
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
    let now = jiff::Timestamp::now().as_second();
    *alarm = store
        .put_alarm(&store::Alarm {
            id: 0,
            kind: "exceedance".into(),
            severity: "high".into(),
            site_id: "S01".into(),
            param: Some("a21026".into()),
            determination_id: None,
            state: "acknowledged".into(),
            level: "county".into(),
            opened_at: now - 7200,
            episode_start: now - 3 * 3600,
            episode_end: now - 3600,
            changed_at: now - 3600,
            case_id: None,
            mark_id: None,
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
            vec!["530602".to_string()],
            vec![],
        ),
        (
            "elsewhere",
            Role::CountyOfficer,
            vec!["530621".to_string()],
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
        let (_, token) =
            platform::accounts::create_token(store, &actor, name, "test", None, None).unwrap();
        tokens.insert(name, format!("Bearer {}", token.0));
    }
}

async fn call(server: &Server, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let (status, _, answer) = server
        .send(
            method,
            path,
            &[
                ("Authorization", token),
                ("Content-Type", "application/json"),
            ],
            &body,
        )
        .await;
    let v = serde_json::from_slice(&answer)
        .unwrap_or(Value::String(String::from_utf8_lossy(&answer).into_owned()));
    (status, v)
}

fn today() -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escalated_alarm_becomes_a_case_that_goes_through_the_chain() {
    let (mut tokens, mut alarm) = (Tokens::new(), 0);
    let server = Server::start(|s, _| people(s, &mut tokens, &mut alarm)).await;
    let (plant, officer, elsewhere, duty) = (
        tokens["plant"].as_str(),
        tokens["officer"].as_str(),
        tokens["elsewhere"].as_str(),
        tokens["duty"].as_str(),
    );
    // The enterprise may not escalate; the county's officer does, once.
    let escalate = format!("/api/v1/alarms/{alarm}/escalate");
    assert_eq!(
        call(&server, "POST", &escalate, plant, Value::Null).await.0,
        403
    );
    let (status, case) = call(
        &server,
        "POST",
        &escalate,
        officer,
        json!({"comment": "连续两小时超标"}),
    )
    .await;
    assert_eq!(status, 200, "{case}");
    let id = case["id"].as_i64().unwrap();
    let notice = today()
        .checked_add(jiff::Span::new().days(15))
        .unwrap()
        .to_string();
    assert_eq!(
        (
            case["state"].as_str(),
            case["source_ref"].as_str(),
            case["county"].as_str(),
            case["due"].as_str(),
            case["clock"].as_str()
        ),
        (
            Some("created"),
            Some(format!("alarm:{alarm}").as_str()),
            Some("530602"),
            Some(notice.as_str()),
            Some("on_time")
        ),
        "{case}"
    );
    // The alarm links to the case and says so in its history; a second escalation is refused.
    let a = server.json(&format!("/api/v1/alarms/{alarm}")).await;
    assert_eq!(a["case_id"], id, "{a}");
    assert_eq!(
        a["notes"].as_array().unwrap().last().unwrap()["comment"],
        format!("escalated into case {id}")
    );
    assert_eq!(
        call(&server, "POST", &escalate, officer, Value::Null)
            .await
            .0,
        409
    );

    // Jurisdiction: another county's officer neither sees nor moves it; the enterprise sees it, not more.
    let path = format!("/api/v1/cases/{id}");
    assert_eq!(
        call(&server, "GET", &path, elsewhere, Value::Null).await.0,
        403
    );
    assert_eq!(
        call(
            &server,
            "POST",
            &format!("{path}/accept"),
            elsewhere,
            Value::Null
        )
        .await
        .0,
        403
    );
    let (_, list) = call(&server, "GET", "/api/v1/cases", elsewhere, Value::Null).await;
    assert_eq!(list["cases"], json!([]));
    assert_eq!(call(&server, "GET", &path, plant, Value::Null).await.0, 200);
    assert_eq!(
        call(
            &server,
            "POST",
            &format!("{path}/accept"),
            plant,
            Value::Null
        )
        .await
        .0,
        403
    );

    // The chain, step by step; each refusal names why.
    let step = |action: &str, token: &str, body: Value| {
        let url = format!("{path}/{action}");
        let (server, token) = (&server, token.to_string());
        async move { call(server, "POST", &url, &token, body).await }
    };
    let (status, answer) = step("decline", officer, json!({"reason_code": "because"})).await;
    assert_eq!(status, 400, "{answer}");
    let (status, accepted) = step("accept", officer, Value::Null).await;
    assert_eq!(
        (status, accepted["state"].as_str()),
        (200, Some("accepted")),
        "{accepted}"
    );
    assert_eq!(accepted["accepted_on"], today().to_string());
    let (status, answer) = step("close", officer, Value::Null).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("a case that is accepted cannot take close"),
        "{answer}"
    );
    let (status, assigned) = step(
        "assign",
        officer,
        json!({"unit": "昭阳分局", "assignee": "officer"}),
    )
    .await;
    assert_eq!(
        (status, assigned["state"].as_str()),
        (200, Some("assigned")),
        "{assigned}"
    );
    let handling = today()
        .checked_add(jiff::Span::new().days(60))
        .unwrap()
        .to_string();
    assert_eq!(assigned["due"], handling, "60 days from acceptance");
    let (status, fed) = step(
        "feedback",
        plant,
        json!({"comment": "已更换脱硫剂并恢复运行"}),
    )
    .await;
    assert_eq!(
        (status, fed["state"].as_str()),
        (200, Some("feedback")),
        "{fed}"
    );
    assert_eq!(
        step("verify", officer, Value::Null).await.0,
        400,
        "founded is required"
    );
    assert_eq!(
        step("verify", officer, json!({"founded": true})).await.0,
        200
    );
    assert_eq!(step("propose_penalty", officer, Value::Null).await.0, 200);
    let decision =
        json!({"number": "昭环罚〔2026〕12号", "amount": 120000, "measures": "责令改正，罚款"});
    let (status, answer) = step("decide_penalty", officer, decision.clone()).await;
    assert_eq!(status, 409, "only the city decides: {answer}");
    let (status, decided) = step("decide_penalty", duty, decision).await;
    assert_eq!(
        (status, decided["penalty_amount"].as_f64()),
        (200, Some(120000.0)),
        "{decided}"
    );
    let (status, closed) = step("close", officer, json!({"comment": "整改到位"})).await;
    assert_eq!(
        (status, closed["state"].as_str(), closed["clock"].as_str()),
        (200, Some("closed"), Some("none")),
        "{closed}"
    );

    let (_, case) = call(&server, "GET", &path, officer, Value::Null).await;
    let actions: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "accept",
            "assign",
            "feedback",
            "verify",
            "propose_penalty",
            "decide_penalty",
            "close"
        ]
    );
    let audit = server.json("/api/v1/audit").await.to_string();
    for a in [
        "case_create",
        "case_accept",
        "case_decide_penalty",
        "case_close",
    ] {
        assert!(audit.contains(a), "{a} is not in the audit log");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_case_is_told_once_through_the_webhook() {
    let (url, got) = support::webhook::receiver().await;
    let (mut tokens, mut alarm) = (Tokens::new(), 0);
    let yesterday = today().yesterday().unwrap().to_string();
    let mut case_id = 0;
    let server = Server::start_with(
        |s| {
            s.alarms.webhook_url = Some(url.clone());
            s.alarms.webhook_secret = Some("case-webhook-secret".into());
        },
        |s, _| {
            people(s, &mut tokens, &mut alarm);
            // Accepted two weeks ago and due yesterday: overdue.
            case_id = s
                .put_case(&store::Case {
                    id: 0,
                    source: "inspection".into(),
                    source_ref: None,
                    subject_kind: "site".into(),
                    subject_id: Some("S01".into()),
                    site_id: Some("S01".into()),
                    enterprise_id: Some("E01".into()),
                    county: Some("530602".into()),
                    title: "现场检查发现旁路排放".into(),
                    description: "检查".into(),
                    state: "accepted".into(),
                    unit: None,
                    assignee: None,
                    due: Some(yesterday.clone()),
                    accepted_on: None,
                    founded: None,
                    penalty_number: None,
                    penalty_amount: None,
                    penalty_measures: None,
                    reason_code: None,
                    merged_into: None,
                    created_by: "test".into(),
                    created_at: jiff::Timestamp::now().as_second() - 14 * 86_400,
                    changed_at: jiff::Timestamp::now().as_second() - 14 * 86_400,
                })
                .unwrap();
        },
    )
    .await;
    // The reminders are looked at when the server starts and with every sweep after.
    let mut reminders = Vec::new();
    for _ in 0..200 {
        reminders = got
            .lock()
            .await
            .iter()
            .filter(|(_, body)| body.contains("\"case_overdue\""))
            .cloned()
            .collect();
        if !reminders.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(reminders.len(), 1, "one reminder");
    let (headers, body) = &reminders[0];
    let sent = support::header(headers, "x-qingshan-signature").unwrap();
    assert_eq!(
        sent,
        platform::alarms::notify::signature("case-webhook-secret", body.as_bytes())
    );
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        (v["case"]["id"].as_i64(), v["case"]["due"].as_str()),
        (Some(case_id), Some(yesterday.as_str()))
    );
    // The case says so in its history, and is flagged overdue in the list.
    let (_, case) = call(
        &server,
        "GET",
        &format!("/api/v1/cases/{case_id}"),
        &tokens["officer"],
        Value::Null,
    )
    .await;
    assert_eq!(case["clock"], "overdue");
    assert!(
        case["events"].to_string().contains("case_overdue: due"),
        "{case}"
    );
    let (_, overdue) = call(
        &server,
        "GET",
        "/api/v1/cases?clock=overdue",
        &tokens["officer"],
        Value::Null,
    )
    .await;
    assert_eq!(overdue["cases"].as_array().unwrap().len(), 1);
    server.stop().await;
}
