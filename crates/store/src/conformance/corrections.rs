//! The conformance suite, corrections: staff corrections kept beside the values (never edits, never
//! deleted), read by overlap, and the hours they cover marked for recomputation.

use super::*;

fn correction(start: i64, end: i64, value: f64) -> Correction {
    Correction {
        id: 0,
        site_id: "S1".into(),
        param: "a21026".into(),
        start,
        end,
        value,
        reason: "分析仪漂移 analyser drift".into(),
        created_by: "staff1".into(),
        created_at: T0 + 30 * HOUR,
        withdrawn_by: None,
        withdrawn_at: None,
    }
}

pub fn corrections_are_kept_read_by_overlap_and_withdrawn_not_deleted(db: &dyn Database) {
    let store = db.connect().unwrap();
    let first = correction(T0, T0 + 2 * HOUR, 10.0);
    let id = store.put_correction(&first).unwrap();
    let other = Correction {
        param: "a19001".into(),
        created_at: T0 + 40 * HOUR,
        ..correction(T0 + HOUR, T0 + 3 * HOUR, 7.5)
    };
    let other_id = store.put_correction(&other).unwrap();
    let newer_id = store
        .put_correction(&correction(T0 + HOUR, T0 + 2 * HOUR, 11.0))
        .unwrap();
    assert!(id < other_id && other_id < newer_id, "ids grow");
    assert_eq!(
        store.correction(id).unwrap(),
        Some(Correction {
            id,
            ..first.clone()
        })
    );
    assert_eq!(store.correction(999).unwrap(), None);
    let ids = |param: Option<&str>, from, to, withdrawn| -> Vec<i64> {
        store
            .corrections_of("S1", param, from, to, withdrawn)
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect()
    };
    // Overlap is half-open, oldest first; one parameter or all.
    assert_eq!(
        ids(Some("a21026"), T0, T0 + 86_400, false),
        vec![id, newer_id]
    );
    assert_eq!(
        ids(None, T0, T0 + 86_400, false),
        vec![id, other_id, newer_id]
    );
    assert_eq!(
        ids(Some("a21026"), T0 + 2 * HOUR, T0 + 9 * HOUR, false),
        Vec::<i64>::new()
    );
    assert_eq!(ids(Some("a21026"), T0 - HOUR, T0 + 1, false), vec![id]);
    assert!(
        store
            .corrections_of("S2", None, 0, i64::MAX, true)
            .unwrap()
            .is_empty()
    );
    // Withdrawn once: kept, with who and when, and read only when asked for.
    assert!(
        store
            .withdraw_correction(id, "staff2", T0 + 50 * HOUR)
            .unwrap()
    );
    assert!(
        !store
            .withdraw_correction(id, "staff3", T0 + 60 * HOUR)
            .unwrap()
    );
    assert!(
        !store
            .withdraw_correction(999, "staff3", T0 + 60 * HOUR)
            .unwrap()
    );
    let got = store.correction(id).unwrap().unwrap();
    assert_eq!(
        (got.withdrawn_by.as_deref(), got.withdrawn_at, got.value),
        (Some("staff2"), Some(T0 + 50 * HOUR), 10.0)
    );
    assert_eq!(ids(Some("a21026"), T0, T0 + 86_400, false), vec![newer_id]);
    assert_eq!(
        ids(Some("a21026"), T0, T0 + 86_400, true),
        vec![id, newer_id]
    );
    // Made in a range, newest first.
    let made: Vec<i64> = store
        .corrections_made(T0, T0 + 100 * HOUR)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(made, vec![newer_id, other_id, id]);
    assert_eq!(
        store
            .corrections_made(T0 + 35 * HOUR, T0 + 41 * HOUR)
            .unwrap()
            .len(),
        1
    );
}

pub fn marking_hours_dirty_marks_only_hours_with_fine_values(db: &dyn Database) {
    let mut store = with_site(db);
    let hourly = NewValue {
        interval: Interval::Hour,
        ..value(T0 + 5 * HOUR, 9.0)
    };
    store
        .write_frames(&[frame(
            Verdict::Accepted,
            vec![
                value(T0, 1.0),
                value(T0 + 60, 1.5),
                value(T0 + 2 * HOUR, 2.0),
                hourly,
            ],
        )])
        .unwrap();
    let dirty = store.dirty_hours(100).unwrap();
    store.put_rollups(&[], &dirty).unwrap();
    assert!(store.dirty_hours(100).unwrap().is_empty());
    // Hours 0 and 2 hold real-time values; hour 1 holds none, hour 5 only a device's hourly value.
    assert_eq!(
        store
            .mark_hours_dirty("S1", "a21026", T0, T0 + 6 * HOUR)
            .unwrap(),
        2
    );
    assert!(
        store
            .mark_hours_dirty("S1", "a19001", T0, T0 + 6 * HOUR)
            .unwrap()
            == 0
    );
    let marked = store.dirty_hours(100).unwrap();
    let hours: Vec<i64> = marked.iter().map(|d| d.hour).collect();
    assert_eq!(hours, vec![T0, T0 + 2 * HOUR]);
    // Marked again while being rolled up: clearing the mark read leaves it dirty.
    store
        .mark_hours_dirty("S1", "a21026", T0, T0 + HOUR)
        .unwrap();
    store.put_rollups(&[], &marked).unwrap();
    let still = store.dirty_hours(100).unwrap();
    assert_eq!(still.iter().map(|d| d.hour).collect::<Vec<_>>(), vec![T0]);
    // The values themselves are untouched.
    assert_eq!(values_of(&store), vec![Some(1.0), Some(1.5), Some(2.0)]);
}
