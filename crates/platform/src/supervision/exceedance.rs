//! Exceedance (超标) episodes (workflows.md A5): the valid mean of each averaging period (an hour, or a day
//! where the standard's limit is daily), corrected to the reference O2 where the standard asks for it
//! (C_ref = C × (21 − O2_ref) / (21 − O2), from the same hour's O2), compared with the limit. Consecutive
//! exceeding periods make one episode; a compliant, invalid or missing period ends it (an hour that cannot
//! be judged is a data problem, never an exceedance).

use super::HOUR;
use super::means::{DayMean, HourMean, VALID_HOURS_PER_DAY, mean};
use standards::Decimal;
use standards::emissions::{
    self, CorrectedConcentration, Limit, MeasuredConcentration, OxygenPolicy, Verdict,
};
use std::collections::BTreeMap;

/// The period a limit is judged over (from the emission standard, stored with each permitted limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Averaging {
    Hour,
    Day,
}

/// One judged period: its start and end (unix seconds) and the value compared with the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
    pub value: Decimal,
}

/// A run of consecutive exceeding periods of one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    pub start: i64,
    /// The end of the last exceeding period (exclusive).
    pub end: i64,
    /// Exceeding periods in the run.
    pub periods: u32,
    /// The highest value compared with the limit (corrected where the standard corrects).
    pub peak: Decimal,
    /// 超标倍数 at the peak, (C − L)/L rounded to two places (`None` for range limits such as pH).
    pub multiple: Option<Decimal>,
}

impl Episode {
    /// The episode's length in hours.
    pub fn hours(&self) -> i64 {
        (self.end - self.start) / HOUR
    }
}

/// The hours to judge: each valid hourly mean, corrected to `reference_o2` (%) with the same hour's valid
/// O2 mean when a reference is given. An hour whose O2 is missing, invalid or too high to correct is left
/// out (it cannot be judged), as is every hour without a valid mean.
pub fn hours_to_judge(
    pollutant: &[HourMean],
    o2: &[HourMean],
    reference_o2: Option<Decimal>,
    policy: OxygenPolicy,
) -> Vec<Period> {
    let o2: BTreeMap<i64, Decimal> = o2
        .iter()
        .filter_map(|h| h.mean.map(|m| (h.start, m)))
        .collect();
    pollutant
        .iter()
        .filter_map(|h| {
            let measured = h.mean?;
            let value = match reference_o2 {
                None => measured,
                Some(reference) => {
                    let o2 = *o2.get(&h.start)?;
                    let CorrectedConcentration(c) = emissions::oxygen_corrected(
                        MeasuredConcentration(measured),
                        o2,
                        reference,
                        policy,
                    )
                    .ok()?;
                    c
                }
            };
            Some(Period {
                start: h.start,
                end: h.start + HOUR,
                value,
            })
        })
        .collect()
}

/// Days to judge a daily limit on: the mean of each local day's judged hours (`day_of` gives the day's
/// start, `next_day` the next one's), when there are at least [`VALID_HOURS_PER_DAY`].
pub fn days_to_judge(
    hours: &[Period],
    day_of: impl Fn(i64) -> i64,
    next_day: impl Fn(i64) -> i64,
) -> Vec<Period> {
    let mut days: BTreeMap<i64, Vec<Decimal>> = BTreeMap::new();
    for h in hours {
        days.entry(day_of(h.start)).or_default().push(h.value);
    }
    days.into_iter()
        .filter_map(|(start, values)| {
            let day = DayMean {
                start,
                valid_hours: values.len() as u32,
                mean: (values.len() as u32 >= VALID_HOURS_PER_DAY)
                    .then(|| mean(&values))
                    .flatten(),
            };
            Some(Period {
                start,
                end: next_day(start),
                value: day.mean?,
            })
        })
        .collect()
}

/// The exceedance episodes of `periods` (in time order) against `limit`.
pub fn episodes(periods: &[Period], limit: Limit) -> Vec<Episode> {
    let mut out: Vec<Episode> = Vec::new();
    let mut open = false;
    for p in periods {
        let Verdict::Exceeds { multiple } = emissions::check(p.value, limit) else {
            open = false;
            continue;
        };
        match out.last_mut() {
            Some(e) if open && e.end == p.start => {
                e.end = p.end;
                e.periods += 1;
                if p.value > e.peak {
                    e.peak = p.value;
                    e.multiple = multiple;
                }
            }
            _ => out.push(Episode {
                start: p.start,
                end: p.end,
                periods: 1,
                peak: p.value,
                multiple,
            }),
        }
        open = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(x: f64) -> Decimal {
        Decimal::from_f64(x).unwrap()
    }

    fn hour(i: i64, mean: Option<f64>) -> HourMean {
        HourMean {
            start: i * HOUR,
            minutes: 60,
            valid_minutes: if mean.is_some() { 60 } else { 0 },
            mean: mean.map(d),
        }
    }

    #[test]
    fn oxygen_correction_turns_a_compliant_reading_into_an_exceedance() {
        // SO2 30 mg/m³ measured at 12 % O2, limit 35 at 6 %: 30 × 15 / 9 = 50 > 35.
        let so2 = [hour(0, Some(30.0))];
        let o2 = [hour(0, Some(12.0))];
        let judged = hours_to_judge(&so2, &o2, Some(d(6.0)), OxygenPolicy::default());
        assert_eq!(judged[0].value, d(50.0));
        let e = episodes(&judged, Limit::AtMost(d(35.0)));
        // (50 − 35) / 35 = 0.428… → 0.43
        assert_eq!(
            (e.len(), e[0].peak, e[0].multiple),
            (1, d(50.0), Some(d(0.43)))
        );
        // Without the conversion it complies.
        let raw = hours_to_judge(&so2, &o2, None, OxygenPolicy::default());
        assert!(episodes(&raw, Limit::AtMost(d(35.0))).is_empty());
        // Without a valid O2 the hour cannot be judged.
        assert!(
            hours_to_judge(
                &so2,
                &[hour(0, None)],
                Some(d(6.0)),
                OxygenPolicy::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn consecutive_exceeding_hours_are_one_episode_and_a_gap_ends_it() {
        let values = [
            Some(10.0),
            Some(40.0),
            Some(60.0),
            Some(36.0),
            Some(35.0), // on the limit: complies
            Some(50.0),
            None, // invalid hour: not judged, ends the run
            Some(45.0),
        ];
        let hours: Vec<HourMean> = values
            .iter()
            .enumerate()
            .map(|(i, v)| hour(i as i64, *v))
            .collect();
        let judged = hours_to_judge(&hours, &[], None, OxygenPolicy::default());
        let e = episodes(&judged, Limit::AtMost(d(35.0)));
        let summary: Vec<(i64, i64, u32, Decimal)> = e
            .iter()
            .map(|e| (e.start / HOUR, e.hours(), e.periods, e.peak))
            .collect();
        assert_eq!(
            summary,
            vec![(1, 3, 3, d(60.0)), (5, 1, 1, d(50.0)), (7, 1, 1, d(45.0))]
        );
        // (60 − 35) / 35 = 0.714… → 0.71, at the peak.
        assert_eq!(e[0].multiple, Some(d(0.71)));
    }

    #[test]
    fn a_daily_limit_is_judged_on_days_with_20_valid_hours() {
        let day = |i: i64| i - i.rem_euclid(24 * HOUR);
        let mut hours: Vec<Period> = (0..20)
            .map(|i| Period {
                start: i * HOUR,
                end: (i + 1) * HOUR,
                value: d(if i < 10 { 10.0 } else { 40.0 }),
            })
            .collect();
        let days = days_to_judge(&hours, day, |s| s + 24 * HOUR);
        // (10 × 10 + 10 × 40) / 20 = 25
        assert_eq!(
            days,
            vec![Period {
                start: 0,
                end: 24 * HOUR,
                value: d(25.0)
            }]
        );
        assert_eq!(episodes(&days, Limit::AtMost(d(20.0))).len(), 1);
        hours.pop();
        assert!(
            days_to_judge(&hours, day, |s| s + 24 * HOUR).is_empty(),
            "19 hours: no valid day"
        );
    }

    #[test]
    fn a_ph_range_exceedance_has_no_multiple() {
        let p = [Period {
            start: 0,
            end: HOUR,
            value: d(9.5),
        }];
        let e = episodes(
            &p,
            Limit::Range {
                low: d(6.0),
                high: d(9.0),
            },
        );
        assert_eq!((e.len(), e[0].multiple), (1, None));
    }

    proptest! {
        #[test]
        fn episodes_cover_exactly_the_exceeding_periods(values in proptest::collection::vec(proptest::option::of(0u32..100), 0..80)) {
            let hours: Vec<HourMean> = values.iter().enumerate()
                .map(|(i, v)| hour(i as i64, v.map(f64::from))).collect();
            let judged = hours_to_judge(&hours, &[], None, OxygenPolicy::default());
            let limit = d(50.0);
            let e = episodes(&judged, Limit::AtMost(limit));
            let exceeding = values.iter().filter(|v| v.is_some_and(|v| f64::from(v) > 50.0)).count();
            prop_assert_eq!(e.iter().map(|e| e.periods as usize).sum::<usize>(), exceeding);
            for w in e.windows(2) {
                prop_assert!(w[0].end < w[1].start, "episodes neither touch nor overlap");
            }
            for ep in &e {
                prop_assert!(ep.peak > limit);
                prop_assert_eq!(ep.hours(), i64::from(ep.periods));
            }
        }
    }
}
