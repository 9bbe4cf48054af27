//! Valid hourly and daily means (HJ 76-2017 Appendix B, as the sector permit norms quote it: the hourly
//! mean is "整点1小时内不少于45分钟的有效数据的算术平均值"; a valid day needs at least 20 valid hours).

use super::{HOUR, Minute};
use standards::Decimal;
use std::collections::BTreeMap;

/// Valid minutes an hour needs for a valid hourly mean (HJ 76-2017 App. B).
pub const VALID_MINUTES_PER_HOUR: u32 = 45;
/// Valid hours a day needs for a valid daily mean (HJ 76-2017 App. B).
pub const VALID_HOURS_PER_DAY: u32 = 20;

/// One clock hour of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourMean {
    /// The hour's start, unix seconds (a whole hour: China's offset is whole hours).
    pub start: i64,
    /// Minutes received in the hour, whatever their flag.
    pub minutes: u32,
    /// Minutes with flag `N` and a number.
    pub valid_minutes: u32,
    /// The arithmetic mean of the valid minutes, when there are at least [`VALID_MINUTES_PER_HOUR`].
    pub mean: Option<Decimal>,
}

/// One local day of hourly means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayMean {
    /// The day's start, unix seconds.
    pub start: i64,
    pub valid_hours: u32,
    /// The mean of the valid hourly means, when there are at least [`VALID_HOURS_PER_DAY`].
    pub mean: Option<Decimal>,
}

/// The mean of `values`, rounded half to even to the engine's six places.
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    let n = i64::try_from(values.len()).ok().filter(|n| *n > 0)?;
    values
        .iter()
        .copied()
        .sum::<Decimal>()
        .div(Decimal::from_int(n))
}

/// The hourly means of `minutes` (in any order), one per clock hour that received any minute, in time
/// order. A minute sent twice counts once: the first stands.
pub fn hourly(minutes: &[Minute]) -> Vec<HourMean> {
    let mut hours: BTreeMap<i64, BTreeMap<i64, &Minute>> = BTreeMap::new();
    for m in minutes {
        hours
            .entry(m.start - m.start.rem_euclid(HOUR))
            .or_default()
            .entry(m.start)
            .or_insert(m);
    }
    hours
        .into_iter()
        .map(|(start, minutes)| {
            let valid: Vec<Decimal> = minutes.values().filter_map(|m| m.valid_value()).collect();
            let valid_minutes = valid.len() as u32;
            HourMean {
                start,
                minutes: minutes.len() as u32,
                valid_minutes,
                mean: (valid_minutes >= VALID_MINUTES_PER_HOUR)
                    .then(|| mean(&valid))
                    .flatten(),
            }
        })
        .collect()
}

/// The daily means of `hours`; `day_of` gives the start of the local day an hour belongs to.
pub fn daily(hours: &[HourMean], day_of: impl Fn(i64) -> i64) -> Vec<DayMean> {
    let mut days: BTreeMap<i64, Vec<Decimal>> = BTreeMap::new();
    for h in hours {
        let day = days.entry(day_of(h.start)).or_default();
        day.extend(h.mean);
    }
    days.into_iter()
        .map(|(start, valid)| DayMean {
            start,
            valid_hours: valid.len() as u32,
            mean: (valid.len() as u32 >= VALID_HOURS_PER_DAY)
                .then(|| mean(&valid))
                .flatten(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hj212::cp::DataFlag;
    use proptest::prelude::*;

    fn d(x: f64) -> Decimal {
        Decimal::from_f64(x).unwrap()
    }

    fn minute(start: i64, value: f64, flag: DataFlag) -> Minute {
        Minute {
            start,
            value: Some(d(value)),
            flag,
        }
    }

    #[test]
    fn an_hour_needs_45_valid_minutes() {
        // 44 valid minutes and 16 in calibration: no valid mean. One more valid minute: a mean.
        let mut m: Vec<Minute> = (0..44)
            .map(|i| minute(i * 60, 10.0, DataFlag::Normal))
            .collect();
        m.extend((44..60).map(|i| minute(i * 60, 500.0, DataFlag::Calibration)));
        let h = hourly(&m)[0];
        assert_eq!((h.minutes, h.valid_minutes, h.mean), (60, 44, None));
        m[44].flag = DataFlag::Normal;
        m[44].value = Some(d(55.0));
        let h = hourly(&m)[0];
        // (44 × 10 + 55) / 45 = 11
        assert_eq!((h.valid_minutes, h.mean), (45, Some(d(11.0))));
    }

    #[test]
    fn the_first_of_a_resent_minute_stands_and_hours_are_clock_hours() {
        let m = vec![
            minute(3600 + 60, 1.0, DataFlag::Normal),
            minute(3600 + 60, 9.0, DataFlag::Normal),
            minute(59, 2.0, DataFlag::Normal),
        ];
        let h = hourly(&m);
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].start, h[0].minutes), (0, 1));
        assert_eq!((h[1].start, h[1].minutes), (3600, 1));
    }

    #[test]
    fn a_day_needs_20_valid_hours() {
        let hour = |i: i64, mean: Option<f64>| HourMean {
            start: i * 3600,
            minutes: 60,
            valid_minutes: if mean.is_some() { 60 } else { 0 },
            mean: mean.map(d),
        };
        let mut hours: Vec<HourMean> = (0..19).map(|i| hour(i, Some(4.0))).collect();
        hours.extend((19..24).map(|i| hour(i, None)));
        assert_eq!(daily(&hours, |_| 0)[0].mean, None);
        hours[19] = hour(19, Some(24.0));
        // (19 × 4 + 24) / 20 = 5
        assert_eq!(
            daily(&hours, |_| 0)[0],
            DayMean {
                start: 0,
                valid_hours: 20,
                mean: Some(d(5.0))
            }
        );
    }

    proptest! {
        #[test]
        fn a_valid_mean_lies_between_the_valid_minutes(values in proptest::collection::vec(0u32..100_000, 45..=60)) {
            let m: Vec<Minute> = values.iter().enumerate()
                .map(|(i, v)| minute(i as i64 * 60, f64::from(*v) / 100.0, DataFlag::Normal)).collect();
            let h = hourly(&m)[0];
            let lo = d(f64::from(*values.iter().min().unwrap()) / 100.0);
            let hi = d(f64::from(*values.iter().max().unwrap()) / 100.0);
            let mean = h.mean.unwrap();
            prop_assert!(lo <= mean && mean <= hi);
        }
    }
}
