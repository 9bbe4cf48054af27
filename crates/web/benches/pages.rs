//! Server time of the portal's heaviest pages, rendered straight from a seeded SQLite file (no HTTP):
//! the air page of a station with a year of hourly data (24 h / 30 d charts, the year's calendar, the
//! city's good-day ratio over 14 stations) and the home page with the city map, with the figure cache
//! empty ("cold"), due for its incremental refresh ("refresh", the steady state), and fresh ("warm").
//!
//!   cargo bench -p web --bench pages

#[path = "../../qingshan/tests/support/city.rs"]
#[allow(dead_code)]
mod city;

use platform::figures;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use store::Store;
use web::portal::{self as portal, Ctx, Lang, Targets, pages};

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let now = jiff::Timestamp::now().as_second();
    let t = Instant::now();
    {
        let mut store = store::sqlite::connect_file(&path, store::Durability::Normal).unwrap();
        city::seed(&mut store, &tz, now, 90, Some("A01"));
    }
    let store = store::sqlite::connect_file(&path, store::Durability::Normal).unwrap();
    let rollups: i64 = store
        .site_rollups("A01", store::Period::Hour, now - 366 * 86400, now + 3600)
        .unwrap()
        .len() as i64;
    println!(
        "seeded the demo city (56 sites, 90 days; A01 365 days = {rollups} hourly rollups) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let map_layer = Arc::new(portal::map_layer(None));
    let cache = Arc::new(figures::Cache::default());
    let ctx = |lang| Ctx {
        tz: tz.clone(),
        lang,
        now,
        figures: cache.clone(),
        targets: Targets::default(),
        city_air_stations: Arc::from([]),
        score_method: None,
        map_layer: map_layer.clone(),
        here: "/".into(),
    };
    let q = |k: &str, v: &str| HashMap::from([(k.to_string(), v.to_string())]);
    type R = fn(&Store, &Ctx, &HashMap<String, String>) -> store::Result<portal::Page>;
    let cases: [(&str, R, HashMap<String, String>); 5] = [
        (
            "air page, station with a year of hourly data",
            pages::air,
            q("station", "A01"),
        ),
        ("home page, city map", pages::home, HashMap::new()),
        ("water page", pages::water, HashMap::new()),
        ("drinking-water bulletin", pages::bulletin, HashMap::new()),
        ("key emitters", pages::emitters, HashMap::new()),
    ];
    // Where the cold time goes: one station's year read from the store, then turned into daily reports.
    let (y0, y1) = (now - 365 * 86400, now + 3600);
    let t = Instant::now();
    let hours = figures::air_hours(&store, "A01", y0, y1).unwrap();
    let read = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let days = figures::daily_from_hours(&tz, &hours);
    let daily = t.elapsed().as_secs_f64() * 1e3;
    println!(
        "A01, one year: {} valid hours read in {read:.1} ms, {} daily AQI reports computed in {daily:.1} ms",
        hours.len(),
        days.len()
    );
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "page (median of runs; ms)", "cold", "refresh", "warm", "warm min", "KiB"
    );
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[0])
    };
    for (name, page, query) in &cases {
        let c = ctx(Lang::Zh);
        let (mut cold, mut refresh, mut warm) = (Vec::new(), Vec::new(), Vec::new());
        let mut size = 0;
        let mut time = |v: &mut Vec<f64>| {
            let t = Instant::now();
            size = std::hint::black_box(portal::render(&store, &c, query, *page).unwrap()).len();
            v.push(t.elapsed().as_secs_f64() * 1e3);
        };
        for _ in 0..5 {
            cache.clear();
            time(&mut cold);
        }
        for _ in 0..9 {
            cache.expire();
            time(&mut refresh);
        }
        for _ in 0..15 {
            time(&mut warm);
        }
        let (w, wmin) = median(warm);
        println!(
            "{name:<44} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>8.0}",
            median(cold).0,
            median(refresh).0,
            w,
            wmin,
            size as f64 / 1024.0
        );
    }
    println!(
        "cold: figure cache empty (first request, or every {} min); refresh: cache older than {} s, \
         yesterday and today recomputed; warm: cache fresh",
        figures::cache::CACHE_REBUILD.as_secs() / 60,
        figures::cache::CACHE_TTL.as_secs()
    );
}
