//! The city's figures: its hourly and daily AQI from the mean concentrations of its stations (as the
//! national platform computes a city's AQI), and the heavy-pollution warning judged on its daily AQI.

use super::air::{Day, air_hours, city_day, city_hour, hourly_report};
use super::cache::Cache;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use standards::aqi::{AqiReport, DailyReadings, HourlyReadings};
use standards::warnings::{WarningDecision, WarningScheme};
use std::collections::BTreeMap;
use store::{Site, Store};

/// The city's AQI per hour over `[from, to)` from the stations' valid hourly readings.
pub fn city_hours(
    store: &Store,
    tz: &TimeZone,
    sites: &[&Site],
    from: i64,
    to: i64,
) -> store::Result<BTreeMap<i64, (HourlyReadings, AqiReport)>> {
    let mut by_hour: BTreeMap<i64, Vec<HourlyReadings>> = BTreeMap::new();
    for s in sites {
        for (t, r) in air_hours(store, &s.id, from, to)? {
            by_hour.entry(t).or_default().push(r);
        }
    }
    Ok(by_hour
        .into_iter()
        .map(|(t, rs)| {
            let city = city_hour(&rs);
            (t, (city, hourly_report(tz, t, &city)))
        })
        .collect())
}

/// The city's daily reports for the local days of `[from, to]`, from each station's cached days of the
/// year of `to`.
pub fn city_days(
    store: &Store,
    cache: &Cache,
    tz: &TimeZone,
    sites: &[&Site],
    (from, to): (Date, Date),
    now: i64,
) -> store::Result<Vec<Day>> {
    let year_from = Date::new(to.year(), 1, 1).unwrap_or(from);
    let year_to = Date::new(to.year(), 12, 31).unwrap_or(to);
    let mut per_day: BTreeMap<Date, Vec<DailyReadings>> = BTreeMap::new();
    for s in sites {
        let days = cache.station_days(store, tz, &s.id, year_from.min(from), year_to, now)?;
        for d in days.iter().filter(|d| d.date >= from && d.date <= to) {
            per_day.entry(d.date).or_default().push(d.readings);
        }
    }
    Ok(per_day
        .into_iter()
        .map(|(d, rs)| city_day(d, &rs))
        .collect())
}

/// The heavy-pollution warning of the city's recent days.
#[derive(Debug, Clone)]
pub struct CityWarning {
    pub scheme: WarningScheme,
    /// The daily AQI the warning was judged on (days with a publishable AQI), oldest first.
    pub aqis: Vec<u16>,
    pub decision: Option<WarningDecision>,
    /// The first day of the episode that triggers the warning.
    pub first_day: Option<Date>,
}

/// Judges the national three-level scheme on `days` (there is no forecast feed yet: the recent daily AQI
/// stands in for it). The episode's days index the days that have an AQI, not all of `days`.
pub fn city_warning(days: &[Day]) -> CityWarning {
    let scheme = WarningScheme::national_2018();
    let judged: Vec<(Date, u16)> = days
        .iter()
        .filter_map(|d| Some((d.date, d.report.publishable_aqi()?)))
        .collect();
    let aqis: Vec<u16> = judged.iter().map(|(_, a)| *a).collect();
    let decision = scheme.level(&aqis);
    let first_day = decision
        .as_ref()
        .and_then(|w| judged.get(w.episode.start).map(|(d, _)| *d));
    CityWarning {
        scheme,
        aqis,
        decision,
        first_day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use standards::{Concentration, Decimal, Pollutant};

    fn day(date: Date, pm2_5: Option<f64>) -> Day {
        let readings = DailyReadings {
            pm2_5: pm2_5.map(|v| {
                Concentration::new(Pollutant::Pm2_5, Decimal::from_f64(v).unwrap()).unwrap()
            }),
            ..Default::default()
        };
        city_day(date, &[readings])
    }

    #[test]
    fn the_episode_starts_on_the_right_day_when_a_day_has_no_aqi() {
        let d = |n| jiff::civil::date(2026, 1, n);
        // A day without data, a clean day, then three days above AQI 200 (PM2.5 > 150 µg/m³).
        let days = [
            day(d(1), None),
            day(d(2), Some(20.0)),
            day(d(3), Some(200.0)),
            day(d(4), Some(210.0)),
            day(d(5), Some(220.0)),
        ];
        let w = city_warning(&days);
        assert_eq!(w.aqis.len(), 4, "the day without an AQI is not judged");
        let decision = w.decision.expect("three days above 200 warn");
        assert_eq!(decision.episode.len(), 3);
        assert_eq!(
            w.first_day,
            Some(d(3)),
            "not shifted by the day without data"
        );
        assert!(city_warning(&days[..2]).decision.is_none());
    }
}
