//! Emission quantities (workflows.md A4, B3): each hour's mass from the measured (never the O2-corrected)
//! concentration and the same hour's flow, and, for hours whose data are invalid while the source ran,
//! the HJ 75-2017 substitute, kept apart from the measured part.
//!
//! Flue gas: concentration mg/m³ × dry standard flow m³/s (`a00000`, HJ 212-2017). Wastewater: mg/L ×
//! L/s (`w00000`). Either way mg/s; × 3,600 s per hour × 10⁻⁶ = kg per hour (through
//! `standards::emissions::mass_rate_kg_per_h`, one exact rounding).

use super::HOUR;
use standards::Decimal;
use standards::emissions::{MeasuredConcentration, mass_rate_kg_per_h};

/// The mass of one hour, kg: `concentration` (mg/m³ or mg/L) × `flow_per_s` (m³/s or L/s) × 3,600.
pub fn hourly_mass_kg(concentration: MeasuredConcentration, flow_per_s: Decimal) -> Decimal {
    mass_rate_kg_per_h(concentration, flow_per_s.mul(Decimal::from_int(3600)))
}

/// One hour of one outlet and pollutant for the accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HourState {
    /// Valid concentration and flow: the measured mass, kg.
    Measured(Decimal),
    /// The source was stopped (flag F, or marked stopped): no emission, and not in the capture rate.
    Stopped,
    /// The source ran but the data are invalid (missing, flagged, marked): to be substituted.
    Invalid,
}

/// How one hour was accounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounted {
    pub start: i64,
    pub measured_kg: Decimal,
    pub substituted_kg: Decimal,
    /// An invalid hour for which HJ 75 gives no rule (capture rate below 75 %): left at zero here and
    /// counted, so the report says how many hours need the permit's "direct discharge" accounting.
    pub unaccounted: bool,
}

/// The valid-data capture rate α of the hours (HJ 75-2017 as implemented publicly, workflows.md A4):
/// (hours − stopped − invalid) / (hours − stopped). `None` when the source never ran.
pub fn capture_rate(hours: &[HourState]) -> Option<f64> {
    let ran = hours.iter().filter(|h| **h != HourState::Stopped).count();
    let valid = hours
        .iter()
        .filter(|h| matches!(h, HourState::Measured(_)))
        .count();
    (ran > 0).then(|| valid as f64 / ran as f64)
}

/// The valid hours the substitute looks back over for a run of `invalid_hours` consecutive invalid
/// hours at capture rate `alpha` (the HJ 75-2017 table in workflows.md A4): `None` below 75 %.
pub fn lookback_hours(alpha: f64, invalid_hours: usize) -> Option<usize> {
    if alpha >= 0.90 {
        Some(if invalid_hours <= 24 { 180 } else { 720 })
    } else if alpha >= 0.75 {
        Some(2160)
    } else {
        None
    }
}

/// Accounts a quarter's hours of one outlet and pollutant, in time order starting at `start` (one state
/// per hour): a measured hour counts its mass; each run of invalid hours gets, per hour, the highest
/// measured hourly mass among the valid hours before the run (as many as [`lookback_hours`] says; the
/// reference counts back from the last calibration or the failure, which here is the run's start).
pub fn account(start: i64, hours: &[HourState]) -> Vec<Accounted> {
    let alpha = capture_rate(hours).unwrap_or(1.0);
    let mut out = Vec::with_capacity(hours.len());
    let mut i = 0;
    while i < hours.len() {
        let at = start + i as i64 * HOUR;
        match hours[i] {
            HourState::Measured(kg) => {
                out.push(Accounted {
                    start: at,
                    measured_kg: kg,
                    substituted_kg: Decimal::ZERO,
                    unaccounted: false,
                });
                i += 1;
            }
            HourState::Stopped => {
                out.push(Accounted {
                    start: at,
                    measured_kg: Decimal::ZERO,
                    substituted_kg: Decimal::ZERO,
                    unaccounted: false,
                });
                i += 1;
            }
            HourState::Invalid => {
                let run = hours[i..]
                    .iter()
                    .take_while(|h| **h == HourState::Invalid)
                    .count();
                let substitute = lookback_hours(alpha, run).map(|n| {
                    hours[..i]
                        .iter()
                        .rev()
                        .filter_map(|h| match h {
                            HourState::Measured(kg) => Some(*kg),
                            _ => None,
                        })
                        .take(n)
                        .max()
                        .unwrap_or(Decimal::ZERO)
                });
                for k in 0..run {
                    out.push(Accounted {
                        start: start + (i + k) as i64 * HOUR,
                        measured_kg: Decimal::ZERO,
                        substituted_kg: substitute.unwrap_or(Decimal::ZERO),
                        unaccounted: substitute.is_none(),
                    });
                }
                i += run;
            }
        }
    }
    out
}

/// Kilograms to tonnes, rounded half to even to six places.
pub fn tonnes(kg: Decimal) -> Decimal {
    kg.div(Decimal::from_int(1000)).unwrap_or(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(x: f64) -> Decimal {
        Decimal::from_f64(x).unwrap()
    }

    #[test]
    fn an_hours_mass_is_concentration_times_flow() {
        // 50 mg/m³ × 100 m³/s × 3600 s = 18,000,000 mg = 18 kg.
        assert_eq!(
            hourly_mass_kg(MeasuredConcentration(d(50.0)), d(100.0)),
            d(18.0)
        );
        // Wastewater: 80 mg/L × 25 L/s × 3600 s = 7,200,000 mg = 7.2 kg.
        assert_eq!(
            hourly_mass_kg(MeasuredConcentration(d(80.0)), d(25.0)),
            d(7.2)
        );
        assert_eq!(tonnes(d(18.0)), d(0.018));
    }

    #[test]
    fn invalid_hours_take_the_highest_recent_valid_hour_when_capture_is_high() {
        // 300 hours: 290 measured (1 kg, one of 5 kg), 10 invalid: α = 290/300 ≥ 90 %, run ≤ 24 → the
        // highest of the 180 valid hours before.
        let mut hours: Vec<HourState> = (0..290).map(|_| HourState::Measured(d(1.0))).collect();
        hours[200] = HourState::Measured(d(5.0));
        hours.extend((0..10).map(|_| HourState::Invalid));
        let a = account(0, &hours);
        let substituted: Decimal = a.iter().map(|h| h.substituted_kg).sum();
        let measured: Decimal = a.iter().map(|h| h.measured_kg).sum();
        assert_eq!((measured, substituted), (d(294.0), d(50.0)));
        // The 5 kg hour out of reach (more than 180 valid hours back): 1 kg each.
        hours[200] = HourState::Measured(d(1.0));
        hours[50] = HourState::Measured(d(5.0));
        let substituted: Decimal = account(0, &hours).iter().map(|h| h.substituted_kg).sum();
        assert_eq!(substituted, d(10.0));
    }

    #[test]
    fn low_capture_has_no_substitute_and_says_so_and_stops_are_not_counted() {
        let mut hours: Vec<HourState> = (0..70).map(|_| HourState::Measured(d(2.0))).collect();
        hours.extend((0..30).map(|_| HourState::Invalid));
        hours.extend((0..100).map(|_| HourState::Stopped));
        assert_eq!(capture_rate(&hours), Some(0.7));
        let a = account(0, &hours);
        assert_eq!(a.iter().filter(|h| h.unaccounted).count(), 30);
        assert_eq!(
            a.iter().map(|h| h.substituted_kg).sum::<Decimal>(),
            Decimal::ZERO
        );
        assert_eq!(lookback_hours(0.8, 100), Some(2160));
        assert_eq!(lookback_hours(0.95, 25), Some(720));
    }

    proptest! {
        #[test]
        fn every_hour_is_accounted_once_and_measured_mass_is_kept(
            states in proptest::collection::vec((0u8..3, 0u32..1000), 0..400)
        ) {
            let hours: Vec<HourState> = states.iter().map(|(s, kg)| match s {
                0 => HourState::Measured(Decimal::from_int(i64::from(*kg))),
                1 => HourState::Stopped,
                _ => HourState::Invalid,
            }).collect();
            let a = account(0, &hours);
            prop_assert_eq!(a.len(), hours.len());
            let measured: Decimal = hours.iter().filter_map(|h| match h { HourState::Measured(kg) => Some(*kg), _ => None }).sum();
            prop_assert_eq!(a.iter().map(|h| h.measured_kg).sum::<Decimal>(), measured);
            for (h, acc) in hours.iter().zip(&a) {
                if *h != HourState::Invalid {
                    prop_assert_eq!(acc.substituted_kg, Decimal::ZERO);
                }
            }
        }
    }
}
