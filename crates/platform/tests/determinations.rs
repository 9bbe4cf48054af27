//! The determination job on a real SQLite file: a silence that began long before the window is traced to
//! the last value and stays one determination, growing, however often its days are determined again.

use jiff::tz::TimeZone;
use platform::determinations;
use platform::supervision::Thresholds;
use store::{CrcPolicy, Device, FrameRecord, Interval, NewValue, Site, SiteKind, Store, Verdict};

const DAY: i64 = 86_400;

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        store::sqlite::connect_file(&dir.path().join("q.db"), store::Durability::Normal).unwrap();
    store
        .upsert_site(&Site {
            id: "S1".into(),
            name: "outlet".into(),
            kind: SiteKind::WastewaterOutlet,
            county: None,
            lon: None,
            lat: None,
            enterprise_id: None,
            emission_standard: None,
            simulated: false,
        })
        .unwrap();
    store
        .upsert_device(&Device {
            mn: "MNS1".into(),
            password: "1".into(),
            site_id: "S1".into(),
            protocol: "auto".into(),
            crc_policy: CrcPolicy::Strict,
            realtime_interval_s: 60,
            minute_interval_min: 10,
        })
        .unwrap();
    (dir, store)
}

/// One minute's COD value.
fn minute(time: i64) -> FrameRecord {
    FrameRecord {
        received_at_ms: time * 1000,
        peer: "test".into(),
        mn: Some("MNS1".into()),
        cn: Some("2011".into()),
        verdict: Verdict::Accepted,
        cause: None,
        raw: format!("##{time}").into_bytes(),
        values: vec![NewValue {
            site_id: "S1".into(),
            param: "w01018".into(),
            interval: Interval::Realtime,
            time,
            // A value that changes every minute: never stuck.
            value: Some(20.0 + (time / 60 % 7) as f64),
            min: None,
            max: None,
            cou: None,
            flag: Some("N".into()),
        }],
    }
}

#[test]
fn a_long_silence_is_one_determination_from_the_last_value() {
    let (_dir, mut store) = setup();
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    // 2026-11-01 08:00–08:59 local, then nothing.
    let start = "2026-11-01T08:00:00+08:00"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second();
    let frames: Vec<FrameRecord> = (0..60).map(|m| minute(start + m * 60)).collect();
    store.write_frames(&frames).unwrap();
    while platform::series::rollups::run(&mut store, &tz, 1000).unwrap() > 0 {}
    let far = std::time::Instant::now() + std::time::Duration::from_secs(600);
    // Twenty days later the sweep queues today; the silence is traced back to 09:00 on the 1st.
    let mut now = start + 20 * DAY;
    let mut ids = Vec::new();
    for _ in 0..3 {
        determinations::sweep(&store, &tz, now).unwrap();
        let alarms = platform::alarms::AlarmSettings::default();
        determinations::run_until(
            &mut store,
            &tz,
            Thresholds::default(),
            &alarms,
            &Default::default(),
            now,
            far,
        )
        .unwrap();
        let gaps: Vec<_> = store
            .determinations_of("S1", start, now, false)
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == "gap")
            .collect();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(
            (gaps[0].start, gaps[0].end),
            (start + 3600, now),
            "{gaps:?}"
        );
        ids.push(gaps[0].id);
        // The next sweep, a day later: the same silence, longer.
        now += DAY;
    }
    assert!(
        ids.windows(2).all(|w| w[0] == w[1]),
        "one identity: {ids:?}"
    );
    // Nothing withdrawn along the way; with its only parameter silent, the logger is offline over the same
    // span, also one determination.
    let all = store.determinations_of("S1", start, now, true).unwrap();
    let kinds: Vec<(&str, i64)> = all.iter().map(|d| (d.kind.as_str(), d.start)).collect();
    assert_eq!(
        kinds,
        vec![("offline", start + 3600), ("gap", start + 3600)],
        "{all:?}"
    );
}
