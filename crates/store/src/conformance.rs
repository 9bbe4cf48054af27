//! The conformance suite: what every backend must do, run against a fresh database per test.
//!
//! A backend's tests call [`conformance_tests!`](crate::conformance_tests) with an expression that makes
//! a fresh, empty database and something that keeps it alive (a temporary folder, a schema dropped on
//! drop): `(guard, database)`. Every function here panics when the backend breaks the contract.

use crate::*;

/// Runs every conformance test against a fresh database made by `$fresh` (an expression evaluating to
/// `(guard, impl Database)`), one `#[test]` each.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:expr) => {
        $crate::conformance_tests!(@each $fresh;
            migrations_run_twice_are_a_no_op,
            an_identical_resend_changes_nothing,
            a_validated_value_is_never_overwritten_by_a_device,
            the_first_value_stands_and_a_different_resend_is_kept_beside_it,
            the_journal_is_a_hash_chain,
            retention_purges_refused_frames_only_and_the_chain_holds,
            refusals_beyond_the_budget_are_counted,
            values_that_were_not_numbers_are_counted_per_parameter,
            rejected_frames_are_journaled_without_values,
            changed_values_mark_their_hour_once,
            rollups_upsert_and_clear_their_dirty_hours,
            audit_is_written_in_the_same_transaction_as_its_change,
            frames_written_inside_a_transaction_commit_with_it,
            registry_upserts_are_idempotent,
            water_sites_link_to_their_water_body,
            readers_see_what_was_committed,
            reads_of_the_figures,
            the_copy_list_is_the_schema,
            a_copy_reads_the_same_and_resumes,
            the_audit_log_is_a_hash_chain_and_pages,
            accounts_keep_their_scopes_and_password_history,
            sessions_and_tokens_are_found_by_hash_and_revoked,
        );
    };
    (@each $fresh:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (_guard, db) = $fresh;
                $crate::conformance::$name(&db);
            }
        )*
    };
}

const HOUR: i64 = 3600;
/// 2024-01-01 00:00 UTC.
const T0: i64 = 1_704_067_200;

fn site(id: &str, kind: SiteKind) -> Site {
    Site {
        id: id.into(),
        name: format!("site {id}"),
        kind,
        county: Some("530602".into()),
        lon: Some(103.7),
        lat: Some(27.3),
        enterprise_id: None,
        emission_standard: None,
        simulated: false,
    }
}

fn device(mn: &str, site: &str) -> Device {
    Device {
        mn: mn.into(),
        password: "123456".into(),
        site_id: site.into(),
        protocol: "auto".into(),
        crc_policy: CrcPolicy::Lenient,
        realtime_interval_s: 30,
        minute_interval_min: 10,
    }
}

fn value(time: i64, v: f64) -> NewValue {
    NewValue {
        site_id: "S1".into(),
        param: "a21026".into(),
        interval: Interval::Realtime,
        time,
        value: Some(v),
        min: None,
        max: None,
        cou: None,
        flag: Some("N".into()),
    }
}

fn frame(verdict: Verdict, values: Vec<NewValue>) -> FrameRecord {
    FrameRecord {
        received_at_ms: T0 * 1000,
        peer: "127.0.0.1:5000".into(),
        mn: Some("MN1".into()),
        cn: Some("2011".into()),
        verdict,
        cause: (verdict != Verdict::Accepted).then(|| "crc_mismatch: expected 1C80".into()),
        raw: b"##0000...".to_vec(),
        values,
    }
}

fn rollup(time: i64, mean: f64) -> Rollup {
    Rollup {
        site_id: "S1".into(),
        param: "a21026".into(),
        period: Period::Hour,
        time,
        source: Interval::Realtime,
        count: 120,
        valid_count: 120,
        mean: Some(mean),
        min: Some(mean - 1.0),
        max: Some(mean + 1.0),
        valid: true,
    }
}

/// A connection to `db` with site S1 (flue gas) registered.
fn with_site(db: &dyn Database) -> Store {
    let store = db.connect().expect("connect");
    store
        .upsert_site(&site("S1", SiteKind::FlueGasOutlet))
        .unwrap();
    store
}

fn values_of(store: &Store) -> Vec<Option<f64>> {
    store
        .series("S1", "a21026", Interval::Realtime, 0, i64::MAX)
        .unwrap()
        .iter()
        .map(|v| v.value)
        .collect()
}

pub fn migrations_run_twice_are_a_no_op(db: &dyn Database) {
    let mut store = db.connect().unwrap();
    let version = store.schema_version().unwrap();
    assert!(version >= 1, "opening a database migrates it");
    assert_eq!(store.migrate().unwrap(), Vec::<i64>::new());
    assert_eq!(db.connect().unwrap().migrate().unwrap(), Vec::<i64>::new());
    assert_eq!(store.schema_version().unwrap(), version);
}

pub fn an_identical_resend_changes_nothing(db: &dyn Database) {
    let mut store = with_site(db);
    let first = store
        .write_frames(&[frame(
            Verdict::Accepted,
            vec![value(T0, 1.5), value(T0 + 60, 2.0)],
        )])
        .unwrap();
    assert_eq!((first.values_new, first.conflicts), (2, 0));
    store
        .put_rollups(&[], &store.dirty_hours(100).unwrap())
        .unwrap();
    let again = store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0, 1.5)])])
        .unwrap();
    assert_eq!(
        (again.values_new, again.conflicts),
        (0, 0),
        "a re-sent identical value changes nothing"
    );
    assert_eq!(
        again.journal_ids.len(),
        1,
        "the re-send is journaled all the same"
    );
    assert_eq!(
        store.dirty_hours(100).unwrap(),
        vec![],
        "nor marks its hour"
    );
    let series = store
        .series("S1", "a21026", Interval::Realtime, 0, i64::MAX)
        .unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(
        series[0].journal_id, first.journal_ids[0],
        "the first value keeps its frame"
    );
    assert_eq!(store.journal_len().unwrap(), 2);
}

pub fn a_validated_value_is_never_overwritten_by_a_device(db: &dyn Database) {
    let mut store = with_site(db);
    store
        .write_frames(&[frame(
            Verdict::Accepted,
            vec![value(T0, 1.5), value(T0 + 60, 2.0)],
        )])
        .unwrap();
    assert!(
        store
            .set_tier("S1", "a21026", Interval::Realtime, T0, Tier::Validated)
            .unwrap()
    );
    assert!(
        !store
            .set_tier("S1", "a21026", Interval::Realtime, T0 + 1, Tier::Validated)
            .unwrap(),
        "no value, nothing validated"
    );
    let resend = store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0, 99.0)])])
        .unwrap();
    assert_eq!((resend.values_new, resend.conflicts), (0, 1));
    let series = store
        .series("S1", "a21026", Interval::Realtime, 0, i64::MAX)
        .unwrap();
    assert_eq!(series[0].value, Some(1.5));
    assert_eq!(series[0].tier, Tier::Validated);
    assert_eq!(series[1].tier, Tier::Preliminary);
    assert_eq!(
        store.tier_counts("S1", &["a21026"], 0, i64::MAX).unwrap(),
        (1, 2)
    );
}

pub fn the_first_value_stands_and_a_different_resend_is_kept_beside_it(db: &dyn Database) {
    let mut store = with_site(db);
    let first = store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0, 1.5)])])
        .unwrap();
    store
        .put_rollups(&[], &store.dirty_hours(100).unwrap())
        .unwrap();
    let mut flagged = value(T0, 1.5);
    flagged.flag = Some("D".into());
    let rewrites = store
        .write_frames(&[
            frame(Verdict::Accepted, vec![value(T0, 99.0)]),
            frame(Verdict::Accepted, vec![flagged.clone()]),
            frame(Verdict::Accepted, vec![value(T0, 99.0)]),
        ])
        .unwrap();
    assert_eq!(
        (rewrites.values_new, rewrites.conflicts),
        (0, 3),
        "a different value or flag is a conflict, each time it is re-sent"
    );
    assert_eq!(values_of(&store), vec![Some(1.5)], "the first value stands");
    let series = store
        .series("S1", "a21026", Interval::Realtime, 0, i64::MAX)
        .unwrap();
    assert_eq!(
        (series[0].journal_id, series[0].flag.as_deref()),
        (first.journal_ids[0], Some("N"))
    );
    assert_eq!(
        store.dirty_hours(100).unwrap(),
        vec![],
        "nothing to recompute"
    );
    let conflicts = store.conflicts(Some("S1"), None, 10).unwrap();
    assert_eq!(conflicts.len(), 3);
    let newest = &conflicts[0];
    assert_eq!(newest.journal_id, rewrites.journal_ids[2]);
    assert_eq!(
        (newest.resent.value, newest.stored.value),
        (Some(99.0), Some(1.5))
    );
    assert_eq!(newest.stored_journal_id, first.journal_ids[0]);
    assert_eq!(
        (newest.resent.time, newest.resent.param.as_str()),
        (T0, "a21026")
    );
    assert_eq!(conflicts[1].resent.flag.as_deref(), Some("D"));
    assert_eq!(
        store.conflicts(None, Some(conflicts[1].id), 10).unwrap(),
        vec![conflicts[2].clone()],
        "paged by id"
    );
    assert_eq!(store.conflicts(Some("S2"), None, 10).unwrap(), vec![]);
}

pub fn the_journal_is_a_hash_chain(db: &dyn Database) {
    let mut store = with_site(db);
    assert_eq!(
        store.verify_chain().unwrap(),
        ChainCheck {
            records: 0,
            first_broken: None,
            purged: 0
        }
    );
    store
        .write_frames(&[
            frame(Verdict::Accepted, vec![value(T0, 1.5)]),
            frame(Verdict::BadFrame, vec![]),
        ])
        .unwrap();
    // A rolled-back batch leaves no gap in the chain.
    store.begin().unwrap();
    store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0 + 60, 2.0)])])
        .unwrap();
    store.rollback();
    let last = store
        .write_frames(&[frame(Verdict::UnknownDevice, vec![])])
        .unwrap();
    assert_eq!(
        store.verify_chain().unwrap(),
        ChainCheck {
            records: 3,
            first_broken: None,
            purged: 0
        }
    );
    assert_eq!(store.journal_len().unwrap(), 3);
    assert_eq!(last.journal_ids, vec![3], "ids follow the chain");
}

pub fn retention_purges_refused_frames_only_and_the_chain_holds(db: &dyn Database) {
    let mut store = with_site(db);
    let mut old_bad = frame(Verdict::UnknownDevice, vec![]);
    old_bad.received_at_ms = T0 * 1000 - 1;
    let mut old_good = frame(Verdict::Accepted, vec![value(T0, 1.5)]);
    old_good.received_at_ms = T0 * 1000 - 1;
    let ids = store
        .write_frames(&[old_bad, old_good, frame(Verdict::BadFrame, vec![])])
        .unwrap()
        .journal_ids;
    assert_eq!(
        store.purge_refused(T0 * 1000).unwrap(),
        1,
        "old and refused only"
    );
    assert_eq!(store.purge_refused(T0 * 1000).unwrap(), 0, "once");
    let purged = store.journal_entry(ids[0]).unwrap().unwrap();
    assert_eq!(
        (purged.raw.len(), purged.verdict),
        (0, Verdict::UnknownDevice),
        "the bytes go, the record stays"
    );
    assert_eq!(
        store.journal_entry(ids[1]).unwrap().unwrap().raw,
        b"##0000..."
    );
    assert_eq!(
        store.journal_entry(ids[2]).unwrap().unwrap().raw,
        b"##0000..."
    );
    assert_eq!(
        store.verify_chain().unwrap(),
        ChainCheck {
            records: 3,
            first_broken: None,
            purged: 1
        }
    );
}

pub fn refusals_beyond_the_budget_are_counted(db: &dyn Database) {
    let store = db.connect().unwrap();
    let count = |hour, source: &str, verdict, count| RefusalCount {
        hour,
        source: source.into(),
        verdict,
        count,
    };
    store
        .count_refusals(&[
            count(T0, "10.0.0.1", Verdict::UnknownDevice, 5),
            count(T0, "10.0.0.1", Verdict::BadFrame, 2),
        ])
        .unwrap();
    store
        .count_refusals(&[count(T0, "10.0.0.1", Verdict::UnknownDevice, 3)])
        .unwrap();
    store
        .count_refusals(&[count(T0 + HOUR, "2001:db8::/64", Verdict::WrongPassword, 1)])
        .unwrap();
    assert_eq!(
        store.refusal_counts(T0).unwrap(),
        vec![
            count(T0, "10.0.0.1", Verdict::BadFrame, 2),
            count(T0, "10.0.0.1", Verdict::UnknownDevice, 8),
            count(T0 + HOUR, "2001:db8::/64", Verdict::WrongPassword, 1),
        ]
    );
    assert_eq!(store.refusal_counts(T0 + HOUR).unwrap().len(), 1);
}

pub fn values_that_were_not_numbers_are_counted_per_parameter(db: &dyn Database) {
    let mut store = with_site(db);
    let mut noted = frame(Verdict::Accepted, vec![value(T0, 1.5)]);
    noted.cause = Some(r#"crc=ok; invalid_value: a34013-Rtd="abc""#.into());
    let mut other = noted.clone();
    other.cause = Some(r#"crc=ok; invalid_value: a21026-Rtd="x""#.into());
    let mut refused = noted.clone();
    refused.verdict = Verdict::BadFrame;
    store.write_frames(&[noted, other, refused]).unwrap();
    let (from, to) = (T0 * 1000, T0 * 1000 + 1);
    assert_eq!(store.invalid_values("MN1", "a34013", from, to).unwrap(), 1);
    assert_eq!(store.invalid_values("MN1", "a21026", from, to).unwrap(), 1);
    assert_eq!(
        store.invalid_values("MN1", "a3401", from, to).unwrap(),
        0,
        "the whole code"
    );
    assert_eq!(
        store.invalid_values("MN1", "a34013", to, to + 1).unwrap(),
        0
    );
    assert_eq!(store.invalid_values("MN2", "a34013", from, to).unwrap(), 0);
}

pub fn rejected_frames_are_journaled_without_values(db: &dyn Database) {
    let mut store = with_site(db);
    let good = store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0, 1.5)])])
        .unwrap();
    let bad = store
        .write_frames(&[frame(Verdict::BadFrame, vec![value(T0 + 60, 9.0)])])
        .unwrap();
    assert_eq!(
        (bad.values_new, bad.conflicts),
        (0, 0),
        "a rejected frame stores no values"
    );
    assert_eq!(values_of(&store), vec![Some(1.5)]);
    let q = store.quarantine(None, None, 10).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].id, bad.journal_ids[0]);
    assert_eq!(q[0].verdict, Verdict::BadFrame);
    assert_eq!(q[0].raw, b"##0000...".to_vec(), "kept as received");
    assert_eq!(
        store
            .quarantine(Some(Verdict::UnknownDevice), None, 10)
            .unwrap(),
        vec![]
    );
    assert_eq!(
        store
            .quarantine(None, Some(bad.journal_ids[0]), 10)
            .unwrap(),
        vec![]
    );
    assert_eq!(
        store.quarantine_counts().unwrap(),
        vec![QuarantineCount {
            verdict: Verdict::BadFrame,
            count: 1
        }]
    );
    let entry = store.journal_entry(good.journal_ids[0]).unwrap().unwrap();
    assert_eq!(
        (entry.verdict, entry.mn.as_deref()),
        (Verdict::Accepted, Some("MN1"))
    );
    assert_eq!(store.journal_entry(-1).unwrap(), None);
    assert_eq!(store.last_frame_at("MN1").unwrap(), Some(T0 * 1000));
    assert_eq!(store.last_frame_at("nobody").unwrap(), None);
    assert_eq!(
        store.device_frames("MN1", 0, i64::MAX).unwrap(),
        vec![
            (T0 * 1000, Verdict::Accepted),
            (T0 * 1000, Verdict::BadFrame)
        ]
    );
}

pub fn changed_values_mark_their_hour_once(db: &dyn Database) {
    let mut store = with_site(db);
    let mut hourly = value(T0 + 2 * HOUR, 7.0);
    hourly.interval = Interval::Hour;
    store
        .write_frames(&[
            frame(Verdict::Accepted, vec![value(T0, 1.0), value(T0 + 60, 2.0)]),
            frame(Verdict::Accepted, vec![value(T0 + HOUR + 30, 3.0), hourly]),
        ])
        .unwrap();
    let dirty = store.dirty_hours(100).unwrap();
    let hours: Vec<i64> = dirty.iter().map(|d| d.hour).collect();
    assert_eq!(
        hours,
        vec![T0, T0 + HOUR],
        "one mark per hour, oldest first; hourly values mark none"
    );
    assert_eq!(store.dirty_hours(1).unwrap().len(), 1);
    store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0 + 120, 4.0)])])
        .unwrap();
    assert_eq!(
        store.dirty_hours(100).unwrap().len(),
        2,
        "an hour already marked is marked once"
    );
}

pub fn rollups_upsert_and_clear_their_dirty_hours(db: &dyn Database) {
    let mut store = with_site(db);
    store
        .write_frames(&[frame(
            Verdict::Accepted,
            vec![value(T0, 1.0), value(T0 + HOUR, 2.0)],
        )])
        .unwrap();
    let dirty = store.dirty_hours(100).unwrap();
    store.put_rollups(&[rollup(T0, 1.0)], &dirty[..1]).unwrap();
    store
        .put_rollups(&[rollup(T0, 5.0), rollup(T0 + HOUR, 2.0)], &[])
        .unwrap();
    let stored = store
        .rollups("S1", "a21026", Period::Hour, 0, i64::MAX)
        .unwrap();
    assert_eq!(
        stored,
        vec![rollup(T0, 5.0), rollup(T0 + HOUR, 2.0)],
        "the second put replaced the first"
    );
    assert_eq!(store.dirty_hours(100).unwrap(), dirty[1..].to_vec());
    assert_eq!(
        store
            .rollups("S1", "a21026", Period::Day, 0, i64::MAX)
            .unwrap(),
        vec![]
    );
}

pub fn audit_is_written_in_the_same_transaction_as_its_change(db: &dyn Database) {
    let mut store = db.connect().unwrap();
    let failed: Result<()> = store.in_transaction(|s| {
        s.upsert_site(&site("S9", SiteKind::AirStation))?;
        s.audit("alice", "upsert_site", "S9", None)?;
        Err(StoreError::NotFound("then something failed".into()))
    });
    assert!(failed.is_err());
    assert_eq!(store.site("S9").unwrap(), None, "the change rolled back");
    assert_eq!(
        store.audit_log(10).unwrap(),
        vec![],
        "and its audit entry with it"
    );
    store
        .in_transaction(|s| {
            s.upsert_site(&site("S9", SiteKind::AirStation))?;
            s.audit("alice", "upsert_site", "S9", Some("new"))
        })
        .unwrap();
    assert!(store.site("S9").unwrap().is_some());
    let log = store.audit_log(10).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].actor.as_str(),
            log[0].action.as_str(),
            log[0].subject.as_str(),
            log[0].detail.as_deref()
        ),
        ("alice", "upsert_site", "S9", Some("new"))
    );
    assert!(log[0].at > 1_600_000_000, "stamped with the time now");
}

pub fn frames_written_inside_a_transaction_commit_with_it(db: &dyn Database) {
    let mut store = with_site(db);
    let failed: Result<()> = store.in_transaction(|s| {
        s.write_frames(&[frame(Verdict::Accepted, vec![value(T0, 1.0)])])?;
        Err(StoreError::NotFound("abandon".into()))
    });
    assert!(failed.is_err());
    assert_eq!(store.journal_len().unwrap(), 0);
    assert_eq!(values_of(&store), vec![]);
    store
        .in_transaction(|s| s.write_frames(&[frame(Verdict::Accepted, vec![value(T0, 1.0)])]))
        .unwrap();
    assert_eq!(values_of(&store), vec![Some(1.0)]);
}

pub fn registry_upserts_are_idempotent(db: &dyn Database) {
    let store = db.connect().unwrap();
    let county = County {
        code: "530602".into(),
        name: "昭阳区".into(),
        name_en: Some("Zhaoyang".into()),
        lon: Some(103.7),
        lat: Some(27.3),
    };
    store.upsert_county(&county).unwrap();
    store.upsert_county(&county).unwrap();
    assert_eq!(store.counties().unwrap(), vec![county]);
    let e = Enterprise {
        id: "E1".into(),
        name: "昭通电厂 & <co>".into(),
        county: Some("530602".into()),
    };
    store.upsert_enterprise(&e).unwrap();
    store.upsert_enterprise(&e).unwrap();
    assert_eq!(store.enterprises().unwrap(), vec![e]);
    let s1 = Site {
        enterprise_id: Some("E1".into()),
        emission_standard: Some(crate::EmissionStandard::UltraLow),
        ..site("S1", SiteKind::FlueGasOutlet)
    };
    store.upsert_site(&s1).unwrap();
    store.upsert_site(&s1).unwrap();
    assert_eq!(store.sites().unwrap(), vec![s1.clone()]);
    assert_eq!(store.site("S1").unwrap(), Some(s1));
    assert_eq!(store.site("S2").unwrap(), None);
    let d = device("MN1", "S1");
    store.upsert_device(&d).unwrap();
    store
        .upsert_device(&Device {
            password: "654321".into(),
            ..d.clone()
        })
        .unwrap();
    assert_eq!(
        store.devices().unwrap(),
        vec![Device {
            password: "654321".into(),
            ..d.clone()
        }]
    );
    assert!(matches!(
        store.upsert_device(&device("MN2", "nowhere")),
        Err(StoreError::NotFound(_))
    ));
}

pub fn water_sites_link_to_their_water_body(db: &dyn Database) {
    let store = db.connect().unwrap();
    store
        .upsert_site(&site("W1", SiteKind::WaterSection))
        .unwrap();
    let wb = Waterbody {
        id: "WB1".into(),
        name: "渔洞水库".into(),
        name_en: None,
        kind: WaterbodyKind::Reservoir,
        basin: Some("长江".into()),
        lon: Some(103.55),
        lat: Some(27.5),
    };
    store.upsert_waterbody(&wb).unwrap();
    store.upsert_waterbody(&wb).unwrap();
    assert_eq!(store.waterbodies().unwrap(), vec![wb.clone()]);
    assert_eq!(store.site_waterbody("W1").unwrap(), None);
    store.set_site_waterbody("W1", Some("WB1")).unwrap();
    assert_eq!(store.site_waterbody("W1").unwrap(), Some(wb));
    assert!(
        store.set_site_waterbody("W1", Some("nowhere")).is_err(),
        "the water body must exist"
    );
    assert!(matches!(
        store.set_site_waterbody("nosite", None),
        Err(StoreError::NotFound(_))
    ));
    store
        .upsert_site(&site("W1", SiteKind::WaterSection))
        .unwrap();
    assert!(
        store.site_waterbody("W1").unwrap().is_some(),
        "re-registering a site keeps its link"
    );
    store.set_site_waterbody("W1", None).unwrap();
    assert_eq!(store.site_waterbody("W1").unwrap(), None);
}

pub fn readers_see_what_was_committed(db: &dyn Database) {
    let mut store = with_site(db);
    let reader = db.reader().unwrap();
    store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0, 1.5)])])
        .unwrap();
    assert_eq!(values_of(&reader), vec![Some(1.5)]);
    assert_eq!(reader.value_count().unwrap(), 1);
    assert!(
        reader
            .upsert_site(&site("S2", SiteKind::AirStation))
            .is_err(),
        "a reader cannot write"
    );
}

pub fn reads_of_the_figures(db: &dyn Database) {
    let mut store = with_site(db);
    let mut minute = value(T0 + 600, 3.0);
    minute.interval = Interval::Minute;
    let mut so2 = value(T0 + 1200, 8.0);
    so2.param = "a21002".into();
    store
        .write_frames(&[frame(
            Verdict::Accepted,
            vec![value(T0, 1.0), value(T0 + 60, 2.0), minute, so2],
        )])
        .unwrap();
    let info = store.series_of_site("S1").unwrap();
    assert_eq!(
        info.iter()
            .map(|i| (i.param.as_str(), i.interval, i.count, i.first, i.last))
            .collect::<Vec<_>>(),
        vec![
            ("a21002", Interval::Realtime, 1, T0 + 1200, T0 + 1200),
            ("a21026", Interval::Realtime, 2, T0, T0 + 60),
            ("a21026", Interval::Minute, 1, T0 + 600, T0 + 600),
        ]
    );
    assert_eq!(store.value_count().unwrap(), 4);
    let page = store
        .series_page("S1", "a21026", Interval::Realtime, T0, T0 + HOUR, 1)
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(
        store
            .series("S1", "a21026", Interval::Realtime, T0 + 1, T0 + HOUR)
            .unwrap()
            .len(),
        1
    );
    let receipts = store
        .receipts("S1", "a21026", Interval::Realtime, 0, i64::MAX)
        .unwrap();
    assert_eq!(
        receipts,
        vec![
            Receipt {
                time: T0,
                flag: Some("N".into()),
                received_at_ms: T0 * 1000
            },
            Receipt {
                time: T0 + 60,
                flag: Some("N".into()),
                received_at_ms: T0 * 1000
            },
        ]
    );
    assert_eq!(
        store.latest_value_time("S1", &["a21026"]).unwrap(),
        Some(T0 + 600)
    );
    assert_eq!(
        store
            .latest_value_time("S1", &["a21026", "a21002"])
            .unwrap(),
        Some(T0 + 1200)
    );
    assert_eq!(store.latest_value_time("S1", &["a05024"]).unwrap(), None);
    let mut so2_hour = rollup(T0, 8.0);
    so2_hour.param = "a21002".into();
    let invalid = Rollup {
        valid: false,
        mean: None,
        ..rollup(T0 + HOUR, 0.0)
    };
    store
        .put_rollups(&[rollup(T0, 1.5), so2_hour.clone(), invalid.clone()], &[])
        .unwrap();
    assert_eq!(
        store
            .site_rollups("S1", Period::Hour, T0, T0 + 2 * HOUR)
            .unwrap(),
        vec![so2_hour, rollup(T0, 1.5), invalid],
        "by time, then parameter"
    );
    assert_eq!(
        store
            .latest_rollup_time("S1", &["a21026"], Period::Hour, T0 + 5 * HOUR)
            .unwrap(),
        Some(T0 + HOUR)
    );
    assert_eq!(
        store
            .latest_rollup_time("S1", &["a21026"], Period::Hour, T0 + 10)
            .unwrap(),
        Some(T0)
    );
    assert_eq!(
        store
            .latest_rollup_time("S1", &["a21026"], Period::Day, T0 + 10)
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .rollup_means("S1", "a21026", Period::Hour, 0, i64::MAX)
            .unwrap(),
        vec![(T0, Some(1.5), true), (T0 + HOUR, None, false)]
    );
}

pub fn the_copy_list_is_the_schema(db: &dyn Database) {
    let store = db.connect().unwrap();
    let mut listed: Vec<(String, Vec<String>)> = crate::copy::TABLES
        .iter()
        .map(|t| {
            (
                t.name.to_string(),
                t.column_names().iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        store.schema().unwrap(),
        listed,
        "store::copy::TABLES must list every table and column, or a copy would leave data behind"
    );
}

/// Everything a platform stores, copied into a fresh SQLite file (another backend, for PostgreSQL),
/// reads back the same; a copy interrupted after some rows resumes where it stopped.
pub fn a_copy_reads_the_same_and_resumes(db: &dyn Database) {
    let mut store = with_site(db);
    store.upsert_device(&device("MN1", "S1")).unwrap();
    store
        .upsert_county(&County {
            code: "530602".into(),
            name: "昭阳区".into(),
            name_en: Some("Zhaoyang".into()),
            lon: None,
            lat: None,
        })
        .unwrap();
    let mut frames: Vec<FrameRecord> = (0..50)
        .map(|i| frame(Verdict::Accepted, vec![value(T0 + i * 60, i as f64)]))
        .collect();
    frames.push(frame(Verdict::Accepted, vec![value(T0, 99.0)]));
    frames.push(frame(Verdict::UnknownDevice, vec![]));
    store.write_frames(&frames).unwrap();
    store.put_rollups(&[rollup(T0, 24.5)], &[]).unwrap();
    store
        .audit("cli:test", "upsert_site", "S1", Some("name: → S1"))
        .unwrap();
    store
        .count_refusals(&[RefusalCount {
            hour: T0,
            source: "192.0.2.1".into(),
            verdict: Verdict::BadFrame,
            count: 7,
        }])
        .unwrap();

    let file = TempFile::new("copy");
    let copy_db = crate::sqlite::SqliteDatabase::open(&file.0, Durability::Normal).unwrap();
    let report = crate::copy::copy(db, &copy_db, 7, |_| {}).unwrap();
    let total: i64 = report.iter().map(|r| r.copied).sum();
    assert!(total > 50, "{report:?}");
    let copy = copy_db.connect().unwrap();
    let reads = |s: &Store| {
        (
            s.series("S1", "a21026", Interval::Realtime, 0, i64::MAX)
                .unwrap(),
            s.conflicts(None, None, 10).unwrap(),
            s.rollups("S1", "a21026", Period::Hour, 0, i64::MAX)
                .unwrap(),
            s.audit_log(10).unwrap(),
            s.refusal_counts(0).unwrap(),
            s.devices().unwrap(),
            s.counties().unwrap(),
            s.quarantine_counts().unwrap(),
        )
    };
    assert_eq!(reads(&copy), reads(&store));
    assert_eq!(copy.verify_chain().unwrap(), store.verify_chain().unwrap());
    assert_eq!(copy.verify_chain().unwrap().first_broken, None);
    // A later audit entry on the copy gets a new id, not one of the copied ones.
    copy.audit("cli:test", "after", "S1", None).unwrap();
    assert_eq!(copy.audit_log(1).unwrap()[0].action, "after");

    // Interrupted: the last rows of the measurements never arrived. Copying again adds just those.
    drop(copy);
    let sql = rusqlite::Connection::open(&file.0).unwrap();
    sql.execute("DELETE FROM measurements WHERE time >= ?1", [T0 + 40 * 60])
        .unwrap();
    sql.execute("DELETE FROM audit WHERE action = 'after'", [])
        .unwrap();
    let report = crate::copy::copy(db, &copy_db, 7, |_| {}).unwrap();
    let measurements = report.iter().find(|r| r.table == "measurements").unwrap();
    assert_eq!(
        (
            measurements.already,
            measurements.copied,
            measurements.total
        ),
        (40, 10, 50)
    );
    assert!(
        report
            .iter()
            .filter(|r| r.table != "measurements")
            .all(|r| r.copied == 0),
        "{report:?}"
    );
    assert_eq!(reads(&copy_db.connect().unwrap()), reads(&store));
}

pub fn the_audit_log_is_a_hash_chain_and_pages(db: &dyn Database) {
    let mut store = db.connect().unwrap();
    assert_eq!(store.verify_audit().unwrap().records, 0);
    for (who, what) in [
        ("cli:alice", "upsert_site"),
        ("api:bob@10.0.0.5", "upsert_device"),
        ("cli:alice", "sign_in"),
    ] {
        store.audit(who, what, "S1", Some("name: a → b")).unwrap();
    }
    // Inside a transaction that is abandoned, the entry goes with it and the chain stays whole.
    let _ = store.in_transaction(|s| -> Result<()> {
        s.audit("cli:carol", "upsert_site", "S2", None)?;
        Err(StoreError::NotFound("abandoned".into()))
    });
    let check = store.verify_audit().unwrap();
    assert_eq!((check.records, check.first_broken), (3, None));
    let all = store.audit_page(None, None, 10).unwrap();
    assert_eq!(all.len(), 3);
    assert!(
        all[0].id > all[1].id && all[1].id > all[2].id,
        "newest first"
    );
    let alice = store.audit_page(Some("alice"), None, 10).unwrap();
    assert_eq!(alice.len(), 2);
    let older = store.audit_page(None, Some(all[0].id), 10).unwrap();
    assert_eq!(older, all[1..].to_vec(), "paging by id");
    assert_eq!(
        store.audit_page(Some("device"), None, 10).unwrap()[0].actor,
        "api:bob@10.0.0.5"
    );
}

pub fn accounts_keep_their_scopes_and_password_history(db: &dyn Database) {
    let store = db.connect().unwrap();
    let scopes = Scopes {
        counties: vec!["530602".into(), "530621".into()],
        enterprises: vec![],
        reaches: vec![],
    };
    let id = store
        .create_account("zhang", "county_officer", "$argon2id$h1", &scopes, T0)
        .unwrap();
    assert!(matches!(
        store.create_account("zhang", "auditor", "$argon2id$x", &Scopes::default(), T0),
        Err(StoreError::Exists(_))
    ));
    let mut a = store.account_by_name("zhang").unwrap().unwrap();
    assert_eq!(
        (a.id, a.role.as_str(), &a.scopes),
        (id, "county_officer", &scopes)
    );
    assert!(!a.disabled && !a.must_change_password && a.locked_until.is_none());
    a.scopes.counties = vec!["530623".into()];
    a.failed_sign_ins = 3;
    a.locked_until = Some(T0 + 60);
    a.disabled = true;
    store.update_account(&a).unwrap();
    assert_eq!(store.account(id).unwrap().unwrap(), a);
    store
        .set_password(id, "$argon2id$h2", true, T0 + 1)
        .unwrap();
    store
        .set_password(id, "$argon2id$h3", false, T0 + 2)
        .unwrap();
    let now = store.account(id).unwrap().unwrap();
    assert_eq!(
        (now.password_hash.as_str(), now.must_change_password),
        ("$argon2id$h3", false)
    );
    assert_eq!(
        store.password_history(id, 5).unwrap(),
        vec!["$argon2id$h2".to_string(), "$argon2id$h1".to_string()]
    );
    store
        .create_account("li", "auditor", "$argon2id$l", &Scopes::default(), T0)
        .unwrap();
    let names: Vec<String> = store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["li", "zhang"]);
    assert_eq!(store.account(9999).unwrap(), None);
}

pub fn sessions_and_tokens_are_found_by_hash_and_revoked(db: &dyn Database) {
    let store = db.connect().unwrap();
    let id = store
        .create_account("wang", "city_staff", "$argon2id$w", &Scopes::default(), T0)
        .unwrap();
    let session = |n: u8| Session {
        id_hash: vec![n; 32],
        account_id: id,
        created_at: T0,
        last_seen: T0,
        address: "10.0.0.9".into(),
        revoked: false,
    };
    store.create_session(&session(1)).unwrap();
    store.create_session(&session(2)).unwrap();
    store.touch_session(&[1; 32], T0 + 30).unwrap();
    assert_eq!(store.session(&[1; 32]).unwrap().unwrap().last_seen, T0 + 30);
    assert_eq!(store.revoke_sessions(id, Some(&[1; 32])).unwrap(), 1);
    assert!(store.session(&[1; 32]).unwrap().unwrap().revoked);
    assert!(!store.session(&[2; 32]).unwrap().unwrap().revoked);
    store.create_session(&session(4)).unwrap();
    assert_eq!(
        store.revoke_other_sessions(id, &[4; 32]).unwrap(),
        1,
        "all but the one kept"
    );
    assert!(!store.session(&[4; 32]).unwrap().unwrap().revoked);
    assert_eq!(store.revoke_sessions(id, None).unwrap(), 1, "the rest");
    assert_eq!(store.session(&[3; 32]).unwrap(), None);

    let token = ApiToken {
        id: 0,
        account_id: id,
        name: "uploader".into(),
        token_hash: vec![7; 32],
        actions: vec!["registry.write".into(), "data.read".into()],
        created_at: T0,
        expires_at: Some(T0 + 86_400),
        revoked: false,
        last_used: None,
    };
    let tid = store.create_token(&token).unwrap();
    let found = store.token_by_hash(&[7; 32]).unwrap().unwrap();
    assert_eq!(
        found,
        ApiToken {
            id: tid,
            ..token.clone()
        }
    );
    store.touch_token(tid, T0 + 5).unwrap();
    assert_eq!(store.tokens_of(id).unwrap()[0].last_used, Some(T0 + 5));
    assert!(
        !store.revoke_token(id + 1, tid).unwrap(),
        "only its own account revokes it"
    );
    assert!(store.revoke_token(id, tid).unwrap());
    assert!(store.token_by_hash(&[7; 32]).unwrap().unwrap().revoked);
}

/// A SQLite file in the temporary folder, removed (with its WAL) when dropped. The suite is library code
/// (backends' tests call it), so it does not use the dev-only `tempfile`.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(what: &str) -> TempFile {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        TempFile(std::env::temp_dir().join(format!(
            "qingshan-conformance-{what}-{}-{n}-{nanos}.db",
            std::process::id()
        )))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
