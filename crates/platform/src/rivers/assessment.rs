//! The assessment of river chiefs and reaches over a period (县级及以上河长负责组织对相应河湖下一级河长进行考核,
//! workflows.md D): patrol completion against the level's duty, the reach's cases (closure rate and
//! time), its sections' target attainment by month, and complaints about it. National and Yunnan
//! weightings were not found, so the figures are given side by side, not folded into a score.

use super::patrols::{Level, completion};
use super::{RiverSettings, parse_class};
use crate::cases::CaseState;
use crate::figures::{Cache, local_date, monthly_classes};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use store::{Case, Reach, Store};

/// One line of the assessment: a chief of a reach, or a reach as a whole (`chief` empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub reach_id: String,
    pub reach_name: String,
    /// The chief's level and name, and their account.
    pub chief: Option<(Level, String)>,
    pub account: Option<String>,
    /// Patrols recorded, counted ones within the duty (each period capped at its need), and the duty.
    pub patrols: u32,
    pub patrols_done: u32,
    pub patrols_required: u32,
    /// Cases on the reach opened in the period (duplicates merged away not counted), how many are
    /// closed, and the mean days from opening to closing.
    pub cases: u32,
    pub closed: u32,
    pub mean_days_to_close: Option<f64>,
    /// Months of its sections' classes evaluated, and how many met the reach's target.
    pub months: u32,
    pub months_at_target: u32,
    /// Complaints from the public about the reach.
    pub complaints: u32,
}

impl Line {
    /// Patrol completion, 0–1; `None` without a duty.
    pub fn patrol_rate(&self) -> Option<f64> {
        (self.patrols_required > 0)
            .then(|| f64::from(self.patrols_done) / f64::from(self.patrols_required))
    }

    pub fn closure_rate(&self) -> Option<f64> {
        (self.cases > 0).then(|| f64::from(self.closed) / f64::from(self.cases))
    }

    pub fn attainment(&self) -> Option<f64> {
        (self.months > 0).then(|| f64::from(self.months_at_target) / f64::from(self.months))
    }
}

/// The assessment of `[from, to)`: a line per chief, then a line per reach.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub from: Date,
    pub to: Date,
    pub chiefs: Vec<Line>,
    pub reaches: Vec<Line>,
}

/// Whether a case's handling is finished (closed, the reporter answered, or not accepted).
fn finished(c: &Case) -> bool {
    CaseState::parse(&c.state).is_some_and(|s| !s.open()) && c.state != CaseState::Merged.code()
}

/// The months `[from, to)` touches, as (year, month).
fn months(from: Date, to: Date) -> Vec<(i16, i8)> {
    let mut out = Vec::new();
    let mut m = jiff::civil::date(from.year(), from.month(), 1);
    while m < to {
        out.push((m.year(), m.month()));
        m = m.checked_add(jiff::Span::new().months(1)).unwrap_or(to);
    }
    out
}

/// Assesses every reach and chief over `[from, to)` (local days).
pub fn assess(
    store: &Store,
    tz: &TimeZone,
    cache: &Cache,
    settings: &RiverSettings,
    from: Date,
    to: Date,
    now: i64,
) -> store::Result<Assessment> {
    let (t0, t1) = (
        crate::figures::day_start(tz, from),
        crate::figures::day_start(tz, to),
    );
    let patrols = store.patrols(t0, t1)?;
    let cases: Vec<Case> = store
        .cases_created(t0, t1)?
        .into_iter()
        .filter(|c| c.subject_kind == "reach" && c.state != CaseState::Merged.code())
        .collect();
    let chiefs = store.reach_chiefs(None)?;
    let this_month = {
        let d = local_date(tz, now);
        (d.year(), d.month())
    };
    let mut out = Assessment {
        from,
        to,
        chiefs: Vec::new(),
        reaches: Vec::new(),
    };
    for reach in store.reaches()? {
        let base = reach_line(store, tz, cache, &reach, &cases, from, to, this_month, now)?;
        let mut whole = base.clone();
        let mut of_reach: Vec<_> = chiefs.iter().filter(|c| c.reach_id == reach.id).collect();
        of_reach.sort_by_key(|c| Level::parse(&c.level));
        for c in of_reach {
            let Some(level) = Level::parse(&c.level) else {
                continue;
            };
            let mine: Vec<_> = patrols
                .iter()
                .filter(|p| p.reach_id == reach.id && Some(&p.chief) == c.account.as_ref())
                .collect();
            let days: Vec<Date> = mine
                .iter()
                .filter(|p| p.counts)
                .map(|p| local_date(tz, p.started_at))
                .collect();
            let (done, required) = completion(settings.patrol.rule(level), &days, from, to);
            whole.patrols += mine.len() as u32;
            whole.patrols_done += done;
            whole.patrols_required += required;
            out.chiefs.push(Line {
                chief: Some((level, c.name.clone())),
                account: c.account.clone(),
                patrols: mine.len() as u32,
                patrols_done: done,
                patrols_required: required,
                ..base.clone()
            });
        }
        out.reaches.push(whole);
    }
    Ok(out)
}

/// The reach's own figures (cases, target attainment, complaints), without patrols.
#[allow(clippy::too_many_arguments)]
fn reach_line(
    store: &Store,
    tz: &TimeZone,
    cache: &Cache,
    reach: &Reach,
    cases: &[Case],
    from: Date,
    to: Date,
    this_month: (i16, i8),
    now: i64,
) -> store::Result<Line> {
    let ours: Vec<&Case> = cases
        .iter()
        .filter(|c| c.subject_id.as_deref() == Some(reach.id.as_str()))
        .collect();
    let mut durations = Vec::new();
    for c in ours.iter().filter(|c| finished(c)) {
        let events = store.case_events(c.id)?;
        if let Some(e) = events
            .iter()
            .find(|e| CaseState::parse(&e.to_state).is_some_and(|s| !s.open()))
        {
            durations.push((e.at - c.created_at) as f64 / 86_400.0);
        }
    }
    let mut complaints = 0;
    for c in ours.iter().filter(|c| c.source == "complaint") {
        complaints += store.complaints_of_case(c.id)?.len().max(1) as u32;
    }
    let (mut evaluated, mut at_target) = (0, 0);
    if let Some(target) = reach.target_class.as_deref().and_then(parse_class) {
        // Whole months only, the month under way excluded: a class of a part month is not a month's.
        let months: Vec<(i16, i8)> = months(from, to)
            .into_iter()
            .filter(|m| *m != this_month)
            .collect();
        for section in &reach.sections {
            if let Some(site) = store.site(section)? {
                for e in monthly_classes(store, tz, cache, &site, &months, now)?.values() {
                    evaluated += 1;
                    at_target += u32::from(e.class <= target);
                }
            }
        }
    }
    Ok(Line {
        reach_id: reach.id.clone(),
        reach_name: reach.name.clone(),
        chief: None,
        account: None,
        patrols: 0,
        patrols_done: 0,
        patrols_required: 0,
        cases: ours.len() as u32,
        closed: ours.iter().filter(|c| finished(c)).count() as u32,
        mean_days_to_close: (!durations.is_empty())
            .then(|| durations.iter().sum::<f64>() / durations.len() as f64),
        months: evaluated,
        months_at_target: at_target,
        complaints,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn months_of_a_period() {
        assert_eq!(
            months(date(2026, 11, 15), date(2027, 2, 1)),
            vec![(2026, 11), (2026, 12), (2027, 1)]
        );
        assert!(months(date(2026, 1, 1), date(2026, 1, 1)).is_empty());
    }
}
