//! Air: hourly readings from rollups, daily reports by HJ 633 / HJ 663, the current state of each station
//! and of the city.

use super::calendar::*;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use standards::aqi::{
    AqiReport, AqiVersion, DailyReadings, HourlyMethod, HourlyReadings, HourlyRules, Level,
    daily_aqi, hourly_aqi,
};
use standards::{Concentration, Decimal, Pollutant};
use std::collections::BTreeMap;
use store::{Period, Site, SiteKind, Store};

/// The HJ 212 factor codes of the six AQI pollutants (the standards engine's table,
/// [`standards::hj212_codes::AIR`]).
pub const AIR_PARAMS: [(&str, Pollutant); 6] = standards::hj212_codes::AIR;

/// Intake flow of a drinking-water source (m³/h): the basis of compliance by volume.
pub const FLOW_PARAM: &str = standards::hj212_codes::WATER_FLOW;
/// Flue-gas O2 (% dry volume): the basis of the oxygen correction.
pub const O2_PARAM: &str = standards::hj212_codes::OXYGEN;

/// An hourly rollup older than this is not "current".
pub const CURRENT_AIR_S: i64 = 2 * 3600;
/// Water stations report every few hours: a sample older than this is not "current".
pub const CURRENT_WATER_S: i64 = 48 * 3600;

pub(super) fn decimal(v: f64) -> Option<Decimal> {
    // Fast path, same result as `Decimal::from_f64`: a value with at most six decimal places (nearly every
    // measurement) is exactly the decimal `round(v × 10⁶) / 10⁶` when that converts back to `v` — two
    // decimals 10⁻⁶ apart never share an f64 at these magnitudes. Anything else takes the text route.
    if v.is_finite() && v.abs() < 1e9 {
        let units = (v * 1e6).round();
        if units / 1e6 == v {
            return Some(Decimal::from_units(units as i64));
        }
    }
    Decimal::from_f64(v).ok()
}

fn concentration(p: Pollutant, v: f64) -> Option<Concentration> {
    Concentration::new(p, decimal(v)?).ok()
}

fn set_reading(r: &mut HourlyReadings, p: Pollutant, c: Option<Concentration>) {
    match p {
        Pollutant::So2 => r.so2 = c,
        Pollutant::No2 => r.no2 = c,
        Pollutant::Co => r.co = c,
        Pollutant::O3 => r.o3 = c,
        Pollutant::Pm10 => r.pm10 = c,
        Pollutant::Pm2_5 => r.pm2_5 = c,
    }
}

/// The 1-hour value of `p` in a reading.
pub fn reading(r: &HourlyReadings, p: Pollutant) -> Option<Concentration> {
    match p {
        Pollutant::So2 => r.so2,
        Pollutant::No2 => r.no2,
        Pollutant::Co => r.co,
        Pollutant::O3 => r.o3,
        Pollutant::Pm10 => r.pm10,
        Pollutant::Pm2_5 => r.pm2_5,
    }
}

/// The real-time AQI of one hour, with the rules in force on its local date (the published method).
pub fn hourly_report(tz: &TimeZone, hour: i64, r: &HourlyReadings) -> AqiReport {
    let rules = HourlyRules::for_date(local_date(tz, hour), HourlyMethod::Published);
    hourly_aqi(&rules, r)
}

/// `(time, mean, valid)` of one series over `[from, to)`, oldest first: the platform's rollups of
/// `period`, completed by the values the device itself sent for that period (HJ 212 CN 2061 hourly /
/// CN 2031 daily data, stored with interval `hour` / `day`) where no rollup exists — loggers that upload
/// only hourly data, and histories backfilled that way. A device value counts when its flag does
/// ([`crate::series::rollups::flag_is_valid`]).
pub fn means(
    store: &Store,
    site: &str,
    param: &str,
    period: Period,
    from: i64,
    to: i64,
) -> store::Result<Vec<(i64, Option<f64>, bool)>> {
    let mut out = store.rollup_means(site, param, period, from, to)?;
    let interval = match period {
        Period::Hour => store::Interval::Hour,
        Period::Day => store::Interval::Day,
    };
    let device = crate::series::corrections::values(store, site, param, interval, from, to)?;
    if device.is_empty() {
        return Ok(out);
    }
    let have: std::collections::HashSet<i64> = out.iter().map(|r| r.0).collect();
    out.extend(
        device
            .into_iter()
            .filter(|v| !have.contains(&v.time))
            .map(|v| {
                (
                    v.time,
                    v.value,
                    crate::series::rollups::flag_is_valid(v.flag.as_deref()),
                )
            }),
    );
    out.sort_by_key(|r| r.0);
    Ok(out)
}

/// Valid hourly readings of an air station over `[from, to)`, keyed by the start of the hour.
pub fn air_hours(
    store: &Store,
    site: &str,
    from: i64,
    to: i64,
) -> store::Result<BTreeMap<i64, HourlyReadings>> {
    let mut out: BTreeMap<i64, HourlyReadings> = BTreeMap::new();
    for (code, p) in AIR_PARAMS {
        for (time, mean, valid) in means(store, site, code, Period::Hour, from, to)? {
            if let (true, Some(v)) = (valid, mean) {
                set_reading(out.entry(time).or_default(), p, concentration(p, v));
            }
        }
    }
    Ok(out)
}

/// One local day of a station (or of the city): its daily inputs and the daily AQI report.
#[derive(Debug, Clone)]
pub struct Day {
    pub date: Date,
    pub readings: DailyReadings,
    pub report: AqiReport,
}

/// Daily reports from hourly readings: each local day's inputs by `standards::air::daily_readings`
/// (24-hour means with ≥ 20 hours, O3 daily maximum 8-hour), AQI by the HJ 633 in force that day.
pub fn daily_from_hours(tz: &TimeZone, hours: &BTreeMap<i64, HourlyReadings>) -> Vec<Day> {
    let mut by_day: BTreeMap<Date, [HourlyReadings; 24]> = BTreeMap::new();
    for (&t, r) in hours {
        let Ok(z) = Timestamp::from_second(t).map(|t| t.to_zoned(tz.clone())) else {
            continue;
        };
        let slot = by_day
            .entry(z.date())
            .or_insert_with(|| [HourlyReadings::default(); 24]);
        slot[z.hour() as usize] = *r;
    }
    by_day
        .into_iter()
        .map(|(date, hours)| {
            daily_from_readings(date, standards::air::daily_readings(date, &hours))
        })
        .collect()
}

fn daily_from_readings(date: Date, readings: DailyReadings) -> Day {
    let report = daily_aqi(AqiVersion::in_force_on(date), &readings);
    Day {
        date,
        readings,
        report,
    }
}

/// The city's hourly readings: for each pollutant the mean over the stations that have it (the standards
/// engine's city rule, `standards::air::city_hourly_readings`).
pub fn city_hour(readings: &[HourlyReadings]) -> HourlyReadings {
    standards::air::city_hourly_readings(readings)
}

/// The city's daily report of a day from its stations' daily inputs (`standards::air::city_daily_readings`).
pub fn city_day(date: Date, stations: &[DailyReadings]) -> Day {
    daily_from_readings(date, standards::air::city_daily_readings(stations))
}

// ---------------------------------------------------------------------------------------------------------
// Current state of a site, and why there is none.

/// Why a site shows no current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoData {
    /// No device is registered for the site.
    NoDevice,
    /// A device is registered but nothing was ever stored.
    NeverReceived,
    /// The last value is older than the "current" window.
    Stale { last: i64 },
    /// Values arrived but none counts (flagged invalid, or too few for a valid hourly mean).
    Invalid { hour: i64 },
}

/// The current air quality of a station.
#[derive(Debug, Clone)]
pub struct AirNow {
    pub site: Site,
    pub hour: Option<i64>,
    pub readings: HourlyReadings,
    pub report: Option<AqiReport>,
    pub no_data: Option<NoData>,
}

impl AirNow {
    pub fn level(&self) -> Option<Level> {
        self.report.as_ref().and_then(|r| r.level())
    }
}

pub(super) fn no_data_cause(
    store: &Store,
    site: &Site,
    params: &[&str],
    has_device: bool,
    latest_hour: Option<i64>,
) -> store::Result<NoData> {
    if let Some(h) = latest_hour {
        return Ok(NoData::Stale { last: h });
    }
    if !has_device {
        return Ok(NoData::NoDevice);
    }
    Ok(match store.latest_value_time(&site.id, params)? {
        Some(last) => NoData::Stale { last },
        None => NoData::NeverReceived,
    })
}

/// The current state of every air station at `now`.
pub fn air_now(store: &Store, tz: &TimeZone, now: i64) -> store::Result<Vec<AirNow>> {
    let devices: std::collections::HashSet<String> =
        store.devices()?.into_iter().map(|d| d.site_id).collect();
    let codes: Vec<&str> = AIR_PARAMS.iter().map(|(c, _)| *c).collect();
    let mut out = Vec::new();
    for site in store
        .sites()?
        .into_iter()
        .filter(|s| s.kind == SiteKind::AirStation)
    {
        // The current hour is the latest complete, valid hour in the window (the hour in progress has
        // too few values for a valid mean until it ends).
        let latest = store.latest_rollup_time(&site.id, &codes, Period::Hour, now)?;
        let recent = air_hours(store, &site.id, now - CURRENT_AIR_S - 3600, now + 1)?;
        let valid = recent
            .iter()
            .rev()
            .map(|(&h, r)| (h, r, hourly_report(tz, h, r)))
            .find(|(_, _, rep)| rep.aqi.is_some());
        let mut item = AirNow {
            site: site.clone(),
            hour: None,
            readings: HourlyReadings::default(),
            report: None,
            no_data: None,
        };
        match (valid, latest) {
            (Some((h, r, report)), _) => {
                item.hour = Some(h);
                item.readings = *r;
                item.report = Some(report);
            }
            (None, Some(h)) if now - h <= CURRENT_AIR_S => {
                item.no_data = Some(NoData::Invalid { hour: h });
            }
            _ => {
                item.no_data = Some(no_data_cause(
                    store,
                    &site,
                    &codes,
                    devices.contains(&site.id),
                    latest,
                )?)
            }
        }
        out.push(item);
    }
    Ok(out)
}

/// Whether `site_id` is one of the air stations whose mean is the city's figure: the ids listed in
/// `city_air_stations` (setting `portal.city_air_stations`; e.g. the national-control stations, as the
/// national platform computes a city's AQI), or every air station when the list is empty.
pub fn in_city(city_air_stations: &[String], site_id: &str) -> bool {
    city_air_stations.is_empty() || city_air_stations.iter().any(|s| s == site_id)
}

/// The city's AQI for the latest hour any city station (see [`in_city`]) reported (mean of those
/// stations' concentrations).
pub fn city_now(
    tz: &TimeZone,
    stations: &[AirNow],
    city_air_stations: &[String],
) -> Option<(i64, HourlyReadings, AqiReport)> {
    let hour = stations
        .iter()
        .filter(|s| in_city(city_air_stations, &s.site.id))
        .filter_map(|s| s.hour)
        .max()?;
    let readings: Vec<HourlyReadings> = stations
        .iter()
        .filter(|s| in_city(city_air_stations, &s.site.id) && s.hour == Some(hour))
        .map(|s| s.readings)
        .collect();
    let city = city_hour(&readings);
    let report = hourly_report(tz, hour, &city);
    Some((hour, city, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_decimal_conversion_agrees_with_the_engine() {
        let mut x = 0x2545F4914F6CDD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut values = vec![
            0.0,
            0.1,
            0.3,
            1.005,
            2.675,
            0.0000005,
            0.0000015,
            123456.789012,
            7.1234565,
            1e-7,
            999999.999999,
        ];
        for _ in 0..200_000 {
            let r = next();
            // Typed decimals with 0–8 places, and arbitrary doubles.
            let places = (r % 9) as i32;
            let n = (next() % 10_000_000_000) as f64;
            values.push(n / 10f64.powi(places));
            values
                .push(f64::from_bits(0x3FF0_0000_0000_0000 | (next() >> 12)) * ((r % 1000) as f64));
        }
        for v in values {
            assert_eq!(decimal(v), Decimal::from_f64(v).ok(), "{v:?}");
        }
    }
}
