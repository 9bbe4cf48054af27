//! Rollups and completeness on a real SQLite file: local-time buckets, validity, recomputation on late data,
//! and the cause of every missing value.

use jiff::tz::TimeZone;
use store::{
    CrcPolicy, Device, FrameRecord, Interval, NewValue, Period, Site, SiteKind, Store, Verdict,
};

fn t(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().unwrap().as_second()
}

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        store::sqlite::connect_file(&dir.path().join("q.db"), store::Durability::Normal).unwrap();
    store
        .upsert_site(&Site {
            id: "A1".into(),
            name: "station".into(),
            kind: SiteKind::AirStation,
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
            mn: "MNA1".into(),
            password: "1".into(),
            site_id: "A1".into(),
            protocol: "auto".into(),
            crc_policy: CrcPolicy::Strict,
            realtime_interval_s: 300, // 12 values an hour
            minute_interval_min: 10,
        })
        .unwrap();
    (dir, store)
}

fn frame(received: i64, verdict: Verdict, values: Vec<(i64, f64, &str)>) -> FrameRecord {
    FrameRecord {
        received_at_ms: received * 1000,
        peer: "test".into(),
        mn: Some("MNA1".into()),
        cn: Some("2011".into()),
        verdict,
        cause: None,
        raw: b"##".to_vec(),
        values: values
            .into_iter()
            .map(|(time, v, flag)| NewValue {
                site_id: "A1".into(),
                param: "a34004".into(),
                interval: Interval::Realtime,
                time,
                value: Some(v),
                min: None,
                max: None,
                cou: None,
                flag: Some(flag.into()),
            })
            .collect(),
    }
}

#[test]
fn hourly_and_daily_rollups_follow_local_time_validity_and_late_data() {
    let (_dir, mut store) = setup();
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    // Local hour 2026-11-28 08:00-09:00 (+08:00) = 00:00-01:00 UTC. Nine valid 5-minute values = 45 minutes.
    let hour = t("2026-11-28T00:00:00Z");
    let mut values: Vec<(i64, f64, &str)> = (0..9)
        .map(|i| (hour + i * 300, 10.0 + i as f64, "N"))
        .collect();
    values.push((hour + 9 * 300, 500.0, "C")); // calibration: kept, not counted
    store
        .write_frames(&[frame(hour + 3000, Verdict::Accepted, values)])
        .unwrap();
    assert_eq!(
        platform::series::rollups::run(&mut store, &tz, 100).unwrap(),
        1
    );
    let hours = store
        .rollups("A1", "a34004", Period::Hour, hour, hour + 3600)
        .unwrap();
    assert_eq!(hours.len(), 1);
    let h = &hours[0];
    assert_eq!(
        (h.count, h.valid_count, h.valid),
        (10, 9, true),
        "45 minutes of valid data make a valid hour"
    );
    assert_eq!(h.mean, Some(14.0));
    assert_eq!((h.min, h.max), (Some(10.0), Some(18.0)));
    let day = store
        .rollups(
            "A1",
            "a34004",
            Period::Day,
            t("2026-11-27T16:00:00Z"),
            t("2026-11-28T16:00:00Z"),
        )
        .unwrap();
    assert_eq!(day.len(), 1, "the local day starts at 16:00 UTC");
    assert!(
        !day[0].valid,
        "one valid hour does not make a valid day (needs 20)"
    );

    // The next hour has only 8 valid values (40 minutes): not valid.
    let next = hour + 3600;
    store
        .write_frames(&[frame(
            next + 3000,
            Verdict::Accepted,
            (0..8).map(|i| (next + i * 300, 20.0, "N")).collect(),
        )])
        .unwrap();
    platform::series::rollups::run(&mut store, &tz, 100).unwrap();
    let h2 = &store
        .rollups("A1", "a34004", Period::Hour, next, next + 3600)
        .unwrap()[0];
    assert!(!h2.valid);
    // A late value for that hour arrives the next day: the hour is recomputed and becomes valid.
    store
        .write_frames(&[frame(
            next + 86_400,
            Verdict::Accepted,
            vec![(next + 8 * 300, 29.0, "N")],
        )])
        .unwrap();
    assert_eq!(
        platform::series::rollups::run(&mut store, &tz, 100).unwrap(),
        1
    );
    let h2 = &store
        .rollups("A1", "a34004", Period::Hour, next, next + 3600)
        .unwrap()[0];
    assert!(h2.valid);
    assert_eq!(h2.mean, Some(21.0));
    // Nothing left to do: re-sent identical data does not dirty anything.
    store
        .write_frames(&[frame(
            next + 90_000,
            Verdict::Accepted,
            vec![(next + 8 * 300, 29.0, "N")],
        )])
        .unwrap();
    assert_eq!(
        platform::series::rollups::run(&mut store, &tz, 100).unwrap(),
        0
    );

    // A full valid day: 20 valid hours.
    let day_start = t("2026-11-29T16:00:00Z");
    for hr in 0..20 {
        let s = day_start + hr * 3600;
        store
            .write_frames(&[frame(
                s + 3600,
                Verdict::Accepted,
                (0..12).map(|i| (s + i * 300, hr as f64, "N")).collect(),
            )])
            .unwrap();
    }
    platform::series::rollups::run(&mut store, &tz, 1000).unwrap();
    let d = &store
        .rollups("A1", "a34004", Period::Day, day_start, day_start + 86_400)
        .unwrap()[0];
    assert!(d.valid);
    assert_eq!(d.valid_count, 20);
    assert_eq!(d.mean, Some(9.5));
}

#[test]
fn completeness_names_the_cause_of_every_missing_value() {
    let (_dir, store_) = setup();
    let mut store = store_;
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let h0 = t("2026-11-28T00:00:00Z");
    // Hour 0: 10 values, one flagged for calibration, one missing from a rejected frame, one never sent.
    let mut v: Vec<(i64, f64, &str)> = (0..9).map(|i| (h0 + i * 300, 1.0, "N")).collect();
    v.push((h0 + 9 * 300, 1.0, "C"));
    store
        .write_frames(&[
            frame(h0 + 600, Verdict::Accepted, v),
            frame(h0 + 3300, Verdict::BadFrame, vec![]),
        ])
        .unwrap();
    // Hour 1: nothing at all (offline). Hour 2: all 12 values, but sent two days late.
    let h2 = h0 + 7200;
    store
        .write_frames(&[frame(
            h0 + 2 * 86_400,
            Verdict::Accepted,
            (0..12).map(|i| (h2 + i * 300, 1.0, "N")).collect(),
        )])
        .unwrap();

    let hours =
        platform::series::completeness::hours(&store, &tz, "A1", "a34004", h0, h0 + 3 * 3600)
            .unwrap();
    assert_eq!(hours.len(), 3);
    let (a, b, c) = (&hours[0], &hours[1], &hours[2]);
    assert_eq!((a.expected, a.received, a.accepted), (12, 10, 9));
    assert_eq!(
        (
            a.missing.flagged_invalid,
            a.missing.rejected_frame,
            a.missing.not_received,
            a.missing.offline
        ),
        (1, 1, 1, 0)
    );
    assert_eq!((b.expected, b.received, b.missing.offline), (12, 0, 12));
    assert_eq!((c.received, c.accepted, c.late), (12, 12, 12));
    assert_eq!(
        c.missing,
        platform::series::completeness::Missing::default()
    );
}
