//! The conformance suite, marks: enterprises' marks and their review, confirmation of a site's values,
//! and the evidence files records hold.

use super::*;

fn mark(start: i64, end: i64) -> Mark {
    Mark {
        id: 0,
        site_id: "S1".into(),
        param: Some("a21026".into()),
        category: "device_fault".into(),
        start,
        end,
        reason: "分析仪故障 analyser fault".into(),
        value: None,
        state: "submitted".into(),
        late: false,
        created_by: "ent1".into(),
        created_at: T0 + 30 * HOUR,
        reviewed_by: None,
        reviewed_at: None,
        review_comment: None,
    }
}

pub fn marks_keep_their_review_and_overlap_reads(db: &dyn Database) {
    let store = db.connect().unwrap();
    let first = mark(T0, T0 + 2 * HOUR);
    let id = store.put_mark(&first).unwrap();
    let manual = Mark {
        param: None,
        category: "manual_value".into(),
        value: Some(12.5),
        state: "awaiting_approval".into(),
        late: true,
        created_at: T0 + 60 * HOUR,
        ..mark(T0 + 5 * HOUR, T0 + 6 * HOUR)
    };
    let manual_id = store.put_mark(&manual).unwrap();
    assert_ne!(id, manual_id);
    let reviewed = Mark {
        id,
        state: "accepted".into(),
        reviewed_by: Some("officer".into()),
        reviewed_at: Some(T0 + 40 * HOUR),
        review_comment: Some("维修记录齐全".into()),
        ..first.clone()
    };
    assert_eq!(store.put_mark(&reviewed).unwrap(), id);
    assert_eq!(store.mark(id).unwrap(), Some(reviewed.clone()));
    assert_eq!(store.mark(999).unwrap(), None);
    // Overlap is half-open: a mark ending where the range starts is not in it.
    let ids = |from, to| -> Vec<i64> {
        store
            .marks_of("S1", from, to)
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect()
    };
    assert_eq!(ids(T0, T0 + 86_400), vec![id, manual_id]);
    assert_eq!(ids(T0 + 2 * HOUR, T0 + 5 * HOUR), Vec::<i64>::new());
    assert_eq!(ids(T0 + HOUR, T0 + 5 * HOUR + 1), vec![id, manual_id]);
    assert!(store.marks_of("S2", T0, T0 + 86_400).unwrap().is_empty());
    let got = store.mark(manual_id).unwrap().unwrap();
    assert_eq!((got.value, got.late, got.param), (Some(12.5), true, None));
    // Made in a range, newest first.
    let made: Vec<i64> = store
        .marks_made(T0, T0 + 100 * HOUR)
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(made, vec![manual_id, id]);
    assert_eq!(store.marks_made(T0, T0 + 31 * HOUR).unwrap().len(), 1);
}

pub fn confirming_validates_values_once_and_moves_forward(db: &dyn Database) {
    let mut store = with_site(db);
    let mut values: Vec<NewValue> = (0..4).map(|i| value(T0 + i * HOUR, 1.0)).collect();
    // Other series of the site: each is confirmed too.
    for (param, interval) in [("a19001", Interval::Minute), ("a00000", Interval::Hour)] {
        values.push(NewValue {
            param: param.into(),
            interval,
            ..value(T0 + HOUR, 2.0)
        });
    }
    store
        .write_frames(&[frame(Verdict::Accepted, values)])
        .unwrap();
    let others = ["a19001", "a00000"];
    assert_eq!(
        store.tier_counts("S1", &others, T0, T0 + 4 * HOUR).unwrap(),
        (2, 2)
    );
    assert_eq!(store.confirmed_until("S1").unwrap(), None);
    let p = ["a21026"];
    assert_eq!(
        store.tier_counts("S1", &p, T0, T0 + 4 * HOUR).unwrap(),
        (4, 4)
    );
    assert_eq!(store.confirm_values("S1", T0, T0 + 2 * HOUR).unwrap(), 4);
    assert_eq!(
        store.tier_counts("S1", &others, T0, T0 + 4 * HOUR).unwrap(),
        (0, 2)
    );
    assert_eq!(store.confirmed_until("S1").unwrap(), Some(T0 + 2 * HOUR));
    assert_eq!(
        store.tier_counts("S1", &p, T0, T0 + 4 * HOUR).unwrap(),
        (2, 4)
    );
    // Again: nothing left to change there; the end never moves back.
    assert_eq!(store.confirm_values("S1", T0, T0 + 2 * HOUR).unwrap(), 0);
    assert_eq!(store.confirm_values("S1", T0, T0 + HOUR).unwrap(), 0);
    assert_eq!(store.confirmed_until("S1").unwrap(), Some(T0 + 2 * HOUR));
    // A confirmed value is validated: a device's different re-send no longer replaces it.
    let s = store
        .series("S1", "a21026", Interval::Realtime, T0, T0 + HOUR)
        .unwrap();
    assert_eq!(s[0].tier, Tier::Validated);
}

pub fn attachments_are_held_once_per_owner(db: &dyn Database) {
    let store = db.connect().unwrap();
    let a = Attachment {
        digest: "ab".repeat(32),
        name: "维修记录.pdf".into(),
        media_type: "application/pdf".into(),
        size: 12_345,
    };
    let b = Attachment {
        digest: "cd".repeat(32),
        name: "photo.jpg".into(),
        media_type: "image/jpeg".into(),
        size: 99,
    };
    store.attach("mark:1", &a).unwrap();
    store.attach("mark:1", &b).unwrap();
    store.attach("mark:1", &a).unwrap();
    store.attach("mark:2", &a).unwrap();
    assert_eq!(store.attachments_of("mark:1").unwrap(), vec![a.clone(), b]);
    assert_eq!(store.attachments_of("mark:2").unwrap(), vec![a]);
    assert!(store.attachments_of("mark:3").unwrap().is_empty());
}
