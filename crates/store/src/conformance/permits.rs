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
