//! The Air Quality Index: HJ 633-2012 and HJ 633-2026, chosen by the date of the data.
//!
//! Inside:
//! - [`table`]: the breakpoint tables as [`Indicator`] columns and the exact IAQI interpolation [`iaqi`];
//! - [`level`]: the six [`Level`]s with their categories and colours;
//! - this file: the version in force ([`AqiVersion`]), the daily report ([`daily_aqi`]) and the real-time
//!   (hourly) report ([`hourly_aqi`]) with the [`HourlyRules`] that reproduce what the national platform
//!   publishes, and the [`AqiReport`] they return (AQI, level, primary pollutants, missing indicators,
//!   and the HJ 633-2026 §5.3.1 publication rule).
//!
//! Concentrations are exact [`Concentration`]s; every IAQI is an integer interpolation rounded up, so
//! no answer depends on floating point.

pub mod level;
pub mod table;

pub use level::{Colour, Level};
pub use table::{Basis, Breakpoint, Indicator, IndicatorSet, SubIndex, iaqi};

use jiff::civil::{Date, date};

use crate::pollutant::{Concentration, Pollutant};

/// Which HJ 633 is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AqiVersion {
    /// HJ 633-2012 (in force 2016-01-01 … 2026-02-28; data before 2016 is evaluated with it too).
    Hj633_2012,
    /// HJ 633-2026 (in force from 2026-03-01).
    Hj633_2026,
}

impl AqiVersion {
    /// The day HJ 633-2026 came into force (its cover page: 2026-03-01 实施).
    pub const HJ633_2026_IN_FORCE: Date = date(2026, 3, 1);

    /// The version in force on `day` (the data's date, local time).
    pub fn in_force_on(day: Date) -> AqiVersion {
        if day >= Self::HJ633_2026_IN_FORCE {
            AqiVersion::Hj633_2026
        } else {
            AqiVersion::Hj633_2012
        }
    }

    /// `HJ 633-2012` or `HJ 633-2026`.
    pub fn name(self) -> &'static str {
        match self {
            AqiVersion::Hj633_2012 => "HJ 633-2012",
            AqiVersion::Hj633_2026 => "HJ 633-2026",
        }
    }

    /// Whether concentrations are rounded per GB/T 8170 before the IAQI (HJ 633-2026 §4.2.2; HJ 633-2012
    /// states no such rule, so its inputs are used as given).
    pub fn rounds_inputs(self) -> bool {
        self == AqiVersion::Hj633_2026
    }
}

/// Inputs of the daily AQI (日报). µg/m³, CO mg/m³; `None` = missing.
///
/// The HJ 633-2012 daily report (日报) uses seven indicators (the five 24-hour means, O₃ daily maximum 1-hour and daily
/// maximum 8-hour); HJ 633-2026 drops O₃ 1-hour from the daily report (six indicators), so `o3_1h_max` is ignored there.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DailyReadings {
    /// SO₂ 24-hour mean.
    pub so2: Option<Concentration>,
    /// NO₂ 24-hour mean.
    pub no2: Option<Concentration>,
    /// CO 24-hour mean (mg/m³).
    pub co: Option<Concentration>,
    /// O₃ daily maximum 1-hour mean (2012 only).
    pub o3_1h_max: Option<Concentration>,
    /// O₃ daily maximum 8-hour moving mean.
    pub o3_8h_max: Option<Concentration>,
    /// PM10 24-hour mean.
    pub pm10: Option<Concentration>,
    /// PM2.5 24-hour mean.
    pub pm2_5: Option<Concentration>,
}

/// Inputs of the real-time (hourly) AQI (实时报). µg/m³, CO mg/m³; `None` = missing.
///
/// The first six are the 1-hour means every method uses. The last four are used only by
/// [`HourlyRules::strict`] for HJ 633-2012, whose real-time report (实时报) lists the O₃ 8-hour moving mean
/// and the PM 24-hour moving means, and takes SO₂ from its 24-hour mean above 800 µg/m³ (Table 1 note 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HourlyReadings {
    /// SO₂ 1-hour mean.
    pub so2: Option<Concentration>,
    /// NO₂ 1-hour mean.
    pub no2: Option<Concentration>,
    /// CO 1-hour mean (mg/m³).
    pub co: Option<Concentration>,
    /// O₃ 1-hour mean.
    pub o3: Option<Concentration>,
    /// PM10 1-hour mean.
    pub pm10: Option<Concentration>,
    /// PM2.5 1-hour mean.
    pub pm2_5: Option<Concentration>,
    /// SO₂ 24-hour moving mean (strict 2012 only).
    pub so2_24h: Option<Concentration>,
    /// O₃ 8-hour moving mean (strict 2012 only).
    pub o3_8h: Option<Concentration>,
    /// PM10 24-hour moving mean (strict 2012 only).
    pub pm10_24h: Option<Concentration>,
    /// PM2.5 24-hour moving mean (strict 2012 only).
    pub pm2_5_24h: Option<Concentration>,
}

/// Which hourly method: what the national platform publishes, or a literal reading of the text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum HourlyMethod {
    /// Reproduces the officially published real-time AQI (see [`HourlyRules::published`]). The default.
    #[default]
    Published,
    /// A literal reading of the standard's text (see [`HourlyRules::strict`]).
    StrictText,
}

/// What to do with an SO₂ 1-hour mean above 800 µg/m³, where the 1-hour table ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum So2Above800 {
    /// The SO₂ sub-index is 200: HJ 633-2026 Table 3 note b, and the national platform's practice in 2019
    /// (12 of 12 published cases, data/README.md).
    SubIndex200,
    /// SO₂ is left out of the AQI: the national platform's practice on 2017-01-01 (11 of 11 cases).
    Omit,
    /// The SO₂ sub-index comes from the 24-hour mean on the 24-hour column: HJ 633-2012 Table 1 note 2.
    From24HourMean,
}

/// How PM10 and PM2.5 enter the real-time AQI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PmHourlyBasis {
    /// The 1-hour value on the 24-hour column: HJ 633-2026 §4.2.4, and the national platform's practice
    /// under HJ 633-2012.
    OneHourValue,
    /// The 24-hour moving mean on the 24-hour column: the literal HJ 633-2012 real-time (实时报) indicator list.
    TwentyFourHourMovingMean,
}

/// The complete set of choices behind a real-time AQI. Build it with [`HourlyRules::for_date`],
/// [`HourlyRules::published`] or [`HourlyRules::strict`]; every field is public for a local variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HourlyRules {
    /// Breakpoint tables and input rounding.
    pub version: AqiVersion,
    /// PM input.
    pub pm: PmHourlyBasis,
    /// Whether the O₃ 8-hour moving mean is a sub-index (literal HJ 633-2012 real-time indicator list).
    pub o3_8h_moving: bool,
    /// SO₂ above 800 µg/m³.
    pub so2_above_800: So2Above800,
}

impl HourlyRules {
    /// The first day the SO₂ > 800 practice of [`So2Above800::SubIndex200`] is taken to apply under
    /// HJ 633-2012. The record shows "omit" on 2017-01-01 and "200" throughout 2019; the actual switch
    /// date is unknown, so this is the earliest day the evidence covers.
    pub const SO2_200_PRACTICE_FROM: Date = date(2019, 1, 1);

    /// The rules in force on `day` with `method`.
    pub fn for_date(day: Date, method: HourlyMethod) -> HourlyRules {
        let version = AqiVersion::in_force_on(day);
        match method {
            HourlyMethod::Published => HourlyRules::published(version, day),
            HourlyMethod::StrictText => HourlyRules::strict(version),
        }
    }

    /// What reproduces the officially published real-time AQI (data/README.md, measured over the whole of
    /// 2019: 99.998 % exact): the six 1-hour values, SO₂/NO₂/CO/O₃ on their 1-hour columns and PM on the
    /// 24-hour column; no O₃ 8-hour, no moving means; SO₂ above 800 as practised on `day` (see
    /// [`HourlyRules::SO2_200_PRACTICE_FROM`]). Under HJ 633-2026 this is the text itself (§4.2.4, Table 3
    /// note b).
    pub fn published(version: AqiVersion, day: Date) -> HourlyRules {
        let so2_above_800 =
            if version == AqiVersion::Hj633_2026 || day >= Self::SO2_200_PRACTICE_FROM {
                So2Above800::SubIndex200
            } else {
                So2Above800::Omit
            };
        HourlyRules {
            version,
            pm: PmHourlyBasis::OneHourValue,
            o3_8h_moving: false,
            so2_above_800,
        }
    }

    /// A literal reading of the text. HJ 633-2012's real-time indicator list and Table 1 notes 2–3: PM from the 24-hour moving
    /// means, the O₃ 8-hour moving mean included, SO₂ above 800 from its 24-hour mean. HJ 633-2026 §4.2.4
    /// and Table 3 note b: the six 1-hour values, SO₂ above 800 → 200.
    pub fn strict(version: AqiVersion) -> HourlyRules {
        match version {
            AqiVersion::Hj633_2012 => HourlyRules {
                version,
                pm: PmHourlyBasis::TwentyFourHourMovingMean,
                o3_8h_moving: true,
                so2_above_800: So2Above800::From24HourMean,
            },
            AqiVersion::Hj633_2026 => HourlyRules {
                version,
                pm: PmHourlyBasis::OneHourValue,
                o3_8h_moving: false,
                so2_above_800: So2Above800::SubIndex200,
            },
        }
    }
}

/// One AQI evaluation: the sub-indices, the AQI, its primary pollutants and what was missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AqiReport {
    /// The version applied.
    pub version: AqiVersion,
    sub_indices: [Option<SubIndex>; Indicator::COUNT],
    /// The AQI: the maximum sub-index over the indicators present (AQI = max IAQIₚ in both versions'
    /// calculation method), or `None` when no indicator is present. See [`AqiReport::publishable_aqi`] for
    /// what may be published when some are missing.
    pub aqi: Option<u16>,
    /// The primary pollutants (首要污染物): every indicator whose sub-index equals the AQI, when the
    /// AQI is above 50; ties are all listed (the 首要污染物 definition, identical in HJ 633-2012 and HJ 633-2026).
    pub primary: IndicatorSet,
    /// The indicators the method needed but which were missing.
    pub missing: IndicatorSet,
}

impl AqiReport {
    fn from_sub_indices(
        version: AqiVersion,
        sub_indices: [Option<SubIndex>; Indicator::COUNT],
        missing: IndicatorSet,
    ) -> AqiReport {
        let aqi = sub_indices.iter().flatten().map(|s| s.value).max();
        let primary = match aqi {
            Some(aqi) if aqi > 50 => Indicator::ALL
                .into_iter()
                .filter(|i| sub_indices[*i as usize].is_some_and(|s| s.value == aqi))
                .collect(),
            _ => IndicatorSet::EMPTY,
        };
        AqiReport {
            version,
            sub_indices,
            aqi,
            primary,
            missing,
        }
    }

    /// The sub-index of `indicator`, if it was computed.
    pub fn sub_index(&self, indicator: Indicator) -> Option<SubIndex> {
        self.sub_indices[indicator as usize]
    }

    /// Every computed sub-index, in table order.
    pub fn sub_indices(&self) -> impl Iterator<Item = (Indicator, SubIndex)> + '_ {
        Indicator::ALL
            .into_iter()
            .filter_map(|i| self.sub_index(i).map(|s| (i, s)))
    }

    /// The level of the AQI.
    pub fn level(&self) -> Option<Level> {
        self.aqi.map(Level::of)
    }

    /// Whether some sub-index was capped at 500 above the table ([`Basis::AboveTable`]): display "> 500".
    pub fn above_table(&self) -> bool {
        self.sub_indices()
            .any(|(_, s)| s.basis == Basis::AboveTable)
    }

    /// The AQI that may be published.
    ///
    /// HJ 633-2026 §5.3.1: with a pollutant missing, the AQI computed from the others is published only if
    /// it is above 100; otherwise the AQI is "NA" (`None`) and only concentrations and sub-indices are
    /// published. HJ 633-2012 has no such clause and the national platform published the AQI over the
    /// pollutants present, so for 2012 this is [`AqiReport::aqi`]. For the §5.3.2 exemption see
    /// [`AqiReport::publishable_aqi_exempting`].
    pub fn publishable_aqi(&self) -> Option<u16> {
        self.publishable_aqi_exempting(&[])
    }

    /// [`AqiReport::publishable_aqi`] with HJ 633-2026 §5.3.2 applied: a pollutant that has not been the
    /// primary pollutant at light pollution (AQI > 100) or worse at this station for three years may be
    /// missing without withholding the AQI. Which pollutants qualify is a per-station fact the caller
    /// keeps; they are passed as `exempt`.
    pub fn publishable_aqi_exempting(&self, exempt: &[Pollutant]) -> Option<u16> {
        let missing_counted = self
            .missing
            .iter()
            .any(|i| !exempt.contains(&i.pollutant()));
        match (self.version, missing_counted) {
            (AqiVersion::Hj633_2026, true) => self.aqi.filter(|aqi| *aqi > 100),
            _ => self.aqi,
        }
    }

    /// The non-attainment pollutants (超标污染物) as HJ 633-2012 defines them: indicators with an IAQI above 100.
    /// HJ 633-2026 removed the definition, so under it this is `None`; use [`crate::air::daily_attainment`]
    /// for attainment against GB 3095.
    pub fn non_attainment(&self) -> Option<IndicatorSet> {
        (self.version == AqiVersion::Hj633_2012).then(|| {
            self.sub_indices()
                .filter(|(_, s)| s.value > 100)
                .map(|(i, _)| i)
                .collect()
        })
    }
}

fn evaluate(
    version: AqiVersion,
    sub: &mut [Option<SubIndex>; Indicator::COUNT],
    missing: &mut IndicatorSet,
    indicator: Indicator,
    c: Option<Concentration>,
) {
    match c {
        Some(c) => {
            let c = if version.rounds_inputs() {
                c.rounded_for_aqi(indicator.pollutant())
            } else {
                c
            };
            sub[indicator as usize] = iaqi(version, indicator, c);
        }
        None => missing.insert(indicator),
    }
}

/// The daily AQI (日报 AQI) under HJ 633-2012 or HJ 633-2026 (daily indicators, Table 1 / Table 3, §6.2 / §4.2.6 rounding).
///
/// HJ 633-2026 inputs are first rounded per §4.2.2. O₃ 8-hour above 800 µg/m³: HJ 633-2012 Table 1
/// note 3 drops the 8-hour sub-index (the 1-hour maximum carries O₃); HJ 633-2026 Table 3 note c sets it to
/// 300. A concentration above the table gives 500, flagged [`Basis::AboveTable`].
pub fn daily_aqi(version: AqiVersion, readings: &DailyReadings) -> AqiReport {
    let mut sub = [None; Indicator::COUNT];
    let mut missing = IndicatorSet::EMPTY;
    let mut eval = |indicator, c| evaluate(version, &mut sub, &mut missing, indicator, c);
    eval(Indicator::So2Day, readings.so2);
    eval(Indicator::No2Day, readings.no2);
    eval(Indicator::CoDay, readings.co);
    if version == AqiVersion::Hj633_2012 {
        eval(Indicator::O3Hour, readings.o3_1h_max);
    }
    eval(Indicator::O3EightHour, readings.o3_8h_max);
    eval(Indicator::Pm10Day, readings.pm10);
    eval(Indicator::Pm2_5Day, readings.pm2_5);
    AqiReport::from_sub_indices(version, sub, missing)
}

/// The real-time (hourly) AQI (实时报 AQI) under `rules` (HJ 633-2012 §5.2, HJ 633-2026 §4.2.4).
///
/// Use [`HourlyRules::for_date`] with [`HourlyMethod::Published`] to get the published figures.
pub fn hourly_aqi(rules: &HourlyRules, readings: &HourlyReadings) -> AqiReport {
    let version = rules.version;
    let mut sub = [None; Indicator::COUNT];
    let mut missing = IndicatorSet::EMPTY;
    let mut eval = |indicator, c| evaluate(version, &mut sub, &mut missing, indicator, c);
    eval(Indicator::So2Hour, readings.so2);
    eval(Indicator::No2Hour, readings.no2);
    eval(Indicator::CoHour, readings.co);
    eval(Indicator::O3Hour, readings.o3);
    if rules.o3_8h_moving {
        eval(Indicator::O3EightHour, readings.o3_8h);
    }
    match rules.pm {
        PmHourlyBasis::OneHourValue => {
            eval(Indicator::Pm10Day, readings.pm10);
            eval(Indicator::Pm2_5Day, readings.pm2_5);
        }
        PmHourlyBasis::TwentyFourHourMovingMean => {
            eval(Indicator::Pm10Day, readings.pm10_24h);
            eval(Indicator::Pm2_5Day, readings.pm2_5_24h);
        }
    }
    // SO₂ above the 1-hour table (800 µg/m³, after any input rounding).
    let so2_over = readings.so2.is_some_and(|c| {
        let c = if version.rounds_inputs() {
            c.rounded_for_aqi(Pollutant::So2)
        } else {
            c
        };
        c > Concentration::from_int(800)
    });
    if so2_over {
        let hour = Indicator::So2Hour as usize;
        match rules.so2_above_800 {
            So2Above800::SubIndex200 => {
                sub[hour] = Some(SubIndex {
                    value: 200,
                    basis: Basis::SpecialRule,
                })
            }
            So2Above800::Omit => sub[hour] = None,
            So2Above800::From24HourMean => {
                sub[hour] = None;
                evaluate(
                    version,
                    &mut sub,
                    &mut missing,
                    Indicator::So2Day,
                    readings.so2_24h,
                );
            }
        }
    }
    AqiReport::from_sub_indices(version, sub, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: Pollutant, s: &str) -> Option<Concentration> {
        Some(Concentration::parse(p, s).unwrap())
    }

    fn hourly(values: [&str; 6]) -> HourlyReadings {
        let [so2, no2, co, o3, pm10, pm2_5] = values;
        let f = |p, s: &str| if s.is_empty() { None } else { c(p, s) };
        HourlyReadings {
            so2: f(Pollutant::So2, so2),
            no2: f(Pollutant::No2, no2),
            co: f(Pollutant::Co, co),
            o3: f(Pollutant::O3, o3),
            pm10: f(Pollutant::Pm10, pm10),
            pm2_5: f(Pollutant::Pm2_5, pm2_5),
            ..Default::default()
        }
    }

    #[test]
    fn version_by_date() {
        assert_eq!(
            AqiVersion::in_force_on(date(2026, 2, 28)),
            AqiVersion::Hj633_2012
        );
        assert_eq!(
            AqiVersion::in_force_on(date(2026, 3, 1)),
            AqiVersion::Hj633_2026
        );
    }

    #[test]
    fn published_hourly_takes_the_max_and_lists_ties() {
        let rules = HourlyRules::for_date(date(2019, 3, 22), HourlyMethod::Published);
        // PM10 250 → 150; O3 300 → 150: a tie, both primary.
        let r = hourly_aqi(&rules, &hourly(["10", "20", "0.5", "300", "250", "50"]));
        assert_eq!(r.aqi, Some(150));
        assert_eq!(r.primary.labels(), "O3;PM10");
        assert_eq!(r.level(), Some(Level::Three));
        // AQI ≤ 50: no primary pollutant.
        let r = hourly_aqi(&rules, &hourly(["5", "10", "0.3", "60", "20", "10"]));
        assert!(r.aqi.unwrap() <= 50);
        assert!(r.primary.is_empty());
    }

    #[test]
    fn so2_above_800_by_rule() {
        let readings = HourlyReadings {
            so2_24h: c(Pollutant::So2, "300"),
            ..hourly(["875", "20", "0.5", "60", "40", "20"])
        };
        let at = |rules: HourlyRules| hourly_aqi(&rules, &readings);
        let y2019 = at(HourlyRules::for_date(
            date(2019, 1, 13),
            HourlyMethod::Published,
        ));
        assert_eq!(y2019.aqi, Some(200));
        assert_eq!(
            y2019.sub_index(Indicator::So2Hour).unwrap().basis,
            Basis::SpecialRule
        );
        let y2017 = at(HourlyRules::for_date(
            date(2017, 1, 1),
            HourlyMethod::Published,
        ));
        assert_eq!(y2017.aqi, Some(40)); // PM10 40 → 40; SO2 left out
        assert_eq!(y2017.sub_index(Indicator::So2Hour), None);
        let strict = at(HourlyRules::strict(AqiVersion::Hj633_2012));
        // SO2 24 h 300 → 100 + 50 × 150/325 = 123.08 → 124 (PM from the missing 24 h means: missing).
        assert_eq!(strict.sub_index(Indicator::So2Day).unwrap().value, 124);
        assert!(strict.missing.contains(Indicator::Pm10Day));
        let y2026 = at(HourlyRules::for_date(
            date(2026, 6, 1),
            HourlyMethod::Published,
        ));
        assert_eq!(y2026.aqi, Some(200));
    }

    #[test]
    fn daily_o3_special_rules() {
        let readings = DailyReadings {
            o3_1h_max: c(Pollutant::O3, "900"),
            o3_8h_max: c(Pollutant::O3, "850"),
            ..Default::default()
        };
        // 2012: the 8-hour sub-index is dropped; O3 1 h 900 → 300 + 100 × 100/200 = 350.
        let r = daily_aqi(AqiVersion::Hj633_2012, &readings);
        assert_eq!(r.sub_index(Indicator::O3EightHour), None);
        assert_eq!(r.aqi, Some(350));
        // 2026: 8-hour IAQI = 300, and no O3 1-hour in the daily report.
        let r = daily_aqi(AqiVersion::Hj633_2026, &readings);
        assert_eq!(r.aqi, Some(300));
        assert_eq!(r.sub_index(Indicator::O3Hour), None);
    }

    #[test]
    fn hj633_2026_rounds_inputs_and_withholds_low_aqi_with_gaps() {
        let readings = DailyReadings {
            pm2_5: c(Pollutant::Pm2_5, "35.5"),
            ..Default::default()
        };
        // 2026: 35.5 → 36 → 50 + 50 × 1/25 = 52; 2012 uses 35.5 → 51.
        assert_eq!(daily_aqi(AqiVersion::Hj633_2026, &readings).aqi, Some(52));
        assert_eq!(daily_aqi(AqiVersion::Hj633_2012, &readings).aqi, Some(51));
        // Five indicators missing and AQI 52 ≤ 100: not publishable under 2026 §5.3.1.
        let r = daily_aqi(AqiVersion::Hj633_2026, &readings);
        assert_eq!(r.publishable_aqi(), None);
        let dirty = DailyReadings {
            pm2_5: c(Pollutant::Pm2_5, "80"),
            ..Default::default()
        };
        assert_eq!(
            daily_aqi(AqiVersion::Hj633_2026, &dirty).publishable_aqi(),
            Some(119)
        ); // 100 + 50 × 20/55 = 118.2 → 119
        assert_eq!(
            daily_aqi(AqiVersion::Hj633_2012, &readings).publishable_aqi(),
            Some(51)
        );
    }

    #[test]
    fn non_attainment_pollutants_are_a_2012_notion() {
        let readings = DailyReadings {
            pm10: c(Pollutant::Pm10, "151"),
            pm2_5: c(Pollutant::Pm2_5, "75"),
            ..Default::default()
        };
        // PM10 151 → 101 (> 100), PM2.5 75 → 100 (not above).
        let r = daily_aqi(AqiVersion::Hj633_2012, &readings);
        assert_eq!(r.non_attainment().unwrap().labels(), "PM10");
        assert_eq!(
            daily_aqi(AqiVersion::Hj633_2026, &readings).non_attainment(),
            None
        );
    }

    proptest::proptest! {
        /// For any readings and any rules: the AQI is the maximum sub-index, the primary pollutants are
        /// exactly those equal to it when it exceeds 50, and nothing panics.
        #[test]
        fn report_invariants(
            values in proptest::collection::vec(proptest::option::weighted(0.9, 0i64..5_000_000_000), 10),
            new in proptest::bool::ANY,
            strict in proptest::bool::ANY,
        ) {
            let c = |p, i: usize| values[i].map(|u| Concentration::new(p, crate::Decimal::from_units(u)).unwrap());
            let readings = HourlyReadings {
                so2: c(Pollutant::So2, 0),
                no2: c(Pollutant::No2, 1),
                co: c(Pollutant::Co, 2),
                o3: c(Pollutant::O3, 3),
                pm10: c(Pollutant::Pm10, 4),
                pm2_5: c(Pollutant::Pm2_5, 5),
                so2_24h: c(Pollutant::So2, 6),
                o3_8h: c(Pollutant::O3, 7),
                pm10_24h: c(Pollutant::Pm10, 8),
                pm2_5_24h: c(Pollutant::Pm2_5, 9),
            };
            let version = if new { AqiVersion::Hj633_2026 } else { AqiVersion::Hj633_2012 };
            let rules = if strict { HourlyRules::strict(version) } else { HourlyRules::published(version, date(2019, 1, 1)) };
            let r = hourly_aqi(&rules, &readings);
            let max = r.sub_indices().map(|(_, s)| s.value).max();
            proptest::prop_assert_eq!(r.aqi, max);
            proptest::prop_assert!(r.aqi.is_none_or(|a| a <= 500));
            for (i, s) in r.sub_indices() {
                proptest::prop_assert_eq!(r.primary.contains(i), r.aqi.is_some_and(|a| a > 50 && s.value == a));
            }
            proptest::prop_assert!(r.publishable_aqi().is_none_or(|a| Some(a) == r.aqi));
        }
    }

    #[test]
    fn so2_practice_switches_between_2017_and_2019() {
        let rules =
            |y, m, d| HourlyRules::for_date(date(y, m, d), HourlyMethod::Published).so2_above_800;
        assert_eq!(rules(2018, 12, 31), So2Above800::Omit);
        assert_eq!(rules(2019, 1, 1), So2Above800::SubIndex200);
        assert_eq!(rules(2026, 3, 1), So2Above800::SubIndex200);
        assert_eq!(
            HourlyRules::for_date(date(2026, 3, 1), HourlyMethod::StrictText),
            HourlyRules::strict(AqiVersion::Hj633_2026)
        );
    }

    #[test]
    fn nothing_present_means_no_aqi() {
        let r = daily_aqi(AqiVersion::Hj633_2012, &DailyReadings::default());
        assert_eq!(r.aqi, None);
        assert_eq!(r.level(), None);
        assert_eq!(r.missing.len(), 7);
    }
}
