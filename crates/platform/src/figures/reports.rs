//! The execution-report tables (执行报告, workflows.md B4: the quarterly report's actual-emission and
//! compliance part): per outlet and pollutant over a quarter or a month, the hours, the valid hours, the
//! exceedance hours and episodes as determined, and the emissions against the permitted annual quantity.
//! An enterprise's quarter for the enterprise; a county's month, the same lines for all its outlets, for
//! the bureau.

use super::emissions::{EmissionRow, emissions};
use super::{FLUE_PARAMS, OutletParam, WASTEWATER_PARAMS, day_start};
use jiff::tz::TimeZone;
use std::collections::HashMap;
use store::{Period, Site, SiteKind, Store};

/// A quarter or a month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPeriod {
    Quarter { year: i16, quarter: i8 },
    Month { year: i16, month: i8 },
}

impl ReportPeriod {
    /// The period's first day and the day after its last.
    pub fn days(self) -> (jiff::civil::Date, jiff::civil::Date) {
        let (year, first_month, months) = match self {
            ReportPeriod::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1, 3),
            ReportPeriod::Month { year, month } => (year, month, 1),
        };
        let first = jiff::civil::date(year, first_month, 1);
        let next = first
            .checked_add(jiff::Span::new().months(months))
            .unwrap_or(first);
        (first, next)
    }

    /// `[from, to)` in Unix seconds, cut at `now` (hours still to come are not missing hours).
    pub fn range(self, tz: &TimeZone, now: i64) -> (i64, i64) {
        let (first, next) = self.days();
        (day_start(tz, first), day_start(tz, next).min(now))
    }

    /// `2026-Q4` or `2026-11`.
    pub fn code(self) -> String {
        match self {
            ReportPeriod::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            ReportPeriod::Month { year, month } => format!("{year}-{month:02}"),
        }
    }
}

/// One outlet and pollutant over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    pub site: String,
    pub site_name: String,
    pub enterprise: Option<String>,
    pub param: OutletParam,
    /// Hours of the period so far.
    pub hours: u32,
    /// Hours with a valid hourly mean (HJ 75/76: at least 45 valid minutes).
    pub valid_hours: u32,
    /// Hours of the exceedance episodes that began in the period, and how many episodes.
    pub exceedance_hours: u32,
    pub exceedance_episodes: u32,
    /// Tonnes: measured, substituted (HJ 75), and their total; the permitted annual quantity.
    pub emissions: Option<EmissionRow>,
}

/// The report lines of `sites` (outlets) over `[from, to)`: one per outlet and pollutant it reports.
pub fn execution_report(
    store: &Store,
    tz: &TimeZone,
    sites: &[Site],
    from: i64,
    to: i64,
) -> store::Result<Vec<ReportLine>> {
    let mut tonnes: HashMap<(String, String), EmissionRow> = emissions(store, tz, sites, from, to)?
        .into_iter()
        .map(|r| ((r.site.clone(), r.param.clone()), r))
        .collect();
    let mut out = Vec::new();
    for site in sites {
        let params: &[OutletParam] = match site.kind {
            SiteKind::FlueGasOutlet => &FLUE_PARAMS[..3],
            SiteKind::WastewaterOutlet => &WASTEWATER_PARAMS[..4],
            _ => continue,
        };
        let mut valid: HashMap<String, u32> = HashMap::new();
        for r in store.site_rollups(&site.id, Period::Hour, from, to)? {
            if r.valid {
                *valid.entry(r.param).or_default() += 1;
            }
        }
        let episodes = crate::determinations::current(
            store,
            std::slice::from_ref(site),
            None,
            true,
            from,
            to,
        )?;
        for p in params {
            let begun: Vec<_> = episodes
                .iter()
                .filter(|e| e.param == p.code && e.start >= from)
                .filter_map(|e| e.exceedance.as_ref())
                .collect();
            out.push(ReportLine {
                site: site.id.clone(),
                site_name: site.name.clone(),
                enterprise: site.enterprise_id.clone(),
                param: *p,
                hours: ((to - from).max(0) / 3600) as u32,
                valid_hours: valid.get(p.code).copied().unwrap_or(0),
                exceedance_hours: begun.iter().map(|e| e.hours as u32).sum(),
                exceedance_episodes: begun.len() as u32,
                emissions: tonnes.remove(&(site.id.clone(), p.code.to_string())),
            });
        }
    }
    Ok(out)
}

/// The lines summed per pollutant: (pollutant, exceedance hours, episodes, measured, substituted, total
/// tonnes, permitted tonnes when every outlet with the pollutant has one).
pub fn report_totals(lines: &[ReportLine]) -> Vec<ReportTotal> {
    let mut out: Vec<ReportTotal> = Vec::new();
    for l in lines {
        let at = match out.iter().position(|t| t.param.code == l.param.code) {
            Some(i) => i,
            None => {
                out.push(ReportTotal {
                    param: l.param,
                    exceedance_hours: 0,
                    exceedance_episodes: 0,
                    measured_t: 0.0,
                    substituted_t: 0.0,
                    total_t: 0.0,
                    permitted_t: Some(0.0),
                });
                out.len() - 1
            }
        };
        let t = &mut out[at];
        t.exceedance_hours += l.exceedance_hours;
        t.exceedance_episodes += l.exceedance_episodes;
        let e = l.emissions.as_ref();
        t.measured_t += e.map_or(0.0, |e| e.measured_t);
        t.substituted_t += e.map_or(0.0, |e| e.substituted_t);
        t.total_t += e.map_or(0.0, |e| e.total_t);
        t.permitted_t = match (t.permitted_t, e.and_then(|e| e.permitted_t)) {
            (Some(sum), Some(p)) => Some(sum + p),
            _ => None,
        };
    }
    for t in &mut out {
        // Sums of values rounded to the gram stay at the gram.
        for x in [&mut t.measured_t, &mut t.substituted_t, &mut t.total_t] {
            *x = (*x * 1e6).round() / 1e6;
        }
        t.permitted_t = t.permitted_t.map(|p| (p * 1e6).round() / 1e6);
    }
    out
}

/// A pollutant's sum over a report's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTotal {
    pub param: OutletParam,
    pub exceedance_hours: u32,
    pub exceedance_episodes: u32,
    pub measured_t: f64,
    pub substituted_t: f64,
    pub total_t: f64,
    pub permitted_t: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_quarters_and_months_of_local_days() {
        let q4 = ReportPeriod::Quarter {
            year: 2026,
            quarter: 4,
        };
        assert_eq!(
            q4.days(),
            (
                jiff::civil::date(2026, 10, 1),
                jiff::civil::date(2027, 1, 1)
            )
        );
        assert_eq!(q4.code(), "2026-Q4");
        let feb = ReportPeriod::Month {
            year: 2028,
            month: 2,
        };
        assert_eq!(feb.days().1, jiff::civil::date(2028, 3, 1));
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // 29 days of 24 hours (no summer time in China).
        let (from, to) = feb.range(&tz, i64::MAX);
        assert_eq!((to - from) / 3600, 29 * 24);
        assert_eq!(feb.code(), "2028-02");
    }
}
