//! What supervision found: exceedance episodes of outlets, judged against the permit in force (or the
//! outlet's standard), cut to the caller's jurisdiction.

use super::{AppState, check_range, factor_code, local_time, parse_time, query};
use crate::ApiError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::SiteKind;

/// Days one request may cover (a year of hourly rollups per outlet).
pub const MAX_DAYS: i64 = 366;

pub fn routes() -> Router<Arc<crate::App>> {
    Router::new().route(
        super::access::listed("/exceedances", &["GET"]),
        get(exceedances),
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

async fn exceedances(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let f = query(q)?;
    let now = jiff::Timestamp::now().as_second();
    let to = parse_time("to", f.to.as_deref(), now)?;
    let from = parse_time("from", f.from.as_deref(), to - 7 * 86_400)?;
    check_range(from, to, MAX_DAYS * 86_400, "exceedance lists")?;
    let param = f.param.map(factor_code).transpose()?;
    let sites: Vec<store::Site> = p
        .read(|s| s.sites())
        .await?
        .into_iter()
        .filter(|s| matches!(s.kind, SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet))
        .filter(|s| f.site.as_ref().is_none_or(|id| *id == s.id))
        .filter(|s| f.enterprise.is_none() || s.enterprise_id == f.enterprise)
        .filter(|s| f.county.is_none() || s.county == f.county)
        .filter(|s| {
            who.may(
                Action::DataRead,
                Target::Site {
                    county: s.county.as_deref(),
                    enterprise: s.enterprise_id.as_deref(),
                },
            )
        })
        .collect();
    let tz = p.tz.clone();
    let rows = p
        .read(move |s| platform::figures::exceedances(s, &tz, &sites, param.as_deref(), from, to))
        .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "site": r.site, "param": r.param,
                "start": local_time(&p, r.start), "end": local_time(&p, r.end), "hours": r.hours,
                "peak": r.peak, "limit": r.limit, "multiple": r.multiple, "averaging": r.averaging,
                "permit": r.permit.as_ref().map(|(number, _)| number),
                "permit_id": r.permit.as_ref().map(|(_, id)| id),
                "source": r.source,
            })
        })
        .collect();
    Ok(Json(json!({ "exceedances": items })))
}
