//! Properties of the single-factor evaluation that must hold for every input.

use proptest::prelude::*;
use standards::Decimal;
use standards::water::{
    Criterion, Parameter, WaterClass, WaterbodyKind, class_iii_limit, class_of, criterion,
    evaluate, exceedance_multiple, parameter_class,
};

fn graded() -> impl Strategy<Value = Parameter> {
    proptest::sample::select(
        Parameter::ALL
            .into_iter()
            .filter(|p| criterion(*p, WaterbodyKind::River).is_some())
            .collect::<Vec<_>>(),
    )
}

fn kind() -> impl Strategy<Value = WaterbodyKind> {
    prop_oneof![
        Just(WaterbodyKind::River),
        Just(WaterbodyKind::LakeOrReservoir)
    ]
}

/// Values from 0 to 50 000 (in the unit), with six places.
fn value() -> impl Strategy<Value = Decimal> {
    (0i64..50_000_000_000).prop_map(Decimal::from_units)
}

proptest! {
    #[test]
    fn evaluation_never_panics(
        sample in proptest::collection::vec((proptest::sample::select(Parameter::ALL.to_vec()), any::<i64>()), 0..30),
        kind in kind(),
    ) {
        let sample: Vec<(Parameter, Decimal)> =
            sample.into_iter().map(|(p, u)| (p, Decimal::from_units(u))).collect();
        let _ = evaluate(kind, &sample);
    }

    #[test]
    fn a_worse_value_never_gets_a_better_class(p in graded(), kind in kind(), a in value(), b in value()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (class_lo, class_hi) = (parameter_class(p, kind, lo).unwrap(), parameter_class(p, kind, hi).unwrap());
        match criterion(p, kind).unwrap() {
            Criterion::AtMost(_) => prop_assert!(class_lo <= class_hi, "{p} {lo} {class_lo} vs {hi} {class_hi}"),
            Criterion::AtLeast(_) => prop_assert!(class_lo >= class_hi, "{p} {lo} {class_lo} vs {hi} {class_hi}"),
            Criterion::Range { .. } => {}
        }
    }

    #[test]
    fn a_value_on_a_limit_meets_that_class(p in graded(), kind in kind(), k in 0usize..5) {
        let (limits, worse) = match criterion(p, kind).unwrap() {
            Criterion::AtMost(l) => (l, Decimal::from_units(1)),
            Criterion::AtLeast(l) => (l, Decimal::from_units(-1)),
            Criterion::Range { .. } => return Ok(()),
        };
        let class = WaterClass::GRADED[k];
        prop_assert!(parameter_class(p, kind, limits[k]).unwrap() <= class);
        // Just past the limit, the value no longer meets that class.
        prop_assert!(parameter_class(p, kind, limits[k] + worse).unwrap() > class);
    }

    #[test]
    fn the_sample_class_is_the_worst_deciding_class(
        values in proptest::collection::vec(value(), 29),
        kind in kind(),
    ) {
        let sample: Vec<(Parameter, Decimal)> = Parameter::ALL
            .into_iter()
            .zip(values)
            .filter(|(p, _)| *p != Parameter::Ph)
            .collect();
        let evaluation = evaluate(kind, &sample).unwrap();
        let worst = sample
            .iter()
            .filter(|(p, _)| p.decides_class())
            .filter_map(|&(p, v)| parameter_class(p, kind, v))
            .max()
            .unwrap();
        prop_assert_eq!(evaluation.class, worst);
        prop_assert_eq!(class_of(kind, &sample), Ok(worst));
        prop_assert!(!evaluation.limiting().is_empty());
        for r in evaluation.limiting() {
            prop_assert_eq!(r.class, Some(worst));
        }
    }

    #[test]
    fn a_multiple_exactly_when_class_iii_is_exceeded(p in graded(), kind in kind(), v in value()) {
        let m = exceedance_multiple(p, kind, v);
        match (p, class_iii_limit(p, kind)) {
            (Parameter::DissolvedOxygen | Parameter::Ph, _) | (_, None) => prop_assert_eq!(m, None),
            (_, Some(limit)) => {
                prop_assert_eq!(m.is_some(), v > limit);
                if let Some(m) = m {
                    let exact = (v.to_f64() - limit.to_f64()) / limit.to_f64();
                    prop_assert!((m.to_f64() - exact).abs() <= 0.005 + 1e-9, "{m} vs {exact}");
                }
            }
        }
    }
}
