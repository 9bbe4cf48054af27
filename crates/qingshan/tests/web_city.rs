//! The city's figure is the mean of the configured stations (`portal.city_air_stations`), computed by
//! the standards engine: checked against the engine applied to the two stations' own latest values. And
//! the portal's settings belong to each platform: two servers in one process each see their own.

mod support;

use standards::aqi::{HourlyMethod, HourlyReadings, HourlyRules, hourly_aqi};
use standards::{Concentration, Decimal, Pollutant};
use std::time::Duration;
use support::{Server, header, seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn city_aqi_is_the_mean_of_the_configured_stations() {
    let now = jiff::Timestamp::now().as_second();
    let server = Server::start_with(
        |s| s.portal.city_air_stations = vec!["A01".into(), "A02".into()],
        |store, tz| seed(store, tz, now, 2, None),
    )
    .await;
    let json = |body: String| serde_json::from_str::<serde_json::Value>(&body).unwrap();
    let a01 = json(server.get("/api/v1/public/stations/A01/latest").await.1);
    let a02 = json(server.get("/api/v1/public/stations/A02/latest").await.1);
    assert_eq!(a01["hour"], a02["hour"]);
    let mean = |code: &str, p: Pollutant| {
        let v = (a01["values"][code]["value"].as_f64().unwrap()
            + a02["values"][code]["value"].as_f64().unwrap())
            / 2.0;
        Some(Concentration::new(p, Decimal::from_f64(v).unwrap()).unwrap())
    };
    let readings = HourlyReadings {
        so2: mean("a21026", Pollutant::So2),
        no2: mean("a21004", Pollutant::No2),
        co: mean("a21005", Pollutant::Co),
        o3: mean("a05024", Pollutant::O3),
        pm10: mean("a34002", Pollutant::Pm10),
        pm2_5: mean("a34004", Pollutant::Pm2_5),
        ..Default::default()
    };
    let hour: jiff::Timestamp = a01["hour"].as_str().unwrap().parse().unwrap();
    let day = hour.to_zoned(server.platform.tz.clone()).date();
    let expected = hourly_aqi(
        &HourlyRules::for_date(day, HourlyMethod::Published),
        &readings,
    );
    let city = json(server.get("/api/v1/public/aqi").await.1);
    assert_eq!(
        city["city"]["aqi"].as_u64(),
        expected.aqi.map(u64::from),
        "{}",
        city["city"]
    );
    let (_, home) = server.get("/").await;
    assert!(
        home.contains("2 个站点浓度均值计算"),
        "the home page names the basis"
    );
    assert!(
        home.contains(&format!(r#">{}</div>"#, expected.aqi.unwrap())),
        "the home page shows the city AQI"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_platform_has_its_own_portal_settings() {
    let now = jiff::Timestamp::now().as_second();
    let layer_dir = tempfile::tempdir().unwrap();
    let geojson = layer_dir.path().join("counties.geojson");
    std::fs::write(
        &geojson,
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name_zh": "试验县", "name_pinyin": "Shiyan Xian"},
            "geometry": {"type": "Polygon", "coordinates": [[[103.0, 27.0], [104.0, 27.0], [104.0, 28.0], [103.0, 27.0]]]}}]}"#,
    )
    .unwrap();
    let configured = Server::start_with(
        |s| {
            let p = &mut s.portal;
            p.city_air_stations = vec!["A01".into(), "A02".into(), "A03".into()];
            p.map_geojson = Some(geojson.clone());
            p.air_good_days_target_pct = 88.5;
            p.water_good_target_pct = 77.5;
            p.public_rate_limit = 5;
            p.public_rate_window = Duration::from_secs(30);
        },
        |store, tz| seed(store, tz, now, 2, None),
    )
    .await;
    let default = Server::start(|store, tz| seed(store, tz, now, 2, None)).await;

    let area = |name: &str| format!(r#"class="area-name" text-anchor="middle">{name}</text>"#);
    let (_, home) = configured.get("/").await;
    assert!(home.contains("3 个站点浓度均值计算"), "city stations");
    assert!(
        home.contains(&area("试验县")) && !home.contains(&area("巧家县")),
        "map layer"
    );
    assert!(home.contains("目标 77.5%"), "water target");
    let (_, air) = configured.get("/air?station=A01").await;
    assert!(air.contains("目标 88.5%"), "air target");
    let (_, headers, _) = configured.get_raw("/api/v1/public/stations").await;
    assert_eq!(header(&headers, "ratelimit-limit"), Some("5"));

    let (_, home) = default.get("/").await;
    assert!(home.contains("14 个站点浓度均值计算"), "every air station");
    assert!(
        home.contains(&area("巧家县")) && !home.contains(&area("试验县")),
        "demo layer"
    );
    assert!(home.contains("目标 95%"), "default water target");
    let (_, air) = default.get("/air?station=A01").await;
    assert!(air.contains("目标 97.2%"), "default air target");
    let (_, headers, _) = default.get_raw("/api/v1/public/stations").await;
    assert_eq!(header(&headers, "ratelimit-limit"), Some("300"));

    configured.stop().await;
    default.stop().await;
}
