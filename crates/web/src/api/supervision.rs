//! What supervision found: exceedance episodes of outlets, judged against the permit in force (or the
//! outlet's standard), data problems (gaps, stuck values, flagged durations) and emission quantities;
//! all cut to the caller's jurisdiction.

use super::{AppState, check_range, factor_code, local_time, parse_time, query};
use crate::ApiError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::determinations;
use platform::permits::baselines::against;
use platform::supervision::problems::ProblemKind;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::SiteKind;

/// Days one exceedance or data-problem request may cover (stored determinations are read, a year at
/// most).
pub const MAX_DAYS: i64 = 366;

pub fn routes() -> Router<Arc<crate::App>> {
    Router::new()
        .route(
            super::access::listed("/exceedances", &["GET"]),
            get(exceedances),
        )
        .route(
            super::access::listed("/data-problems", &["GET"]),
            get(data_problems),
        )
        .route(
            super::access::listed("/emissions", &["GET"]),
            get(emissions),
        )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    site: Option<String>,
    enterprise: Option<String>,
    county: Option<String>,
    param: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The outlets `f` names that the caller may read, and the range (default: the last 7 days).
async fn outlets(
    p: &crate::App,
    who: &Principal,
    f: Filter,
    max_days: i64,
    what: &str,
) -> Result<(Vec<store::Site>, Option<String>, i64, i64), ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let now = jiff::Timestamp::now().as_second();
    let to = parse_time("to", f.to.as_deref(), now)?;
    let from = parse_time("from", f.from.as_deref(), to - 7 * 86_400)?;
    check_range(from, to, max_days * 86_400, what)?;
    let param = f.param.map(factor_code).transpose()?;
    let sites: Vec<store::Site> = p
        .read(|s| s.sites())
        .await?
        .into_iter()
        .filter(|s| matches!(s.kind, SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet))
        .filter(|s| f.site.as_ref().is_none_or(|id| *id == s.id))
        .filter(|s| f.enterprise.is_none() || s.enterprise_id == f.enterprise)
        .filter(|s| f.county.is_none() || s.county == f.county)
        .filter(|s| who.may(Action::DataRead, Target::site(s)))
        .collect();
    Ok((sites, param, from, to))
}

async fn exceedances(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (sites, param, from, to) =
        outlets(&p, &who, query(q)?, MAX_DAYS, "exceedance lists").await?;
    let rows = p
        .read(move |s| determinations::current(s, &sites, param.as_deref(), true, from, to))
        .await?;
    let now = jiff::Timestamp::now().as_second();
    let items: Vec<Value> = rows
        .iter()
        .filter_map(|r| Some((r, r.exceedance.as_ref()?)))
        .map(|(r, e)| {
            json!({
                "id": r.id, "site": r.site_id, "param": r.param,
                "start": local_time(&p, r.start), "end": local_time(&p, r.end), "hours": e.hours,
                "peak": e.peak, "limit": e.limit, "multiple": e.multiple, "averaging": e.averaging,
                "permit": e.permit_number, "permit_id": e.permit_id, "source": e.source,
                "evidence": evidence(r), "found_at": local_time(&p, r.found_at),
                "changed_at": local_time(&p, r.changed_at),
                "preliminary": p.settings.marks.preliminary(&p.tz, r.end, now),
            })
        })
        .collect();
    Ok(Json(json!({ "exceedances": items })))
}

async fn data_problems(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let (sites, param, from, to) =
        outlets(&p, &who, query(q)?, MAX_DAYS, "data-problem lists").await?;
    let rows = p
        .read(move |s| determinations::current(s, &sites, param.as_deref(), false, from, to))
        .await?;
    // A parameter's data problems (the contract's kinds); the logger's (offline, conflicting re-sends)
    // are alarms' business.
    let items: Vec<Value> = rows
        .iter()
        .filter(|r| ProblemKind::parse(&r.kind).is_some())
        .map(|r| {
            json!({"id": r.id, "site": r.site_id, "param": r.param, "kind": r.kind,
                   "start": local_time(&p, r.start), "end": local_time(&p, r.end),
                   "evidence": evidence(r), "found_at": local_time(&p, r.found_at)})
        })
        .collect();
    Ok(Json(json!({ "problems": items })))
}

/// The journal entries a determination rests on: the first and last received frame carrying its values.
fn evidence(d: &store::Determination) -> Value {
    match d.evidence {
        Some((first, last)) => json!({"first_journal_id": first, "last_journal_id": last}),
        None => Value::Null,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmissionQuery {
    enterprise: Option<String>,
    county: Option<String>,
    year: Option<i16>,
    month: Option<i8>,
}

/// Emission quantities per outlet and pollutant for a year or one of its months: measured, substituted
/// (HJ 75-2017), their total, and the permitted annual quantity; and their sums by enterprise, by county
/// and over the whole selection.
async fn emissions(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<EmissionQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let q = query(q)?;
    let year = q
        .year
        .ok_or_else(|| ApiError::bad_request("year is required, e.g. year=2026"))?;
    super::bounded("year", Some(year), 1990..=2200, year)?;
    let month = q
        .month
        .map(|m| super::bounded("month", Some(m), 1..=12, m))
        .transpose()?;
    let (first, next) = match month {
        Some(m) => {
            let first = jiff::civil::date(year, m, 1);
            (
                first,
                first
                    .checked_add(jiff::Span::new().months(1))
                    .map_err(ApiError::internal)?,
            )
        }
        None => (
            jiff::civil::date(year, 1, 1),
            jiff::civil::date(year + 1, 1, 1),
        ),
    };
    let from = platform::figures::day_start(&p.tz, first);
    // Hours still to come are not invalid hours: the range ends now at the latest.
    let end = platform::figures::day_start(&p.tz, next);
    let to = end.min(jiff::Timestamp::now().as_second());
    let year_complete = to == end;
    if to <= from {
        return Ok(Json(json!({ "rows": [] })));
    }
    // A county's or the city's total is set against its baseline only for a whole year and only when the
    // total is the whole area's (no enterprise filter, an area the caller reads all of).
    let whole_area = month.is_none() && q.enterprise.is_none();
    let city_total =
        whole_area && q.county.is_none() && who.may(Action::DataRead, Target::CityWide);
    let filter = Filter {
        site: None,
        enterprise: q.enterprise,
        county: q.county,
        param: None,
        from: None,
        to: None,
    };
    // The range is the year or month asked for; `outlets` checks only the jurisdiction and filters here.
    let (sites, _, _, _) = outlets(&p, &who, filter, MAX_DAYS, "emission reports").await?;
    let tz = p.tz.clone();
    let (rows, totals, rolling, baselines) = p
        .read(move |s| {
            let rows = platform::figures::emissions(s, &tz, &sites, from, to)?;
            let totals = platform::figures::totals(&rows, &sites);
            let rolling = platform::figures::rolling_12_months(s, &tz, &sites, to)?;
            Ok((rows, totals, rolling, s.baselines()?))
        })
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({"site": r.site, "param": r.param, "measured_t": r.measured_t, "substituted_t": r.substituted_t,
                   "total_t": r.total_t, "permitted_t": r.permitted_t, "unaccounted_hours": r.unaccounted_hours,
                   "rolling_12m_t": rolling.get(&(r.site.clone(), r.param.clone()))})
        })
        .collect();
    let totals: Vec<Value> = totals
        .iter()
        .map(|t| {
            let area = match (t.scope, t.id.as_deref()) {
                ("county", Some(c)) if whole_area && who.may(Action::DataRead, Target::County(c)) => {
                    Some(c)
                }
                ("all", _) if city_total => Some("city"),
                _ => None,
            };
            let baseline = area
                .and_then(|a| against(&baselines, a, &t.param, i64::from(year), t.total_t))
                .map(|b| {
                    json!({"base_year": b.base_year, "baseline_t": b.baseline_t, "target_year": b.target_year,
                           "target_t": b.target_t, "reduction_pct": b.reduction_pct, "change_pct": b.change_pct,
                           "meets_target": b.meets, "source": b.source, "simulated": b.simulated})
                });
            json!({"scope": t.scope, "id": t.id, "param": t.param, "measured_t": t.measured_t,
                   "substituted_t": t.substituted_t, "total_t": t.total_t, "permitted_t": t.permitted_t,
                   "baseline": baseline})
        })
        .collect();
    Ok(Json(
        json!({ "rows": items, "totals": totals, "year_complete": year_complete,
                "preliminary": p.settings.marks.preliminary(&p.tz, to, jiff::Timestamp::now().as_second()) }),
    ))
}
