//! Execution reports from real HJ 212 frames: an enterprise's quarter and its county's month in the
//! console (page and XLSX), figures worked out by hand, and the report kept to the jurisdiction.

mod support;

use platform::accounts::{NewAccount, Role};
use store::{County, Scopes};
use support::device::packet;
use support::outlet::{MN, determined, prepare, rolled_up, send_all, yesterday};
use support::{ADMIN_PASSWORD, Server};

const PASSWORD: &str = "Reports-test-2026";

/// A permit with SO2 ≤ 35 mg/m³ at 6 % O2 (hourly) and 10 t a year.
const PERMIT: &str = r#"{"number":"P-REPORT-1","enterprise":"E01","valid_from":"2020-01-01","valid_to":"2099-12-31",
  "outlet":[{"site":"S01","kind":"main","limit":[{"param":"a21026","limit":35,"unit":"mg/m3","averaging":"hour","reference_o2":6}],
  "annual":[{"param":"a21026","tonnes":10}]}]}"#;

fn people(store: &mut store::Store) {
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
    for (name, role, scopes) in [
        (
            "elsewhere",
            Role::CountyOfficer,
            Scopes {
                counties: vec!["530621".into()],
                ..Scopes::default()
            },
        ),
        (
            "plant",
            Role::EnterpriseUser,
            Scopes {
                enterprises: vec!["E01".into()],
                ..Scopes::default()
            },
        ),
    ] {
        let new = NewAccount {
            name: name.into(),
            role,
            scopes,
            password: PASSWORD.into(),
            must_change_password: false,
        };
        platform::accounts::create_account(store, &actor, &new).unwrap();
    }
}

/// Yesterday 08:00–10:59: SO2 40, 40, 20 mg/m³ at 6 % O2 with 100 m³/s of flue gas. Two hours over 35
/// make one episode of 2 hours; the mass is (40 + 40 + 20) mg/m³ × 360,000 m³ = 36 kg = 0.036 t.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enterprise_quarter_and_a_county_month_from_frames() {
    let server = Server::start(|s, _| people(s)).await;
    assert_eq!(
        server.request("POST", "/api/v1/permits", PERMIT).await.0,
        200
    );
    let day = yesterday();
    let mut frames = Vec::new();
    for h in 8..11u32 {
        for m in 0..60u32 {
            let stamp = format!("{}{h:02}{m:02}00", day.strftime("%Y%m%d"));
            let so2 = if h < 10 { 40.0 } else { 20.0 };
            // A wobble on the flow (0, 0.01, 0.02 averaging 0.01) keeps it from being stuck; SO2 and O2
            // change every hour or run for less than the stuck threshold.
            let w = f64::from(m % 3) * 0.01;
            frames.extend(packet(
                &format!("{stamp}000"),
                "2011",
                MN,
                "123456",
                &format!(
                    "DataTime={stamp};a21026-Rtd={so2},a21026-Flag=N;a19001-Rtd=6,a19001-Flag=N;a00000-Rtd={:.2},a00000-Flag=N",
                    100.0 - 0.01 + w
                ),
            ));
        }
    }
    send_all(&server, &frames, 180).await;
    rolled_up(&server, "S01", "a21026", 8..11, 60).await;
    let at = |h: u32| format!("{day}T{h:02}:00:00+08:00");
    let span = format!(
        "from={day}T00:00:00%2B08:00&to={}T00:00:00%2B08:00",
        day.tomorrow().unwrap()
    );
    determined(
        &server,
        &format!("/api/v1/exceedances?site=S01&{span}"),
        |v| {
            v["exceedances"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e["start"].as_str().unwrap_or_default().to_string(),
                        e["hours"].as_i64(),
                    )
                })
                .collect::<Vec<_>>()
        },
        vec![(at(8), Some(2))],
    )
    .await;

    let quarter = (day.month() - 1) / 3 + 1;
    let staff = server.sign_in("harness-admin", ADMIN_PASSWORD).await;
    let report = format!(
        "/console/reports?enterprise=E01&year={}&quarter={quarter}&lang=en",
        day.year()
    );
    let (status, _, page) = server.page(&staff, &report).await;
    assert_eq!(status, 200, "{page}");
    // SO2: 3 valid hours, 2 exceeding in 1 episode, 0.036 t measured, nothing substituted (HJ 75 gives
    // no substitute at this capture rate), 10 t permitted.
    let so2 = r#"<td>SO2</td><td class="num">"#;
    let row = page
        .split("<tr>")
        .find(|r| r.contains(so2))
        .unwrap_or_else(|| panic!("no SO2 line: {page}"));
    assert!(
        row.contains(r#"<td class="num">3</td><td class="num">2</td><td class="num">1</td><td class="num">0.036</td><td class="num">0</td><td class="num">0.036</td><td class="num">10</td>"#),
        "{row}"
    );
    assert!(
        page.contains("Preliminary"),
        "yesterday is still open to marking: {page}"
    );

    // The same as a workbook.
    let (status, headers, xlsx) = server
        .send(
            "GET",
            &report.replace("/console/reports?", "/console/reports.xlsx?"),
            &[("Cookie", staff.as_str())],
            "",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip");
    let disposition = support::header(&headers, "content-disposition").unwrap_or_default();
    assert!(
        disposition.contains(&format!(
            "execution-report-E01-{}-Q{quarter}.xlsx",
            day.year()
        )),
        "{disposition}"
    );

    // The county's month for the bureau holds the same line.
    let county = format!(
        "/console/reports?county=530602&year={}&month={}&lang=en",
        day.year(),
        day.month()
    );
    let (status, _, page) = server.page(&staff, &county).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("S01 1号锅炉排口"), "{page}");
    assert!(
        page.contains(r#"<td class="num">2</td><td class="num">1</td><td class="num">0.036</td>"#),
        "{page}"
    );

    // The enterprise sees its own quarter, not the county; an officer of another county sees neither.
    let plant = server.sign_in("plant", PASSWORD).await;
    assert_eq!(server.page(&plant, &report).await.0, 200);
    assert_eq!(server.page(&plant, &county).await.0, 403);
    let elsewhere = server.sign_in("elsewhere", PASSWORD).await;
    assert_eq!(server.page(&elsewhere, &report).await.0, 403);
    assert_eq!(server.page(&elsewhere, &county).await.0, 403);
    // A period that is not one is named.
    let (status, _, page) = server
        .page(
            &staff,
            "/console/reports?enterprise=E01&year=2026&quarter=5&lang=en",
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        page.contains("quarter &quot;5&quot; is not valid"),
        "{page}"
    );
    server.stop().await;
}
