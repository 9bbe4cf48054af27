//! Cross-checks the Rust AQI and GB 3095 tables against the reference CSVs in `../shared/reference/standards/`,
//! and runs every row of `aqi_test_vectors.csv` and `float_ceiling_traps.csv` (exact arithmetic).

use standards::air::{Gb3095, Grade, Period, limit};
use standards::aqi::{AqiVersion, Indicator, Level, iaqi};
use standards::{Concentration, Pollutant};

/// Rows of a reference CSV as fields (these files quote only trailing free-text columns, which are not read).
fn rows(relative: &str) -> Option<Vec<Vec<String>>> {
    let path = testdata::shared(relative)?;
    let text = std::fs::read_to_string(&path).expect("readable reference CSV");
    Some(
        text.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect(),
    )
}

fn version(name: &str) -> AqiVersion {
    match name {
        "HJ 633-2012" => AqiVersion::Hj633_2012,
        "HJ 633-2026" => AqiVersion::Hj633_2026,
        other => panic!("unknown standard {other}"),
    }
}

fn indicator(pollutant: &str, averaging: &str) -> Indicator {
    match (pollutant, averaging) {
        ("SO2", "1h") => Indicator::So2Hour,
        ("SO2", "24h") => Indicator::So2Day,
        ("NO2", "1h") => Indicator::No2Hour,
        ("NO2", "24h") => Indicator::No2Day,
        ("CO", "1h") => Indicator::CoHour,
        ("CO", "24h") => Indicator::CoDay,
        ("O3", "1h") => Indicator::O3Hour,
        ("O3", "8h") => Indicator::O3EightHour,
        ("PM10", "24h") => Indicator::Pm10Day,
        ("PM2.5", "24h") => Indicator::Pm2_5Day,
        other => panic!("unknown column {other:?}"),
    }
}

fn conc(indicator: Indicator, text: &str) -> Concentration {
    Concentration::parse(indicator.pollutant(), text).unwrap()
}

/// The IAQI as the CSV writes it: a number, or `USE_OTHER_PERIOD` where HJ 633-2012 defines none.
fn shown(v: Option<standards::aqi::SubIndex>) -> String {
    v.map_or("USE_OTHER_PERIOD".to_string(), |s| s.value.to_string())
}

#[test]
fn breakpoint_tables_equal_the_csv() {
    let Some(rows) = rows("reference/standards/aqi_breakpoints.csv") else {
        return;
    };
    let mut checked = 0;
    for r in &rows {
        let (v, ind) = (version(&r[0]), indicator(&r[3], &r[4]));
        // The version in force on the row's first and last day is the row's version.
        for day in [&r[1], &r[2]].into_iter().filter(|d| !d.is_empty()) {
            let day: standards::Date = day.parse().unwrap();
            assert_eq!(AqiVersion::in_force_on(day), v, "{day}");
        }
        let seg: usize = r[7].parse().unwrap();
        let column = ind.breakpoints(v);
        let (lo, hi) = (column[seg - 1], column[seg]);
        let got = [
            lo.iaqi.to_string(),
            hi.iaqi.to_string(),
            lo.concentration.to_string(),
            hi.concentration.to_string(),
        ];
        assert_eq!(
            got.as_slice(),
            &r[8..12],
            "{} {} {} segment {seg}",
            r[0],
            r[3],
            r[4]
        );
        checked += 1;
    }
    // Every Rust segment appears in the CSV.
    let segments: usize = [AqiVersion::Hj633_2012, AqiVersion::Hj633_2026]
        .iter()
        .map(|v| {
            Indicator::ALL
                .iter()
                .map(|i| i.breakpoints(*v).len() - 1)
                .sum::<usize>()
        })
        .sum();
    assert_eq!(checked, segments);
}

#[test]
fn categories_equal_the_csv() {
    let Some(rows) = rows("reference/standards/aqi_categories.csv") else {
        return;
    };
    assert_eq!(rows.len(), 6);
    for (r, level) in rows.iter().zip(Level::ALL) {
        assert_eq!(r[0], level.number().to_string());
        assert_eq!(r[1], level.name_zh());
        let (lo, hi) = level.range();
        assert_eq!(r[2], lo.to_string());
        assert_eq!(r[3], hi.map_or(String::new(), |h| h.to_string()));
        assert_eq!(r[4], level.category_zh());
        assert_eq!(r[5], level.category_en());
        let c = level.colour();
        assert_eq!(r[6], c.name_zh);
        assert_eq!(
            r[7..10],
            [
                c.rgb.0.to_string(),
                c.rgb.1.to_string(),
                c.rgb.2.to_string()
            ]
        );
        assert_eq!(r[10], c.hex);
        let cmyk = [c.cmyk.0, c.cmyk.1, c.cmyk.2, c.cmyk.3].map(|x| x.to_string());
        assert_eq!(r[11..15], cmyk);
    }
}

#[test]
fn every_aqi_test_vector() {
    let Some(rows) = rows("reference/standards/aqi_test_vectors.csv") else {
        return;
    };
    for r in &rows {
        let ind = indicator(&r[0], &r[1]);
        let c = conc(ind, &r[2]);
        assert_eq!(
            shown(iaqi(AqiVersion::Hj633_2012, ind, c)),
            r[3],
            "2012 {r:?}"
        );
        assert_eq!(
            shown(iaqi(AqiVersion::Hj633_2026, ind, c)),
            r[4],
            "2026 raw {r:?}"
        );
        let rounded = c.rounded_for_aqi(ind.pollutant());
        assert_eq!(rounded, conc(ind, &r[5]), "GB/T 8170 rounding {r:?}");
        assert_eq!(
            shown(iaqi(AqiVersion::Hj633_2026, ind, rounded)),
            r[6],
            "2026 rounded {r:?}"
        );
    }
    println!("{} test vectors pass", rows.len());
}

#[test]
fn every_float_ceiling_trap() {
    let Some(rows) = rows("reference/standards/float_ceiling_traps.csv") else {
        return;
    };
    for r in &rows {
        let ind = indicator(&r[1], &r[2]);
        let got = iaqi(version(&r[0]), ind, conc(ind, &r[3])).unwrap().value;
        assert_eq!(got.to_string(), r[4], "{r:?}");
        // The file lists inputs where naive f64 gets it wrong; make sure it does, so the test means something.
        assert!(r[5] != r[4] || r[6] != r[4], "{r:?} is not a trap");
    }
    assert!(rows.len() >= 218, "{} rows", rows.len());
    println!("{} float-ceiling traps pass", rows.len());
}

#[test]
fn gb3095_table_1_equals_the_csv() {
    let Some(rows) = rows("reference/standards/gb3095_limits.csv") else {
        return;
    };
    let mut checked = 0;
    for r in rows.iter().filter(|r| r[4] == "1") {
        let Some(pollutant) = Pollutant::from_code(&r[5]) else {
            continue;
        };
        let period = match r[6].as_str() {
            "annual" => Period::Annual,
            "24h" => Period::Day,
            "1h" => Period::Hour,
            "daily_max_8h" => Period::DailyMax8h,
            other => panic!("period {other}"),
        };
        let standard = match (r[0].as_str(), r[1].as_str()) {
            ("GB 3095-2012", _) => Gb3095::V2012,
            ("GB 3095-2026", "transitional") => Gb3095::V2026Transitional,
            ("GB 3095-2026", "final") => Gb3095::V2026Final,
            other => panic!("standard {other:?}"),
        };
        for day in [&r[2], &r[3]].into_iter().filter(|d| !d.is_empty()) {
            let day: standards::Date = day.parse().unwrap();
            assert_eq!(Gb3095::in_force_on(day), standard, "{day}");
        }
        for (grade, text) in [(Grade::I, &r[7]), (Grade::II, &r[8])] {
            let expected = Concentration::parse(pollutant, text).unwrap();
            assert_eq!(
                limit(standard, grade, pollutant, period),
                Some(expected),
                "{r:?}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 14 * 3);
}
