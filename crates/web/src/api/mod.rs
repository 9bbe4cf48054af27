//! The JSON API under `/api/v1/`: registry, series (JSON and CSV), rollups, completeness, the audit log,
//! and (in [`evidence`]) the journal, quarantine, conflicting re-sends and counted refusals.

use crate::ApiError;
pub mod access;
mod alarms;
pub mod cases;
pub mod corrections;
mod evidence;
pub mod marks;
mod openapi;
mod permits;
mod registry;
pub mod rivers;
mod session;
mod supervision;
pub mod uploads;

use crate::App;
use axum::Extension;
use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use platform::Platform;
use platform::accounts::{Action, Principal, Target};
use platform::series::completeness;
use platform::series::corrections::CorrectedValue;
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use std::sync::Arc;
use store::{Interval, Period, Site};

type AppState = State<Arc<App>>;

pub fn routes() -> Router<Arc<App>> {
    use access::listed;
    Router::new()
        .route(
            listed("/openapi.json", &["GET"]),
            get(|| async { Json(openapi::document()) }),
        )
        .route(
            listed("/sites", &["GET", "POST"]),
            get(list_sites).post(registry::put_site),
        )
        .route(listed("/sites/{site}", &["GET"]), get(get_site))
        .route(listed("/sites/{site}/series", &["GET"]), get(series))
        .route(
            listed("/sites/{site}/series.csv", &["GET"]),
            get(series_csv),
        )
        .route(listed("/sites/{site}/rollups", &["GET"]), get(rollups))
        .route(
            listed("/sites/{site}/completeness", &["GET"]),
            get(completeness),
        )
        .route(
            listed("/devices", &["GET", "POST"]),
            get(registry::list_devices).post(registry::put_device),
        )
        .route(listed("/audit", &["GET"]), get(audit))
        .route(listed("/audit.csv", &["GET"]), get(audit_csv))
        .route(
            listed("/session", &["POST", "DELETE"]),
            axum::routing::post(session::sign_in).delete(session::sign_out),
        )
        .route(
            listed("/account/password", &["POST"]),
            axum::routing::post(session::change_password),
        )
        .merge(evidence::routes())
        .merge(permits::routes())
        .merge(supervision::routes())
        .merge(alarms::routes())
        .merge(marks::routes())
        .merge(corrections::routes())
        .merge(cases::routes())
        .merge(rivers::routes())
}

/// Parses an optional query, answering a JSON 400 for a malformed one.
fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::bad_request(format!("bad query parameters: {}", e.body_text())))
}

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(t)| t)
        .map_err(|e| ApiError::bad_request(format!("bad JSON body: {}", e.body_text())))
}

/// `value` (or `default`) when it lies in `range`; else a 400 naming the parameter and the bounds (a
/// request out of bounds is refused, not silently clamped).
fn bounded<T: PartialOrd + Copy + std::fmt::Display>(
    name: &str,
    value: Option<T>,
    range: std::ops::RangeInclusive<T>,
    default: T,
) -> Result<T, ApiError> {
    let v = value.unwrap_or(default);
    if range.contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::bad_request(format!(
            "{name}={v} is outside {}..={}",
            range.start(),
            range.end()
        )))
    }
}

/// An instant as RFC 3339 in the city's zone, e.g. `2026-11-28T08:00:00+08:00`.
pub fn local_time(p: &Platform, unix: i64) -> String {
    match Timestamp::from_second(unix) {
        Ok(ts) => ts
            .to_zoned(p.tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        Err(_) => unix.to_string(),
    }
}

/// An optional RFC 3339 time parameter (absent: `default`). An empty value (`from=`) is not a time and is
/// refused, as the OpenAPI document's `date-time` format says.
fn parse_time(name: &str, text: Option<&str>, default: i64) -> Result<i64, ApiError> {
    match text {
        None => Ok(default),
        Some(t) => t
            .parse::<Timestamp>()
            .map(|ts| ts.as_second())
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "{name}={t:?} is not an RFC 3339 time (e.g. 2026-11-28T08:00:00+08:00): {e}"
                ))
            }),
    }
}

/// The required `param` of a series query: an HJ 212 factor code, the only thing a series can be named by.
fn factor_param(text: Option<String>) -> Result<String, ApiError> {
    let param =
        text.ok_or_else(|| ApiError::bad_request("param is required, e.g. param=a21026"))?;
    factor_code(param)
}

/// `text` when it is an HJ 212 factor code; else a 400 naming it.
pub fn factor_code(text: String) -> Result<String, ApiError> {
    if platform::ingest::admission::is_factor_code(&text) {
        Ok(text)
    } else {
        Err(ApiError::bad_request(format!(
            "param={text:?} is not an HJ 212 factor code (1 to 12 letters and digits, e.g. a21026)"
        )))
    }
}

fn parse_code<T: std::str::FromStr<Err = store::UnknownCode>>(text: &str) -> Result<T, ApiError> {
    text.parse()
        .map_err(|e: store::UnknownCode| ApiError::bad_request(e.to_string()))
}

/// The site `id` if `who` may read its data: 404 when there is none, 401/403 when they may not.
async fn readable_site(p: &App, who: &Principal, id: &str) -> Result<Site, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let lookup = id.to_string();
    let site = p
        .read(move |s| s.site(&lookup))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no site {id:?}")))?;
    who.require(Action::DataRead, Target::site(&site))?;
    Ok(site)
}

fn site_json(s: &Site) -> Json_ {
    json!({
        "id": s.id, "name": s.name, "kind": s.kind.code(), "county": s.county,
        "lon": s.lon, "lat": s.lat, "enterprise_id": s.enterprise_id,
        "emission_standard": s.emission_standard.map(|e| e.code()), "simulated": s.simulated,
    })
}

async fn list_sites(State(p): AppState) -> Result<Json<Json_>, ApiError> {
    let sites = p.read(|s| s.sites()).await?;
    Ok(Json(
        json!({ "sites": sites.iter().map(site_json).collect::<Vec<_>>() }),
    ))
}

async fn get_site(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Json_>, ApiError> {
    readable_site(&p, &who, &id).await?;
    let lookup = id.clone();
    let (site, series) = p
        .read(move |s| Ok((s.site(&lookup)?, s.series_of_site(&lookup)?)))
        .await?;
    let site = site.ok_or_else(|| ApiError::not_found(format!("no site {id:?}")))?;
    let series: Vec<_> = series
        .iter()
        .map(|i| {
            json!({"param": i.param, "interval": i.interval.code(), "count": i.count,
                   "first": local_time(&p, i.first), "last": local_time(&p, i.last)})
        })
        .collect();
    let mut out = site_json(&site);
    out["series"] = json!(series);
    Ok(Json(out))
}

#[derive(Deserialize)]
struct SeriesQuery {
    param: Option<String>,
    interval: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
}

/// Largest number of values one series request returns.
const SERIES_LIMIT: u32 = 100_000;

/// The longest time range one request may read, by what it reads: fine data is dense (a value a minute
/// for a month is 44,640 rows per parameter), hourly and daily data sparse.
fn max_range_s(fine: bool, daily: bool) -> i64 {
    match (fine, daily) {
        (true, _) => 31 * 86_400,
        (false, false) => 400 * 86_400,
        (false, true) => 3_660 * 86_400,
    }
}

/// Refuses `from > to` and ranges over `max_s`, naming the cap.
fn check_range(from: i64, to: i64, max_s: i64, what: &str) -> Result<(), ApiError> {
    if from > to {
        return Err(ApiError::bad_request(format!(
            "from ({from}) is after to ({to})"
        )));
    }
    if to - from > max_s {
        return Err(ApiError::bad_request(format!(
            "{what} cover at most {} days per request (asked: {} days); page with from and to",
            max_s / 86_400,
            (to - from + 86_399) / 86_400
        )));
    }
    Ok(())
}

struct SeriesRequest {
    site: String,
    param: String,
    interval: Interval,
    from: i64,
    to: i64,
    limit: u32,
}

fn series_request(site: String, q: SeriesQuery) -> Result<SeriesRequest, ApiError> {
    let param = factor_param(q.param)?;
    let interval = parse_code::<Interval>(q.interval.as_deref().unwrap_or("realtime"))?;
    let now = Timestamp::now().as_second();
    let to = parse_time("to", q.to.as_deref(), now + 1)?;
    let from = parse_time("from", q.from.as_deref(), to - 86_400)?;
    let fine = matches!(interval, Interval::Realtime | Interval::Minute);
    check_range(
        from,
        to,
        max_range_s(fine, interval == Interval::Day),
        &format!("{interval} series"),
    )?;
    Ok(SeriesRequest {
        site,
        param,
        interval,
        from,
        to,
        limit: bounded("limit", q.limit, 1..=SERIES_LIMIT, SERIES_LIMIT)?,
    })
}

/// The values asked for as corrected (`platform::series::corrections::read`), with what was stored beside
/// a corrected one.
async fn load_series(
    p: &Platform,
    r: &SeriesRequest,
) -> Result<(Site, Vec<CorrectedValue>), ApiError> {
    let (site, param, interval, from, to, limit) = (
        r.site.clone(),
        r.param.clone(),
        r.interval,
        r.from,
        r.to,
        r.limit,
    );
    let (found, values) = p
        .read(move |s| {
            Ok((
                s.site(&site)?,
                platform::series::corrections::read(s, &site, &param, interval, from, to, limit)?,
            ))
        })
        .await?;
    let site = found.ok_or_else(|| ApiError::not_found(format!("no site {:?}", r.site)))?;
    Ok((site, values))
}

async fn series(
    State(p): AppState,
    Path(site): Path<String>,
    Extension(who): Extension<Principal>,
    q: Result<Query<SeriesQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    readable_site(&p, &who, &site).await?;
    let r = series_request(site, query(q)?)?;
    let (site, values) = load_series(&p, &r).await?;
    let values: Vec<_> = values
        .iter()
        .map(|c| {
            let v = &c.value;
            let mut o = json!({"time": local_time(&p, v.time), "value": v.value, "flag": v.flag,
                               "tier": v.tier.code(), "journal_id": v.journal_id});
            for (k, x) in [("min", v.min), ("max", v.max), ("cou", v.cou)] {
                if let Some(x) = x {
                    o[k] = json!(x);
                }
            }
            // A corrected value names the value as stored (and received) and the correction.
            if let (Some(original), Some(id)) = (&c.original, c.correction_id) {
                o["original"] = json!(original.value);
                o["original_flag"] = json!(original.flag);
                o["correction"] = json!(corrections::href(id));
            }
            o
        })
        .collect();
    Ok(Json(json!({
        "site": r.site, "param": r.param, "interval": r.interval.code(),
        "from": local_time(&p, r.from), "to": local_time(&p, r.to),
        "simulated": site.simulated, "truncated": values.len() as u32 == r.limit,
        "values": values,
    })))
}

async fn series_csv(
    State(p): AppState,
    Path(site): Path<String>,
    Extension(who): Extension<Principal>,
    q: Result<Query<SeriesQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    readable_site(&p, &who, &site).await?;
    let r = series_request(site, query(q)?)?;
    let (_, values) = load_series(&p, &r).await?;
    let mut out =
        String::from("site,param,interval,time,value,min,max,cou,flag,tier,original,correction\n");
    let num = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
    for c in &values {
        let v = &c.value;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            platform::csv_out::field(&r.site),
            platform::csv_out::field(&r.param),
            r.interval.code(),
            local_time(&p, v.time),
            num(v.value),
            num(v.min),
            num(v.max),
            num(v.cou),
            platform::csv_out::field(v.flag.as_deref().unwrap_or("")),
            v.tier.code(),
            num(c.original.as_ref().and_then(|o| o.value)),
            c.correction_id.map(|id| id.to_string()).unwrap_or_default()
        ));
    }
    let filename = format!("{}_{}_{}.csv", r.site, r.param, r.interval.code()).replace(
        |c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.',
        "_",
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Deserialize)]
struct RollupQuery {
    param: Option<String>,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn rollups(
    State(p): AppState,
    Path(site): Path<String>,
    Extension(who): Extension<Principal>,
    q: Result<Query<RollupQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    readable_site(&p, &who, &site).await?;
    let q = query(q)?;
    let param = factor_param(q.param)?;
    let period = parse_code::<Period>(q.period.as_deref().unwrap_or("hour"))?;
    let to = parse_time("to", q.to.as_deref(), Timestamp::now().as_second() + 1)?;
    let from = parse_time("from", q.from.as_deref(), to - 7 * 86_400)?;
    check_range(
        from,
        to,
        max_range_s(false, period == Period::Day),
        &format!("{period} rollups"),
    )?;
    let (s2, p2) = (site.clone(), param.clone());
    let rows = p
        .read(move |s| s.rollups(&s2, &p2, period, from, to))
        .await?;
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({"time": local_time(&p, r.time), "source": r.source.code(), "count": r.count,
                   "valid_count": r.valid_count, "mean": r.mean, "min": r.min, "max": r.max, "valid": r.valid})
        })
        .collect();
    Ok(Json(
        json!({"site": site, "param": param, "period": period.code(), "rollups": rows}),
    ))
}

#[derive(Deserialize)]
struct CompletenessQuery {
    param: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn completeness(
    State(p): AppState,
    Path(site): Path<String>,
    Extension(who): Extension<Principal>,
    q: Result<Query<CompletenessQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    readable_site(&p, &who, &site).await?;
    let q = query(q)?;
    let param = factor_param(q.param)?;
    let to = parse_time("to", q.to.as_deref(), Timestamp::now().as_second())?;
    let from = parse_time("from", q.from.as_deref(), to - 86_400)?;
    check_range(from, to, 31 * 86_400, "completeness reports")?;
    let tz = p.tz.clone();
    let (s2, p2) = (site.clone(), param.clone());
    let hours = p
        .read(move |s| completeness::hours(s, &tz, &s2, &p2, from, to))
        .await?;
    let mut totals = json!({"expected": 0, "received": 0, "accepted": 0, "late": 0,
        "missing": {"offline": 0, "rejected_frame": 0, "flagged_invalid": 0, "invalid_value": 0, "not_received": 0}});
    for h in &hours {
        for (k, v) in [
            ("expected", h.expected),
            ("received", h.received),
            ("accepted", h.accepted),
            ("late", h.late),
        ] {
            totals[k] = json!(totals[k].as_u64().unwrap_or(0) + v as u64);
        }
        let m = &h.missing;
        for (k, v) in [
            ("offline", m.offline),
            ("rejected_frame", m.rejected_frame),
            ("flagged_invalid", m.flagged_invalid),
            ("invalid_value", m.invalid_value),
            ("not_received", m.not_received),
        ] {
            totals["missing"][k] = json!(totals["missing"][k].as_u64().unwrap_or(0) + v as u64);
        }
    }
    let hours: Vec<_> = hours
        .iter()
        .map(|h| {
            let mut o = serde_json::to_value(h).unwrap_or_default();
            o["hour"] = json!(local_time(&p, h.hour));
            o
        })
        .collect();
    Ok(Json(
        json!({"site": site, "param": param, "interval": "realtime", "totals": totals, "hours": hours}),
    ))
}

#[derive(Deserialize)]
struct AuditQuery {
    /// Only entries whose actor, action or subject contains this.
    q: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

/// The audit entries a query asks for, newest first (the auditor's and administrators' reading).
async fn audit_entries(
    p: &App,
    who: &Principal,
    q: Result<Query<AuditQuery>, QueryRejection>,
    max: u32,
) -> Result<Vec<store::AuditEntry>, ApiError> {
    who.require(Action::AuditRead, Target::CityWide)?;
    let q = query(q)?;
    let limit = bounded("limit", q.limit, 1..=max, 100.min(max))?;
    bounded("before", q.before, 1..=i64::MAX, 1)?;
    let (search, before) = (q.q.filter(|s| !s.is_empty()), q.before);
    Ok(
        p.read(move |s| s.audit_page(search.as_deref(), before, limit))
            .await?,
    )
}

/// Changes made by people (and refused attempts, sign-ins), newest first, with `next_before` for paging.
async fn audit(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    let log = audit_entries(&p, &who, q, 1000).await?;
    let next = log.last().map(|e| e.id);
    let entries: Vec<_> = log
        .iter()
        .map(|e| {
            json!({"id": e.id, "at": local_time(&p, e.at), "actor": e.actor, "action": e.action, "subject": e.subject, "detail": e.detail})
        })
        .collect();
    Ok(Json(json!({ "entries": entries, "next_before": next })))
}

/// The audit log as CSV (fields a person typed are neutralised against spreadsheet formulas).
async fn audit_csv(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let log = audit_entries(&p, &who, q, 100_000).await?;
    let mut out = String::from("id,at,actor,action,subject,detail\n");
    for e in &log {
        let row = [
            e.id.to_string(),
            local_time(&p, e.at),
            platform::csv_out::field(&e.actor),
            platform::csv_out::field(&e.action),
            platform::csv_out::field(&e.subject),
            platform::csv_out::field(e.detail.as_deref().unwrap_or("")),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
