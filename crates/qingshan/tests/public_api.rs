//! The open data API over real HTTP: JSON and CSV, paging, series, AQI, water classes, rate limiting.

mod support;

use platform::Settings;
use std::time::Duration;
use support::{Server, header, seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_data_json_csv_paging_and_rate_limit() {
    // 13 requests per minute: enough for the checks below, then the limit is hit on purpose.
    let now = jiff::Timestamp::now().as_second();
    let rate = |s: &mut Settings| {
        s.portal.public_rate_limit = 13;
        s.portal.public_rate_window = Duration::from_secs(60);
    };
    let server = Server::start_with(rate, |store, tz| {
        seed(store, tz, now, 3, None);
        let old = (now - now.rem_euclid(3600)) - 5 * 86400;
        support::device_hours(
            store,
            "A01",
            old,
            3,
            &[
                ("a34004", 40.0),
                ("a34002", 60.0),
                ("a21026", 8.0),
                ("a21004", 20.0),
                ("a21005", 0.6),
                ("a05024", 50.0),
            ],
        );
    })
    .await;
    let get_json = |path: &'static str| {
        let server = &server;
        async move {
            let (status, headers, body) = server.get_raw(path).await;
            assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
            (
                headers,
                serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
            )
        }
    };

    // 1. Paging: 56 demo sites, 20 per page.
    let (headers, page1) = get_json("/api/v1/public/stations?per_page=20").await;
    assert_eq!(page1["total"], 56);
    assert_eq!(page1["data"].as_array().unwrap().len(), 20);
    assert_eq!(page1["next"], "/api/v1/public/stations?per_page=20&page=2");
    assert_eq!(header(&headers, "x-total-count"), Some("56"));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    assert!(header(&headers, "link").unwrap().contains("rel=\"next\""));
    assert_eq!(header(&headers, "ratelimit-limit"), Some("13"));
    assert_eq!(header(&headers, "ratelimit-remaining"), Some("12"));
    assert!(
        header(&headers, "ratelimit-reset")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            <= 60
    );
    // 2.
    let (_, page3) = get_json("/api/v1/public/stations?per_page=20&page=3").await;
    assert_eq!(page3["data"].as_array().unwrap().len(), 16);
    assert!(page3["next"].is_null());
    assert_eq!(page3["data"][0]["simulated"], true);

    // 3. CSV of the same list.
    let (status, headers, csv) = server
        .get_raw("/api/v1/public/stations?kind=air_station&format=csv")
        .await;
    assert_eq!(status, 200);
    assert!(
        header(&headers, "content-type")
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with("id,name,kind,county,lon,lat,enterprise_id,simulated\r\n"));
    assert_eq!(csv.lines().count(), 1 + 14);

    // 4. Hourly series of one parameter: the last day by default (24 or 25 hours).
    let (_, hourly) = get_json("/api/v1/public/stations/A01/hourly?param=a34004").await;
    let n = hourly["total"].as_u64().unwrap();
    assert!((23..=25).contains(&n), "{n} hours");
    assert_eq!(hourly["data"][0]["param"], "a34004");
    assert!(
        hourly["data"][0]["time"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );

    // 5. Daily series.
    let (_, daily) = get_json("/api/v1/public/stations/W01/daily?param=w21003").await;
    assert!(daily["total"].as_u64().unwrap() >= 3);

    // 6. Hourly AQI of a station agrees with the engine applied to its hourly means.
    let (_, aqi) = get_json("/api/v1/public/stations/A01/aqi?per_page=1").await;
    let row = &aqi["data"][0];
    let pm25 = row["pm2_5"].as_f64().unwrap();
    let sub = standards::aqi::iaqi(
        standards::aqi::AqiVersion::Hj633_2026,
        standards::aqi::Indicator::Pm2_5Day,
        standards::Concentration::new(
            standards::Pollutant::Pm2_5,
            standards::Decimal::from_f64(pm25).unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(
        row["aqi"].as_u64().unwrap() >= sub.value as u64,
        "AQI is at least the PM2.5 sub-index"
    );

    // 7. City AQI and station states.
    let (_, city) = get_json("/api/v1/public/aqi").await;
    assert!(city["city"]["aqi"].as_u64().is_some());
    assert_eq!(city["total"], 14);

    // 8. Water classes.
    let (_, water) = get_json("/api/v1/public/water/classes").await;
    assert_eq!(water["total"], 16);
    let w16 = water["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "W16")
        .unwrap();
    assert!(w16["class"].is_string());

    // 9. Bad parameters answer 400 in JSON (and still count).
    let (status, _, body) = server.get_raw("/api/v1/public/stations?per_page=0").await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    // 10.
    let (status, _, _) = server.get_raw("/api/v1/public/stations/NOPE/latest").await;
    assert_eq!(status, 404);
    // 11. Hourly series include the device's own hourly values where no rollup exists.
    let old = (now - now.rem_euclid(3600)) - 5 * 86400;
    let from = jiff::Timestamp::from_second(old).unwrap();
    let to = jiff::Timestamp::from_second(old + 3 * 3600).unwrap();
    let (status, _, body) = server
        .get_raw(&format!(
            "/api/v1/public/stations/A01/hourly?param=a34004&from={from}&to={to}"
        ))
        .await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["total"], 3, "{v}");
    assert_eq!(v["data"][0]["source"], "device");
    assert_eq!(v["data"][0]["mean"], 40.0);
    assert_eq!(v["data"][0]["valid"], true);
    // 12.
    let (headers, _) = get_json("/api/v1/public/stations?per_page=1").await;
    assert_eq!(header(&headers, "ratelimit-remaining"), Some("1"));

    // 13. A logger that uploads only hourly data (CN 2061) is shown from those values where no rollup
    // exists: three hours five days back, before the seeded rollups.
    let old = (now - now.rem_euclid(3600)) - 5 * 86400;
    let ts = |t: i64| jiff::Timestamp::from_second(t).unwrap().to_string();
    let path = format!(
        "/api/v1/public/stations/A01/aqi?from={}&to={}",
        ts(old),
        ts(old + 3 * 3600)
    );
    let (status, headers, body) = server.get_raw(&path).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(header(&headers, "ratelimit-remaining"), Some("0"));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["total"], 3, "{v}");
    assert_eq!(v["data"][0]["pm2_5"], 40.0);
    assert!(v["data"][2]["aqi"].as_u64().is_some());

    // 14: over the limit — 429 with the headers and Retry-After.
    let (status, headers, body) = server.get_raw("/api/v1/public/stations").await;
    assert_eq!(status, 429, "{}", String::from_utf8_lossy(&body));
    assert_eq!(header(&headers, "ratelimit-limit"), Some("13"));
    assert_eq!(header(&headers, "ratelimit-remaining"), Some("0"));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    let retry: u64 = header(&headers, "retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(
        header(&headers, "ratelimit-reset")
            .unwrap()
            .parse::<u64>()
            .unwrap(),
        retry
    );
    assert!(String::from_utf8_lossy(&body).contains("rate limit"));
    // The portal's pages count against the same budget: a page, in the page's language, says so.
    let (status, page) = server.get("/?lang=en").await;
    assert_eq!(status, 429);
    assert!(
        page.contains("<html lang=\"en\"") && page.contains("rate limit"),
        "{page}"
    );
    server.stop().await;
}
