//! The conformance suite: what every backend must do, run against a fresh database per test.
//!
//! A backend's tests call [`conformance_tests!`](crate::conformance_tests) with an expression that makes
//! a fresh, empty database and something that keeps it alive (a temporary folder, a schema dropped on
//! drop): `(guard, database)`. Every function here panics when the backend breaks the contract.

use crate::*;

mod cases;
mod copy;
mod corrections;
mod journal;
mod marks;
mod people;
mod permits;
mod rivers;
mod targets;
pub use cases::*;
pub use copy::*;
pub use corrections::*;
pub use journal::*;
pub use marks::*;
pub use people::*;
pub use permits::*;
pub use rivers::*;
pub use targets::*;

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
            the_access_log_appends_and_pages,
            accounts_keep_their_scopes_and_password_history,
            sessions_and_tokens_are_found_by_hash_and_revoked,
            permits_keep_their_versions_whole,
            baselines_are_replaced_by_area_pollutant_and_year,
            determinations_are_updated_in_place_and_withdrawn_not_deleted,
            alarms_keep_their_state_and_notes,
            marks_keep_their_review_and_overlap_reads,
            confirming_validates_values_once_and_moves_forward,
            attachments_are_held_once_per_owner,
            corrections_are_kept_read_by_overlap_and_withdrawn_not_deleted,
            marking_hours_dirty_marks_only_hours_with_fine_values,
            cases_keep_their_steps_and_their_history_grows,
            reaches_chiefs_and_patrols_are_kept,
            targets_are_replaced_by_key_and_values_only_added,
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

    // A value arriving while its hour is rolled up (another gateway's) marks it again: clearing the mark
    // that was read leaves the hour dirty, so the new value is rolled up next time.
    let read = store.dirty_hours(100).unwrap();
    assert_eq!(read.len(), 1);
    store
        .write_frames(&[frame(Verdict::Accepted, vec![value(T0 + HOUR + 60, 3.0)])])
        .unwrap();
    store.put_rollups(&[rollup(T0 + HOUR, 2.0)], &read).unwrap();
    let still = store.dirty_hours(100).unwrap();
    assert_eq!(still.len(), 1, "marked again, not cleared");
    assert_eq!(still[0].hour, read[0].hour);
    assert!(still[0].mark > read[0].mark);
    store
        .put_rollups(&[rollup(T0 + HOUR, 2.5)], &still)
        .unwrap();
    assert!(store.dirty_hours(100).unwrap().is_empty());
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
