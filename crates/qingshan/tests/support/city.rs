//! Test data for the portal: the demo city's registry (`platform::demo`) and simulated hourly and daily
//! rollups for every site, deterministic, ending at a given "now". Shared by the page tests, the open data
//! API tests, the browser test and the page benchmark.

use jiff::tz::TimeZone;
use std::collections::BTreeMap;
use store::{
    County, Device, Enterprise, FrameRecord, Interval, NewValue, Period, Rollup, Site, SiteKind,
    Store, Verdict,
};

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn seed_of(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ b as u64).wrapping_mul(1099511628211)
    })
}

/// Sites seeded without any data ("never received"), and sites whose data stops six hours before now.
pub const SILENT_SITE: &str = "W12";
pub const STALE_SITE: &str = "A13";

/// What one site reports per hour: (param, value) at local hour `h` of day `d` (days since the start).
fn hour_values(
    kind: SiteKind,
    id: &str,
    name: &str,
    d: i64,
    h: i64,
    rng: &mut Rng,
) -> Vec<(&'static str, f64)> {
    let r = |rng: &mut Rng, a: f64, b: f64| a + (b - a) * rng.next();
    let hf = h as f64;
    match kind {
        SiteKind::AirStation => {
            // A pollution episode every 17 days for 2 days lifts PM; ozone peaks in the afternoon.
            let episode = if d % 17 < 2 { 2.6 } else { 1.0 };
            let diurnal = 1.0 + 0.25 * ((hf - 21.0) / 24.0 * std::f64::consts::TAU).cos();
            let pm25 = (r(rng, 14.0, 34.0) * diurnal * episode).round();
            let o3_peak = (-((hf - 15.0) / 3.5).powi(2)).exp();
            vec![
                ("a34004", pm25),
                ("a34002", (pm25 * r(rng, 1.6, 2.2)).round()),
                ("a21026", r(rng, 6.0, 16.0).round()),
                ("a21004", (r(rng, 10.0, 26.0) * diurnal).round()),
                ("a21005", (r(rng, 0.4, 1.0) * 10.0).round() / 10.0),
                (
                    "a05024",
                    (r(rng, 30.0, 60.0)
                        + o3_peak * r(rng, 60.0, if d % 11 == 3 { 190.0 } else { 120.0 }))
                    .round(),
                ),
            ]
        }
        SiteKind::WaterSection | SiteKind::DrinkingWaterSource => {
            let worst = id == "W16";
            let lake = name.contains("水库");
            let mut v = vec![
                ("w01001", r(rng, 7.1, 8.1)),
                ("w01009", r(rng, 6.2, 8.8)),
                ("w01019", r(rng, 1.5, if worst { 9.0 } else { 5.0 })),
                ("w21003", r(rng, 0.1, if worst { 2.6 } else { 0.9 })),
                (
                    "w21011",
                    r(
                        rng,
                        0.01,
                        if lake {
                            if id == "W15" && d % 30 < 12 {
                                0.09
                            } else {
                                0.045
                            }
                        } else {
                            0.18
                        },
                    ),
                ),
                ("w21001", r(rng, 0.3, 1.4)),
            ];
            if kind == SiteKind::DrinkingWaterSource {
                v.push(("w00000", r(rng, 900.0, 1600.0).round()));
            }
            v
        }
        SiteKind::FlueGasOutlet => vec![
            ("a34013", r(rng, 2.0, 11.0)),
            ("a21026", r(rng, 12.0, 38.0)),
            ("a21002", r(rng, 25.0, 58.0)),
            ("a19001", r(rng, 5.0, 9.0)),
        ],
        SiteKind::WastewaterOutlet => vec![
            ("w01018", r(rng, 18.0, 54.0)),
            ("w21003", r(rng, 0.8, 5.6)),
            ("w21011", r(rng, 0.15, 0.55)),
            ("w21001", r(rng, 5.0, 16.0)),
            ("w01001", r(rng, 6.8, 7.6)),
        ],
        _ => Vec::new(),
    }
}

/// Seeds the demo registry and `days` days of hourly rollups (plus daily rollups: the mean of the day's
/// hours, valid with ≥ 20) ending with the hour containing `now`; `year_site` gets 365 days instead.
pub fn seed(store: &mut Store, tz: &TimeZone, now: i64, days: i64, year_site: Option<&str>) {
    let city = demo_city();
    for c in &city.counties {
        store.upsert_county(c).unwrap();
    }
    for e in &city.enterprises {
        store.upsert_enterprise(e).unwrap();
    }
    for s in &city.sites {
        store.upsert_site(s).unwrap();
    }
    for d in &city.devices {
        store.upsert_device(d).unwrap();
    }
    let end_hour = now - now.rem_euclid(3600);
    let mut batch = Vec::new();
    for site in &city.sites {
        if site.id == SILENT_SITE {
            continue;
        }
        let span = if Some(site.id.as_str()) == year_site {
            365
        } else {
            days
        };
        let stop = if site.id == STALE_SITE {
            end_hour - 6 * 3600
        } else {
            end_hour
        };
        let mut rng = Rng::new(seed_of(&site.id));
        let mut daily: BTreeMap<(String, i64), Vec<f64>> = BTreeMap::new();
        let start = end_hour - span * 86400;
        let mut t = start;
        while t <= stop {
            let d = (t - start) / 86400;
            let h = platform::figures::local_hour(tz, t) as i64;
            for (param, v) in hour_values(site.kind, &site.id, &site.name, d, h, &mut rng) {
                batch.push(rollup(&site.id, param, Period::Hour, t, Some(v), true));
                let day = platform::figures::day_start(tz, platform::figures::local_date(tz, t));
                daily.entry((param.to_string(), day)).or_default().push(v);
            }
            t += 3600;
        }
        for ((param, day), vs) in daily {
            let mean = vs.iter().sum::<f64>() / vs.len() as f64;
            batch.push(rollup(
                &site.id,
                &param,
                Period::Day,
                day,
                Some(mean),
                vs.len() >= 20,
            ));
        }
        if batch.len() > 200_000 {
            store.put_rollups(&batch, &[]).expect("rollups");
            batch.clear();
        }
    }
    store.put_rollups(&batch, &[]).expect("rollups");
    // The demo's reaches for the rivers pages (the water bodies alone: sites keep no link to them here,
    // so the water figures are as before; the chiefs have no accounts in the test city).
    for w in platform::demo::city().unwrap().waterbodies {
        store.upsert_waterbody(&w).unwrap();
    }
    let registrar = platform::accounts::Principal {
        who: platform::accounts::Who::Bootstrap,
        address: "test".into(),
    };
    for mut r in platform::demo::rivers::reaches() {
        for c in &mut r.chiefs {
            c.account = None;
        }
        platform::rivers::register_reach(store, &registrar, &r).unwrap();
    }
}

/// The demo city's registry, read from the files the demo ships (crates/platform/demo/zhaotong).
pub struct DemoCity {
    pub counties: Vec<County>,
    pub enterprises: Vec<Enterprise>,
    pub sites: Vec<Site>,
    pub devices: Vec<Device>,
}

pub fn demo_city() -> DemoCity {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../platform/demo/zhaotong");
    let mut city = DemoCity {
        counties: Vec::new(),
        enterprises: Vec::new(),
        sites: Vec::new(),
        devices: Vec::new(),
    };
    let mut r = csv::Reader::from_path(format!("{dir}/counties.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        city.counties.push(County {
            code: row[0].into(),
            name: row[1].into(),
            name_en: Some(row[2].into()),
            lon: row[7].parse().ok(),
            lat: row[8].parse().ok(),
        });
    }
    // Outlets are judged against the standard the demo registry names for them.
    let demo = platform::demo::city().unwrap();
    let standard = |id: &str| {
        let site = demo.sites.iter().find(|s| s.id == id);
        site.and_then(|s| s.emission_standard)
    };
    let mut r = csv::Reader::from_path(format!("{dir}/stations.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        let (id, kind, name, county) = (
            row[0].to_string(),
            &row[1],
            row[2].to_string(),
            row[3].to_string(),
        );
        let kind = match kind {
            "air" => SiteKind::AirStation,
            "water" if ["W13", "W14", "W15"].contains(&id.as_str()) => {
                SiteKind::DrinkingWaterSource
            }
            "water" => SiteKind::WaterSection,
            _ if id.starts_with('P') || name.contains("煤矿") => SiteKind::WastewaterOutlet,
            _ => SiteKind::FlueGasOutlet,
        };
        let enterprise_id = (row[1] == *"source").then(|| format!("E{id}"));
        if let Some(e) = &enterprise_id {
            city.enterprises.push(Enterprise {
                id: e.clone(),
                name: name.clone(),
                county: Some(county.clone()),
            });
        }
        city.sites.push(Site {
            id: id.clone(),
            name: if enterprise_id.is_some() {
                format!("{name} 总排口")
            } else {
                name
            },
            kind,
            county: Some(county),
            lon: row[4].parse().ok(),
            lat: row[5].parse().ok(),
            enterprise_id,
            emission_standard: standard(&id),
            simulated: true,
        });
        city.devices.push(Device {
            mn: format!("QSDEMO{id:0<18}"),
            password: "123456".into(),
            site_id: id,
            protocol: "2017".into(),
            crc_policy: store::CrcPolicy::Lenient,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        });
    }
    city
}

fn rollup(
    site: &str,
    param: &str,
    period: Period,
    time: i64,
    mean: Option<f64>,
    valid: bool,
) -> Rollup {
    Rollup {
        site_id: site.into(),
        param: param.into(),
        period,
        time,
        source: Interval::Realtime,
        count: 60,
        valid_count: if valid { 60 } else { 0 },
        mean,
        min: mean,
        max: mean,
        valid,
    }
}

/// Writes one hour of real-time values for an air station through the store's frame path (as the
/// gateway does) and rolls them up with the platform's rollup code.
pub fn ingest_hour(
    store: &mut Store,
    tz: &TimeZone,
    site: &str,
    hour: i64,
    values: &[(&str, f64)],
) {
    let frames: Vec<FrameRecord> = (0..60)
        .map(|m| FrameRecord {
            received_at_ms: (hour + m * 60 + 5) * 1000,
            peer: "127.0.0.1:1".into(),
            mn: Some(format!("QSDEMO{site:0<18}")),
            cn: Some("2011".into()),
            verdict: Verdict::Accepted,
            cause: None,
            raw: b"test".to_vec(),
            values: values
                .iter()
                .map(|(p, v)| NewValue {
                    site_id: site.into(),
                    param: p.to_string(),
                    interval: Interval::Realtime,
                    time: hour + m * 60,
                    value: Some(*v),
                    min: None,
                    max: None,
                    cou: None,
                    flag: Some("N".into()),
                })
                .collect(),
        })
        .collect();
    store.write_frames(&frames).expect("write frames");
    while platform::series::rollups::run(store, tz, 10_000).expect("rollups") > 0 {}
}

/// Writes `hours` hours of hourly device data (HJ 212 CN 2061, interval `hour`) from `start` through the
/// store's frame path; no rollups are made from them.
pub fn device_hours(store: &mut Store, site: &str, start: i64, hours: i64, values: &[(&str, f64)]) {
    let frames: Vec<FrameRecord> = (0..hours)
        .map(|h| FrameRecord {
            received_at_ms: (start + h * 3600 + 3600 + 30) * 1000,
            peer: "127.0.0.1:1".into(),
            mn: Some(format!("QSDEMO{site:0<18}")),
            cn: Some("2061".into()),
            verdict: Verdict::Accepted,
            cause: None,
            raw: b"test".to_vec(),
            values: values
                .iter()
                .map(|(p, v)| NewValue {
                    site_id: site.into(),
                    param: p.to_string(),
                    interval: Interval::Hour,
                    time: start + h * 3600,
                    value: Some(*v),
                    min: None,
                    max: None,
                    cou: None,
                    flag: Some("N".into()),
                })
                .collect(),
        })
        .collect();
    store.write_frames(&frames).expect("write frames");
}
