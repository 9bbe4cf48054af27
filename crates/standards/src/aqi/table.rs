//! The IAQI breakpoint tables (HJ 633-2012 Table 1, HJ 633-2026 Table 3) and the exact interpolation.

use std::fmt;

use super::AqiVersion;
use crate::pollutant::{Concentration, Pollutant};

/// One column of the IAQI table: a pollutant over an averaging period (HJ 633-2012 Table 1 /
/// HJ 633-2026 Table 3 column heads).
///
/// There is no 1-hour PM column: both versions evaluate PM with the 24-hour column (HJ 633-2026 §4.2.4
/// says so for the 1-hour values of the real-time report).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Indicator {
    /// SO₂ 1-hour mean (real-time report only).
    So2Hour,
    /// SO₂ 24-hour mean.
    So2Day,
    /// NO₂ 1-hour mean (real-time report only).
    No2Hour,
    /// NO₂ 24-hour mean.
    No2Day,
    /// CO 1-hour mean (real-time report only).
    CoHour,
    /// CO 24-hour mean.
    CoDay,
    /// O₃ 1-hour mean.
    O3Hour,
    /// O₃ 8-hour mean (moving in the real-time report, the day's maximum in the daily report).
    O3EightHour,
    /// PM10 24-hour column (also used for 1-hour PM10 values).
    Pm10Day,
    /// PM2.5 24-hour column (also used for 1-hour PM2.5 values).
    Pm2_5Day,
}

impl Indicator {
    /// Number of indicators.
    pub const COUNT: usize = 10;

    /// All indicators, in table order.
    pub const ALL: [Indicator; Indicator::COUNT] = [
        Indicator::So2Hour,
        Indicator::So2Day,
        Indicator::No2Hour,
        Indicator::No2Day,
        Indicator::CoHour,
        Indicator::CoDay,
        Indicator::O3Hour,
        Indicator::O3EightHour,
        Indicator::Pm10Day,
        Indicator::Pm2_5Day,
    ];

    /// The pollutant measured.
    pub const fn pollutant(self) -> Pollutant {
        match self {
            Indicator::So2Hour | Indicator::So2Day => Pollutant::So2,
            Indicator::No2Hour | Indicator::No2Day => Pollutant::No2,
            Indicator::CoHour | Indicator::CoDay => Pollutant::Co,
            Indicator::O3Hour | Indicator::O3EightHour => Pollutant::O3,
            Indicator::Pm10Day => Pollutant::Pm10,
            Indicator::Pm2_5Day => Pollutant::Pm2_5,
        }
    }

    /// Short label used in CSV output: the pollutant symbol, and `O3_8h` for the 8-hour ozone column.
    pub fn label(self) -> &'static str {
        match self {
            Indicator::O3EightHour => "O3_8h",
            other => other.pollutant().symbol(),
        }
    }

    /// The name the national publishing platform uses for a primary pollutant (首要污染物), e.g.
    /// `细颗粒物(PM2.5)`, `臭氧1小时`, `臭氧8小时`.
    pub fn name_zh(self) -> &'static str {
        match self {
            Indicator::O3Hour => "臭氧1小时",
            Indicator::O3EightHour => "臭氧8小时",
            other => other.pollutant().name_zh(),
        }
    }

    /// The table column as breakpoints, for `version` (HJ 633-2012 Table 1 / HJ 633-2026 Table 3).
    pub fn breakpoints(self, version: AqiVersion) -> &'static [Breakpoint] {
        use AqiVersion::*;
        match (self, version) {
            (Indicator::So2Hour, _) => &SO2_HOUR,
            (Indicator::So2Day, _) => &SO2_DAY,
            (Indicator::No2Hour, _) => &NO2_HOUR,
            (Indicator::No2Day, _) => &NO2_DAY,
            (Indicator::CoHour, _) => &CO_HOUR,
            (Indicator::CoDay, _) => &CO_DAY,
            (Indicator::O3Hour, _) => &O3_HOUR,
            (Indicator::O3EightHour, _) => &O3_EIGHT_HOUR,
            (Indicator::Pm10Day, Hj633_2012) => &PM10_DAY_2012,
            (Indicator::Pm10Day, Hj633_2026) => &PM10_DAY_2026,
            (Indicator::Pm2_5Day, Hj633_2012) => &PM2_5_DAY_2012,
            (Indicator::Pm2_5Day, Hj633_2026) => &PM2_5_DAY_2026,
        }
    }

    const fn bit(self) -> u16 {
        1 << self as u16
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One row of a table column: at concentration `concentration` the IAQI is `iaqi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breakpoint {
    /// IAQI at this breakpoint (0, 50, 100, 150, 200, 300, 400, 500).
    pub iaqi: u16,
    /// Concentration in the pollutant's unit (µg/m³; CO mg/m³). Every tabulated value is an integer.
    pub concentration: u32,
}

const fn column<const N: usize>(rows: [(u16, u32); N]) -> [Breakpoint; N] {
    let mut out = [Breakpoint {
        iaqi: 0,
        concentration: 0,
    }; N];
    let mut i = 0;
    while i < N {
        out[i] = Breakpoint {
            iaqi: rows[i].0,
            concentration: rows[i].1,
        };
        i += 1;
    }
    out
}

const IAQI_STEPS: [u16; 8] = [0, 50, 100, 150, 200, 300, 400, 500];

const fn full<const N: usize>(concentrations: [u32; N]) -> [Breakpoint; N] {
    let mut rows = [(0u16, 0u32); N];
    let mut i = 0;
    while i < N {
        rows[i] = (IAQI_STEPS[i], concentrations[i]);
        i += 1;
    }
    column(rows)
}

// HJ 633-2012 Table 1 and HJ 633-2026 Table 3; only the PM 24-hour IAQI 100 row changed.
const SO2_DAY: [Breakpoint; 8] = full([0, 50, 150, 475, 800, 1600, 2100, 2620]);
/// Ends at 800 (IAQI 200): above it, Table 1 note 2 (2012) / Table 3 note b (2026) applies.
const SO2_HOUR: [Breakpoint; 5] = full([0, 150, 500, 650, 800]);
const NO2_DAY: [Breakpoint; 8] = full([0, 40, 80, 180, 280, 565, 750, 940]);
const NO2_HOUR: [Breakpoint; 8] = full([0, 100, 200, 700, 1200, 2340, 3090, 3840]);
const CO_DAY: [Breakpoint; 8] = full([0, 2, 4, 14, 24, 36, 48, 60]);
const CO_HOUR: [Breakpoint; 8] = full([0, 5, 10, 35, 60, 90, 120, 150]);
const O3_HOUR: [Breakpoint; 8] = full([0, 160, 200, 300, 400, 800, 1000, 1200]);
/// Ends at 800 (IAQI 300): above it, Table 1 note 3 (2012) / Table 3 note c (2026) applies.
const O3_EIGHT_HOUR: [Breakpoint; 6] = full([0, 100, 160, 215, 265, 800]);
const PM10_DAY_2012: [Breakpoint; 8] = full([0, 50, 150, 250, 350, 420, 500, 600]);
const PM10_DAY_2026: [Breakpoint; 8] = full([0, 50, 120, 250, 350, 420, 500, 600]);
const PM2_5_DAY_2012: [Breakpoint; 8] = full([0, 35, 75, 115, 150, 250, 350, 500]);
const PM2_5_DAY_2026: [Breakpoint; 8] = full([0, 35, 60, 115, 150, 250, 350, 500]);

/// How a sub-index was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Basis {
    /// Linear interpolation in the table, rounded up (HJ 633-2012 §6.2; HJ 633-2026 §4.2, rounding §4.2.6).
    Table,
    /// The concentration is above the top of the table, where neither version defines an IAQI.
    /// **Policy:** the sub-index is 500 (what the national platform publishes, data/README.md), and it is
    /// flagged so that a display can write "> 500".
    AboveTable,
    /// Fixed by a special rule: HJ 633-2026 Table 3 note b (SO₂ 1 h > 800 µg/m³ → 200) or note c
    /// (O₃ 8 h > 800 µg/m³ → 300), or the published-practice SO₂ rule of [`super::So2Above800::SubIndex200`].
    SpecialRule,
}

/// An individual air quality index (IAQI, 空气质量分指数) for one indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubIndex {
    /// The IAQI, an integer 0…500.
    pub value: u16,
    /// How it was obtained.
    pub basis: Basis,
}

/// The IAQI of concentration `c` on `indicator`'s column of `version`'s table, by the linear
/// interpolation of HJ 633-2012 §6 / HJ 633-2026 §4.2 in exact arithmetic, rounded up to an integer
/// ("全部进位取整数", HJ 633-2012 §6.2, HJ 633-2026 §4.2.6).
///
/// The concentration is used as given; HJ 633-2026's input rounding is [`Concentration::rounded_for_aqi`],
/// applied by the report functions. Returns `None` only where HJ 633-2012 says not to compute this
/// indicator: SO₂ 1-hour above 800 µg/m³ (Table 1 note 2: use the 24-hour value) and O₃ 8-hour above
/// 800 µg/m³ (note 3: use the 1-hour value). HJ 633-2026 fixes those cases at 200 and 300.
pub fn iaqi(version: AqiVersion, indicator: Indicator, c: Concentration) -> Option<SubIndex> {
    let column = indicator.breakpoints(version);
    let units = c.value().units();
    let top = column[column.len() - 1];
    if units > i64::from(top.concentration) * UNITS_PER_ONE {
        return match (indicator, version) {
            (Indicator::So2Hour, AqiVersion::Hj633_2012)
            | (Indicator::O3EightHour, AqiVersion::Hj633_2012) => None,
            (Indicator::So2Hour, AqiVersion::Hj633_2026) => Some(SubIndex {
                value: 200,
                basis: Basis::SpecialRule,
            }),
            (Indicator::O3EightHour, AqiVersion::Hj633_2026) => Some(SubIndex {
                value: 300,
                basis: Basis::SpecialRule,
            }),
            _ => Some(SubIndex {
                value: 500,
                basis: Basis::AboveTable,
            }),
        };
    }
    // First segment with BP_Lo ≤ C ≤ BP_Hi (at a shared breakpoint both segments give the same value).
    let hi_index = column
        .iter()
        .position(|bp| units <= i64::from(bp.concentration) * UNITS_PER_ONE)
        .unwrap_or(column.len() - 1)
        .max(1);
    let (lo, hi) = (column[hi_index - 1], column[hi_index]);
    // IAQI = I_Lo + (I_Hi − I_Lo)(C − BP_Lo)/(BP_Hi − BP_Lo), as one integer fraction of millionths.
    let numerator =
        i64::from(hi.iaqi - lo.iaqi) * (units - i64::from(lo.concentration) * UNITS_PER_ONE);
    let denominator = i64::from(hi.concentration - lo.concentration) * UNITS_PER_ONE;
    let step = (numerator + denominator - 1) / denominator; // ceiling; numerator ≥ 0
    Some(SubIndex {
        value: lo.iaqi + step as u16,
        basis: Basis::Table,
    })
}

const UNITS_PER_ONE: i64 = 1_000_000;

/// A set of [`Indicator`]s (e.g. the primary pollutants of a report, or the missing ones).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct IndicatorSet(u16);

impl IndicatorSet {
    /// The empty set.
    pub const EMPTY: IndicatorSet = IndicatorSet(0);

    /// Adds `indicator`.
    pub fn insert(&mut self, indicator: Indicator) {
        self.0 |= indicator.bit();
    }

    /// Whether `indicator` is in the set.
    pub fn contains(self, indicator: Indicator) -> bool {
        self.0 & indicator.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Number of members.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The members, in table order.
    pub fn iter(self) -> impl Iterator<Item = Indicator> {
        Indicator::ALL
            .into_iter()
            .filter(move |i| self.contains(*i))
    }

    /// The members' labels joined by `;` (e.g. `PM10;O3`), empty when the set is empty.
    pub fn labels(self) -> String {
        self.iter()
            .map(Indicator::label)
            .collect::<Vec<_>>()
            .join(";")
    }
}

impl FromIterator<Indicator> for IndicatorSet {
    fn from_iter<T: IntoIterator<Item = Indicator>>(iter: T) -> Self {
        let mut set = IndicatorSet::EMPTY;
        for i in iter {
            set.insert(i);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AqiVersion::*;

    fn at(version: AqiVersion, indicator: Indicator, c: &str) -> Option<SubIndex> {
        iaqi(
            version,
            indicator,
            Concentration::parse(indicator.pollutant(), c).unwrap(),
        )
    }

    fn value(version: AqiVersion, indicator: Indicator, c: &str) -> u16 {
        at(version, indicator, c).unwrap().value
    }

    #[test]
    fn breakpoints_map_to_their_iaqi() {
        for version in [Hj633_2012, Hj633_2026] {
            for indicator in Indicator::ALL {
                for bp in indicator.breakpoints(version) {
                    let c = Concentration::from_int(bp.concentration);
                    assert_eq!(iaqi(version, indicator, c).unwrap().value, bp.iaqi);
                }
            }
        }
    }

    #[test]
    fn rounds_up_never_to_nearest() {
        // HJ 633-2012 §6.2: PM2.5 35.5 → 50 + 50 × 0.5/40 = 50.625 → 51.
        assert_eq!(value(Hj633_2012, Indicator::Pm2_5Day, "35.5"), 51);
        // CO 24 h 2.2 mg/m³: exactly 55 (f64 gives 55.000000000000007).
        assert_eq!(value(Hj633_2012, Indicator::CoDay, "2.2"), 55);
        assert_eq!(value(Hj633_2012, Indicator::CoDay, "2.200001"), 56);
    }

    #[test]
    fn the_2026_pm_rows() {
        assert_eq!(value(Hj633_2012, Indicator::Pm2_5Day, "60"), 82);
        assert_eq!(value(Hj633_2026, Indicator::Pm2_5Day, "60"), 100);
        assert_eq!(value(Hj633_2012, Indicator::Pm10Day, "120"), 85);
        assert_eq!(value(Hj633_2026, Indicator::Pm10Day, "120"), 100);
    }

    #[test]
    fn special_rules_and_above_table() {
        assert_eq!(at(Hj633_2012, Indicator::So2Hour, "801"), None);
        assert_eq!(
            at(Hj633_2026, Indicator::So2Hour, "801"),
            Some(SubIndex {
                value: 200,
                basis: Basis::SpecialRule
            })
        );
        assert_eq!(at(Hj633_2012, Indicator::O3EightHour, "800.5"), None);
        assert_eq!(value(Hj633_2026, Indicator::O3EightHour, "1000"), 300);
        assert_eq!(value(Hj633_2012, Indicator::O3EightHour, "800"), 300);
        assert_eq!(
            at(Hj633_2012, Indicator::Pm10Day, "5028"),
            Some(SubIndex {
                value: 500,
                basis: Basis::AboveTable
            })
        );
        assert_eq!(value(Hj633_2012, Indicator::Pm10Day, "600"), 500);
    }

    proptest::proptest! {
        /// The IAQI never decreases as the concentration rises, stays within 0…500, and is the least
        /// integer not below the exact interpolation: I − 1 < I_exact ≤ I (HJ 633 "全部进位取整数").
        #[test]
        fn monotonic_bounded_and_a_true_ceiling(units in 0i64..4_000_000_000, step in 1i64..5_000_000, which in 0usize..10, new in proptest::bool::ANY) {
            let version = if new { Hj633_2026 } else { Hj633_2012 };
            let indicator = Indicator::ALL[which];
            let c = |u| Concentration::new(indicator.pollutant(), crate::Decimal::from_units(u)).unwrap();
            let (a, b) = (iaqi(version, indicator, c(units)), iaqi(version, indicator, c(units + step)));
            if let (Some(a), Some(b)) = (a, b) {
                proptest::prop_assert!(a.value <= b.value);
                proptest::prop_assert!(b.value <= 500);
            }
            if let Some(SubIndex { value, basis: Basis::Table }) = a {
                let column = indicator.breakpoints(version);
                let hi = column.iter().position(|bp| units <= i64::from(bp.concentration) * UNITS_PER_ONE).unwrap().max(1);
                let (lo, hi) = (column[hi - 1], column[hi]);
                // Exact: I = I_lo + num/den; check (value − 1 − I_lo)·den < num ≤ (value − I_lo)·den in i128.
                let num = i128::from(hi.iaqi - lo.iaqi) * i128::from(units - i64::from(lo.concentration) * UNITS_PER_ONE);
                let den = i128::from(hi.concentration - lo.concentration) * i128::from(UNITS_PER_ONE);
                let k = i128::from(value) - i128::from(lo.iaqi);
                proptest::prop_assert!((k - 1) * den < num || (k == 0 && num == 0));
                proptest::prop_assert!(num <= k * den);
            }
        }
    }

    #[test]
    fn sets() {
        let set: IndicatorSet = [Indicator::O3Hour, Indicator::Pm10Day]
            .into_iter()
            .collect();
        assert_eq!(set.labels(), "O3;PM10");
        assert_eq!(set.len(), 2);
        assert!(IndicatorSet::EMPTY.is_empty());
    }
}
