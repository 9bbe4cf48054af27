//! The conformance suite, evidence: the first value stands, re-sends, the hash chain, retention,
//! counted refusals and values that were not numbers.

use super::*;

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
