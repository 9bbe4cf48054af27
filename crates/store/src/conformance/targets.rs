//! The conformance suite, targets: a target is replaced by its key; hand-entered values are only added.

use super::*;

pub fn targets_are_replaced_by_key_and_values_only_added(db: &dyn Database) {
    let mut store = db.connect().unwrap();
    let target = |area: &str, indicator: &str, value: f64| Target {
        set_name: "zhaotong-2020".into(),
        area: area.into(),
        indicator: indicator.into(),
        period: "2020".into(),
        value,
        source: "昭通市生态环境保护“十三五”规划 表1".into(),
    };
    store
        .put_targets(&[
            target("530602", "air.good_day_ratio", 97.2),
            target("city", "ecology.forest_cover", 40.0),
        ])
        .unwrap();
    store
        .in_transaction(|s| s.put_targets(&[target("530602", "air.good_day_ratio", 98.0)]))
        .unwrap();
    assert_eq!(
        store.targets().unwrap(),
        vec![
            target("530602", "air.good_day_ratio", 98.0),
            target("city", "ecology.forest_cover", 40.0),
        ]
    );
    let value = |v: f64, at: i64| IndicatorValue {
        id: 0,
        area: "city".into(),
        indicator: "ecology.forest_cover".into(),
        period: "2020".into(),
        value: v,
        note: Some("林草局年报".into()),
        entered_by: "staff".into(),
        entered_at: at,
    };
    let first = store.put_indicator_value(&value(39.5, T0)).unwrap();
    let second = store.put_indicator_value(&value(41.2, T0 + HOUR)).unwrap();
    assert!(second > first);
    assert_eq!(
        store.indicator_values().unwrap(),
        vec![
            IndicatorValue {
                id: first,
                ..value(39.5, T0)
            },
            IndicatorValue {
                id: second,
                ..value(41.2, T0 + HOUR)
            }
        ]
    );
}
