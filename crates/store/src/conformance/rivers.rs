//! The conformance suite, river chiefs: reaches are replaced whole, chiefs per reach, patrols kept as
//! recorded.

use super::*;

fn reach(id: &str) -> Reach {
    Reach {
        id: id.into(),
        waterbody_id: "WB1".into(),
        name: "洒渔河昭阳段".into(),
        start_point: Some("渔洞水库坝下".into()),
        end_point: None,
        counties: vec!["530602".into(), "530621".into()],
        sections: vec!["W1".into()],
        target_class: Some("III".into()),
        length_km: Some(23.5),
        phone: Some("0870-12369".into()),
        course: vec![(103.55, 27.5), (103.6, 27.45)],
    }
}

pub fn reaches_chiefs_and_patrols_are_kept(db: &dyn Database) {
    let mut store = db.connect().unwrap();
    store
        .upsert_waterbody(&Waterbody {
            id: "WB1".into(),
            name: "洒渔河".into(),
            name_en: None,
            kind: WaterbodyKind::River,
            basin: None,
            lon: None,
            lat: None,
        })
        .unwrap();
    let r = reach("R1");
    store.put_reach(&r).unwrap();
    let bare = Reach {
        counties: vec![],
        sections: vec![],
        course: vec![],
        target_class: None,
        ..reach("R2")
    };
    store.put_reach(&bare).unwrap();
    let changed = Reach {
        target_class: Some("II".into()),
        ..r.clone()
    };
    store.put_reach(&changed).unwrap();
    assert_eq!(store.reach("R1").unwrap(), Some(changed.clone()));
    assert_eq!(store.reaches().unwrap(), vec![changed, bare]);
    assert_eq!(store.reach("R9").unwrap(), None);
    assert!(
        store
            .put_reach(&Reach {
                waterbody_id: "nowhere".into(),
                ..reach("R3")
            })
            .is_err(),
        "the water body must exist"
    );

    let chief = |level: &str, name: &str, account: Option<&str>| ReachChief {
        reach_id: "R1".into(),
        level: level.into(),
        name: name.into(),
        title: Some("副县长".into()),
        account: account.map(str::to_string),
    };
    store
        .set_reach_chiefs("R1", &[chief("county", "张三", None)])
        .unwrap();
    let chiefs = vec![
        chief("county", "李四", Some("lisi")),
        chief("township", "王五", None),
    ];
    store
        .in_transaction(|s| s.set_reach_chiefs("R1", &chiefs))
        .unwrap();
    assert_eq!(store.reach_chiefs(Some("R1")).unwrap(), chiefs);
    assert_eq!(store.reach_chiefs(None).unwrap(), chiefs);
    assert!(store.reach_chiefs(Some("R2")).unwrap().is_empty());

    let patrol = |started_at: i64| Patrol {
        id: 0,
        reach_id: "R1".into(),
        chief: "lisi".into(),
        level: "county".into(),
        started_at,
        ended_at: started_at + 2400,
        track: r#"{"type":"LineString","coordinates":[[103.55,27.5],[103.56,27.49]]}"#.into(),
        distance_m: 1480.5,
        counts: false,
        shortfall: Some("1481 m < 2000 m".into()),
        checklist: r#"{"garbage":"ok"}"#.into(),
        note: None,
        created_by: "lisi".into(),
        created_at: started_at + 2500,
    };
    let later = store.put_patrol(&patrol(T0 + HOUR)).unwrap();
    let first = store.put_patrol(&patrol(T0)).unwrap();
    assert_ne!(first, later);
    assert_eq!(
        store.patrol(first).unwrap(),
        Some(Patrol {
            id: first,
            ..patrol(T0)
        })
    );
    let ids: Vec<i64> = store
        .patrols(T0, T0 + 2 * HOUR)
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, vec![first, later], "oldest first");
    assert!(
        store
            .patrols(T0 + 2 * HOUR, T0 + 3 * HOUR)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.patrol(999).unwrap(), None);
}
