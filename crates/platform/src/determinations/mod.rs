//! The determination job: applies `supervision`'s pure rules (through [`figures::exceedances`] and
//! [`figures::data_problems`]) to the days queued for it and stores what it finds, so every reader (the
//! API, the console, alarms) sees one set of determinations with stable ids.
//!
//! Days are queued by the rollup job (new or late data: every local day whose rollups it recomputed), by
//! a permit import (every day of the permit's validity up to today, at most [`PERMIT_LOOKBACK_DAYS`]
//! back), and every [`SWEEP_EVERY`] for today and yesterday of every outlet with a device (a logger
//! that falls silent sends nothing that would queue its gap). The job takes a site's queued days, and
//! determines again a window from the day before the first to the day after the last (an episode may
//! run over midnight), reaching back (up to a week) to the start of any stored determination that runs
//! into the window, so an episode is not cut in two; a silence is traced back to the parameter's last
//! value however long ago. Within the window it [`reconcile`]s: a determination with the same parameter,
//! kind and start is the same one (updated in place when it grew or changed), a new one is added, and
//! one no longer found is withdrawn, never deleted.
//!
//! [`figures::exceedances`]: crate::figures::exceedances
//! [`figures::data_problems`]: crate::figures::data_problems

mod found;

use crate::alarms::AlarmSettings;
use crate::figures::{self, day_start, local_date};
use crate::series::rollups::{local_start, next_start};
use crate::supervision::Thresholds;
use crate::supervision::marking::MarkSettings;
use crate::supervision::problems::ProblemKind;
use found::{by_rules, conflicts, evidence, last_value_before, offline_spans, whole_logger};
use jiff::tz::TimeZone;
use std::collections::BTreeMap;
use store::{Determination, ExceedanceFacts, Interval, Period, Site, SiteKind, Store};

/// How far back a permit import re-determines (the longest range the API lists).
pub const PERMIT_LOOKBACK_DAYS: i64 = 366;
/// How often today and yesterday of every outlet are queued, for gaps that no data would queue.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// The longest run of consecutive queued days determined in one window: one step's work, which the
/// writer does between batches, so it stays small (a week of one outlet's data and two days around it).
const MAX_WINDOW_DAYS: i64 = 7;
/// How far before its first queued day a window reaches back to take in a determination that runs into
/// it. A silence keeps its true start beyond that (traced to the last value); a longer stuck or flagged
/// run keeps the end it had when it last fell within the reach.
const MAX_REACH_DAYS: i64 = 7;
/// Queued (site, day) pairs read per step (one window of the first site among them is determined).
const STEP: u32 = 32;
const DAY: i64 = 86_400;

/// What a new determination window found, against what was stored for it: the writes that make the
/// store say what was found. Same parameter, kind and start: the same determination (kept, updated, or
/// brought back if withdrawn); found only: new; stored only: withdrawn at `now`.
pub fn reconcile(
    stored: &[Determination],
    found: &[Determination],
    now: i64,
) -> Vec<Determination> {
    let key = |d: &Determination| (d.param.clone(), d.kind.clone(), d.start);
    let mut by_key: BTreeMap<_, Vec<&Determination>> = BTreeMap::new();
    for s in stored {
        by_key.entry(key(s)).or_default().push(s);
    }
    // A current one is matched before a withdrawn one with the same key.
    for list in by_key.values_mut() {
        list.sort_by_key(|d| (d.withdrawn_at.is_some(), d.id));
    }
    let mut writes = Vec::new();
    for f in found {
        let old = by_key
            .get_mut(&key(f))
            .and_then(|list| (!list.is_empty()).then(|| list.remove(0)));
        match old {
            Some(old) => {
                let same = old.withdrawn_at.is_none()
                    && old.end == f.end
                    && old.exceedance == f.exceedance
                    && old.evidence == f.evidence;
                if !same {
                    writes.push(Determination {
                        id: old.id,
                        found_at: old.found_at,
                        changed_at: now,
                        withdrawn_at: None,
                        ..f.clone()
                    });
                }
            }
            None => writes.push(Determination {
                id: 0,
                found_at: now,
                changed_at: now,
                withdrawn_at: None,
                ..f.clone()
            }),
        }
    }
    for old in by_key.into_values().flatten() {
        if old.withdrawn_at.is_none() {
            writes.push(Determination {
                withdrawn_at: Some(now),
                ..old.clone()
            });
        }
    }
    writes
}

/// What is determined now at `sites` overlapping `[from, to)`: exceedance episodes (`exceedances`) or data
/// problems, of `param` or every parameter, by start, site and parameter.
pub fn current(
    store: &Store,
    sites: &[Site],
    param: Option<&str>,
    exceedances: bool,
    from: i64,
    to: i64,
) -> store::Result<Vec<Determination>> {
    let mut out = Vec::new();
    for site in sites {
        out.extend(
            store
                .determinations_of(&site.id, from, to, false)?
                .into_iter()
                .filter(|d| (d.kind == "exceedance") == exceedances)
                .filter(|d| param.is_none_or(|p| p == d.param)),
        );
    }
    out.sort_by(|a, b| (a.start, &a.site_id, &a.param).cmp(&(b.start, &b.site_id, &b.param)));
    Ok(out)
}

/// Queues today and yesterday of every outlet with a device.
pub fn sweep(store: &Store, tz: &TimeZone, now: i64) -> store::Result<()> {
    let devices: std::collections::HashSet<String> =
        store.devices()?.into_iter().map(|d| d.site_id).collect();
    let today = day_start(tz, local_date(tz, now));
    let days: Vec<(String, i64)> = outlets(store)?
        .into_iter()
        .filter(|s| devices.contains(&s.id))
        .flat_map(|s| [(s.id.clone(), today - DAY), (s.id, today)])
        .collect();
    store.queue_determinations(&days)
}

/// Queues every day of `permit` for its outlets, from its first day (at most
/// [`PERMIT_LOOKBACK_DAYS`] before `now`) to its last day or today.
pub fn queue_permit(
    store: &Store,
    tz: &TimeZone,
    permit: &store::Permit,
    now: i64,
) -> store::Result<()> {
    let today = local_date(tz, now);
    let earliest = today
        .checked_sub(jiff::Span::new().days(PERMIT_LOOKBACK_DAYS))
        .unwrap_or(today);
    let (Ok(from), Ok(to)) = (
        permit.valid_from.parse::<jiff::civil::Date>(),
        permit.valid_to.parse::<jiff::civil::Date>(),
    ) else {
        return Ok(());
    };
    let mut day = from.max(earliest);
    let last = to.min(today);
    let mut days = Vec::new();
    while day <= last {
        let start = day_start(tz, day);
        days.extend(permit.outlets.iter().map(|o| (o.site_id.clone(), start)));
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    store.queue_determinations(&days)
}

fn outlets(store: &Store) -> store::Result<Vec<Site>> {
    Ok(store
        .sites()?
        .into_iter()
        .filter(|s| matches!(s.kind, SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet))
        .collect())
}

/// Determines queued days in steps until none is left or `deadline` has passed, each step in one
/// transaction with its dequeue; returns how many queued days were done.
pub fn run_until(
    store: &mut Store,
    tz: &TimeZone,
    thresholds: Thresholds,
    alarms: &AlarmSettings,
    marks: &MarkSettings,
    now: i64,
    deadline: std::time::Instant,
) -> store::Result<usize> {
    let mut done = 0;
    loop {
        let job = Job {
            tz,
            thresholds,
            alarms,
            marks,
            now,
        };
        let n = store.in_transaction(|s| step(s, &job))?;
        done += n;
        if n == 0 || std::time::Instant::now() >= deadline {
            return Ok(done);
        }
    }
}

/// What every step of one run of the job shares.
struct Job<'a> {
    tz: &'a TimeZone,
    thresholds: Thresholds,
    alarms: &'a AlarmSettings,
    marks: &'a MarkSettings,
    now: i64,
}

/// One step: the first run of consecutive queued days of the first queued site (at most
/// [`MAX_WINDOW_DAYS`]); returns how many queued pairs it took off the queue.
fn step(store: &Store, job: &Job) -> store::Result<usize> {
    let queued = store.queued_determinations(STEP)?;
    let Some((site_id, _)) = queued.first() else {
        return Ok(0);
    };
    let ours: Vec<&(String, i64)> = queued.iter().filter(|(s, _)| s == site_id).collect();
    let mut days: Vec<i64> = ours
        .iter()
        .map(|(_, d)| local_start(*d, job.tz, Period::Day))
        .collect();
    days.sort_unstable();
    days.dedup();
    let (first, last) = runs(&days)[0];
    let done: Vec<(String, i64)> = ours
        .into_iter()
        .filter(|(_, d)| (first..=last).contains(&local_start(*d, job.tz, Period::Day)))
        .cloned()
        .collect();
    // Not an outlet (an air station's rollups queue it too): nothing to determine.
    if let Some(site) = outlets(store)?.into_iter().find(|s| s.id == *site_id) {
        determine(store, job, &site, first, last)?;
        // A past day determined again got data after it was confirmed: confirm that too.
        for &day in days.iter().filter(|d| (first..=last).contains(*d)) {
            crate::marks::confirm_day(store, job.tz, job.marks, site_id, day, job.now)?;
        }
    }
    store.dequeue_determinations(&done)?;
    Ok(done.len())
}

/// Consecutive days (at most [`MAX_WINDOW_DAYS`] a run) as (first, last) day starts.
fn runs(days: &[i64]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            // Local days are 23 to 25 hours long around a DST change: "next" is within 26 hours.
            Some((first, last)) if d - *last <= 26 * 3600 && d - *first < MAX_WINDOW_DAYS * DAY => {
                *last = d
            }
            _ => out.push((d, d)),
        }
    }
    out
}

/// Determines one site again over the window around the days `first..=last` and stores the result.
fn determine(store: &Store, job: &Job, site: &Site, first: i64, last: i64) -> store::Result<()> {
    // Reach back, day by day, to the start of any determination running into the window's start (daily
    // means are judged on whole local days), but not past MAX_REACH_DAYS: a window is one step's work.
    let floor = first - MAX_REACH_DAYS * DAY;
    let (tz, now) = (job.tz, job.now);
    let mut from = local_start(first - 1, tz, Period::Day);
    while let Some(start) = store
        .determinations_of(&site.id, from, from + 1, false)?
        .iter()
        .map(|d| d.start)
        .filter(|&s| s < from && s >= floor)
        .min()
    {
        from = local_start(start, tz, Period::Day);
    }
    let to = next_start(next_start(last, tz, Period::Day), tz, Period::Day).min(now);
    if to <= from {
        return Ok(());
    }
    let sites = std::slice::from_ref(site);
    let mut found = Vec::new();
    for e in figures::exceedances(store, tz, sites, None, from, to)? {
        found.push(Determination {
            id: 0,
            site_id: e.site,
            evidence: evidence(store, &site.id, &e.param, e.start, e.end)?,
            param: e.param,
            kind: "exceedance".into(),
            start: e.start,
            end: e.end,
            exceedance: Some(ExceedanceFacts {
                hours: e.hours,
                peak: e.peak,
                limit: e.limit,
                multiple: e.multiple,
                averaging: e.averaging.into(),
                permit_id: e.permit.as_ref().map(|(_, id)| *id),
                permit_number: e.permit.map(|(number, _)| number),
                source: e.source,
            }),
            found_at: now,
            changed_at: now,
            withdrawn_at: None,
        });
    }
    let mut problems = Vec::new();
    for mut p in figures::data_problems(store, sites, None, from, to, job.thresholds)? {
        // A silence from the window's start began at the parameter's last value before the window; with
        // no value ever before, it is a logger not yet reporting, not a gap.
        if p.kind == ProblemKind::Gap && p.start == from {
            match last_value_before(store, &site.id, &p.param, from)? {
                Some(last) => p.start = last - last.rem_euclid(60) + 60,
                None => continue,
            }
        }
        problems.push(Determination {
            id: 0,
            site_id: p.site,
            evidence: evidence(store, &site.id, &p.param, p.start, p.end)?,
            param: p.param,
            kind: p.kind.code().into(),
            start: p.start,
            end: p.end,
            exceedance: None,
            found_at: now,
            changed_at: now,
            withdrawn_at: None,
        });
    }
    // Whole-logger events come before the problems of single parameters (a parameter's silence inside an
    // offline span raises no alarm of its own: `alarms::follow` looks for the span).
    let longest_gap = i64::from(job.thresholds.gap_minutes) * 60;
    let params = figures::fine_params(store, &site.id)?;
    for (start, end) in offline_spans(&params, &problems) {
        if end - start > longest_gap {
            found.push(whole_logger(site, "offline", start, end, None, now));
        }
    }
    found.extend(conflicts(store, tz, site, from, to, now)?);
    found.extend(by_rules(store, site, from, to, now)?);
    found.extend(problems);
    // What runs into the window from before its start (past the reach, or a silence whose start was
    // traced back to the last value) is matched, never withdrawn for not being seen whole; a run cut at
    // the window's start that continues one of them is that one, not a new one.
    let mut stored = store.determinations_of(&site.id, from, to, true)?;
    // A silence traced back before the window may have been stored by an earlier window that ended
    // before this one begins: it is the same silence.
    for f in found.iter().filter(|f| f.start < from) {
        for d in store.determinations_of(&site.id, f.start, f.start + 1, true)? {
            if !stored.iter().any(|s| s.id == d.id) {
                stored.push(d);
            }
        }
    }
    let straddling: Vec<&Determination> = stored
        .iter()
        .filter(|d| d.start < from && d.withdrawn_at.is_none())
        .collect();
    found.retain(|f| {
        f.start != from
            || !straddling
                .iter()
                .any(|s| s.param == f.param && s.kind == f.kind)
    });
    for mut d in reconcile(&stored, &found, now) {
        if d.start < from && d.withdrawn_at.is_some() {
            continue;
        }
        d.id = store.put_determination(&d)?;
        crate::alarms::follow(store, job.alarms, &d, now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(id: i64, param: &str, kind: &str, start: i64, end: i64) -> Determination {
        Determination {
            id,
            site_id: "S1".into(),
            param: param.into(),
            kind: kind.into(),
            start,
            end,
            exceedance: None,
            evidence: None,
            found_at: 100,
            changed_at: 100,
            withdrawn_at: None,
        }
    }

    #[test]
    fn reconciling_keeps_identities_and_withdraws_what_is_gone() {
        let stored = [
            d(1, "a21026", "exceedance", 0, 7200),
            d(2, "a21026", "gap", 9000, 20000),
            d(3, "w01018", "stuck", 500, 99_000),
        ];
        let found = [
            // Unchanged.
            d(0, "a21026", "exceedance", 0, 7200),
            // Grew.
            d(0, "w01018", "stuck", 500, 120_000),
            // New.
            d(0, "a21002", "exceedance", 3600, 7200),
        ];
        let writes = reconcile(&stored, &found, 500);
        assert_eq!(
            writes,
            vec![
                Determination {
                    id: 3,
                    end: 120_000,
                    changed_at: 500,
                    ..stored[2].clone()
                },
                Determination {
                    found_at: 500,
                    changed_at: 500,
                    ..found[2].clone()
                },
                // The gap was filled by late data: withdrawn, not deleted.
                Determination {
                    withdrawn_at: Some(500),
                    ..stored[1].clone()
                },
            ]
        );
    }

    #[test]
    fn a_withdrawn_determination_found_again_comes_back_with_its_id() {
        let gone = Determination {
            withdrawn_at: Some(200),
            ..d(4, "a21026", "gap", 0, 9000)
        };
        let writes = reconcile(
            std::slice::from_ref(&gone),
            &[d(0, "a21026", "gap", 0, 9000)],
            300,
        );
        assert_eq!(
            writes,
            vec![Determination {
                withdrawn_at: None,
                changed_at: 300,
                ..gone.clone()
            }]
        );
        // Nothing found and nothing stored: nothing to write; stored and found alike: nothing either.
        assert!(reconcile(&[], &[], 300).is_empty());
        let same = d(5, "a21026", "gap", 0, 9000);
        assert!(
            reconcile(
                std::slice::from_ref(&same),
                &[d(0, "a21026", "gap", 0, 9000)],
                300
            )
            .is_empty()
        );
    }

    #[test]
    fn queued_days_make_runs_of_at_most_a_week() {
        let days: Vec<i64> = (0..10).map(|n| n * DAY).chain([12 * DAY]).collect();
        assert_eq!(
            runs(&days),
            vec![(0, 6 * DAY), (7 * DAY, 9 * DAY), (12 * DAY, 12 * DAY)]
        );
    }
}
