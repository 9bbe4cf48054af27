//! The six ambient-air pollutants of GB 3095 Table 1 and HJ 633, and their concentrations.

use std::fmt;

use crate::Decimal;

/// A basic ambient-air pollutant (GB 3095-2012 / GB 3095-2026 Table 1; HJ 633: the six AQI pollutants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pollutant {
    /// Sulphur dioxide, SO₂.
    So2,
    /// Nitrogen dioxide, NO₂.
    No2,
    /// Carbon monoxide, CO (the only one measured in mg/m³).
    Co,
    /// Ozone, O₃.
    O3,
    /// Particulate matter ≤ 10 µm, PM10.
    Pm10,
    /// Particulate matter ≤ 2.5 µm, PM2.5.
    Pm2_5,
}

/// The unit a concentration of a [`Pollutant`] is given in (GB 3095 Table 1 "单位").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// µg/m³: SO₂, NO₂, O₃, PM10, PM2.5.
    MicrogramsPerCubicMetre,
    /// mg/m³: CO.
    MilligramsPerCubicMetre,
}

impl Unit {
    /// `µg/m³` or `mg/m³`.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::MicrogramsPerCubicMetre => "µg/m³",
            Unit::MilligramsPerCubicMetre => "mg/m³",
        }
    }
}

impl Pollutant {
    /// All six, in the order HJ 633 Table 1 lists them (SO₂, NO₂, CO, O₃, PM10, PM2.5 as in the CLI).
    pub const ALL: [Pollutant; 6] = [
        Pollutant::So2,
        Pollutant::No2,
        Pollutant::Co,
        Pollutant::O3,
        Pollutant::Pm10,
        Pollutant::Pm2_5,
    ];

    /// Position in [`Pollutant::ALL`] (for arrays indexed by pollutant).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Short machine name: `so2`, `no2`, `co`, `o3`, `pm10`, `pm2_5` (the CLI column names).
    pub fn code(self) -> &'static str {
        match self {
            Pollutant::So2 => "so2",
            Pollutant::No2 => "no2",
            Pollutant::Co => "co",
            Pollutant::O3 => "o3",
            Pollutant::Pm10 => "pm10",
            Pollutant::Pm2_5 => "pm2_5",
        }
    }

    /// Display symbol: `SO2`, `NO2`, `CO`, `O3`, `PM10`, `PM2.5`.
    pub fn symbol(self) -> &'static str {
        match self {
            Pollutant::So2 => "SO2",
            Pollutant::No2 => "NO2",
            Pollutant::Co => "CO",
            Pollutant::O3 => "O3",
            Pollutant::Pm10 => "PM10",
            Pollutant::Pm2_5 => "PM2.5",
        }
    }

    /// Chinese name as HJ 633 writes it (二氧化硫, …, 细颗粒物).
    pub fn name_zh(self) -> &'static str {
        match self {
            Pollutant::So2 => "二氧化硫",
            Pollutant::No2 => "二氧化氮",
            Pollutant::Co => "一氧化碳",
            Pollutant::O3 => "臭氧",
            Pollutant::Pm10 => "颗粒物(PM10)",
            Pollutant::Pm2_5 => "细颗粒物(PM2.5)",
        }
    }

    /// The unit of its concentrations (GB 3095 Table 1): mg/m³ for CO, µg/m³ otherwise.
    pub fn unit(self) -> Unit {
        match self {
            Pollutant::Co => Unit::MilligramsPerCubicMetre,
            _ => Unit::MicrogramsPerCubicMetre,
        }
    }

    /// Reads a machine name or symbol (`so2`, `PM2.5`, `pm25`, `pm2_5`, case-insensitive).
    pub fn from_code(text: &str) -> Option<Pollutant> {
        let t = text.trim().to_ascii_lowercase().replace(['.', '_'], "");
        Some(match t.as_str() {
            "so2" => Pollutant::So2,
            "no2" => Pollutant::No2,
            "co" => Pollutant::Co,
            "o3" => Pollutant::O3,
            "pm10" => Pollutant::Pm10,
            "pm25" => Pollutant::Pm2_5,
            _ => return None,
        })
    }
}

impl fmt::Display for Pollutant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// A measured concentration: never negative, in the unit of its pollutant ([`Pollutant::unit`]).
///
/// GB 3095 Table 1 gives every limit as a non-negative mass concentration; a negative reading is an
/// instrument artefact and is refused here rather than silently clamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Concentration(Decimal);

/// Why a value is not a usable concentration.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConcentrationError {
    /// The text is not a decimal number.
    #[error("{pollutant} concentration {text:?} is not a number")]
    NotANumber {
        /// The pollutant being read.
        pollutant: Pollutant,
        /// The offending text.
        text: String,
    },
    /// The value is below zero.
    #[error("{pollutant} concentration {value} is negative")]
    Negative {
        /// The pollutant being read.
        pollutant: Pollutant,
        /// The offending value.
        value: Decimal,
    },
}

impl Concentration {
    /// Zero.
    pub const ZERO: Concentration = Concentration(Decimal::ZERO);

    /// A concentration of `value` (in the pollutant's unit); refuses a negative value.
    pub fn new(pollutant: Pollutant, value: Decimal) -> Result<Concentration, ConcentrationError> {
        if value < Decimal::ZERO {
            return Err(ConcentrationError::Negative { pollutant, value });
        }
        Ok(Concentration(value))
    }

    /// A value known to be non-negative (means and percentiles of concentrations).
    pub(crate) const fn from_non_negative(value: Decimal) -> Concentration {
        Concentration(value)
    }

    /// The integer `n` in the pollutant's unit (for tests and tables).
    pub const fn from_int(n: u32) -> Concentration {
        Concentration(Decimal::from_int(n as i64))
    }

    /// Reads `text` (e.g. `"35.5"`) as a concentration of `pollutant`; places beyond the sixth are rounded.
    pub fn parse(pollutant: Pollutant, text: &str) -> Result<Concentration, ConcentrationError> {
        let value = Decimal::parse_rounded(text).map_err(|_| ConcentrationError::NotANumber {
            pollutant,
            text: text.to_string(),
        })?;
        Concentration::new(pollutant, value)
    }

    /// The value, in the pollutant's unit.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// Rounded as HJ 633-2026 §4.2.2 requires before the IAQI is computed: GB/T 8170 half-to-even, to an
    /// integer for SO₂, NO₂, O₃, PM10 and PM2.5 (µg/m³) and to one decimal for CO (mg/m³).
    pub fn rounded_for_aqi(self, pollutant: Pollutant) -> Concentration {
        // Half to even on the non-negative count of millionths, in i64 (the hot path of every 2026 IAQI).
        let step: i64 = if pollutant == Pollutant::Co {
            100_000
        } else {
            1_000_000
        };
        let units = self.0.units();
        let (q, r) = (units / step, units % step);
        let q = match (2 * r).cmp(&step) {
            std::cmp::Ordering::Less => q,
            std::cmp::Ordering::Greater => q + 1,
            std::cmp::Ordering::Equal => q + (q & 1),
        };
        Concentration(Decimal::from_units(q * step))
    }
}

impl fmt::Display for Concentration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for p in Pollutant::ALL {
            assert_eq!(Pollutant::from_code(p.code()), Some(p));
            assert_eq!(Pollutant::from_code(p.symbol()), Some(p));
            assert_eq!(Pollutant::ALL[p.index()], p);
        }
        assert_eq!(Pollutant::from_code("PM25"), Some(Pollutant::Pm2_5));
        assert_eq!(Pollutant::from_code("nox"), None);
    }

    #[test]
    fn concentrations_refuse_negative_and_garbage() {
        assert!(matches!(
            Concentration::parse(Pollutant::So2, "-1"),
            Err(ConcentrationError::Negative { .. })
        ));
        let err = Concentration::parse(Pollutant::Co, "abc").unwrap_err();
        assert_eq!(err.to_string(), "CO concentration \"abc\" is not a number");
        assert_eq!(
            Concentration::parse(Pollutant::Co, "2.2")
                .unwrap()
                .to_string(),
            "2.2"
        );
    }

    #[test]
    fn hj633_2026_input_rounding() {
        // HJ 633-2026 §4.2.2 with GB/T 8170: 35.5 -> 36, 36.5 -> 36, CO 1.25 -> 1.2, 1.35 -> 1.4.
        let c = |p, s| {
            Concentration::parse(p, s)
                .unwrap()
                .rounded_for_aqi(p)
                .to_string()
        };
        assert_eq!(c(Pollutant::Pm2_5, "35.5"), "36");
        assert_eq!(c(Pollutant::Pm2_5, "36.5"), "36");
        assert_eq!(c(Pollutant::Co, "1.25"), "1.2");
        assert_eq!(c(Pollutant::Co, "1.35"), "1.4");
        // Agrees with Decimal::round_half_even everywhere (GB/T 8170).
        for units in (0..3_000_000).step_by(12_345) {
            let x = Concentration(Decimal::from_units(units));
            assert_eq!(
                x.rounded_for_aqi(Pollutant::O3).value(),
                x.value().round_half_even(0)
            );
            assert_eq!(
                x.rounded_for_aqi(Pollutant::Co).value(),
                x.value().round_half_even(1)
            );
        }
    }
}
