//! Exceedance episodes from real HJ 212 frames over TCP, compared with figures worked out by hand: a
//! flue-gas outlet under a permit (SO2 ≤ 35 mg/m³ at 6 % O2, hourly), five hours of minute data in which
//! the O2 correction turns a compliant reading into an exceedance and a 44-minute hour is no hour at all.

mod support;

use store::{Device, Site, SiteKind};
use support::Server;
use support::device::packet;
use support::outlet::{MN, determined, prepare, problem_rows, rolled_up, send_all, yesterday};

const PERMIT: &str = r#"{"number":"P-EXCEED-1","enterprise":"E01","valid_from":"2020-01-01","valid_to":"2099-12-31",
  "outlet":[{"site":"S01","kind":"main","limit":[{"param":"a21026","limit":35,"unit":"mg/m3","averaging":"hour","reference_o2":6}]}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn episodes_from_frames_match_the_hand_computed_ones() {
    let server = Server::start(|s, _| prepare(s)).await;
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    // (SO2, O2, flag of SO2) per minute, hours 08:00–12:59 local yesterday.
    let hour = |h: u32, minute: u32| -> (f64, f64, &'static str) {
        match h {
            // 30 at 12 % O2: 30 × (21 − 6) / (21 − 12) = 50 > 35. Compliant as measured.
            8 => (30.0, 12.0, "N"),
            // 40 at 6 %: 40 > 35.
            9 => (40.0, 6.0, "N"),
            // 20: complies; ends the first episode.
            10 => (20.0, 6.0, "N"),
            // 60, but only 44 valid minutes (16 in calibration): no valid hour, not judged.
            11 => (60.0, 6.0, if minute < 44 { "N" } else { "C" }),
            // 60 at 6 %: a second episode.
            _ => (60.0, 6.0, "N"),
        }
    };
    let mut frames = Vec::new();
    for h in 8..13u32 {
        for m in 0..60u32 {
            let (so2, o2, flag) = hour(h, m);
            frames.extend(packet(
                &format!("{}{h:02}{m:02}00000", day.strftime("%Y%m%d")),
                "2011",
                MN,
                "123456",
                &format!(
                    "DataTime={}{h:02}{m:02}00;a21026-Rtd={so2},a21026-Flag={flag};a19001-Rtd={o2},a19001-Flag=N;a00000-Rtd=100,a00000-Flag=N",
                    day.strftime("%Y%m%d")
                ),
            ));
        }
    }
    send_all(&server, &frames, 300).await;
    rolled_up(&server, "S01", "a21026", 8..13, 60).await;
    rolled_up(&server, "S01", "a19001", 8..13, 60).await;

    let from = format!("{day}T00:00:00%2B08:00");
    let to = format!("{}T00:00:00%2B08:00", day.tomorrow().unwrap());
    let path = format!("/api/v1/exceedances?site=S01&from={from}&to={to}");
    let at = |h: u32| format!("{day}T{h:02}:00:00+08:00");
    let starts = |v: &serde_json::Value| -> Vec<(String, i64)> {
        v["exceedances"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["start"].as_str().unwrap_or_default().to_string(),
                    e["hours"].as_i64().unwrap_or(0),
                )
            })
            .collect()
    };
    let found = determined(&server, &path, starts, vec![(at(8), 2), (at(12), 1)]).await;
    let e = found["exceedances"].as_array().unwrap();
    // Each cites the frames it rests on.
    for episode in e {
        let (first, last) = (
            episode["evidence"]["first_journal_id"]
                .as_i64()
                .unwrap_or(0),
            episode["evidence"]["last_journal_id"].as_i64().unwrap_or(0),
        );
        assert!(0 < first && first < last, "{episode}");
    }
    assert_eq!(
        (
            e[0]["start"].as_str(),
            e[0]["end"].as_str(),
            e[0]["hours"].as_i64()
        ),
        (Some(at(8).as_str()), Some(at(10).as_str()), Some(2))
    );
    // Peak 50 (the corrected 08:00 hour), multiple (50 − 35) / 35 = 0.43.
    assert_eq!(
        (
            e[0]["peak"].as_f64(),
            e[0]["limit"].as_f64(),
            e[0]["multiple"].as_f64()
        ),
        (Some(50.0), Some(35.0), Some(0.43))
    );
    assert_eq!(
        (e[0]["averaging"].as_str(), e[0]["permit"].as_str()),
        (Some("hour"), Some("P-EXCEED-1"))
    );
    // 11:00 had 44 valid minutes: not an hour; 12:00 is an episode of its own: (60 − 35) / 35 = 0.71.
    assert_eq!(
        (
            e[1]["start"].as_str(),
            e[1]["hours"].as_i64(),
            e[1]["peak"].as_f64(),
            e[1]["multiple"].as_f64()
        ),
        (Some(at(12).as_str()), Some(1), Some(60.0), Some(0.71))
    );
    // Data problems of the same day: silence before 08:00 and after 13:00 (both parameters), the 16
    // calibration minutes; the flow unchanged from 08:00 to 13:00 (5 hours) is stuck; O2 unchanged from
    // 09:00 to 13:00 is exactly 4 hours, not more: not stuck.
    // No silence before 08:00: the logger had never reported (not a gap); the silence since 13:00 is
    // open, growing as the job sweeps.
    let next = format!("{}T00:00:00+08:00", day.tomorrow().unwrap());
    let row = |param: &str, kind: &str, start: &str, end: &str| {
        (
            param.to_string(),
            kind.to_string(),
            start.to_string(),
            end.to_string(),
        )
    };
    determined(
        &server,
        &format!("/api/v1/data-problems?site=S01&from={from}&to={to}"),
        |v| problem_rows(v, &next),
        vec![
            row("a00000", "stuck", &at(8), &at(13)),
            row(
                "a21026",
                "calibration",
                &format!("{day}T11:44:00+08:00"),
                &at(12),
            ),
            row("a00000", "gap", &at(13), "open"),
            row("a19001", "gap", &at(13), "open"),
            row("a21026", "gap", &at(13), "open"),
        ],
    )
    .await;
    // Emission quantity of SO2 that month: the valid hours' concentration × 100 m³/s × 3600 s:
    // (30 + 40 + 20 + 60) mg/m³ × 360,000 m³ = 54,000,000 mg = 0.054 t; the 44-minute hour is invalid and,
    // with a capture rate this low, HJ 75 has no substitute for it: counted, not guessed.
    let month = server
        .json(&format!(
            "/api/v1/emissions?enterprise=E01&year={}&month={}",
            day.year(),
            day.month()
        ))
        .await;
    let so2 = month["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["param"] == "a21026")
        .unwrap_or_else(|| panic!("{month}"));
    assert_eq!(
        (
            so2["measured_t"].as_f64(),
            so2["substituted_t"].as_f64(),
            so2["total_t"].as_f64()
        ),
        (Some(0.054), Some(0.0), Some(0.054)),
        "{month}"
    );
    assert!(so2["unaccounted_hours"].as_u64().unwrap() >= 1, "{month}");
    // The public emitter figures count this month's exceeding hours and episodes by the permit's limit
    // (when yesterday is in this month: on the 1st it is not).
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date();
    if today.month() == day.month() {
        let latest = server.json("/api/v1/public/stations/S01/latest").await;
        let so2 = latest
            .pointer("/latest/values")
            .or_else(|| latest.pointer("/values"))
            .and_then(|v| v.as_array())
            .and_then(|v| v.iter().find(|v| v["param"] == "a21026"))
            .unwrap_or_else(|| panic!("{latest}"));
        assert_eq!(
            (
                so2["exceedance_hours_this_month"].as_u64(),
                so2["exceedance_episodes_this_month"].as_u64()
            ),
            (Some(3), Some(2)),
            "{latest}"
        );
    }
    // The console shows the same episodes to staff.
    let staff = server
        .sign_in("harness-admin", support::ADMIN_PASSWORD)
        .await;
    let (status, _, page) = server
        .page(&staff, "/console/supervision?days=3&lang=en")
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        page.matches("permit P-EXCEED-1").count(),
        2,
        "two episodes: {page}"
    );
    assert!(page.contains("Exceedance episodes（2）"), "{page}");
    // Another parameter has no limit here; a filter on it finds nothing.
    let none = server.json(&format!("{path}&param=a21002")).await;
    assert_eq!(none["exceedances"], serde_json::json!([]));
    server.stop().await;
}

/// A wastewater outlet judged on daily means: COD 62.01 mg/L for twelve hours and 40.01 for twelve makes
/// a day of 51.01 > 50 (one episode of a day, ×0.02); NH3-N 4.01 with four fault hours still has 20
/// valid hours and complies; the day's COD is (62.01 + 40.01) × 12 × 25 L/s × 3600 s = 0.110182 t.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wastewater_outlet_is_judged_on_its_daily_mean() {
    let server = Server::start(|s, _| {
        prepare(s);
        s.upsert_site(&Site {
            id: "W01".into(),
            name: "总排口".into(),
            kind: SiteKind::WastewaterOutlet,
            county: Some("530602".into()),
            lon: None,
            lat: None,
            enterprise_id: Some("E01".into()),
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
        s.upsert_device(&Device {
            mn: "MNWATER00001".into(),
            password: "654321".into(),
            site_id: "W01".into(),
            protocol: "auto".into(),
            crc_policy: store::CrcPolicy::Strict,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        })
        .unwrap();
        for (area, tonnes) in [("530602", 0.2), ("city", 0.1)] {
            s.put_baseline(&store::Baseline {
                area: area.into(),
                param: "w01018".into(),
                base_year: 2015,
                tonnes,
                target_year: 2020,
                reduction_pct: 14.1,
                source: "test".into(),
                simulated: true,
            })
            .unwrap();
        }
    })
    .await;
    let permit = r#"{"number":"P-WATER-1","enterprise":"E01","valid_from":"2020-01-01","valid_to":"2099-12-31",
      "outlet":[{"site":"W01","kind":"main","limit":[
        {"param":"w01018","limit":50,"unit":"mg/L","averaging":"day"},
        {"param":"w21003","limit":5,"unit":"mg/L","averaging":"day"}]}]}"#;
    assert_eq!(
        server.request("POST", "/api/v1/permits", permit).await.0,
        200
    );
    let day = yesterday();
    let mut frames = Vec::new();
    for h in 0..24u32 {
        for m in 0..60u32 {
            // A wobble of 0, 0.01, 0.02 that averages 0.01 over every hour, so nothing is stuck.
            let w = f64::from(m % 3) * 0.01;
            let cod = if h < 12 { 62.0 } else { 40.0 } + w;
            let nh3_flag = if h >= 20 { "D" } else { "N" };
            let stamp = format!("{}{h:02}{m:02}00", day.strftime("%Y%m%d"));
            frames.extend(packet(
                &format!("{stamp}000"),
                "2011",
                "MNWATER00001",
                "654321",
                &format!(
                    "DataTime={stamp};w01018-Rtd={cod:.2},w01018-Flag=N;w21003-Rtd={:.2},w21003-Flag={nh3_flag};\
                     w00000-Rtd=25,w00000-Flag=N;w01001-Rtd={:.2},w01001-Flag=N",
                    4.0 + w,
                    7.5 + w
                ),
            ));
        }
    }
    send_all(&server, &frames, 1440).await;
    rolled_up(&server, "W01", "w01018", 0..24, 60).await;
    rolled_up(&server, "W01", "w21003", 0..24, 60).await;

    let from = format!("{day}T00:00:00%2B08:00");
    let to = format!("{}T00:00:00%2B08:00", day.tomorrow().unwrap());
    let path = format!("/api/v1/exceedances?site=W01&from={from}&to={to}");
    let midnight = format!("{day}T00:00:00+08:00");
    let next = format!("{}T00:00:00+08:00", day.tomorrow().unwrap());
    // What the determination says, without what only the store can know (its id, when it was found, the
    // journal ids), which are checked apart.
    let without_ids = |v: &serde_json::Value| {
        let mut v = v["exceedances"].clone();
        for e in v.as_array_mut().into_iter().flatten() {
            let e = e.as_object_mut().unwrap();
            for k in ["id", "permit_id", "found_at", "changed_at", "evidence"] {
                e.remove(k);
            }
        }
        v
    };
    let found = determined(
        &server,
        &path,
        without_ids,
        serde_json::json!([{
            "site": "W01", "param": "w01018", "start": midnight, "end": next, "hours": 24,
            "peak": 51.01, "limit": 50.0, "multiple": 0.02, "averaging": "day",
            "permit": "P-WATER-1",
            "source": "permit P-WATER-1 (2020-01-01 – 2099-12-31)",
            // Yesterday is open to the enterprise's marking until the end of today.
            "preliminary": true
        }]),
    )
    .await;
    let episode = &found["exceedances"][0];
    assert!(
        episode["permit_id"].as_i64().is_some_and(|id| id > 0),
        "{found}"
    );
    // The day's COD values came in 1,440 frames: the episode cites the first and the last.
    let evidence = &episode["evidence"];
    assert_eq!(
        evidence["last_journal_id"].as_i64().unwrap()
            - evidence["first_journal_id"].as_i64().unwrap(),
        1439,
        "{found}"
    );
    let row = |param: &str, kind: &str, start: &str, end: &str| {
        (
            param.to_string(),
            kind.to_string(),
            start.to_string(),
            end.to_string(),
        )
    };
    // The silence since midnight starts at the end of the range asked for: not in it.
    determined(
        &server,
        &format!("/api/v1/data-problems?site=W01&from={from}&to={to}"),
        |v| problem_rows(v, &next),
        vec![
            row("w00000", "stuck", &midnight, &next),
            row("w21003", "fault", &format!("{day}T20:00:00+08:00"), &next),
        ],
    )
    .await;
    let month = server
        .json(&format!(
            "/api/v1/emissions?enterprise=E01&year={}&month={}",
            day.year(),
            day.month()
        ))
        .await;
    let of = |param: &str| {
        month["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["site"] == "W01" && r["param"] == param)
            .cloned()
            .unwrap_or_else(|| panic!("{month}"))
    };
    assert_eq!(
        of("w01018")["measured_t"].as_f64(),
        Some(0.110182),
        "{month}"
    );
    // NH3-N: 20 valid hours × 4.01 mg/L × 90 m³ = 7.218 kg.
    assert_eq!(
        of("w21003")["measured_t"].as_f64(),
        Some(0.007218),
        "{month}"
    );
    // The 12 months ending with the month hold the same day.
    assert_eq!(
        of("w01018")["rolling_12m_t"].as_f64(),
        Some(0.110182),
        "{month}"
    );
    // Summed for the enterprise, its county and the whole selection (W01 is the only outlet with COD).
    for scope in ["enterprise", "county", "all"] {
        let total = month["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["scope"] == scope && t["param"] == "w01018")
            .unwrap_or_else(|| panic!("{scope}: {month}"));
        assert_eq!(
            total["total_t"].as_f64(),
            Some(0.110182),
            "{scope}: {month}"
        );
        assert!(
            total["baseline"].is_null(),
            "a month is not set against a year's baseline"
        );
    }
    // The year's county and city totals against their baselines: county 0.2 t in 2015, −14.1 % → a target
    // of 0.1718 t, met, change (0.110182 − 0.2) / 0.2 = −44.9 %; city 0.1 t, −14.1 % → 0.0859 t, missed, +10.2 %.
    let year = server
        .json(&format!("/api/v1/emissions?year={}", day.year()))
        .await;
    let cod = |scope: &str| {
        year["totals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["scope"] == scope && t["param"] == "w01018")
            .map(|t| t["baseline"].clone())
            .unwrap_or_else(|| panic!("{scope}: {year}"))
    };
    let (county, city) = (cod("county"), cod("all"));
    assert_eq!(
        year["preliminary"], true,
        "the year so far ends with a day still open to marking"
    );
    // The public emitters page shows the outlet's year to date (0.110182 t of COD, to the kilogram).
    let (status, page) = server.get("/emitters?lang=en").await;
    assert_eq!(status, 200);
    if day.year() == jiff::Zoned::now().year() {
        assert!(
            page.contains(r#"COD <span class="prelim">0.11</span>"#),
            "{page}"
        );
    }
    assert_eq!(
        (
            &county["target_t"],
            &county["change_pct"],
            &county["meets_target"],
            &county["simulated"]
        ),
        (
            &serde_json::json!(0.1718),
            &serde_json::json!(-44.9),
            &serde_json::json!(true),
            &serde_json::json!(true)
        ),
        "{year}"
    );
    assert_eq!(
        (
            &city["target_t"],
            &city["change_pct"],
            &city["meets_target"],
            &city["base_year"]
        ),
        (
            &serde_json::json!(0.0859),
            &serde_json::json!(10.2),
            &serde_json::json!(false),
            &serde_json::json!(2015)
        ),
        "{year}"
    );
    assert!(cod("enterprise").is_null(), "{year}");
    // Filtered to one enterprise, the county's total is not the county's.
    let one = server
        .json(&format!(
            "/api/v1/emissions?enterprise=E01&year={}",
            day.year()
        ))
        .await;
    assert!(
        one["totals"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["baseline"].is_null()),
        "{one}"
    );
    server.stop().await;
}

/// Determinations are made again when late data arrive and when the permit changes: a silence filled
/// later is withdrawn, and a stricter permit version turns compliant hours into an episode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn determinations_follow_late_data_and_permit_changes() {
    let server = Server::start(|s, _| prepare(s)).await;
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    let frame = |h: u32, m: u32| {
        let stamp = format!("{}{h:02}{m:02}00", day.strftime("%Y%m%d"));
        // SO2 30 at 6 % O2 complies with 35; a wobble keeps every value from being stuck.
        let w = f64::from(m % 3) * 0.01;
        packet(
            &format!("{stamp}000"),
            "2011",
            MN,
            "123456",
            &format!(
                "DataTime={stamp};a21026-Rtd={:.2},a21026-Flag=N;a19001-Rtd={:.2},a19001-Flag=N;a00000-Rtd={:.2},a00000-Flag=N",
                30.0 + w,
                6.0 + w,
                100.0 + w
            ),
        )
    };
    let minutes = |from: u32, to: u32| (from..to).map(|i| (i / 60, i % 60));
    // 08:00–08:59 and 10:15–11:59: a silence of 75 minutes, longer than the 60 allowed.
    let mut first = Vec::new();
    for (h, m) in minutes(8 * 60, 9 * 60).chain(minutes(10 * 60 + 15, 12 * 60)) {
        first.extend(frame(h, m));
    }
    send_all(&server, &first, 60 + 105).await;
    let at = |h: u32, m: u32| format!("{day}T{h:02}:{m:02}:00+08:00");
    let from = format!("{day}T00:00:00%2B08:00");
    let to = format!("{}T00:00:00%2B08:00", day.tomorrow().unwrap());
    let problems = format!("/api/v1/data-problems?site=S01&from={from}&to={to}");
    let next = format!("{}T00:00:00+08:00", day.tomorrow().unwrap());
    let gaps = |v: &serde_json::Value| -> Vec<(String, String, String)> {
        problem_rows(v, &next)
            .into_iter()
            .filter(|(_, kind, _, _)| kind == "gap")
            .map(|(param, _, start, end)| (param, start, end))
            .collect()
    };
    let silence = |param: &str, start: String, end: String| (param.to_string(), start, end);
    let before = determined(
        &server,
        &problems,
        gaps,
        vec![
            silence("a00000", at(9, 0), at(10, 15)),
            silence("a19001", at(9, 0), at(10, 15)),
            silence("a21026", at(9, 0), at(10, 15)),
            silence("a00000", at(12, 0), "open".into()),
            silence("a19001", at(12, 0), "open".into()),
            silence("a21026", at(12, 0), "open".into()),
        ],
    )
    .await;
    let gap_id = before["problems"][0]["id"].as_i64().unwrap();

    // The missing minutes arrive late: the silence is gone from what is determined.
    let mut late = Vec::new();
    for (h, m) in minutes(9 * 60, 10 * 60 + 15) {
        late.extend(frame(h, m));
    }
    send_all(&server, &late, 75).await;
    rolled_up(&server, "S01", "a21026", 8..12, 60).await;
    let after = determined(
        &server,
        &problems,
        gaps,
        vec![
            silence("a00000", at(12, 0), "open".into()),
            silence("a19001", at(12, 0), "open".into()),
            silence("a21026", at(12, 0), "open".into()),
        ],
    )
    .await;
    assert!(
        after["problems"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != gap_id),
        "withdrawn: {after}"
    );
    let exceedances = format!("/api/v1/exceedances?site=S01&from={from}&to={to}");
    assert_eq!(
        server.json(&exceedances).await["exceedances"],
        serde_json::json!([])
    );

    // A new version of the permit from yesterday on, 25 instead of 35: the four hours exceed.
    let stricter = PERMIT
        .replace(
            "\"valid_from\":\"2020-01-01\"",
            &format!("\"valid_from\":\"{day}\""),
        )
        .replace("\"limit\":35", "\"limit\":25");
    assert_eq!(
        server.request("POST", "/api/v1/permits", &stricter).await.0,
        200
    );
    let episodes = |v: &serde_json::Value| -> Vec<(String, String, i64, f64)> {
        v["exceedances"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["start"].as_str().unwrap_or_default().to_string(),
                    e["end"].as_str().unwrap_or_default().to_string(),
                    e["hours"].as_i64().unwrap_or(0),
                    e["limit"].as_f64().unwrap_or(0.0),
                )
            })
            .collect()
    };
    let found = determined(
        &server,
        &exceedances,
        episodes,
        vec![(at(8, 0), at(12, 0), 4, 25.0)],
    )
    .await;
    assert_eq!(found["exceedances"][0]["permit"], "P-EXCEED-1", "{found}");
    server.stop().await;
}
