//! Server time of the portal's heaviest pages, rendered straight from a seeded SQLite file (no HTTP):
//! the air page of a station with a year of hourly data (24 h / 30 d charts, the year's calendar, the
//! city's good-day ratio over 14 stations) and the home page with the city map. "cold" drops the
//! short-lived figure cache before every render (the first visitor after it expires); "warm" keeps it.
//!
//!   cargo bench -p platform --bench pages

#[path = "../tests/web_support/mod.rs"]
mod web_support;

use platform::web::{self, Ctx, Lang, Targets, pages};
use std::collections::HashMap;
use std::time::Instant;
use store::Store;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let now = jiff::Timestamp::now().as_second();
    let t = Instant::now();
    {
        let mut store = Store::open(&path, store::Durability::Normal).unwrap();
        web_support::seed(&mut store, &tz, now, 90, Some("A01"));
    }
    let store = Store::open_reader(&path).unwrap();
    let rollups: i64 = store
        .site_rollups("A01", store::Period::Hour, now - 366 * 86400, now + 3600)
        .unwrap()
        .len() as i64;
    println!(
        "seeded the demo city (56 sites, 90 days; A01 365 days = {rollups} hourly rollups) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let ctx = |lang| Ctx {
        tz: tz.clone(),
        lang,
        now,
        cache_key: path.display().to_string(),
        targets: Targets {
            air_good_days_pct: 97.2,
            water_good_pct: 95.0,
        },
        here: "/".into(),
    };
    let q = |k: &str, v: &str| HashMap::from([(k.to_string(), v.to_string())]);
    type R = fn(&Store, &Ctx, &HashMap<String, String>) -> store::Result<web::Page>;
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
    println!(
        "{:<48} {:>10} {:>10} {:>10} {:>9}",
        "page", "cold med", "warm med", "warm min", "HTML KiB"
    );
    for (name, page, query) in &cases {
        let c = ctx(Lang::Zh);
        let mut cold = Vec::new();
        let mut warm = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            web::data::clear_cache();
            let t = Instant::now();
            size = web::render(&store, &c, query, *page).unwrap().len();
            cold.push(t.elapsed().as_secs_f64() * 1e3);
        }
        for _ in 0..15 {
            let t = Instant::now();
            std::hint::black_box(web::render(&store, &c, query, *page).unwrap());
            warm.push(t.elapsed().as_secs_f64() * 1e3);
        }
        cold.sort_by(f64::total_cmp);
        warm.sort_by(f64::total_cmp);
        println!(
            "{name:<48} {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>9.0}",
            cold[cold.len() / 2],
            warm[warm.len() / 2],
            warm[0],
            size as f64 / 1024.0
        );
    }
}
