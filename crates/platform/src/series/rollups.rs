//! Hourly and daily rollups in the city's local time, recomputed whenever fine data for an hour arrives.
//!
//! The writer marks every UTC hour that received a new or changed real-time or minute value; this module
//! recomputes the local hours overlapping it and the local day containing them, from the finest data
//! stored (real-time values when there are any, else minute values), as staff corrected them
//! ([`super::corrections`]; a correction marks its hours again).
//!
//! Validity follows GB 3095-2012 Table 4 (= GB 3095-2026 Table 4): an hourly mean needs at least 45 minutes
//! of valid sampling in the hour; a daily mean needs at least 20 valid hourly means.

use super::corrections;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::{BTreeSet, HashMap};
use store::{Interval, Period, Rollup, Store};

/// Minutes of valid data an hourly mean needs (GB 3095 Table 4, from the standards engine).
pub const HOUR_VALID_MINUTES: u32 = standards::air::MIN_MINUTES_PER_HOUR as u32;
/// Valid hourly means a daily mean needs (GB 3095 Table 4, from the standards engine).
pub const DAY_VALID_HOURS: u32 = standards::air::MIN_HOURS_PER_DAY as u32;

/// Whether a value with this HJ 212 data flag counts in statistics: `N` (normal, 2005 and 2017) and the
/// 2005 air-station flag `3` (normal); a value sent without any flag counts too (many 2005 loggers send
/// none). Every other flag (F, M, S, D, C, T, B, P, 0–2) marks a value kept but not counted.
pub fn flag_is_valid(flag: Option<&str>) -> bool {
    flag.is_none_or(|f| hj212::cp::DataFlag::parse(f).is_valid())
}

/// Dirty hours taken per step of [`run_until`]: small, because the deadline is only checked between steps
/// and one hour of one-second data is 3,600 values to read.
const STEP: u32 = 4;

/// Recomputes rollups in small steps until no dirty hour is left or `deadline` has passed, all in one
/// transaction (one commit whatever the number of steps); returns how many dirty hours were processed.
pub fn run_until(
    store: &mut Store,
    tz: &TimeZone,
    deadline: std::time::Instant,
) -> store::Result<usize> {
    let spacing = device_spacing(store)?;
    store.in_transaction(|s| {
        let mut done = 0;
        loop {
            let n = step(s, tz, &spacing, STEP)?;
            done += n;
            if n == 0 || std::time::Instant::now() >= deadline {
                return Ok(done);
            }
        }
    })
}

/// Recomputes the rollups of up to `limit` dirty hours in one transaction; returns how many were processed.
pub fn run(store: &mut Store, tz: &TimeZone, limit: u32) -> store::Result<usize> {
    let spacing = device_spacing(store)?;
    store.in_transaction(|s| step(s, tz, &spacing, limit))
}

/// Seconds between a site's real-time values and between its minute values, from its device.
fn device_spacing(store: &Store) -> store::Result<HashMap<String, (u32, u32)>> {
    Ok(store
        .devices()?
        .into_iter()
        .map(|d| {
            (
                d.site_id,
                (d.realtime_interval_s, d.minute_interval_min * 60),
            )
        })
        .collect())
}

fn step(
    store: &Store,
    tz: &TimeZone,
    intervals: &HashMap<String, (u32, u32)>,
    limit: u32,
) -> store::Result<usize> {
    let dirty = store.dirty_hours(limit)?;
    if dirty.is_empty() {
        return Ok(0);
    }
    // Local hours and days to recompute, per series.
    let mut hours: BTreeSet<(String, String, i64)> = BTreeSet::new();
    let mut days: BTreeSet<(String, String, i64)> = BTreeSet::new();
    for d in &dirty {
        for t in [d.hour, d.hour + 3599] {
            let hour = local_start(t, tz, Period::Hour);
            hours.insert((d.site_id.clone(), d.param.clone(), hour));
            days.insert((
                d.site_id.clone(),
                d.param.clone(),
                local_start(hour, tz, Period::Day),
            ));
        }
    }
    let mut computed = Vec::with_capacity(hours.len());
    for (site, param, start) in &hours {
        let spacing = intervals.get(site).copied().unwrap_or((60, 600));
        computed.push(hour_rollup(
            store,
            site,
            param,
            *start,
            next_start(*start, tz, Period::Hour),
            spacing,
        )?);
    }
    store.write_rollups(&computed, &[])?;
    let mut daily = Vec::with_capacity(days.len());
    for (site, param, start) in &days {
        daily.push(day_rollup(
            store,
            site,
            param,
            *start,
            next_start(*start, tz, Period::Day),
        )?);
    }
    store.write_rollups(&daily, &dirty)?;
    // New or late data: the days' determinations are made again (only outlets' count; the job skips
    // the rest).
    let mut queued: Vec<(String, i64)> =
        days.into_iter().map(|(site, _, day)| (site, day)).collect();
    queued.dedup();
    store.queue_determinations(&queued)?;
    Ok(dirty.len())
}

fn hour_rollup(
    store: &Store,
    site: &str,
    param: &str,
    from: i64,
    to: i64,
    (realtime_s, minute_s): (u32, u32),
) -> store::Result<Rollup> {
    let mut source = Interval::Realtime;
    // As corrected: a staff correction changes the hour (its values stay as received).
    let mut values = corrections::values(store, site, param, Interval::Realtime, from, to)?;
    let mut spacing = realtime_s;
    if values.is_empty() {
        source = Interval::Minute;
        spacing = minute_s;
        values = corrections::values(store, site, param, Interval::Minute, from, to)?;
    }
    let valid: Vec<f64> = values
        .iter()
        .filter(|v| flag_is_valid(v.flag.as_deref()))
        .filter_map(|v| v.value)
        .collect();
    let stats = Stats::of(&valid);
    let covered_minutes = valid.len() as u64 * spacing as u64 / 60;
    Ok(Rollup {
        site_id: site.into(),
        param: param.into(),
        period: Period::Hour,
        time: from,
        source,
        count: values.len() as u32,
        valid_count: valid.len() as u32,
        mean: stats.mean,
        min: stats.min,
        max: stats.max,
        valid: covered_minutes >= HOUR_VALID_MINUTES as u64,
    })
}

fn day_rollup(store: &Store, site: &str, param: &str, from: i64, to: i64) -> store::Result<Rollup> {
    let hours = store.rollups(site, param, Period::Hour, from, to)?;
    let valid: Vec<f64> = hours
        .iter()
        .filter(|h| h.valid)
        .filter_map(|h| h.mean)
        .collect();
    let stats = Stats::of(&valid);
    Ok(Rollup {
        site_id: site.into(),
        param: param.into(),
        period: Period::Day,
        time: from,
        source: hours.first().map_or(Interval::Realtime, |h| h.source),
        count: hours.len() as u32,
        valid_count: valid.len() as u32,
        mean: stats.mean,
        min: stats.min,
        max: stats.max,
        valid: valid.len() as u32 >= DAY_VALID_HOURS,
    })
}

struct Stats {
    mean: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
}

impl Stats {
    fn of(values: &[f64]) -> Stats {
        if values.is_empty() {
            return Stats {
                mean: None,
                min: None,
                max: None,
            };
        }
        Stats {
            mean: Some(values.iter().sum::<f64>() / values.len() as f64),
            min: values.iter().copied().reduce(f64::min),
            max: values.iter().copied().reduce(f64::max),
        }
    }
}

/// Start (unix seconds) of the local hour or day containing `t`.
pub fn local_start(t: i64, tz: &TimeZone, period: Period) -> i64 {
    let Ok(ts) = Timestamp::from_second(t) else {
        return t;
    };
    let zoned = ts.to_zoned(tz.clone());
    let start = match period {
        Period::Hour => zoned
            .with()
            .minute(0)
            .second(0)
            .subsec_nanosecond(0)
            .build(),
        Period::Day => zoned.start_of_day(),
    };
    start.map_or(t, |z| z.timestamp().as_second())
}

/// Start of the local hour or day after the one starting at `start`.
pub fn next_start(start: i64, tz: &TimeZone, period: Period) -> i64 {
    let Ok(ts) = Timestamp::from_second(start) else {
        return start + 3600;
    };
    let zoned = ts.to_zoned(tz.clone());
    let next = match period {
        Period::Hour => zoned.checked_add(jiff::Span::new().hours(1)),
        Period::Day => zoned.tomorrow().and_then(|z| z.start_of_day()),
    };
    next.map_or(start + 3600, |z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_start_at_local_midnight() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // 2026-03-01 01:30 in Shanghai is 2026-02-28 17:30 UTC.
        let t = "2026-02-28T17:30:00Z"
            .parse::<Timestamp>()
            .unwrap()
            .as_second();
        let day = local_start(t, &tz, Period::Day);
        assert_eq!(
            Timestamp::from_second(day).unwrap().to_string(),
            "2026-02-28T16:00:00Z"
        );
        assert_eq!(next_start(day, &tz, Period::Day) - day, 86_400);
        assert_eq!(local_start(t, &tz, Period::Hour) % 3600, 0);
    }

    #[test]
    fn flags() {
        assert!(flag_is_valid(Some("N")));
        assert!(flag_is_valid(None));
        for f in ["F", "M", "S", "D", "C", "T", "B", "P", "0", "2"] {
            assert!(!flag_is_valid(Some(f)), "{f}");
        }
    }
}
