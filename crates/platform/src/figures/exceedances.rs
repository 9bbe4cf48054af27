//! Exceedance episodes of outlets over a range, read from the stored hourly rollups (whose validity is
//! the HJ 76-2017 rule: at least 45 minutes of valid data) and judged by `supervision::exceedance` against
//! the limit in force each day: the permit version in force and its (seasonal) limit, or, where no permit
//! names the pollutant, the limit of the outlet's standard (`outlet_limit`), which the row says.

use super::outlet_limit;
use crate::permits::{in_force, limit_on};
use crate::series::rollups::{local_start, next_start};
use crate::supervision::exceedance::{
    Averaging, Period as Judged, days_to_judge, episodes, hours_to_judge,
};
use crate::supervision::marking::{self, MarkCategory};
use crate::supervision::means::HourMean;
use jiff::tz::TimeZone;
use standards::Decimal;
use standards::emissions::{Limit, OxygenPolicy};
use std::collections::BTreeMap;
use store::{Period, Permit, Site, Store};

/// One exceedance episode, as the API lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceedanceRow {
    pub site: String,
    pub param: String,
    pub start: i64,
    pub end: i64,
    pub hours: i64,
    /// The highest value compared with the limit (O2-corrected where the limit says).
    pub peak: f64,
    pub limit: f64,
    /// 超标倍数 at the peak, (C − L)/L to two places.
    pub multiple: Option<f64>,
    pub averaging: &'static str,
    /// The permit number and version id the limit came from; `None`: the outlet's standard.
    pub permit: Option<(String, i64)>,
    /// Where the limit came from, in words: the permit, or the standard's name.
    pub source: String,
}

/// Where a day's limit comes from, and the limit: what an episode may not span a change of.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    limit: Limit,
    averaging: Averaging,
    reference_o2: Option<Decimal>,
    permit: Option<(String, i64)>,
    source: String,
}

fn rule_on(site: &Site, permits: &[Permit], param: &str, day: jiff::civil::Date) -> Option<Rule> {
    if let Some((permit, outlet)) = in_force(permits, &site.id, day)
        && let Some(l) = limit_on(outlet, param, day)
    {
        return Some(Rule {
            limit: Limit::AtMost(Decimal::from_f64(l.limit).ok()?),
            averaging: if l.averaging == "day" {
                Averaging::Day
            } else {
                Averaging::Hour
            },
            reference_o2: l.reference_o2.and_then(|o| Decimal::from_f64(o).ok()),
            permit: Some((permit.number.clone(), permit.id)),
            source: format!(
                "permit {} ({} – {})",
                permit.number, permit.valid_from, permit.valid_to
            ),
        });
    }
    let l = outlet_limit(site, param)?;
    Some(Rule {
        limit: l.limit,
        // Flue gas is judged on hourly means, effluents on daily means (workflows.md A5).
        averaging: if site.kind == store::SiteKind::WastewaterOutlet {
            Averaging::Day
        } else {
            Averaging::Hour
        },
        reference_o2: l.reference_o2,
        permit: None,
        source: l.standard.to_string(),
    })
}

/// Applies the marks in force to the hours judged (`marking::effect_on_hour`): a marked hour is not
/// judged, a `manual_value` mark's hours are judged on the value measured by hand, including hours the
/// device sent nothing for (an outage is when hand measurement matters).
fn apply_marks(hours: &mut BTreeMap<String, Vec<HourMean>>, marks: &[store::Mark]) {
    for m in marks {
        if let (Some(MarkCategory::ManualValue), Some(param)) =
            (MarkCategory::parse(&m.category), &m.param)
        {
            let series = hours.entry(param.clone()).or_default();
            let mut hour = m.start;
            while hour < m.end {
                if !series.iter().any(|h| h.start == hour) {
                    series.push(HourMean {
                        start: hour,
                        minutes: 0,
                        valid_minutes: 0,
                        mean: None,
                    });
                }
                hour += 3600;
            }
            series.sort_by_key(|h| h.start);
        }
    }
    for (param, series) in hours.iter_mut() {
        for h in series.iter_mut() {
            match marking::effect_on_hour(marks, param, h.start) {
                None => {}
                Some(None) => h.mean = None,
                Some(Some(v)) => {
                    h.mean = Decimal::from_f64(v).ok();
                    h.valid_minutes = 60;
                }
            }
        }
    }
}

/// The exceedance episodes at `sites` over `[from, to)`, for `param` or every parameter with a limit.
pub fn exceedances(
    store: &Store,
    tz: &TimeZone,
    sites: &[Site],
    param: Option<&str>,
    from: i64,
    to: i64,
) -> store::Result<Vec<ExceedanceRow>> {
    let permits = store.permits()?;
    let mut out = Vec::new();
    for site in sites {
        let mut hours: BTreeMap<String, Vec<HourMean>> = BTreeMap::new();
        for r in store.site_rollups(&site.id, Period::Hour, from, to)? {
            hours.entry(r.param.clone()).or_default().push(HourMean {
                start: r.time,
                minutes: r.count,
                valid_minutes: r.valid_count,
                mean: r
                    .mean
                    .filter(|_| r.valid)
                    .and_then(|m| Decimal::from_f64(m).ok()),
            });
        }
        let marks: Vec<store::Mark> = store
            .marks_of(&site.id, from, to)?
            .into_iter()
            .filter(marking::in_force)
            .collect();
        apply_marks(&mut hours, &marks);
        let o2 = hours
            .get(standards::hj212_codes::OXYGEN)
            .cloned()
            .unwrap_or_default();
        for (code, series) in &hours {
            if param.is_some_and(|p| p != code) {
                continue;
            }
            // Hours under one rule (the limit in force those days) are judged together.
            let mut runs: Vec<(Rule, Vec<HourMean>)> = Vec::new();
            for h in series {
                let day = jiff::Timestamp::from_second(h.start)
                    .map(|t| t.to_zoned(tz.clone()).date())
                    .map_err(|e| store::StoreError::Corrupt(format!("hour {}: {e}", h.start)))?;
                let Some(rule) = rule_on(site, &permits, code, day) else {
                    continue;
                };
                match runs.last_mut() {
                    Some((r, hs)) if *r == rule => hs.push(*h),
                    _ => runs.push((rule, vec![*h])),
                }
            }
            for (rule, hs) in runs {
                let judged = hours_to_judge(&hs, &o2, rule.reference_o2, OxygenPolicy::default());
                let periods: Vec<Judged> = match rule.averaging {
                    Averaging::Hour => judged,
                    Averaging::Day => days_to_judge(
                        &judged,
                        |t| local_start(t, tz, Period::Day),
                        |t| next_start(t, tz, Period::Day),
                    ),
                };
                let limit = match rule.limit {
                    Limit::AtMost(v) => v.to_f64(),
                    Limit::Range { high, .. } => high.to_f64(),
                    Limit::NotDetectable => 0.0,
                };
                for e in episodes(&periods, rule.limit) {
                    out.push(ExceedanceRow {
                        site: site.id.clone(),
                        param: code.clone(),
                        start: e.start,
                        end: e.end,
                        hours: e.hours(),
                        peak: e.peak.to_f64(),
                        limit,
                        multiple: e.multiple.map(Decimal::to_f64),
                        averaging: match rule.averaging {
                            Averaging::Hour => "hour",
                            Averaging::Day => "day",
                        },
                        permit: rule.permit.clone(),
                        source: rule.source.clone(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| (a.start, &a.site, &a.param).cmp(&(b.start, &b.site, &b.param)));
    Ok(out)
}
