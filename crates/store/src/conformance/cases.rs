//! The conformance suite, cases: a case's steps replace its record; its history only grows.

use super::*;

fn case(title: &str, created_at: i64) -> Case {
    Case {
        id: 0,
        source: "alarm".into(),
        source_ref: Some("alarm:7".into()),
        subject_kind: "site".into(),
        subject_id: Some("S1".into()),
        site_id: Some("S1".into()),
        enterprise_id: Some("E1".into()),
        county: Some("530602".into()),
        title: title.into(),
        description: "SO2 超标".into(),
        state: "created".into(),
        unit: None,
        assignee: None,
        due: Some("2024-01-16".into()),
        accepted_on: None,
        founded: None,
        penalty_number: None,
        penalty_amount: None,
        penalty_measures: None,
        reason_code: None,
        merged_into: None,
        created_by: "officer".into(),
        created_at,
        changed_at: created_at,
    }
}

pub fn cases_keep_their_steps_and_their_history_grows(db: &dyn Database) {
    let store = db.connect().unwrap();
    let id = store.put_case(&case("1号排口二氧化硫超标", T0)).unwrap();
    let other = store.put_case(&case("重复", T0 + HOUR)).unwrap();
    let decided = Case {
        id,
        state: "decided".into(),
        unit: Some("昭阳分局".into()),
        assignee: Some("officer".into()),
        accepted_on: Some("2024-01-02".into()),
        founded: Some(true),
        penalty_number: Some("昭环罚〔2024〕1号".into()),
        penalty_amount: Some(125_000.0),
        penalty_measures: Some("责令改正".into()),
        changed_at: T0 + 50 * HOUR,
        ..case("1号排口二氧化硫超标", T0)
    };
    assert_eq!(store.put_case(&decided).unwrap(), id);
    assert_eq!(store.case(id).unwrap(), Some(decided.clone()));
    let merged = Case {
        id: other,
        state: "merged".into(),
        merged_into: Some(id),
        founded: Some(false),
        ..case("重复", T0 + HOUR)
    };
    store.put_case(&merged).unwrap();
    assert_eq!(store.case(other).unwrap(), Some(merged));
    assert_eq!(store.case(999).unwrap(), None);
    let open: Vec<i64> = store.open_cases().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(open, vec![id], "merged is not open");
    let created: Vec<i64> = store
        .cases_created(T0, T0 + 2 * HOUR)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(created, vec![other, id]);
    for (i, action) in ["created", "accept", "comment"].iter().enumerate() {
        store
            .add_case_event(&CaseEvent {
                case_id: id,
                at: T0 + i as i64,
                actor: "officer".into(),
                action: action.to_string(),
                from_state: (i > 0).then(|| "created".into()),
                to_state: "accepted".into(),
                comment: (i == 2).then(|| "已电话联系".into()),
                detail: None,
            })
            .unwrap();
    }
    let history = store.case_events(id).unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["created", "accept", "comment"]
    );
    assert_eq!(history[2].comment.as_deref(), Some("已电话联系"));
    assert!(store.case_events(other).unwrap().is_empty());

    // Complaints: found by their tracking code and their case; the contact only ever sealed.
    let complaint = Complaint {
        id: 0,
        case_id: id,
        tracking_code: "ZT7K2M9QH4XW".into(),
        category: "air".into(),
        address: Some("昭阳区凤凰街道".into()),
        lon: Some(103.717),
        lat: Some(27.338),
        county: Some("530602".into()),
        description: "夜间异味".into(),
        contact_sealed: Some("v1:k1:00:ff".into()),
        channel: "web".into(),
        duplicate_of: None,
        created_at: T0 + 2 * HOUR,
    };
    let cid = store.put_complaint(&complaint).unwrap();
    let again = Complaint {
        id: 0,
        tracking_code: "ZT8A3B4C5D6E".into(),
        contact_sealed: None,
        channel: "open311".into(),
        duplicate_of: Some(cid),
        created_at: T0 + 3 * HOUR,
        ..complaint.clone()
    };
    let aid = store.put_complaint(&again).unwrap();
    let stored = Complaint {
        id: cid,
        ..complaint
    };
    assert_eq!(store.complaint(cid).unwrap(), Some(stored.clone()));
    assert_eq!(
        store.complaint_by_code("ZT7K2M9QH4XW").unwrap(),
        Some(stored)
    );
    assert_eq!(store.complaint_by_code("nope").unwrap(), None);
    let of_case: Vec<i64> = store
        .complaints_of_case(id)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(of_case, vec![cid, aid]);
    assert_eq!(
        store
            .complaints_received(T0 + 3 * HOUR, T0 + 4 * HOUR)
            .unwrap()
            .len(),
        1
    );

    // A reminder of a case's clock is recorded once per kind and due date; its delivery names the case.
    assert!(
        store
            .record_case_reminder(id, "case_overdue", "2024-01-16", T0)
            .unwrap()
    );
    assert!(
        !store
            .record_case_reminder(id, "case_overdue", "2024-01-16", T0 + 1)
            .unwrap()
    );
    assert!(
        store
            .record_case_reminder(id, "case_overdue", "2024-02-16", T0)
            .unwrap()
    );
    let d = Delivery {
        id: 0,
        alarm_id: None,
        case_id: Some(id),
        channel: "webhook".into(),
        recipient: None,
        event: "case_overdue".into(),
        body: "{}".into(),
        created_at: T0,
        attempts: 0,
        next_attempt_at: Some(T0),
        delivered_at: None,
        last_error: None,
    };
    let did = store.put_delivery(&d).unwrap();
    assert_eq!(
        store.deliveries_of_case(id).unwrap(),
        vec![Delivery { id: did, ..d }]
    );
    assert_eq!(store.due_deliveries(T0, 10).unwrap().len(), 1);
}
