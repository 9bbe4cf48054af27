//! Figures that are costly to compute and rarely change, kept by each [`crate::Platform`] (never in a
//! process global: two platforms in one process, or a test that writes new data, each see their own).
//!
//! - A station's year of daily reports: past days rarely change, so an entry older than [`CACHE_TTL`] is
//!   refreshed incrementally (yesterday and today recomputed from the store), and rebuilt whole after
//!   [`CACHE_REBUILD`] so late data and corrections for older days show within that time.
//! - A water site's monthly class: the current month for [`CACHE_TTL`], earlier months for
//!   [`CACHE_REBUILD`].
//! - The outlets' emissions of the year so far (the emitters page): recomputed after [`CACHE_TTL`].
//!
//! A staff correction changes past figures at once, not within [`CACHE_REBUILD`]: it asks for the cache
//! to be dropped ([`Cache::clear_after_rollups`]) now and again once the background job has rolled its
//! hours up ([`Cache::rollups_settled`]), so nothing computed in between from the old rollups stays.
//! (Another server on the same PostgreSQL database keeps its own cache until its entries age.)

use super::air::{Day, air_hours, daily_from_hours};
use super::calendar::{day_start, local_date};
use super::emissions::{EmissionRow, emissions};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use standards::water::Evaluation;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::Store;

/// How long a station's daily reports (and the current month's water class) are reused as they are.
pub const CACHE_TTL: Duration = Duration::from_secs(120);
/// How long before a whole year (or an earlier month) is recomputed rather than only its last two days.
pub const CACHE_REBUILD: Duration = Duration::from_secs(30 * 60);

struct YearEntry {
    built: Instant,
    refreshed: Instant,
    days: Arc<Vec<Day>>,
}

/// (site id, (year, month)) → when computed and the class of the month's mean sample.
type MonthMap = HashMap<(String, (i16, i8)), (Instant, Option<Evaluation>)>;

/// When computed, the year, and the outlets' emission rows of the year so far.
type YearEmissions = (Instant, i16, Arc<Vec<EmissionRow>>);

/// The figure cache of one platform (one database).
#[derive(Default)]
pub struct Cache {
    years: Mutex<HashMap<(String, Date, Date), YearEntry>>,
    months: Mutex<MonthMap>,
    emissions: Mutex<Option<YearEmissions>>,
    /// A correction waits for its hours to be rolled up again: clear once no dirty hour is left.
    clear_pending: AtomicBool,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("figures::Cache").finish_non_exhaustive()
    }
}

impl Cache {
    /// The daily reports of `site` for the local days of `[from_day, to_day]` (see the module's rules);
    /// `now` decides which days are recent.
    pub fn station_days(
        &self,
        store: &Store,
        tz: &TimeZone,
        site: &str,
        from_day: Date,
        to_day: Date,
        now: i64,
    ) -> store::Result<Arc<Vec<Day>>> {
        let key = (site.to_string(), from_day, to_day);
        let cached = self
            .years
            .lock()
            .ok()
            .and_then(|m| m.get(&key).map(|e| (e.built, e.refreshed, e.days.clone())));
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
                let mut merged: Vec<Day> =
                    days.iter().filter(|d| d.date < recent).cloned().collect();
                merged.extend(daily_from_hours(tz, &hours));
                (built, Arc::new(merged))
            }
            _ => {
                let hours = air_hours(store, site, day_start(tz, from_day), end)?;
                (Instant::now(), Arc::new(daily_from_hours(tz, &hours)))
            }
        };
        if let Ok(mut map) = self.years.lock() {
            map.retain(|_, e| e.built.elapsed() < CACHE_REBUILD);
            map.insert(
                key,
                YearEntry {
                    built,
                    refreshed: Instant::now(),
                    days: days.clone(),
                },
            );
        }
        Ok(days)
    }

    /// The emission rows of every outlet in `sites` from the start of `now`'s local year to `now`
    /// ([`emissions`]), reused for [`CACHE_TTL`].
    pub fn year_emissions(
        &self,
        store: &Store,
        tz: &TimeZone,
        sites: &[store::Site],
        now: i64,
    ) -> store::Result<Arc<Vec<EmissionRow>>> {
        let year = local_date(tz, now).year();
        if let Ok(cached) = self.emissions.lock()
            && let Some((at, y, rows)) = cached.as_ref()
            && *y == year
            && at.elapsed() < CACHE_TTL
        {
            return Ok(rows.clone());
        }
        let from = day_start(tz, jiff::civil::date(year, 1, 1));
        let rows = Arc::new(emissions(store, tz, sites, from, now)?);
        if let Ok(mut cached) = self.emissions.lock() {
            *cached = Some((Instant::now(), year, rows.clone()));
        }
        Ok(rows)
    }

    /// The cached class of a site's month, if still fresh (`current`: the month in progress).
    pub(super) fn month(
        &self,
        site: &str,
        month: (i16, i8),
        current: bool,
    ) -> Option<Option<Evaluation>> {
        let ttl = if current { CACHE_TTL } else { CACHE_REBUILD };
        let map = self.months.lock().ok()?;
        map.get(&(site.to_string(), month))
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, e)| e.clone())
    }

    /// Remembers the class of a site's month.
    pub(super) fn put_month(&self, site: &str, month: (i16, i8), e: Option<Evaluation>) {
        if let Ok(mut map) = self.months.lock() {
            map.retain(|_, (at, _)| at.elapsed() < CACHE_REBUILD);
            map.insert((site.to_string(), month), (Instant::now(), e));
        }
    }

    /// Makes every entry due for its incremental refresh: station years recompute their last two days,
    /// the current month of the water classes is recomputed (benchmarks measure that path with it).
    pub fn expire(&self) {
        let Some(aged) = Instant::now().checked_sub(CACHE_TTL) else {
            return;
        };
        if let Ok(mut map) = self.years.lock() {
            map.values_mut().for_each(|e| e.refreshed = aged);
        }
        if let Ok(mut map) = self.months.lock() {
            for (at, _) in map.values_mut() {
                if let Some(t) = at.checked_sub(CACHE_TTL) {
                    *at = t;
                }
            }
        }
        if let Ok(mut e) = self.emissions.lock()
            && let Some((at, _, _)) = e.as_mut()
        {
            *at = aged;
        }
    }

    /// Drops every cached figure now, and again when the background job next finds no hour left to roll
    /// up ([`Cache::rollups_settled`]): for a change of stored data's meaning (a correction).
    pub fn clear_after_rollups(&self) {
        self.clear_pending.store(true, Ordering::SeqCst);
        self.clear();
    }

    /// Whether a clear waits for the rollups ([`Cache::clear_after_rollups`]).
    pub fn waits_for_rollups(&self) -> bool {
        self.clear_pending.load(Ordering::SeqCst)
    }

    /// Called by the background job when no dirty hour is left: drops every cached figure if a
    /// correction asked for it.
    pub fn rollups_settled(&self) {
        if self.clear_pending.swap(false, Ordering::SeqCst) {
            self.clear();
        }
    }

    /// Drops every cached figure.
    pub fn clear(&self) {
        if let Ok(mut map) = self.years.lock() {
            map.clear();
        }
        if let Ok(mut map) = self.months.lock() {
            map.clear();
        }
        if let Ok(mut e) = self.emissions.lock() {
            *e = None;
        }
    }
}
