//! The conformance suite, permits: versions with their outlets, limits and annual quantities.

use super::*;

fn permit(valid_from: &str, limit: f64) -> Permit {
    Permit {
        id: 0,
        number: "91530600000000000X001P".into(),
        enterprise_id: "E1".into(),
        authority: Some("昭通市生态环境局".into()),
        valid_from: valid_from.into(),
        valid_to: "2030-12-31".into(),
        outlets: vec![PermitOutlet {
            site_id: "S1".into(),
            kind: "main".into(),
            limits: vec![
                PermitLimit {
                    param: "a21026".into(),
                    limit,
                    unit: "mg/m3".into(),
                    averaging: "hour".into(),
                    reference_o2: Some(6.0),
                    season: None,
                },
                PermitLimit {
                    param: "a21026".into(),
                    limit: 25.0,
                    unit: "mg/m3".into(),
                    averaging: "hour".into(),
                    reference_o2: Some(6.0),
                    season: Some(("11-15".into(), "03-15".into())),
                },
            ],
            annual: vec![PermitAnnual {
                param: "a21026".into(),
                tonnes: 120.5,
            }],
        }],
    }
}

pub fn permits_keep_their_versions_whole(db: &dyn Database) {
    let store = db.connect().unwrap();
    store
        .upsert_enterprise(&Enterprise {
            id: "E1".into(),
            name: "电厂".into(),
            county: None,
        })
        .unwrap();
    store
        .upsert_site(&Site {
            enterprise_id: Some("E1".into()),
            ..site("S1", SiteKind::FlueGasOutlet)
        })
        .unwrap();
    let first = store.put_permit(&permit("2026-01-01", 35.0)).unwrap();
    let renewed = store.put_permit(&permit("2028-01-01", 30.0)).unwrap();
    assert_ne!(first, renewed, "a renewal is a new version");
    // The same version again replaces it whole (no duplicated limits).
    assert_eq!(
        store.put_permit(&permit("2026-01-01", 50.0)).unwrap(),
        first
    );
    let all = store.permits().unwrap();
    assert_eq!(all.len(), 2);
    let mut expected = permit("2026-01-01", 50.0);
    expected.id = first;
    // Stored order: by parameter, then season (the all-year limit first).
    assert_eq!(all[0], expected);
    assert_eq!(all[1].valid_from, "2028-01-01");
    assert_eq!(all[1].outlets[0].limits[0].limit, 30.0);
    assert_eq!(store.permit(renewed).unwrap().unwrap(), all[1]);
    assert_eq!(store.permit(renewed + 100).unwrap(), None);
}

pub fn baselines_are_replaced_by_area_pollutant_and_year(db: &dyn Database) {
    let store = db.connect().unwrap();
    let cod = |tonnes: f64, simulated: bool| Baseline {
        area: "530602".into(),
        param: "w01018".into(),
        base_year: 2015,
        tonnes,
        target_year: 2020,
        reduction_pct: 14.1,
        source: "昭通市“十三五”生态环境保护规划".into(),
        simulated,
    };
    store.put_baseline(&cod(1200.5, true)).unwrap();
    store
        .put_baseline(&Baseline {
            area: "city".into(),
            param: "a21026".into(),
            reduction_pct: 1.0,
            ..cod(9000.0, false)
        })
        .unwrap();
    store.put_baseline(&cod(1180.25, false)).unwrap();
    let all = store.baselines().unwrap();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(
        all[0],
        cod(1180.25, false),
        "replaced whole, ordered by area"
    );
    assert_eq!(all[1].area, "city");
    assert_eq!(all[1].reduction_pct, 1.0);
}

pub fn determinations_are_updated_in_place_and_withdrawn_not_deleted(db: &dyn Database) {
    let store = db.connect().unwrap();
    // The queue keeps a (site, day) once and forgets what is dequeued.
    let day = |n: i64| ("S1".to_string(), T0 + n * 86_400);
    store.queue_determinations(&[day(0), day(1)]).unwrap();
    store
        .queue_determinations(&[day(1), day(2), ("A1".into(), T0)])
        .unwrap();
    assert_eq!(
        store.queued_determinations(10).unwrap(),
        vec![("A1".to_string(), T0), day(0), day(1), day(2)]
    );
    store
        .dequeue_determinations(&[day(0), ("A1".into(), T0)])
        .unwrap();
    assert_eq!(store.queued_determinations(1).unwrap(), vec![day(1)]);

    let episode = Determination {
        id: 0,
        site_id: "S1".into(),
        param: "a21026".into(),
        kind: "exceedance".into(),
        start: T0 + 8 * HOUR,
        end: T0 + 10 * HOUR,
        exceedance: Some(ExceedanceFacts {
            hours: 2,
            peak: 50.0,
            limit: 35.0,
            multiple: Some(0.43),
            averaging: "hour".into(),
            permit_id: Some(7),
            permit_number: Some("91530600000000000X001P".into()),
            source: "permit 91530600000000000X001P (2026-01-01 – 2030-12-31)".into(),
        }),
        evidence: Some((101, 220)),
        found_at: T0 + 11 * HOUR,
        changed_at: T0 + 11 * HOUR,
        withdrawn_at: None,
    };
    let gap = Determination {
        kind: "gap".into(),
        param: "a00000".into(),
        start: T0 + 12 * HOUR,
        end: T0 + 15 * HOUR,
        exceedance: None,
        evidence: None,
        ..episode.clone()
    };
    let id = store.put_determination(&episode).unwrap();
    let gap_id = store.put_determination(&gap).unwrap();
    assert_ne!(id, gap_id);
    // The episode grows: the same row, changed.
    let grown = Determination {
        id,
        end: T0 + 11 * HOUR,
        changed_at: T0 + 12 * HOUR,
        ..episode.clone()
    };
    assert_eq!(store.put_determination(&grown).unwrap(), id);
    let found = store
        .determinations_of("S1", T0, T0 + 86_400, false)
        .unwrap();
    assert_eq!(
        found,
        vec![
            grown.clone(),
            Determination {
                id: gap_id,
                ..gap.clone()
            }
        ]
    );
    // Overlap, not containment: [10:30, 12:00) meets the episode only.
    let some = store
        .determinations_of("S1", T0 + 10 * HOUR + 1800, T0 + 12 * HOUR, false)
        .unwrap();
    assert_eq!(some.len(), 1);
    assert_eq!(some[0].id, id);
    // Withdrawn: gone from the current list, kept for whoever points at it.
    let withdrawn = Determination {
        withdrawn_at: Some(T0 + 13 * HOUR),
        ..grown
    };
    store.put_determination(&withdrawn).unwrap();
    let current = store
        .determinations_of("S1", T0, T0 + 86_400, false)
        .unwrap();
    assert_eq!(
        current.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![gap_id]
    );
    let all = store
        .determinations_of("S1", T0, T0 + 86_400, true)
        .unwrap();
    assert_eq!(all[0], withdrawn);
    assert!(
        store
            .determinations_of("S2", T0, T0 + 86_400, true)
            .unwrap()
            .is_empty()
    );
}

pub fn alarms_keep_their_state_and_notes(db: &dyn Database) {
    let store = db.connect().unwrap();
    let alarm = Alarm {
        id: 0,
        kind: "exceedance".into(),
        severity: "high".into(),
        site_id: "S1".into(),
        param: Some("a21026".into()),
        determination_id: Some(7),
        state: "open".into(),
        level: "county".into(),
        opened_at: T0 + HOUR,
        episode_start: T0,
        episode_end: T0 + HOUR,
        changed_at: T0 + HOUR,
        case_id: None,
        mark_id: None,
    };
    let id = store.put_alarm(&alarm).unwrap();
    let gap = Alarm {
        kind: "gap".into(),
        severity: "medium".into(),
        param: None,
        determination_id: Some(8),
        opened_at: T0 + 2 * HOUR,
        ..alarm.clone()
    };
    let gap_id = store.put_alarm(&gap).unwrap();
    let acked = Alarm {
        id,
        state: "acknowledged".into(),
        level: "city".into(),
        changed_at: T0 + 3 * HOUR,
        ..alarm.clone()
    };
    assert_eq!(store.put_alarm(&acked).unwrap(), id);
    assert_eq!(store.alarm(id).unwrap(), Some(acked.clone()));
    assert_eq!(store.alarm(999).unwrap(), None);
    assert_eq!(
        store.alarm_of_determination(7).unwrap(),
        Some(acked.clone())
    );
    assert_eq!(store.alarm_of_determination(9).unwrap(), None);
    // Newest first; closed ones are not unclosed.
    let opened: Vec<i64> = store
        .alarms_opened(T0, T0 + 86_400)
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(opened, vec![gap_id, id]);
    store
        .put_alarm(&Alarm {
            id: gap_id,
            state: "closed".into(),
            ..gap.clone()
        })
        .unwrap();
    let unclosed: Vec<i64> = store
        .unclosed_alarms()
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(unclosed, vec![id]);
    for (event, comment) in [("opened", None), ("ack", Some("on it"))] {
        store
            .add_alarm_note(&AlarmNote {
                alarm_id: id,
                at: T0 + 3 * HOUR,
                actor: "staff".into(),
                event: event.into(),
                comment: comment.map(str::to_string),
            })
            .unwrap();
    }
    let notes = store.alarm_notes(id).unwrap();
    assert_eq!(
        notes.iter().map(|n| n.event.as_str()).collect::<Vec<_>>(),
        vec!["opened", "ack"]
    );
    assert_eq!(notes[1].comment.as_deref(), Some("on it"));
    assert!(store.alarm_notes(gap_id).unwrap().is_empty());

    // The outbox: due deliveries in order, a delivered one no longer due.
    let delivery = |event: &str, at: i64| Delivery {
        id: 0,
        alarm_id: Some(id),
        case_id: None,
        channel: "webhook".into(),
        recipient: None,
        event: event.into(),
        body: format!(r#"{{"event":"{event}"}}"#),
        created_at: at,
        attempts: 0,
        next_attempt_at: Some(at),
        delivered_at: None,
        last_error: None,
    };
    let first = store.put_delivery(&delivery("opened", T0 + 10)).unwrap();
    let second = store.put_delivery(&delivery("ack", T0 + 20)).unwrap();
    let due = |now: i64| -> Vec<i64> {
        store
            .due_deliveries(now, 10)
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect()
    };
    assert_eq!(due(T0 + 15), vec![first]);
    assert_eq!(due(T0 + 25), vec![first, second]);
    let failed = Delivery {
        id: first,
        attempts: 1,
        next_attempt_at: Some(T0 + 40),
        last_error: Some("HTTP 500".into()),
        ..delivery("opened", T0 + 10)
    };
    store.put_delivery(&failed).unwrap();
    assert_eq!(due(T0 + 25), vec![second]);
    store
        .put_delivery(&Delivery {
            id: second,
            attempts: 1,
            next_attempt_at: None,
            delivered_at: Some(T0 + 26),
            ..delivery("ack", T0 + 20)
        })
        .unwrap();
    assert_eq!(due(T0 + 100), vec![first]);
    let log = store.deliveries_of(id).unwrap();
    assert_eq!(log[0], failed);
    assert_eq!(log[1].delivered_at, Some(T0 + 26));

    // Rules people define: kept whole, disabled in place.
    let rule = AlarmRule {
        id: 0,
        site_id: "S1".into(),
        param: "w01018".into(),
        condition: "above".into(),
        value: 80.5,
        hours: 3,
        severity: "medium".into(),
        note: Some("early warning below the permit".into()),
        created_by: "user:staff".into(),
        created_at: T0,
        disabled: false,
    };
    let rule_id = store.put_alarm_rule(&rule).unwrap();
    let stored = AlarmRule {
        id: rule_id,
        ..rule.clone()
    };
    assert_eq!(store.alarm_rule(rule_id).unwrap(), Some(stored.clone()));
    let off = AlarmRule {
        disabled: true,
        ..stored
    };
    store.put_alarm_rule(&off).unwrap();
    assert_eq!(store.alarm_rules().unwrap(), vec![off]);
    assert_eq!(store.alarm_rule(rule_id + 1).unwrap(), None);
}
