//! Section, river and basin status (水质状况) by 地表水环境质量评价办法（试行）(环办〔2011〕22号): 断面水质评价 and 河流、流域（水系）水质评价.

use std::collections::BTreeMap;

use super::{Evaluation, Parameter, WaterClass, WaterError, WaterbodyKind, evaluate};
use crate::Decimal;

/// The water-quality status of a section, river or basin with its display colour (环办〔2011〕22号, section and river tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaterStatus {
    /// 优 (blue): section class I–II; river I–III share ≥ 90 %.
    Excellent,
    /// 良好 (green): section class III; river 75 % ≤ I–III share < 90 %.
    Good,
    /// 轻度污染 (yellow): section class IV; river I–III < 75 % and 劣V < 20 %.
    LightlyPolluted,
    /// 中度污染 (orange): section class V; river I–III < 75 % and 20 % ≤ 劣V < 40 %.
    ModeratelyPolluted,
    /// 重度污染 (red): section 劣V; river I–III < 75 % and 劣V ≥ 40 %.
    HeavilyPolluted,
}

impl WaterStatus {
    /// The status of a single section from its class (环办〔2011〕22号, 断面水质定性评价).
    pub fn of_section(class: WaterClass) -> WaterStatus {
        match class {
            WaterClass::I | WaterClass::II => WaterStatus::Excellent,
            WaterClass::III => WaterStatus::Good,
            WaterClass::IV => WaterStatus::LightlyPolluted,
            WaterClass::V => WaterStatus::ModeratelyPolluted,
            WaterClass::WorseThanV => WaterStatus::HeavilyPolluted,
        }
    }

    /// The Chinese name (`优`, `良好`, `轻度污染`, `中度污染`, `重度污染`).
    pub fn chinese_name(self) -> &'static str {
        ["优", "良好", "轻度污染", "中度污染", "重度污染"][self as usize]
    }

    /// The colour name of 环办〔2011〕22号 Tables 2–3 (`blue`, `green`, `yellow`, `orange`, `red`).
    pub fn colour(self) -> &'static str {
        ["blue", "green", "yellow", "orange", "red"][self as usize]
    }
}

/// How many sections of a river or basin fall in each class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClassCounts {
    /// Sections in class I, II, III, IV, V and 劣V.
    pub by_class: [u32; 6],
}

impl ClassCounts {
    /// Counts the classes of `sections`.
    pub fn of(sections: &[WaterClass]) -> ClassCounts {
        let mut by_class = [0; 6];
        for c in sections {
            by_class[*c as usize] += 1;
        }
        ClassCounts { by_class }
    }

    /// Number of sections.
    pub fn total(&self) -> u32 {
        self.by_class.iter().sum()
    }

    /// Number of class I–III sections.
    pub fn good(&self) -> u32 {
        self.by_class[..3].iter().sum()
    }

    /// Number of 劣V sections.
    pub fn worse_than_v(&self) -> u32 {
        self.by_class[5]
    }

    /// Share of class I–III sections in per cent, rounded to one decimal half to even (for display;
    /// [`river_status`] compares exact fractions).
    pub fn good_percent(&self) -> Decimal {
        percent(self.good(), self.total())
    }

    /// Share of 劣V sections in per cent, rounded to one decimal half to even (for display).
    pub fn worse_than_v_percent(&self) -> Decimal {
        percent(self.worse_than_v(), self.total())
    }
}

fn percent(part: u32, total: u32) -> Decimal {
    if total == 0 {
        return Decimal::ZERO;
    }
    super::class::ratio_rounded(
        Decimal::from_int(part as i64 * 100),
        Decimal::from_int(total as i64),
        1,
    )
}

/// Minimum number of sections for the proportion method (环办〔2011〕22号, 河流、流域（水系）水质评价).
pub const MIN_SECTIONS_FOR_PROPORTION: usize = 5;

/// Why a river status cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    /// The proportion method needs at least five sections.
    #[error(
        "the proportion method needs at least {MIN_SECTIONS_FOR_PROPORTION} sections, got {0}; average the sections instead (river_status_by_mean)"
    )]
    TooFewSections(usize),
    /// No section was given.
    #[error("no section given")]
    NoSections,
    /// A section's sample could not be evaluated.
    #[error(transparent)]
    Water(#[from] WaterError),
}

/// The status of a river or basin with at least five sections by the proportion method
/// (环办〔2011〕22号, 河流、流域（水系）水质评价), compared on exact fractions:
///
/// | condition | status |
/// |---|---|
/// | I–III ≥ 90 % | 优 |
/// | 75 % ≤ I–III < 90 % | 良好 |
/// | I–III < 75 %, 劣V < 20 % | 轻度污染 |
/// | I–III < 75 %, 20 % ≤ 劣V < 40 % | 中度污染 |
/// | I–III < 75 %, 劣V ≥ 40 % | 重度污染 |
///
/// The last row is cited in two wordings (I–III "< 75 %" on the Shenzhen bureau's page, "< 60 %" in
/// recollections of the original); the "< 75 %" wording is implemented. They differ only where I–III is
/// in [60 %, 75 %) and 劣V ≥ 40 %, where "< 60 %" would leave no row at all, so "< 75 %" is the only
/// complete reading.
pub fn river_status(sections: &[WaterClass]) -> Result<WaterStatus, StatusError> {
    if sections.len() < MIN_SECTIONS_FOR_PROPORTION {
        return Err(StatusError::TooFewSections(sections.len()));
    }
    Ok(status_from_counts(&ClassCounts::of(sections)))
}

/// The proportion method of [`river_status`] applied to counts (at least one section).
pub fn status_from_counts(counts: &ClassCounts) -> WaterStatus {
    let n = counts.total() as u64;
    let good = counts.good() as u64 * 100;
    let bad = counts.worse_than_v() as u64 * 100;
    if good >= 90 * n {
        WaterStatus::Excellent
    } else if good >= 75 * n {
        WaterStatus::Good
    } else if bad < 20 * n {
        WaterStatus::LightlyPolluted
    } else if bad < 40 * n {
        WaterStatus::ModeratelyPolluted
    } else {
        WaterStatus::HeavilyPolluted
    }
}

/// The status of a river with fewer than five sections, or of a lake or reservoir with several points
/// (环办〔2011〕22号, river evaluation with fewer than five sections, and 湖泊、水库水质评价): each parameter is averaged over the sections that measured it
/// (arithmetic mean, rounded half to even to six places), the means are evaluated by the single-factor
/// method, and the status is that of a section of the resulting class.
pub fn river_status_by_mean(
    kind: WaterbodyKind,
    sections: &[&[(Parameter, Decimal)]],
) -> Result<(WaterStatus, Evaluation), StatusError> {
    if sections.is_empty() {
        return Err(StatusError::NoSections);
    }
    let means = mean_sample(sections);
    let evaluation = evaluate(kind, &means)?;
    Ok((WaterStatus::of_section(evaluation.class), evaluation))
}

/// The mean of each parameter over `samples` (over the samples that have it), in table order; the
/// averaging step of 环办〔2011〕22号 (several samples of a period, several sections or points).
pub fn mean_sample(samples: &[&[(Parameter, Decimal)]]) -> Vec<(Parameter, Decimal)> {
    let mut sums: BTreeMap<Parameter, (i128, i128)> = BTreeMap::new();
    for sample in samples {
        for &(p, v) in sample.iter() {
            let e = sums.entry(p).or_default();
            e.0 += v.units() as i128;
            e.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(p, (sum, n))| {
            let units = Decimal::from_units(i64::try_from(sum).unwrap_or(i64::MAX));
            (
                p,
                super::class::ratio_rounded(units, Decimal::from_int(n as i64), 6),
            )
        })
        .collect()
}

/// A main pollutant of a river or basin: a class-deciding item and the share of sections where it is
/// worse than class III (断面超标率).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiverPollutant {
    /// The parameter.
    pub parameter: Parameter,
    /// Sections where it is worse than class III.
    pub sections_exceeding: u32,
    /// Sections where it was measured.
    pub sections_measured: u32,
}

/// The main pollutants of a river or basin with at least five sections (环办〔2011〕22号, 河流、流域（水系）主要污染指标): the
/// class-deciding items ranked by the share of sections in which they exceed class III, highest first,
/// at most three, ties in GB 3838 table order; items exceeding nowhere are not listed. The shares are
/// compared as exact fractions.
pub fn river_main_pollutants(sections: &[Evaluation]) -> Vec<RiverPollutant> {
    let mut tally: BTreeMap<Parameter, (u32, u32)> = BTreeMap::new();
    for section in sections {
        for r in section.parameters.iter().filter(|r| r.decides_class) {
            let e = tally.entry(r.parameter).or_default();
            e.1 += 1;
            if r.class.is_some_and(|c| c > WaterClass::III) {
                e.0 += 1;
            }
        }
    }
    let mut out: Vec<RiverPollutant> = tally
        .into_iter()
        .filter(|(_, (exceeding, _))| *exceeding > 0)
        .map(
            |(parameter, (sections_exceeding, sections_measured))| RiverPollutant {
                parameter,
                sections_exceeding,
                sections_measured,
            },
        )
        .collect();
    // a/b > c/d ⇔ a·d > c·b; the sort is stable, so ties keep table order.
    out.sort_by(|x, y| {
        (y.sections_exceeding as u64 * x.sections_measured as u64)
            .cmp(&(x.sections_exceeding as u64 * y.sections_measured as u64))
    });
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use WaterClass::*;

    #[test]
    fn proportion_thresholds_are_exact() {
        // 9 of 10 good: exactly 90 % → 优
        assert_eq!(
            river_status(&[I, II, III, I, II, III, I, II, III, IV]),
            Ok(WaterStatus::Excellent)
        );
        // 8 of 10 good → 良好; 6 of 8 = 75 % exactly is 良好, 5 of 8 is not
        assert_eq!(
            river_status(&[I, II, III, I, II, III, I, II, IV, IV]),
            Ok(WaterStatus::Good)
        );
        assert_eq!(
            river_status(&[I, II, III, I, II, III, IV, IV]),
            Ok(WaterStatus::Good)
        );
        assert_eq!(
            river_status(&[I, II, III, I, II, IV, IV, IV]),
            Ok(WaterStatus::LightlyPolluted)
        );
        // 3 of 5 good (60 %), 1 of 5 劣V (20 %) → 中度污染
        assert_eq!(
            river_status(&[I, II, III, IV, WorseThanV]),
            Ok(WaterStatus::ModeratelyPolluted)
        );
        assert_eq!(
            river_status(&[I, II, III, IV, V]),
            Ok(WaterStatus::LightlyPolluted)
        );
        // 2 of 5 劣V = 40 % → 重度污染
        assert_eq!(
            river_status(&[I, II, IV, WorseThanV, WorseThanV]),
            Ok(WaterStatus::HeavilyPolluted)
        );
        assert_eq!(river_status(&[I, II]), Err(StatusError::TooFewSections(2)));
    }

    #[test]
    fn shares_for_display() {
        let c = ClassCounts::of(&[I, II, III, IV, WorseThanV, WorseThanV]);
        assert_eq!(c.good_percent(), "50".parse().unwrap());
        assert_eq!(c.worse_than_v_percent(), "33.3".parse().unwrap());
    }

    #[test]
    fn river_main_pollutants_by_exceedance_share() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        use Parameter::*;
        let samples = [
            [
                (AmmoniaNitrogen, d("1.6")),
                (TotalPhosphorus, d("0.1")),
                (PermanganateIndex, d("7")),
            ],
            [
                (AmmoniaNitrogen, d("2.5")),
                (TotalPhosphorus, d("0.35")),
                (PermanganateIndex, d("3")),
            ],
            [
                (AmmoniaNitrogen, d("0.5")),
                (TotalPhosphorus, d("0.25")),
                (PermanganateIndex, d("3")),
            ],
            [
                (AmmoniaNitrogen, d("1.2")),
                (TotalPhosphorus, d("0.1")),
                (PermanganateIndex, d("3")),
            ],
            [
                (AmmoniaNitrogen, d("0.2")),
                (TotalPhosphorus, d("0.1")),
                (PermanganateIndex, d("3")),
            ],
        ];
        let evaluations: Vec<Evaluation> = samples
            .iter()
            .map(|s| evaluate(WaterbodyKind::River, s).unwrap())
            .collect();
        let main: Vec<(Parameter, u32)> = river_main_pollutants(&evaluations)
            .iter()
            .map(|p| (p.parameter, p.sections_exceeding))
            .collect();
        assert_eq!(
            main,
            [
                (AmmoniaNitrogen, 3),
                (TotalPhosphorus, 2),
                (PermanganateIndex, 1)
            ]
        );
    }

    #[test]
    fn few_sections_are_averaged() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let a = [
            (Parameter::AmmoniaNitrogen, d("0.9")),
            (Parameter::DissolvedOxygen, d("8")),
        ];
        let b = [(Parameter::AmmoniaNitrogen, d("1.3"))];
        let (status, e) = river_status_by_mean(WaterbodyKind::River, &[&a, &b]).unwrap();
        // NH3-N mean 1.1 → IV; DO 8 → I
        assert_eq!(e.class, IV);
        assert_eq!(status, WaterStatus::LightlyPolluted);
    }
}
