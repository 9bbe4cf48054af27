//! The determination job against a real SQLite file: a year of one flue-gas outlet's minute data (SO2
//! with an hour over the limit every 53 hours, O2, flow; a calibration every day) written through the
//! journal, rolled up, then every day of the year queued and determined as a permit import would have
//! it. `cargo bench -p platform --bench determination_job` prints the time of each phase and what was
//! found; the job's time is the figure (the rest is setup).

use platform::determinations;
use platform::supervision::Thresholds;
use std::time::{Duration, Instant};
use store::{
    County, Device, Enterprise, FrameRecord, Interval, NewValue, Permit, PermitLimit, PermitOutlet,
    Site, SiteKind, Verdict,
};

const DAYS: i64 = 365;
/// 2025-01-01 00:00 Asia/Shanghai.
const START: i64 = 1_735_660_800;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut store =
        store::sqlite::connect_file(&dir.path().join("bench.db"), store::Durability::Normal)
            .expect("a SQLite file");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("the zone");
    seed(&mut store);

    let t = Instant::now();
    let mut frames = Vec::with_capacity(1440);
    for minute in 0..DAYS * 1440 {
        frames.push(frame(minute));
        if frames.len() == 1440 {
            store.write_frames(&frames).expect("frames written");
            frames.clear();
        }
    }
    println!(
        "setup: {} minutes of 3 parameters written in {:.1?}",
        DAYS * 1440,
        t.elapsed()
    );

    let t = Instant::now();
    while platform::series::rollups::run(&mut store, &tz, 10_000).expect("rollups") > 0 {}
    println!("setup: rolled up in {:.1?}", t.elapsed());
    // What the rollups queued is what the job would find; start from the permit's year instead.
    let queued = store.queued_determinations(u32::MAX).expect("the queue");
    store.dequeue_determinations(&queued).expect("emptied");

    let days: Vec<(String, i64)> = (0..DAYS)
        .map(|d| ("S01".to_string(), START + d * 86_400))
        .collect();
    let now = START + DAYS * 86_400;
    for round in ["first", "again"] {
        store.queue_determinations(&days).expect("queued");
        let t = Instant::now();
        let done = determinations::run_until(
            &mut store,
            &tz,
            Thresholds::default(),
            &platform::alarms::AlarmSettings::default(),
            &Default::default(),
            now,
            Instant::now() + Duration::from_secs(3600),
        )
        .expect("determined");
        let found = store
            .determinations_of("S01", START, now, false)
            .expect("read back");
        let episodes = found.iter().filter(|d| d.kind == "exceedance").count();
        println!(
            "determination job ({round}), one outlet-year: {done} days in {:.2?} ({:.1} ms a day); {episodes} exceedance episodes, {} data problems",
            t.elapsed(),
            t.elapsed().as_secs_f64() * 1000.0 / done.max(1) as f64,
            found.len() - episodes
        );
    }
}

fn seed(store: &mut store::Store) {
    store
        .upsert_county(&County {
            code: "530602".into(),
            name: "昭阳区".into(),
            name_en: None,
            lon: None,
            lat: None,
        })
        .expect("county");
    store
        .upsert_enterprise(&Enterprise {
            id: "E01".into(),
            name: "电厂".into(),
            county: Some("530602".into()),
        })
        .expect("enterprise");
    store
        .upsert_site(&Site {
            id: "S01".into(),
            name: "1号锅炉排口".into(),
            kind: SiteKind::FlueGasOutlet,
            county: Some("530602".into()),
            lon: None,
            lat: None,
            enterprise_id: Some("E01".into()),
            emission_standard: None,
            simulated: true,
        })
        .expect("site");
    store
        .upsert_device(&Device {
            mn: "MNBENCH00001".into(),
            password: "123456".into(),
            site_id: "S01".into(),
            protocol: "auto".into(),
            crc_policy: store::CrcPolicy::Strict,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        })
        .expect("device");
    store
        .put_permit(&Permit {
            id: 0,
            number: "BENCH-1".into(),
            enterprise_id: "E01".into(),
            authority: None,
            valid_from: "2020-01-01".into(),
            valid_to: "2099-12-31".into(),
            outlets: vec![PermitOutlet {
                site_id: "S01".into(),
                kind: "main".into(),
                limits: vec![PermitLimit {
                    param: "a21026".into(),
                    limit: 35.0,
                    unit: "mg/m3".into(),
                    averaging: "hour".into(),
                    reference_o2: Some(6.0),
                    season: None,
                }],
                annual: vec![],
            }],
        })
        .expect("permit");
}

/// The frame of one minute: SO2 about 30 (60 in every 53rd hour), O2 about 6 %, flow about 120 m³/s,
/// flagged C for the first 15 minutes of each day.
fn frame(minute: i64) -> FrameRecord {
    let time = START + minute * 60;
    let wobble = ((minute * 7919) % 200 - 100) as f64 / 100.0;
    let so2 = if (minute / 60) % 53 == 0 { 60.0 } else { 30.0 } + wobble;
    let flag = if minute % 1440 < 15 { "C" } else { "N" };
    let value = |param: &str, v: f64| NewValue {
        site_id: "S01".into(),
        param: param.into(),
        interval: Interval::Realtime,
        time,
        value: Some((v * 100.0).round() / 100.0),
        min: None,
        max: None,
        cou: None,
        flag: Some(flag.into()),
    };
    FrameRecord {
        received_at_ms: time * 1000 + 500,
        peer: "127.0.0.1:9".into(),
        mn: Some("MNBENCH00001".into()),
        cn: Some("2011".into()),
        verdict: Verdict::Accepted,
        cause: None,
        raw: format!("##bench minute {minute}").into_bytes(),
        values: vec![
            value("a21026", so2),
            value("a19001", 6.0 + wobble / 2.0),
            value("a00000", 120.0 + wobble),
        ],
    }
}
