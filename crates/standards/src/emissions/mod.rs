//! Emission standards: limits, oxygen correction, exceedance and emission mass.
//!
//! - [`flue_gas`]: GB 13223-2011 (thermal power plants) with the ultra-low emission limits, GB 13271-2014
//!   (boilers), reference-oxygen correction (折算浓度), dry standard flow and mass emission rate.
//! - [`wastewater`]: GB 18918-2002 (municipal WWTP effluent, grades 1A/1B/2/3) and GB 8978-1996 (integrated
//!   wastewater, class-1 pollutants and Table 4 grades), wastewater pollutant load.
//!
//! Compliance is judged on the oxygen-corrected concentration ([`CorrectedConcentration`]); mass is
//! computed from the measured one ([`MeasuredConcentration`]). The two are distinct types so the one
//! cannot be passed where the other belongs.

pub mod flue_gas;
pub mod wastewater;

pub use flue_gas::{
    BoilerFuel, CorrectedConcentration, FlueGasLimit, FlueGasPollutant, Gas, Gb13223Table,
    Gb13271Table, MeasuredConcentration, OxygenPolicy, PowerUnit, PowerUnitKind, StackConditions,
    dry_standard_flow, gb13223_limit, gb13271_limit, mass_rate_kg_per_h, nox_as_no2,
    oxygen_corrected, ppm_to_mg_per_m3, ultra_low_limit,
};
pub use wastewater::{
    Gb8978Grade, Gb18918Conditions, Gb18918Grade, WastewaterItem, gb8978_limit, gb18918_limit,
    wastewater_load_kg,
};

use crate::Decimal;

/// A discharge limit as the standards print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The value must not exceed this (≤ complies).
    AtMost(Decimal),
    /// The value must lie in this closed range (pH 6–9).
    Range {
        /// Lowest compliant value.
        low: Decimal,
        /// Highest compliant value.
        high: Decimal,
    },
    /// 不得检出: the pollutant must not be detected (alkyl mercury); a value of zero means "not detected".
    NotDetectable,
}

/// The result of comparing a value with a [`Limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 达标: the value meets the limit (a value exactly on the limit meets it).
    Meets,
    /// 超标: the value exceeds the limit.
    Exceeds {
        /// 超标倍数 (C − L)/L, rounded half to even to two places (GB/T 8170-2008); `None` for ranges and
        /// "not detectable" limits, which have no multiple.
        multiple: Option<Decimal>,
    },
}

impl Verdict {
    /// Whether the value exceeds the limit.
    pub fn exceeds(self) -> bool {
        matches!(self, Verdict::Exceeds { .. })
    }
}

/// Compares `value` with `limit`: "≤ limit" and "within the range" comply; for [`Limit::NotDetectable`]
/// only zero (not detected) complies. The exceedance multiple is (C − L)/L with a single exact rounding.
pub fn check(value: Decimal, limit: Limit) -> Verdict {
    match limit {
        Limit::AtMost(l) if value <= l => Verdict::Meets,
        Limit::AtMost(l) if l > Decimal::ZERO => Verdict::Exceeds {
            multiple: Some(crate::water::class::ratio_rounded(value - l, l, 2)),
        },
        Limit::AtMost(_) => Verdict::Exceeds { multiple: None },
        Limit::Range { low, high } if low <= value && value <= high => Verdict::Meets,
        Limit::Range { .. } => Verdict::Exceeds { multiple: None },
        Limit::NotDetectable if value <= Decimal::ZERO => Verdict::Meets,
        Limit::NotDetectable => Verdict::Exceeds { multiple: None },
    }
}

/// Why an emission calculation cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmissionError {
    /// The measured oxygen is at or above the ceiling of the [`OxygenPolicy`] (the correction factor
    /// (21 − O2ref)/(21 − O2) grows without bound as O2 approaches 21 %, the oxygen content of air).
    #[error(
        "measured O2 {measured} % is at or above {ceiling} %: the flue gas is essentially air and the oxygen correction is meaningless"
    )]
    OxygenTooHigh {
        /// Measured O2, % (dry volume).
        measured: Decimal,
        /// The ceiling that was applied.
        ceiling: Decimal,
    },
    /// A value outside its physical range.
    #[error("{name} = {value} is outside its physical range {range}")]
    OutOfRange {
        /// What the value is.
        name: &'static str,
        /// The value given.
        value: Decimal,
        /// The accepted range, as text.
        range: &'static str,
    },
}

/// `n / d` as a [`Decimal`]'s units (millionths), rounded half to even (`d` ≠ 0).
pub(crate) fn units_ratio(n: i128, d: i128) -> Decimal {
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let q = n.div_euclid(d);
    let r = n.rem_euclid(d);
    let q = match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    };
    Decimal::from_units(i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn verdicts() {
        assert_eq!(check(d("50"), Limit::AtMost(d("50"))), Verdict::Meets);
        assert_eq!(
            check(d("75"), Limit::AtMost(d("50"))),
            Verdict::Exceeds {
                multiple: Some(d("0.5"))
            }
        );
        assert_eq!(
            check(d("50.000001"), Limit::AtMost(d("50"))),
            Verdict::Exceeds {
                multiple: Some(d("0"))
            }
        );
        let ph = Limit::Range {
            low: d("6"),
            high: d("9"),
        };
        assert_eq!(check(d("9"), ph), Verdict::Meets);
        assert!(check(d("9.1"), ph).exceeds());
        assert_eq!(check(Decimal::ZERO, Limit::NotDetectable), Verdict::Meets);
        assert!(check(d("0.00001"), Limit::NotDetectable).exceeds());
    }
}
