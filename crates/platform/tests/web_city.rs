//! The city's figure is the mean of the configured stations (`QINGSHAN_CITY_AIR_STATIONS`), computed by
//! the standards engine: checked against the engine applied to the two stations' own latest values.

mod web_support;

use standards::aqi::{HourlyMethod, HourlyReadings, HourlyRules, hourly_aqi};
use standards::{Concentration, Decimal, Pollutant};
use web_support::{Server, seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn city_aqi_is_the_mean_of_the_configured_stations() {
    // SAFETY: set before the server starts, in the only test of this binary.
    unsafe { std::env::set_var("QINGSHAN_CITY_AIR_STATIONS", "A01, A02") };
    let now = jiff::Timestamp::now().as_second();
    let server = Server::start(|store, tz| seed(store, tz, now, 2, None)).await;
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
