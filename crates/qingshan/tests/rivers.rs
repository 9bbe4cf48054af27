//! River chiefs through the API on a real server: a reach registered with its chiefs gives the chief's
//! account the reach; a patrol shorter than the level's minimum distance is kept and does not count; a
//! patrol's finding opens a case on the reach that only the reach's county and chiefs handle; a founded
//! water complaint and the finding on the same reach and day become one matter; a chief's order is a case
//! assigned with its responsibility list; the signboard shows the chiefs' names, never their accounts;
//! the assessment counts it all; a section below its reach's target class alarms the chiefs by e-mail.

mod support;

use platform::accounts::Role;
use serde_json::{Value, json};
use store::{County, Site, SiteKind, Waterbody, WaterbodyKind};
use support::Server;
use support::people::{Person, Tokens, call, create};

/// The chief's account name: it must never show on the public signboard.
const CHIEF: &str = "sun-chief-acct";

fn prepare(store: &mut store::Store, tokens: &mut Tokens) {
    for (code, name) in [("530602", "昭阳区"), ("530621", "鲁甸县")] {
        store
            .upsert_county(&County {
                code: code.into(),
                name: name.into(),
                name_en: None,
                lon: None,
                lat: None,
            })
            .unwrap();
    }
    store
        .upsert_waterbody(&Waterbody {
            id: "WB1".into(),
            name: "洒渔河".into(),
            name_en: None,
            kind: WaterbodyKind::River,
            basin: None,
            lon: None,
            lat: None,
        })
        .unwrap();
    store
        .upsert_site(&Site {
            id: "W1".into(),
            name: "洒渔河-出城断面".into(),
            kind: SiteKind::WaterSection,
            county: Some("530602".into()),
            lon: Some(103.75),
            lat: Some(27.30),
            enterprise_id: None,
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
    store.set_site_waterbody("W1", Some("WB1")).unwrap();
    *tokens = create(
        store,
        vec![
            Person::new(CHIEF, Role::RiverChief).email("chief@river.test"),
            Person::new("officer", Role::CountyOfficer).counties(&["530602"]),
            Person::new("elsewhere", Role::CountyOfficer).counties(&["530621"]),
            Person::new("other-chief", Role::RiverChief),
        ],
    );
}

fn rfc3339(unix: i64) -> String {
    jiff::Timestamp::from_second(unix).unwrap().to_string()
}

/// A track due east along 27.30° N from 103.70° E, `km` long (0.01° of longitude is about 989 m there).
fn track(km: f64) -> Value {
    let end = 103.70 + km / 0.989 * 0.01;
    json!({"type": "LineString", "coordinates": [[103.70, 27.30], [(103.70 + end) / 2.0, 27.30], [end, 27.30]]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_river_chief_patrols_finds_orders_and_is_assessed() {
    let mut tokens = Tokens::new();
    // An SMTP relay nobody answers: the alarm e-mails stay in the outbox, where the test reads them.
    let server = Server::start_with(
        |s| s.alarms.smtp_relay = Some("127.0.0.1:9".into()),
        |s, _| prepare(s, &mut tokens),
    )
    .await;
    let (chief, officer, elsewhere, other) = (
        tokens[CHIEF].as_str(),
        tokens["officer"].as_str(),
        tokens["elsewhere"].as_str(),
        tokens["other-chief"].as_str(),
    );
    let reach = json!({
        "id": "R1", "waterbody_id": "WB1", "name": "洒渔河昭阳段", "counties": ["530602"], "sections": ["W1"],
        "target_class": "II", "phone": "0870-12369", "start_point": "渔洞水库坝下", "end_point": "昭阳城区",
        "course": [[103.70, 27.30], [103.80, 27.30]],
        "chiefs": [{"level": "township", "name": "孙丽", "title": "洒渔镇镇长", "account": CHIEF},
                   {"level": "county", "name": "钱华", "title": "副区长"}]
    });
    // A chief's account must be a river chief's.
    let mut wrong = reach.clone();
    wrong["chiefs"][0]["account"] = json!("officer");
    let (status, body) = server
        .request("POST", "/api/v1/reaches", &wrong.to_string())
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = server
        .request("POST", "/api/v1/reaches", &reach.to_string())
        .await;
    assert_eq!(status, 200, "{body}");
    // The chief's account now has the reach: they read it and patrol it; another chief does neither.
    assert_eq!(
        call(&server, "GET", "/api/v1/reaches/R1", chief, Value::Null)
            .await
            .0,
        200
    );
    let now = jiff::Timestamp::now().as_second();
    let patrol = |km: f64, findings: Value| {
        json!({"reach": "R1", "start": rfc3339(now - 3600), "end": rfc3339(now - 3600 + 40 * 60),
               "track": track(km), "checklist": {"garbage": "ok", "new_outfall": "problem"},
               "findings": findings})
    };
    let (status, body) = call(
        &server,
        "POST",
        "/api/v1/patrols",
        other,
        patrol(3.0, json!([])),
    )
    .await;
    assert_eq!(status, 403, "{body}");

    // A township patrol of 1.5 km is kept and does not count (2 km is the township's minimum).
    let (status, short) = call(
        &server,
        "POST",
        "/api/v1/patrols",
        chief,
        patrol(1.5, json!([])),
    )
    .await;
    assert_eq!(status, 200, "{short}");
    assert_eq!(
        (&short["level"], &short["counts"]),
        (&json!("township"), &json!(false)),
        "{short}"
    );
    assert!(
        short["shortfall"].as_str().unwrap().contains("< 2000 m"),
        "{short}"
    );
    let metres = short["distance_m"].as_f64().unwrap();
    assert!((1450.0..1550.0).contains(&metres), "{short}");

    // A 3 km patrol counts; its finding, with a photo, opens a case on the reach.
    // The PNG signature and a few bytes: a photo as the content check sees it.
    let photo = "iVBORw0KGgphbiBvdXRmYWxs";
    let finding = json!([{"description": "新增排污口黑臭水外排", "lon": 103.75, "lat": 27.30,
                          "photos": [{"name": "outfall.png", "content_base64": photo}]}]);
    let (status, long) = call(
        &server,
        "POST",
        "/api/v1/patrols",
        chief,
        patrol(3.0, finding),
    )
    .await;
    assert_eq!(status, 200, "{long}");
    assert_eq!(long["counts"], json!(true), "{long}");
    let finding_case = long["cases"][0].as_i64().unwrap();
    let path = format!("/api/v1/cases/{finding_case}");
    let (status, c) = call(&server, "GET", &path, officer, Value::Null).await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(
        (
            &c["source"],
            &c["subject_kind"],
            &c["subject_id"],
            &c["county"]
        ),
        (
            &json!("patrol"),
            &json!("reach"),
            &json!("R1"),
            &json!("530602")
        )
    );
    assert_eq!(
        call(&server, "GET", &path, elsewhere, Value::Null).await.0,
        403
    );
    let store = server.store();
    assert_eq!(
        store
            .attachments_of(&format!("case:{finding_case}"))
            .unwrap()
            .len(),
        1
    );

    // A water complaint near the reach on the same day, through Open311: on the reach, in its county.
    let form = support::form(&[
        ("service_code", "water"),
        ("lat", "27.3004"),
        ("long", "103.7612"),
        ("description", "河里有黑水流出，气味很重"),
        ("phone", "13912345678"),
    ]);
    let (status, _, answer) = server
        .send("POST", "/open311/v2/requests.json", &[support::FORM], &form)
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    let (_, list) = call(&server, "GET", "/api/v1/cases", officer, Value::Null).await;
    let complaint = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"] == "complaint")
        .cloned()
        .expect("the complaint's case");
    assert_eq!(
        (&complaint["subject_kind"], &complaint["subject_id"]),
        (&json!("reach"), &json!("R1"))
    );
    let complaint_path = format!("/api/v1/cases/{}", complaint["id"]);

    // Founded: the patrol's finding is the same matter, merged into the complaint's case.
    for (step, body) in [
        ("accept", Value::Null),
        ("assign", json!({"unit": "洒渔镇", "assignee": "李强"})),
        (
            "verify",
            json!({"founded": true, "comment": "现场核实属实",
                   "attachments": [{"name": "现场照片.png", "content_base64": photo}]}),
        ),
    ] {
        let (status, body) = call(
            &server,
            "POST",
            &format!("{complaint_path}/{step}"),
            officer,
            body,
        )
        .await;
        assert_eq!(status, 200, "{step}: {body}");
    }
    let (_, merged) = call(&server, "GET", &path, officer, Value::Null).await;
    assert_eq!(
        (&merged["state"], &merged["merged_into"]),
        (&json!("merged"), &complaint["id"]),
        "{merged}"
    );
    let (_, joined) = call(&server, "GET", &complaint_path, officer, Value::Null).await;
    // The verifying officer's photo is the case's, named in its history, readable by its county only.
    let file = &joined["attachments"][0];
    assert_eq!(
        (&file["name"], &file["media_type"]),
        (&json!("现场照片.png"), &json!("image/png")),
        "{joined}"
    );
    assert!(
        joined["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "verify"
                && e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("files: 现场照片.png")),
        "{joined}"
    );
    let href = file["href"].as_str().unwrap();
    let (status, _, bytes) = server
        .send("GET", href, &[("Authorization", officer)], "")
        .await;
    assert_eq!((status, bytes.starts_with(b"\x89PNG")), (200, true));
    assert_eq!(
        server
            .send("GET", href, &[("Authorization", elsewhere)], "")
            .await
            .0,
        403
    );
    assert!(
        joined["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "joined"
                && e["detail"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("case {finding_case}"))),
        "{joined}"
    );

    // The chief issues an order: a case assigned to the unit with its responsibility list.
    let (status, order) = call(
        &server,
        "POST",
        "/api/v1/orders",
        chief,
        json!({
        "reach": "R1", "title": "清理排污口", "unit": "洒渔镇人民政府", "assignee": "李强",
        "duties": ["封堵新增排污口", "查明排污单位"]}),
    )
    .await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(
        (&order["source"], &order["state"], &order["unit"]),
        (
            &json!("order"),
            &json!("assigned"),
            &json!("洒渔镇人民政府")
        )
    );
    assert!(
        order["description"]
            .as_str()
            .unwrap()
            .contains("2. 查明排污单位"),
        "{order}"
    );
    assert_eq!(
        call(
            &server,
            "POST",
            "/api/v1/orders",
            other,
            json!({"reach": "R1", "title": "t", "unit": "u", "duties": ["d"]})
        )
        .await
        .0,
        403
    );

    // The signboard: the chiefs by level and name, the target, the phone; never an account.
    let (status, page) = server.get("/rivers?reach=R1").await;
    assert_eq!(status, 200);
    for shown in ["孙丽", "钱华", "县级河长", "乡级河长", "0870-12369", "II类"] {
        assert!(page.contains(shown), "{shown} is not on the signboard");
    }
    assert!(!page.contains(CHIEF), "the signboard shows an account name");

    // The assessment: two patrols recorded, one counted; cases on the reach; the complaint.
    let (status, a) = call(
        &server,
        "GET",
        "/api/v1/rivers/assessment",
        officer,
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{a}");
    let line = a["chiefs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "township")
        .unwrap()
        .clone();
    assert_eq!(
        (&line["patrols"], &line["complaints"], &line["cases"]),
        (&json!(2), &json!(1), &json!(2)),
        "{line}"
    );
    assert!(line["patrols_done"].as_u64().unwrap() >= 1, "{line}");
    // In the console: the assessment table names the chiefs, and downloads as a workbook.
    let cookie = server.sign_in("officer", support::people::PASSWORD).await;
    let (status, _, table) = server.page(&cookie, "/console/rivers").await;
    assert_eq!(status, 200);
    assert!(
        table.contains("乡级河长 孙丽") && table.contains("洒渔河昭阳段"),
        "{table}"
    );
    let (status, headers, xlsx) = server
        .send("GET", "/console/rivers.xlsx", &[("Cookie", &cookie)], "")
        .await;
    assert_eq!(status, 200);
    assert!(
        support::header(&headers, "content-type")
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");

    // A section below the reach's target: the day's ammonia (1.2 mg/L) is class IV, the target II.
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let yesterday = platform::figures::local_date(&tz, now).yesterday().unwrap();
    let start = platform::figures::day_start(&tz, yesterday);
    let mut store = server.store();
    let rollups: Vec<store::Rollup> = (0..24)
        .flat_map(|h| {
            [("w21003", 1.2), ("w01009", 7.5)].map(|(param, mean)| store::Rollup {
                site_id: "W1".into(),
                param: param.into(),
                period: store::Period::Hour,
                time: start + h * 3600,
                source: store::Interval::Realtime,
                count: 6,
                valid_count: 6,
                mean: Some(mean),
                min: Some(mean),
                max: Some(mean),
                valid: true,
            })
        })
        .collect();
    store.put_rollups(&rollups, &[]).unwrap();
    let settings = platform::alarms::AlarmSettings {
        smtp_relay: Some("127.0.0.1:9".into()),
        ..Default::default()
    };
    // The server's own sweep may judge the day first (it runs the same watch): one alarm either way.
    store
        .in_transaction(|s| platform::rivers::watch::watch(s, &tz, &settings, now))
        .unwrap();
    let again = store
        .in_transaction(|s| platform::rivers::watch::watch(s, &tz, &settings, now))
        .unwrap();
    assert_eq!(again, 0, "a day is judged once");
    let raised: Vec<store::Alarm> = store
        .unclosed_alarms()
        .unwrap()
        .into_iter()
        .filter(|a| a.kind == "water_target")
        .collect();
    assert_eq!(raised.len(), 1, "{raised:?}");
    let alarm = raised[0].clone();
    assert_eq!(
        (alarm.site_id.as_str(), alarm.param.as_deref()),
        ("W1", Some("w21003"))
    );
    let mailed: Vec<String> = store
        .deliveries_of(alarm.id)
        .unwrap()
        .into_iter()
        .filter_map(|d| d.recipient)
        .collect();
    assert!(
        mailed.contains(&"chief@river.test".to_string()),
        "{mailed:?}"
    );
    server.stop().await;
}
