//! What the portal and the open data API show, computed by the standards engine from stored rollups
//! (completed by the devices' own hourly and daily values where no rollup exists, see [`means`]).
//!
//! Nothing here holds a limit, a breakpoint or a class boundary: AQI, levels and primary pollutants come
//! from `standards::aqi`, daily inputs and the good-day ratio from `standards::air`, classes and limiting
//! parameters from `standards::water`, limits and oxygen correction from `standards::emissions`. This
//! module only reads the store, groups hours into local days and months, and keeps a short-lived cache of
//! the year-long per-station figures.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use standards::aqi::{
    AqiReport, AqiVersion, DailyReadings, HourlyMethod, HourlyReadings, HourlyRules, Level,
    daily_aqi, hourly_aqi,
};
use standards::emissions::{
    self, FlueGasPollutant, Gb8978Grade, Gb18918Conditions, Gb18918Grade, Limit,
    MeasuredConcentration, OxygenPolicy, WastewaterItem,
};
use standards::water::{
    self, DrinkingCompliance, Evaluation, Parameter, WaterClass, WaterbodyKind,
};
use standards::{Concentration, Decimal, Pollutant};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{Enterprise, Period, Site, SiteKind, Store};

/// The HJ 212 factor codes of the six AQI pollutants (HJ 212-2017 Table B.1): SO2, NO2, CO, O3, PM10, PM2.5.
/// Values are µg/m³ (CO mg/m³), the units of HJ 633.
pub const AIR_PARAMS: [(&str, Pollutant); 6] = [
    ("a21026", Pollutant::So2),
    ("a21004", Pollutant::No2),
    ("a21005", Pollutant::Co),
    ("a05024", Pollutant::O3),
    ("a34002", Pollutant::Pm10),
    ("a34004", Pollutant::Pm2_5),
];

/// Intake flow of a drinking-water source (HJ 212 `w00000`, m³/h): the basis of compliance by volume.
pub const FLOW_PARAM: &str = "w00000";
/// Flue-gas O2 (HJ 212 `a19001`, % dry volume): the basis of the oxygen correction.
pub const O2_PARAM: &str = "a19001";

/// An hourly rollup older than this is not "current".
pub const CURRENT_AIR_S: i64 = 2 * 3600;
/// Water stations report every few hours: a sample older than this is not "current".
pub const CURRENT_WATER_S: i64 = 48 * 3600;

/// Local calendar date of an instant.
pub fn local_date(tz: &TimeZone, unix: i64) -> Date {
    Timestamp::from_second(unix)
        .map(|t| t.to_zoned(tz.clone()).date())
        .unwrap_or_default()
}

/// Local hour of day (0–23) of an instant.
pub fn local_hour(tz: &TimeZone, unix: i64) -> usize {
    Timestamp::from_second(unix)
        .map(|t| t.to_zoned(tz.clone()).hour() as usize)
        .unwrap_or(0)
}

/// Unix seconds of local midnight starting `day`.
pub fn day_start(tz: &TimeZone, day: Date) -> i64 {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// Local time as `YYYY-MM-DD HH:MM`.
pub fn fmt_time(tz: &TimeZone, unix: i64) -> String {
    Timestamp::from_second(unix)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn decimal(v: f64) -> Option<Decimal> {
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
/// ([`crate::rollups::flag_is_valid`]).
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
    let device = store.series(site, param, interval, from, to)?;
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
                    crate::rollups::flag_is_valid(v.flag.as_deref()),
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
// A cache of each station's year of daily reports. Past days rarely change, so an entry older than
// [`CACHE_TTL`] is refreshed incrementally (yesterday and today recomputed from the store), and rebuilt
// whole after [`CACHE_REBUILD`] so late data and corrections for older days show within that time.

struct CacheEntry {
    built: Instant,
    refreshed: Instant,
    days: Arc<Vec<Day>>,
}

static YEAR_CACHE: Mutex<Option<HashMap<String, CacheEntry>>> = Mutex::new(None);
/// How long a station's daily reports are reused as they are.
pub const CACHE_TTL: Duration = Duration::from_secs(120);
/// How long before the whole year is recomputed rather than only its last two days.
pub const CACHE_REBUILD: Duration = Duration::from_secs(30 * 60);

/// The daily reports of `site` for the local days of `[from_day, to_day]` (see the cache rules above).
/// `cache_key` distinguishes databases (pass the database path); `now` decides which days are recent.
pub fn station_days(
    store: &Store,
    tz: &TimeZone,
    cache_key: &str,
    site: &str,
    from_day: Date,
    to_day: Date,
    now: i64,
) -> store::Result<Arc<Vec<Day>>> {
    let key = format!("{cache_key}|{site}|{from_day}|{to_day}");
    let cached = YEAR_CACHE.lock().ok().and_then(|g| {
        g.as_ref()
            .and_then(|m| m.get(&key))
            .map(|e| (e.built, e.refreshed, e.days.clone()))
    });
    let end = day_start(tz, to_day.tomorrow().unwrap_or(to_day));
    let (built, days) = match cached {
        Some((_, refreshed, days)) if refreshed.elapsed() < CACHE_TTL => return Ok(days),
        Some((built, _, days)) if built.elapsed() < CACHE_REBUILD => {
            // Recompute yesterday and today only.
            let recent = local_date(tz, now)
                .yesterday()
                .unwrap_or(from_day)
                .max(from_day);
            let hours = air_hours(store, site, day_start(tz, recent), end)?;
            let mut merged: Vec<Day> = days.iter().filter(|d| d.date < recent).cloned().collect();
            merged.extend(daily_from_hours(tz, &hours));
            (built, Arc::new(merged))
        }
        _ => {
            let hours = air_hours(store, site, day_start(tz, from_day), end)?;
            (Instant::now(), Arc::new(daily_from_hours(tz, &hours)))
        }
    };
    if let Ok(mut guard) = YEAR_CACHE.lock() {
        let map = guard.get_or_insert_with(HashMap::new);
        map.retain(|_, e| e.built.elapsed() < CACHE_REBUILD);
        map.insert(
            key,
            CacheEntry {
                built,
                refreshed: Instant::now(),
                days: days.clone(),
            },
        );
    }
    Ok(days)
}

/// Makes every cached entry due for its incremental refresh: station years recompute their last two
/// days, the current month of the water classes is recomputed (benchmarks measure that path with it).
pub fn expire_cache() {
    if let Ok(mut guard) = YEAR_CACHE.lock()
        && let Some(map) = guard.as_mut()
    {
        for e in map.values_mut() {
            if let Some(t) = Instant::now().checked_sub(CACHE_TTL) {
                e.refreshed = t;
            }
        }
    }
    if let Ok(mut guard) = MONTH_CACHE.lock()
        && let Some(map) = guard.as_mut()
    {
        for (at, _) in map.values_mut() {
            if let Some(t) = at.checked_sub(CACHE_TTL) {
                *at = t;
            }
        }
    }
}

/// Drops every cached figure (tests that write new data call this).
pub fn clear_cache() {
    if let Ok(mut guard) = YEAR_CACHE.lock() {
        *guard = None;
    }
    if let Ok(mut guard) = MONTH_CACHE.lock() {
        *guard = None;
    }
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

fn no_data_cause(
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

// ---------------------------------------------------------------------------------------------------------
// Water.

/// The GB 3838 parameters with an HJ 212 code, as (code, parameter).
pub fn water_params() -> Vec<(&'static str, Parameter)> {
    Parameter::ALL
        .into_iter()
        .filter_map(|p| p.hj212_code().map(|c| (c, p)))
        .collect()
}

/// Rivers and lakes or reservoirs take different TP limits (GB 3838-2002 Table 1 item 8): the kind of the
/// water body the registry links the site to; for a site without one, a name that says reservoir or lake
/// (水库, 湖) counts as one.
pub fn waterbody_kind(store: &Store, site: &Site) -> store::Result<WaterbodyKind> {
    Ok(match store.site_waterbody(&site.id)?.map(|w| w.kind) {
        Some(store::WaterbodyKind::River) => WaterbodyKind::River,
        Some(store::WaterbodyKind::Lake | store::WaterbodyKind::Reservoir) => {
            WaterbodyKind::LakeOrReservoir
        }
        None if site.name.contains("水库") || site.name.contains('湖') => {
            WaterbodyKind::LakeOrReservoir
        }
        None => WaterbodyKind::River,
    })
}

/// A water sample: parameter values (valid means) of one hour, day or month.
pub type Sample = Vec<(Parameter, Decimal)>;

/// The current state of a water section or drinking-water source.
#[derive(Debug, Clone)]
pub struct WaterNow {
    pub site: Site,
    pub kind: WaterbodyKind,
    pub hour: Option<i64>,
    pub sample: Sample,
    pub evaluation: Option<Evaluation>,
    /// For drinking-water sources: compliance of the sample.
    pub drinking: Option<DrinkingCompliance>,
    pub no_data: Option<NoData>,
}

/// Means of each water parameter of `site` over `[from, to)` from valid rollups of `period`, grouped by
/// `bucket(time)`: one [`Sample`] per bucket (the mean of the valid values of each parameter).
pub fn water_samples<K: Ord + Copy>(
    store: &Store,
    site: &str,
    period: Period,
    from: i64,
    to: i64,
    bucket: impl Fn(i64) -> K,
) -> store::Result<BTreeMap<K, Sample>> {
    let mut acc: BTreeMap<K, BTreeMap<Parameter, (Decimal, i64)>> = BTreeMap::new();
    for (code, p) in water_params() {
        for (t, mean, valid) in means(store, site, code, period, from, to)? {
            if let (true, Some(d)) = (valid, mean.and_then(decimal)) {
                let e = acc
                    .entry(bucket(t))
                    .or_default()
                    .entry(p)
                    .or_insert((Decimal::ZERO, 0));
                e.0 = e.0 + d;
                e.1 += 1;
            }
        }
    }
    Ok(acc
        .into_iter()
        .map(|(k, params)| {
            let sample = params
                .into_iter()
                .filter_map(|(p, (sum, n))| Some((p, sum.div(Decimal::from_int(n))?)))
                .collect();
            (k, sample)
        })
        .collect())
}

/// The current state of every water section and drinking-water source.
pub fn water_now(store: &Store, now: i64) -> store::Result<Vec<WaterNow>> {
    let devices: std::collections::HashSet<String> =
        store.devices()?.into_iter().map(|d| d.site_id).collect();
    let codes: Vec<&str> = water_params().iter().map(|(c, _)| *c).collect();
    let mut out = Vec::new();
    for site in store.sites()?.into_iter().filter(|s| {
        matches!(
            s.kind,
            SiteKind::WaterSection | SiteKind::DrinkingWaterSource
        )
    }) {
        let kind = waterbody_kind(store, &site)?;
        // The latest hour in the window whose sample can be evaluated.
        let latest = store.latest_rollup_time(&site.id, &codes, Period::Hour, now)?;
        let recent = water_samples(
            store,
            &site.id,
            Period::Hour,
            now - CURRENT_WATER_S,
            now + 1,
            |t| t,
        )?;
        let valid = recent
            .into_iter()
            .rev()
            .find_map(|(h, sample)| Some((h, water::evaluate(kind, &sample).ok()?, sample)));
        let mut item = WaterNow {
            site: site.clone(),
            kind,
            hour: None,
            sample: Vec::new(),
            evaluation: None,
            drinking: None,
            no_data: None,
        };
        match (valid, latest) {
            (Some((h, evaluation, sample)), _) => {
                if site.kind == SiteKind::DrinkingWaterSource {
                    item.drinking = water::drinking_source_compliance(kind, &sample, &[]).ok();
                }
                item.hour = Some(h);
                item.sample = sample;
                item.evaluation = Some(evaluation);
            }
            (None, Some(h)) if now - h <= CURRENT_WATER_S => {
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

/// (year, month) of an instant in local time.
pub fn local_month(tz: &TimeZone, unix: i64) -> (i16, i8) {
    let d = local_date(tz, unix);
    (d.year(), d.month())
}

type MonthKey = (String, (i16, i8));
type MonthCache = HashMap<MonthKey, (Instant, Option<Evaluation>)>;
static MONTH_CACHE: Mutex<Option<MonthCache>> = Mutex::new(None);

/// The class of each of `months` of a site: the class of the monthly mean sample (the mean of the month's
/// valid hourly values; GB 3838 single-factor evaluation of the mean, 环办〔2011〕22号). A month is
/// computed once and reused: the month of `now` for [`CACHE_TTL`], earlier months for [`CACHE_REBUILD`].
/// `cache_key` distinguishes databases (pass the database path).
pub fn monthly_classes(
    store: &Store,
    tz: &TimeZone,
    cache_key: &str,
    site: &Site,
    months: &[(i16, i8)],
    now: i64,
) -> store::Result<BTreeMap<(i16, i8), Evaluation>> {
    let kind = waterbody_kind(store, site)?;
    let this_month = local_month(tz, now);
    let key = format!("{cache_key}|{}", site.id);
    let mut out = BTreeMap::new();
    for &m in months {
        let ttl = if m == this_month {
            CACHE_TTL
        } else {
            CACHE_REBUILD
        };
        let cached = MONTH_CACHE.lock().ok().and_then(|g| {
            g.as_ref()
                .and_then(|c| c.get(&(key.clone(), m)))
                .filter(|(at, _)| at.elapsed() < ttl)
                .map(|(_, e)| e.clone())
        });
        let evaluation = match cached {
            Some(e) => e,
            None => {
                let from = day_start(tz, jiff::civil::date(m.0, m.1, 1));
                let to = day_start(tz, next_month(m.0, m.1));
                let samples = water_samples(store, &site.id, Period::Hour, from, to, |_| ())?;
                let e = samples.get(&()).and_then(|s| water::evaluate(kind, s).ok());
                if let Ok(mut g) = MONTH_CACHE.lock() {
                    let c = g.get_or_insert_with(HashMap::new);
                    c.retain(|_, (at, _)| at.elapsed() < CACHE_REBUILD);
                    c.insert((key.clone(), m), (Instant::now(), e.clone()));
                }
                e
            }
        };
        if let Some(e) = evaluation {
            out.insert(m, e);
        }
    }
    Ok(out)
}

/// The first day of the month after (y, m).
pub fn next_month(y: i16, m: i8) -> Date {
    if m == 12 {
        jiff::civil::date(y + 1, 1, 1)
    } else {
        jiff::civil::date(y, m + 1, 1)
    }
}

/// The `n` months ending with the month of `now`, oldest first.
pub fn last_months(tz: &TimeZone, now: i64, n: usize) -> Vec<(i16, i8)> {
    let (mut y, mut m) = local_month(tz, now);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push((y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

// ---------------------------------------------------------------------------------------------------------
// Quarterly drinking-water bulletin.

/// One exceeding parameter of a source in a quarter, with its largest multiple.
#[derive(Debug, Clone)]
pub struct Exceedance {
    pub item: String,
    pub item_zh: String,
    pub max_multiple: Option<Decimal>,
    pub samples: u32,
}

/// One source's line of the quarterly bulletin.
#[derive(Debug, Clone)]
pub struct BulletinRow {
    pub site: Site,
    /// Monthly samples evaluated (monthly means of the quarter's valid hourly values).
    pub samples: u32,
    pub compliant_samples: u32,
    /// Intake volume of the quarter (m³) from the flow series, when the source reports one.
    pub volume_m3: Option<f64>,
    /// Intake volume in compliant months (m³).
    pub compliant_volume_m3: Option<f64>,
    pub exceedances: Vec<Exceedance>,
    /// Worst monthly class of the quarter.
    pub worst_class: Option<WaterClass>,
    /// Each evaluated month: whether it complied and its class.
    pub months: Vec<((i16, i8), bool, Option<WaterClass>)>,
}

impl BulletinRow {
    /// The source complies in the quarter when every sample does.
    pub fn compliant(&self) -> bool {
        self.samples > 0 && self.compliant_samples == self.samples
    }
}

/// The bulletin of a quarter (1–4) of `year`.
#[derive(Debug, Clone)]
pub struct Bulletin {
    pub year: i16,
    pub quarter: u8,
    /// The quarter's three months.
    pub months: Vec<(i16, i8)>,
    pub rows: Vec<BulletinRow>,
}

impl Bulletin {
    /// Sources assessed (with at least one sample).
    pub fn assessed(&self) -> usize {
        self.rows.iter().filter(|r| r.samples > 0).count()
    }
    /// Sources compliant in every sample.
    pub fn compliant_sources(&self) -> usize {
        self.rows.iter().filter(|r| r.compliant()).count()
    }
    /// Total and compliant intake volume over the sources that report one.
    pub fn volumes(&self) -> Option<(f64, f64)> {
        let with: Vec<_> = self
            .rows
            .iter()
            .filter_map(|r| Some((r.volume_m3?, r.compliant_volume_m3?)))
            .collect();
        (!with.is_empty()).then(|| with.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1)))
    }
}

/// The English and Chinese names of a drinking-water item.
pub fn item_names(item: &water::DrinkingItem) -> (String, String) {
    match item {
        water::DrinkingItem::Basic(p) | water::DrinkingItem::Supplementary(p) => {
            (p.english_name().to_string(), p.chinese_name().to_string())
        }
        water::DrinkingItem::Specific(i) => {
            (i.english_name.to_string(), i.chinese_name.to_string())
        }
    }
}

/// The quarterly drinking-water bulletin: per source, each month of the quarter is a sample (the mean of
/// the month's valid hourly values), judged by `standards::water::drinking_source_compliance`.
pub fn bulletin(store: &Store, tz: &TimeZone, year: i16, quarter: u8) -> store::Result<Bulletin> {
    let q = quarter.clamp(1, 4) as i8;
    let first_month = (q - 1) * 3 + 1;
    let from = day_start(tz, jiff::civil::date(year, first_month, 1));
    let to = day_start(tz, next_month(year, first_month + 2));
    let mut rows = Vec::new();
    for site in store
        .sites()?
        .into_iter()
        .filter(|s| s.kind == SiteKind::DrinkingWaterSource)
    {
        let kind = waterbody_kind(store, &site)?;
        let samples = water_samples(store, &site.id, Period::Hour, from, to, |t| {
            local_month(tz, t)
        })?;
        // Monthly intake volume: Σ hourly mean flow (m³/h) × 1 h.
        let mut volume: BTreeMap<(i16, i8), f64> = BTreeMap::new();
        for (t, mean, valid) in means(store, &site.id, FLOW_PARAM, Period::Hour, from, to)? {
            if let (true, Some(v)) = (valid, mean) {
                *volume.entry(local_month(tz, t)).or_default() += v;
            }
        }
        let mut row = BulletinRow {
            site: site.clone(),
            samples: 0,
            compliant_samples: 0,
            volume_m3: (!volume.is_empty()).then(|| volume.values().sum()),
            compliant_volume_m3: (!volume.is_empty()).then_some(0.0),
            exceedances: Vec::new(),
            worst_class: None,
            months: Vec::new(),
        };
        for (month, sample) in &samples {
            let Ok(c) = water::drinking_source_compliance(kind, sample, &[]) else {
                continue;
            };
            row.samples += 1;
            row.worst_class = row.worst_class.max(c.basic_class);
            row.months.push((*month, c.compliant(), c.basic_class));
            if c.compliant() {
                row.compliant_samples += 1;
                if let (Some(cv), Some(v)) = (row.compliant_volume_m3.as_mut(), volume.get(month)) {
                    *cv += v;
                }
            }
            for f in &c.failures {
                let (en, zh) = item_names(&f.item);
                match row.exceedances.iter_mut().find(|e| e.item == en) {
                    Some(e) => {
                        e.samples += 1;
                        e.max_multiple = e.max_multiple.max(f.exceedance);
                    }
                    None => row.exceedances.push(Exceedance {
                        item: en,
                        item_zh: zh,
                        max_multiple: f.exceedance,
                        samples: 1,
                    }),
                }
            }
        }
        rows.push(row);
    }
    Ok(Bulletin {
        year,
        quarter: q as u8,
        months: (0..3).map(|i| (year, first_month + i)).collect(),
        rows,
    })
}

// ---------------------------------------------------------------------------------------------------------
// Key emitters.

/// The limit an outlet's parameter is judged against, and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct OutletLimit {
    pub limit: Limit,
    /// Reference O2 (%), when the standard corrects to one.
    pub reference_o2: Option<Decimal>,
    pub standard: &'static str,
}

/// An outlet parameter: HJ 212 code, names, unit.
#[derive(Debug, Clone, Copy)]
pub struct OutletParam {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub unit: &'static str,
}

/// Parameters shown for flue-gas outlets (HJ 212-2017 codes).
pub const FLUE_PARAMS: [OutletParam; 4] = [
    OutletParam {
        code: "a34013",
        name_zh: "颗粒物",
        name_en: "Particulate matter",
        unit: "mg/m³",
    },
    OutletParam {
        code: "a21026",
        name_zh: "二氧化硫",
        name_en: "SO2",
        unit: "mg/m³",
    },
    OutletParam {
        code: "a21002",
        name_zh: "氮氧化物",
        name_en: "NOx",
        unit: "mg/m³",
    },
    OutletParam {
        code: "a19001",
        name_zh: "氧含量",
        name_en: "O2",
        unit: "%",
    },
];

/// Parameters shown for wastewater outlets (HJ 212-2017 codes).
pub const WASTEWATER_PARAMS: [OutletParam; 5] = [
    OutletParam {
        code: "w01018",
        name_zh: "化学需氧量",
        name_en: "COD",
        unit: "mg/L",
    },
    OutletParam {
        code: "w21003",
        name_zh: "氨氮",
        name_en: "NH3-N",
        unit: "mg/L",
    },
    OutletParam {
        code: "w21011",
        name_zh: "总磷",
        name_en: "TP",
        unit: "mg/L",
    },
    OutletParam {
        code: "w21001",
        name_zh: "总氮",
        name_en: "TN",
        unit: "mg/L",
    },
    OutletParam {
        code: "w01001",
        name_zh: "pH值",
        name_en: "pH",
        unit: "",
    },
];

/// The standard that applies to an outlet. Permits (which will name each outlet's standard) are not in the
/// registry yet; until they are, coal-fired power plants (电厂) are held to the ultra-low emission limits,
/// municipal WWTPs (污水处理厂) to GB 18918 grade 1A, other wastewater outlets to GB 8978 grade 1, and other
/// flue-gas outlets get no limit (their sector standards — cement, aluminium, silicon — are not in the
/// standards engine), which the page says.
pub fn outlet_limit(
    site: &Site,
    enterprise: Option<&Enterprise>,
    code: &str,
) -> Option<OutletLimit> {
    let name = enterprise.map_or(site.name.as_str(), |e| e.name.as_str());
    match site.kind {
        SiteKind::FlueGasOutlet if name.contains("电厂") => {
            let pollutant = match code {
                "a34013" => FlueGasPollutant::ParticulateMatter,
                "a21026" => FlueGasPollutant::SulfurDioxide,
                "a21002" => FlueGasPollutant::NitrogenOxides,
                _ => return None,
            };
            let l = emissions::ultra_low_limit(pollutant)?;
            Some(OutletLimit {
                limit: Limit::AtMost(l.limit),
                reference_o2: l.reference_o2,
                standard: "超低排放 / ultra-low (发改能源〔2014〕2093号)",
            })
        }
        SiteKind::WastewaterOutlet => {
            let item = match code {
                "w01018" => WastewaterItem::Cod,
                "w21003" => WastewaterItem::AmmoniaNitrogen,
                "w21011" => WastewaterItem::TotalPhosphorus,
                "w21001" => WastewaterItem::TotalNitrogen,
                "w01001" => WastewaterItem::Ph,
                _ => return None,
            };
            if name.contains("污水处理厂") {
                let l = emissions::gb18918_limit(
                    item,
                    Gb18918Grade::OneA,
                    Gb18918Conditions::default(),
                )?;
                Some(OutletLimit {
                    limit: l,
                    reference_o2: None,
                    standard: "GB 18918-2002 一级A",
                })
            } else {
                let item = if item == WastewaterItem::TotalPhosphorus {
                    WastewaterItem::Phosphate
                } else {
                    item
                };
                let l = emissions::gb8978_limit(item, Gb8978Grade::One)?;
                Some(OutletLimit {
                    limit: l,
                    reference_o2: None,
                    standard: "GB 8978-1996 一级",
                })
            }
        }
        _ => None,
    }
}

/// A value judged against its limit: oxygen-corrected first when the limit says so.
#[derive(Debug, Clone, Copy)]
pub struct Judged {
    pub measured: f64,
    /// The oxygen-corrected value (折算浓度) when a reference O2 applies and O2 was measured.
    pub corrected: Option<f64>,
    pub verdict: Option<emissions::Verdict>,
    /// The correction was needed but impossible (no O2, or O2 too high): not judged.
    pub correction_failed: bool,
}

/// Judges one hourly value of an outlet parameter.
pub fn judge(limit: Option<&OutletLimit>, value: f64, o2: Option<f64>) -> Judged {
    let mut j = Judged {
        measured: value,
        corrected: None,
        verdict: None,
        correction_failed: false,
    };
    let (Some(l), Some(v)) = (limit, decimal(value)) else {
        return j;
    };
    let compared = match l.reference_o2 {
        Some(reference) => match o2.and_then(decimal).map(|o2| {
            emissions::oxygen_corrected(
                MeasuredConcentration(v),
                o2,
                reference,
                OxygenPolicy::default(),
            )
        }) {
            Some(Ok(c)) => {
                j.corrected = Some(c.0.to_f64());
                c.0
            }
            _ => {
                j.correction_failed = true;
                return j;
            }
        },
        None => v,
    };
    j.verdict = Some(emissions::check(compared, l.limit));
    j
}

/// One parameter of an outlet on the emitters page.
#[derive(Debug, Clone)]
pub struct OutletValue {
    pub param: OutletParam,
    pub limit: Option<OutletLimit>,
    pub latest: Option<Judged>,
    /// Hours of the month so far whose (corrected) hourly mean exceeded the limit.
    pub exceedance_hours: u32,
    /// Valid hourly means this month over hours elapsed this month.
    pub valid_hours: u32,
}

/// An outlet and its figures.
#[derive(Debug, Clone)]
pub struct OutletNow {
    pub site: Site,
    pub hour: Option<i64>,
    pub values: Vec<OutletValue>,
    pub hours_elapsed: u32,
    /// Values of the latest hour not yet reviewed (tier preliminary) / all values of that hour.
    pub preliminary: (i64, i64),
    pub no_data: Option<NoData>,
}

/// An enterprise with its outlets.
#[derive(Debug, Clone)]
pub struct EmitterNow {
    pub enterprise: Enterprise,
    pub outlets: Vec<OutletNow>,
}

/// Every enterprise's outlets at `now`: latest hourly values against limits, exceedance hours and
/// completeness of the local month so far.
pub fn emitters_now(store: &Store, tz: &TimeZone, now: i64) -> store::Result<Vec<EmitterNow>> {
    let today = local_date(tz, now);
    let month_start = day_start(tz, jiff::civil::date(today.year(), today.month(), 1));
    let hours_elapsed = ((now - month_start) / 3600).max(1) as u32;
    let sites = store.sites()?;
    let devices: std::collections::HashSet<String> =
        store.devices()?.into_iter().map(|d| d.site_id).collect();
    let mut out = Vec::new();
    for e in store.enterprises()? {
        let mut outlets = Vec::new();
        for site in sites
            .iter()
            .filter(|s| s.enterprise_id.as_deref() == Some(e.id.as_str()))
        {
            let params: &[OutletParam] = match site.kind {
                SiteKind::FlueGasOutlet => &FLUE_PARAMS,
                SiteKind::WastewaterOutlet => &WASTEWATER_PARAMS,
                _ => continue,
            };
            let codes: Vec<&str> = params.iter().map(|p| p.code).collect();
            // The month so far, and at least the "current" window before it.
            let read_from = month_start.min(now - CURRENT_AIR_S - 3600);
            let mut series: HashMap<&str, BTreeMap<i64, f64>> = HashMap::new();
            for p in params {
                let s = means(store, &site.id, p.code, Period::Hour, read_from, now + 1)?
                    .into_iter()
                    .filter_map(|(t, m, valid)| Some((t, m.filter(|_| valid)?)))
                    .collect();
                series.insert(p.code, s);
            }
            let latest = store.latest_rollup_time(&site.id, &codes, Period::Hour, now)?;
            // The latest hour with a valid mean of any parameter (the hour in progress is not yet one).
            let current = series
                .values()
                .filter_map(|s| s.keys().next_back().copied())
                .max()
                .filter(|&h| now - h <= CURRENT_AIR_S);
            let o2 = series.get(O2_PARAM).cloned().unwrap_or_default();
            let mut values = Vec::new();
            for p in params {
                let limit = outlet_limit(site, Some(&e), p.code);
                let s = &series[p.code];
                let exceedance_hours = s
                    .range(month_start..)
                    .filter(|(t, v)| {
                        judge(limit.as_ref(), **v, o2.get(t).copied())
                            .verdict
                            .is_some_and(|v| v.exceeds())
                    })
                    .count() as u32;
                let latest = current.and_then(|h| {
                    s.get(&h)
                        .map(|v| judge(limit.as_ref(), *v, o2.get(&h).copied()))
                });
                values.push(OutletValue {
                    param: *p,
                    limit,
                    latest,
                    exceedance_hours,
                    valid_hours: s.range(month_start..).count() as u32,
                });
            }
            let preliminary = match current {
                Some(h) => store.tier_counts(&site.id, &codes, h, h + 3600)?,
                None => (0, 0),
            };
            let no_data = match (current, latest) {
                (Some(_), _) => None,
                (None, Some(h)) if now - h <= CURRENT_AIR_S => Some(NoData::Invalid { hour: h }),
                (None, _) => Some(no_data_cause(
                    store,
                    site,
                    &codes,
                    devices.contains(&site.id),
                    latest,
                )?),
            };
            outlets.push(OutletNow {
                site: site.clone(),
                hour: current,
                values,
                hours_elapsed,
                preliminary,
                no_data,
            });
        }
        if !outlets.is_empty() {
            out.push(EmitterNow {
                enterprise: e,
                outlets,
            });
        }
    }
    Ok(out)
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
