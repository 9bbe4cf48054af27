//! The public portal over real HTTP on a database seeded with the demo city: every page, both languages,
//! figures that match the standards engine, the bulletin downloads, grey sites with their cause.

mod support;

use standards::aqi::{HourlyMethod, HourlyReadings, HourlyRules, Level, hourly_aqi};
use standards::{Concentration, Pollutant};
use support::{SILENT_SITE, STALE_SITE, Server, header, ingest_hour, seed};

const PAGES: [&str; 5] = ["/", "/air", "/water", "/bulletin", "/emitters"];

async fn seeded() -> (Server, i64, u16) {
    let now = jiff::Timestamp::now().as_second();
    let hour = now - now.rem_euclid(3600);
    // A02's current hour arrives through the frame path and the platform's rollups.
    let values = [
        ("a34004", 82.0),
        ("a34002", 120.0),
        ("a21026", 9.0),
        ("a21004", 30.0),
        ("a21005", 0.8),
        ("a05024", 70.0),
    ];
    let server = Server::start(|store, tz| {
        seed(store, tz, now, 40, None);
        ingest_hour(store, tz, "A02", hour, &values);
        // A03's hour in progress has too few values yet: its rollups are not valid.
        let partial: Vec<store::Rollup> =
            ["a34004", "a34002", "a21026", "a21004", "a21005", "a05024"]
                .iter()
                .map(|p| store::Rollup {
                    site_id: "A03".into(),
                    param: p.to_string(),
                    period: store::Period::Hour,
                    time: hour,
                    source: store::Interval::Realtime,
                    count: 10,
                    valid_count: 10,
                    mean: Some(30.0),
                    min: None,
                    max: None,
                    valid: false,
                })
                .collect();
        store.put_rollups(&partial, &[]).unwrap();
    })
    .await;
    let c = |p, v: f64| Concentration::new(p, standards::Decimal::from_f64(v).unwrap()).unwrap();
    let readings = HourlyReadings {
        pm2_5: Some(c(Pollutant::Pm2_5, 82.0)),
        pm10: Some(c(Pollutant::Pm10, 120.0)),
        so2: Some(c(Pollutant::So2, 9.0)),
        no2: Some(c(Pollutant::No2, 30.0)),
        co: Some(c(Pollutant::Co, 0.8)),
        o3: Some(c(Pollutant::O3, 70.0)),
        ..Default::default()
    };
    // The expected AQI straight from the standards engine on the raw concentrations, with the rules in
    // force on the hour's local date (not through the portal's own figures).
    let date = jiff::Timestamp::from_second(hour)
        .unwrap()
        .to_zoned(server.platform.tz.clone())
        .date();
    let rules = HourlyRules::for_date(date, HourlyMethod::Published);
    let expected = hourly_aqi(&rules, &readings).aqi.unwrap();
    (server, now, expected)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_both_languages() {
    let (server, now, expected_a02) = seeded().await;
    for path in PAGES {
        let (status, zh) = server.get(path).await;
        assert_eq!(status, 200, "{path}: {zh}");
        assert!(
            zh.contains(r#"<html lang="zh-CN">"#),
            "{path} defaults to Chinese"
        );
        assert!(zh.contains("演示数据"), "{path} says the data is simulated");
        assert!(
            zh.contains("<svg") || path == "/emitters",
            "{path} has its charts"
        );
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, en) = server.get(&format!("{path}{sep}lang=en")).await;
        assert_eq!(status, 200);
        assert!(en.contains(r#"<html lang="en">"#), "{path} in English");
        assert!(
            en.contains("Demo data"),
            "{path} says the data is simulated, in English"
        );
        // The language switch of the Chinese page leads to the English one and back.
        let switch = zh
            .split(r#"id="lang-switch" href=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .replace("&amp;", "&");
        assert!(switch.contains("lang=en"), "{path}: switch {switch}");
        let (_, switched) = server.get(&switch).await;
        assert!(switched.contains(r#"<html lang="en">"#));
        // Links inside an English page stay English.
        assert!(
            en.contains(r#"href="/air?lang=en""#),
            "{path}: navigation keeps the language"
        );
    }

    // The city map: one point per air station and water site with coordinates, areas from the GeoJSON.
    let (_, home) = server.get("/").await;
    let points = home.matches(r#"class="pt""#).count();
    assert_eq!(
        points,
        14 + 16,
        "14 air stations and 16 water sites on the map"
    );
    assert_eq!(
        home.matches(r#"class="area""#).count(),
        11,
        "11 schematic county areas"
    );
    // Grey sites name their cause.
    let no_data = home
        .split(r#"id="no-data""#)
        .nth(1)
        .expect("a table of sites without data");
    assert!(
        no_data.contains("数据中断") && no_data.contains("从未收到数据"),
        "causes: {}",
        &no_data[..no_data.len().min(600)]
    );
    assert!(home.contains(r##"fill="#b7bcc2""##), "grey points");
    let silent = server
        .get(&format!("/api/v1/public/stations/{SILENT_SITE}/latest"))
        .await
        .1;
    assert!(silent.contains("never_received"), "{silent}");
    // A station whose hour in progress is not yet valid shows its last complete hour.
    let a03: serde_json::Value =
        serde_json::from_str(&server.get("/api/v1/public/stations/A03/latest").await.1).unwrap();
    let hour = now - now.rem_euclid(3600);
    let previous = jiff::Timestamp::from_second(hour - 3600)
        .unwrap()
        .to_zoned(server.platform.tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    assert_eq!(a03["hour"], previous.as_str(), "{a03}");
    assert!(a03["aqi"]["aqi"].as_u64().is_some());
    let stale = server
        .get(&format!("/api/v1/public/stations/{STALE_SITE}/latest"))
        .await
        .1;
    assert!(stale.contains("\"stale\""), "{stale}");

    // A02's AQI on the air page is the engine's AQI of the values ingested.
    let (_, air) = server.get("/air?station=A02").await;
    let row = air
        .split(r#"href="/air?station=A02""#)
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains(&format!(r#"<td class="num">{expected_a02}</td>"#)),
        "A02 row: {row}"
    );
    assert!(row.contains(Level::of(expected_a02).category_zh()));
    let latest: serde_json::Value =
        serde_json::from_str(&server.get("/api/v1/public/stations/A02/latest").await.1).unwrap();
    assert_eq!(latest["aqi"]["aqi"], expected_a02);
    for id in [
        "aqi-24h",
        "pollutants-24h",
        "aqi-30d",
        "pollutants-30d",
        "calendar",
        "good-days",
        "primary",
    ] {
        assert!(air.contains(&format!(r#"id="{id}""#)), "air page has {id}");
    }
    // 24 hourly bars with tooltips in the last-24-hours chart.
    let bars24 = air
        .split(r#"id="aqi-24h""#)
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert!(
        bars24.matches("<rect class=\"mark\"").count() >= 20,
        "hourly AQI bars"
    );
    assert!(bars24.contains("<title>"));

    // Water: sections with classes, monthly grid, sources with compliance.
    let (_, water) = server.get("/water").await;
    for id in [
        "good-share",
        "sections",
        "monthly",
        "monthly-share",
        "sources",
    ] {
        assert!(
            water.contains(&format!(r#"id="{id}""#)),
            "water page has {id}"
        );
    }
    // The urban creek's own row (not the legend, which names every class) shows a class worse than III.
    let sections = &water[water.find(r#"id="sections""#).unwrap()..];
    let sections = &sections[..sections.find("</table>").unwrap()];
    let creek = sections
        .split("<tr>")
        .find(|row| row.contains("昭阳城区内河"))
        .expect("the creek has a row");
    assert!(
        [">IV类<", ">V类<", ">劣V类<"]
            .iter()
            .any(|c| creek.contains(c)),
        "the urban creek is worse than class III: {creek}"
    );

    // Emitters: oxygen-corrected values, limits, preliminary marks.
    let (_, emitters) = server.get("/emitters").await;
    assert!(
        emitters.contains("超低排放"),
        "power plants against ultra-low limits"
    );
    assert!(emitters.contains("GB 18918-2002"), "WWTPs against GB 18918");
    assert!(
        emitters.contains(r#"class="prelim""#),
        "unreviewed values are preliminary"
    );
    assert!(
        emitters.contains(r#"id="flue_gas_outlet""#)
            && emitters.contains(r#"id="wastewater_outlet""#)
    );
    assert!(emitters.contains("@O2 6%"), "reference oxygen shown");

    // 404s: HTML for pages, JSON under /api.
    let (status, body) = server.get("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(body.contains("<html"));
    let (status, body) = server.get("/api/v1/no-such").await;
    assert_eq!(status, 404);
    assert!(body.starts_with('{'));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quarterly_bulletin_page_csv_and_xlsx() {
    let (server, now, _) = seeded().await;
    let tz = server.platform.tz.clone();
    let today = platform::figures::local_date(&tz, now);
    let (year, quarter) = (today.year(), ((today.month() - 1) / 3 + 1) as u8);
    let q = format!("year={year}&quarter={quarter}");
    let (status, html) = server.get(&format!("/bulletin?{q}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="bulletin""#) && html.contains("window.print()"));
    let (status, headers, csv) = server.get_raw(&format!("/bulletin.csv?{q}")).await;
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("year,quarter,site_id,source"));
    assert_eq!(lines.len(), 1 + 3, "three drinking-water sources: {csv}");

    // The figures agree with the engine applied to the same months.
    let b = server
        .platform
        .read(move |s| platform::figures::bulletin(s, &tz, year, quarter))
        .await
        .unwrap();
    for r in &b.rows {
        assert!(r.samples >= 1, "{} has a sample this quarter", r.site.id);
        let line = lines
            .iter()
            .find(|l| l.contains(&format!(",{},", r.site.id)))
            .unwrap();
        assert!(
            line.contains(&format!(",{},{},", r.samples, r.compliant_samples)),
            "{line}"
        );
        assert!(
            r.volume_m3.unwrap() > 0.0,
            "intake volume from the flow series"
        );
    }
    let (status, headers, xlsx) = server.get_raw(&format!("/bulletin.xlsx?{q}")).await;
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .contains("spreadsheetml")
    );
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip");
    // Kept for inspection (e.g. unzip -p <file> xl/worksheets/sheet1.xml).
    std::fs::write(
        concat!(env!("CARGO_TARGET_TMPDIR"), "/bulletin.xlsx"),
        &xlsx,
    )
    .unwrap();
    assert!(xlsx.len() > 2000);
    let (_, json) = server
        .get(&format!("/api/v1/public/bulletins/drinking-water?{q}"))
        .await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["total"], 3);
    assert_eq!(v["quarter"], quarter);
    server.stop().await;
}

/// A fresh installation (no site, no data) gets every page, saying there is nothing yet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_database_pages() {
    let server = Server::start(|_, _| {}).await;
    for path in PAGES.iter().chain(
        [
            "/bulletin.csv",
            "/api/v1/public/aqi",
            "/api/v1/public/water/classes",
        ]
        .iter(),
    ) {
        let (status, body) = server.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(
            !body.contains("演示数据"),
            "{path}: nothing simulated to announce"
        );
    }
    let (_, air) = server.get("/air").await;
    assert!(air.contains("尚未登记空气监测站"));
    let (_, home) = server.get("/").await;
    assert!(
        home.contains(r#"class="area""#),
        "the map layer is drawn even without stations"
    );
    server.stop().await;
}
