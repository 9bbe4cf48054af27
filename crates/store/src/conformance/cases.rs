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
}
