//! River chiefs through the API: reaches with their chiefs (`GET/POST /reaches`, `GET /reaches/{reach}`),
//! patrols (`POST /patrols` with a GeoJSON LineString track, the checklist and findings with photos;
//! `GET /patrols`), orders (`POST /orders`, a case) and the assessment (`GET /rivers/assessment`). The
//! rules are `platform::rivers`'.

use super::uploads::{UPLOAD_BODY_BYTES, keep_files};
use super::{AppState, body, check_range, local_time, parse_time, query};
use crate::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::rivers::assessment::Line;
use platform::rivers::{FindingInput, OrderInput, PatrolInput, ReachInput};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use store::{Patrol, Reach, ReachChief};

pub fn routes() -> Router<Arc<crate::App>> {
    Router::new()
        .route(
            super::access::listed("/reaches", &["GET", "POST"]),
            get(list).post(put),
        )
        .route(
            super::access::listed("/reaches/{reach}", &["GET"]),
            get(one),
        )
        .route(
            super::access::listed("/patrols", &["GET", "POST"]),
            get(patrols)
                .post(record)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .route(super::access::listed("/orders", &["POST"]), post(order))
        .route(
            super::access::listed("/rivers/assessment", &["GET"]),
            get(assessment),
        )
}

pub fn reach_json(r: &Reach, chiefs: &[ReachChief]) -> Value {
    json!({
        "id": r.id, "waterbody_id": r.waterbody_id, "name": r.name, "start_point": r.start_point,
        "end_point": r.end_point, "counties": r.counties, "sections": r.sections,
        "target_class": r.target_class, "length_km": r.length_km, "phone": r.phone,
        "course": r.course.iter().map(|(x, y)| [x, y]).collect::<Vec<_>>(),
        "chiefs": chiefs.iter().map(|c| json!({"level": c.level, "name": c.name, "title": c.title,
            "account": c.account})).collect::<Vec<_>>(),
    })
}

fn patrol_json(p: &crate::App, x: &Patrol, cases: &[i64]) -> Value {
    json!({
        "id": x.id, "reach": x.reach_id, "chief": x.chief, "level": x.level,
        "start": local_time(p, x.started_at), "end": local_time(p, x.ended_at),
        "duration_min": (x.ended_at - x.started_at) / 60, "distance_m": x.distance_m.round(),
        "counts": x.counts, "shortfall": x.shortfall,
        "checklist": serde_json::from_str::<Value>(&x.checklist).unwrap_or(Value::Null),
        "note": x.note, "recorded_by": x.created_by, "recorded": local_time(p, x.created_at),
        "cases": cases,
    })
}

/// Every reach the caller may read, with its chiefs.
async fn list(
    State(p): AppState,
    Extension(who): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (reaches, chiefs) = p
        .read(|s| Ok((s.reaches()?, s.reach_chiefs(None)?)))
        .await?;
    let items: Vec<Value> = reaches
        .iter()
        .filter(|r| who.may(Action::DataRead, platform::rivers::target(r)))
        .map(|r| {
            let mine: Vec<ReachChief> = chiefs
                .iter()
                .filter(|c| c.reach_id == r.id)
                .cloned()
                .collect();
            reach_json(r, &mine)
        })
        .collect();
    Ok(Json(json!({ "reaches": items })))
}

async fn one(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (r, chiefs) = p
        .read_with(move |s| {
            let r = platform::rivers::reach(s, &id)?;
            let chiefs = platform::rivers::chiefs_of(s, &r.id)?;
            Ok((r, chiefs))
        })
        .await?;
    who.require(Action::DataRead, platform::rivers::target(&r))?;
    Ok(Json(reach_json(&r, &chiefs)))
}

/// Creates or replaces a reach with its chiefs (audited; the chiefs' accounts get the reach).
async fn put(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    b: Result<Json<ReachInput>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::RegistryWrite, Target::Any)?;
    let input = body(b)?;
    let r = p
        .write(move |s| {
            let r = platform::rivers::register_reach(s, &who, &input)?;
            let chiefs = platform::rivers::chiefs_of(s, &r.id)?;
            Ok((r, chiefs))
        })
        .await?;
    Ok(Json(reach_json(&r.0, &r.1)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    description: String,
    lon: Option<f64>,
    lat: Option<f64>,
    #[serde(default)]
    photos: Vec<super::uploads::JsonFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatrolBody {
    reach: String,
    /// Staff recording for a chief: the chief's account.
    chief: Option<String>,
    start: String,
    end: String,
    track: Value,
    #[serde(default)]
    checklist: BTreeMap<String, String>,
    note: Option<String>,
    #[serde(default)]
    findings: Vec<Finding>,
}

/// Records a patrol; its findings open cases on the reach.
async fn record(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    b: axum::body::Body,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::PatrolsRecord, Target::Any)?;
    let body: PatrolBody = super::uploads::read_json(b).await?;
    // The permission on the reach is checked before any photo is written to disk.
    let reach_id = body.reach.clone();
    let reach = p
        .read_with(move |s| platform::rivers::reach(s, &reach_id))
        .await?;
    who.require(Action::PatrolsRecord, platform::rivers::target(&reach))?;
    let mut findings = Vec::new();
    for f in body.findings {
        findings.push(FindingInput {
            photos: keep_files(&p, &super::uploads::decode(&f.photos)?)?,
            description: f.description,
            lon: f.lon,
            lat: f.lat,
        });
    }
    let input = PatrolInput {
        reach: body.reach,
        chief: body.chief,
        started_at: parse_time("start", Some(&body.start), 0)?,
        ended_at: parse_time("end", Some(&body.end), 0)?,
        track: body.track,
        checklist: body.checklist.into_iter().collect(),
        note: body.note,
        findings,
    };
    let recorded = write_patrol(&p, who, input).await?;
    let cases: Vec<i64> = recorded.cases.iter().map(|c| c.id).collect();
    Ok(Json(patrol_json(&p, &recorded.patrol, &cases)))
}

/// Records a patrol on the writer (the API's and the console's way in).
pub async fn write_patrol(
    p: &crate::App,
    who: Principal,
    input: PatrolInput,
) -> Result<platform::rivers::Recorded, platform::Error> {
    let ctx = super::cases::context(p);
    let (settings, layer) = (p.settings.rivers.clone(), p.county_layer.clone());
    p.write(move |s| platform::rivers::record_patrol(s, &ctx, &settings, &layer, &who, &input))
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatrolFilter {
    reach: Option<String>,
    chief: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Patrols started in the range (default the last 90 days) on reaches the caller may read.
async fn patrols(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<PatrolFilter>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let f = query(q)?;
    let to = parse_time(
        "to",
        f.to.as_deref(),
        jiff::Timestamp::now().as_second() + 1,
    )?;
    let from = parse_time("from", f.from.as_deref(), to - 90 * 86_400)?;
    check_range(from, to, 366 * 86_400, "patrol lists")?;
    let (found, reaches) = p
        .read(move |s| Ok((s.patrols(from, to)?, s.reaches()?)))
        .await?;
    let items: Vec<Value> = found
        .iter()
        .filter(|x| f.reach.as_ref().is_none_or(|r| r == &x.reach_id))
        .filter(|x| f.chief.as_ref().is_none_or(|c| c == &x.chief))
        .filter(|x| {
            reaches.iter().any(|r| {
                r.id == x.reach_id && who.may(Action::DataRead, platform::rivers::target(r))
            })
        })
        .map(|x| patrol_json(&p, x, &[]))
        .collect();
    Ok(Json(json!({ "patrols": items })))
}

/// Issues an order (交办单): a case on the reach, accepted and assigned to the unit at once.
async fn order(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    b: Result<Json<OrderInput>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::OrdersIssue, Target::Any)?;
    let input = body(b)?;
    let ctx = super::cases::context(&p);
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let settings = ctx.cases.clone();
    let c = p
        .write(move |s| platform::rivers::issue_order(s, &ctx, &who, &input))
        .await?;
    Ok(Json(super::cases::case_json(
        &p,
        &c,
        platform::cases::clock(&c, today, &settings),
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Period {
    year: Option<i16>,
}

pub fn line_json(l: &Line) -> Value {
    json!({
        "reach": l.reach_id, "reach_name": l.reach_name,
        "level": l.chief.as_ref().map(|c| c.0.code()), "chief": l.chief.as_ref().map(|c| &c.1),
        "account": l.account, "patrols": l.patrols, "patrols_done": l.patrols_done,
        "patrols_required": l.patrols_required, "patrol_rate": l.patrol_rate(),
        "cases": l.cases, "closed": l.closed, "closure_rate": l.closure_rate(),
        "mean_days_to_close": l.mean_days_to_close, "months": l.months,
        "months_at_target": l.months_at_target, "attainment": l.attainment(),
        "complaints": l.complaints,
    })
}

/// The assessment of a year (default this year to date) per chief and per reach, cut to the reaches
/// the caller may read.
async fn assessment(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<Period>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let q = query(q)?;
    let a = assess(&p, &who, q.year).await?;
    Ok(Json(json!({
        "from": a.from.to_string(), "to": a.to.to_string(),
        "chiefs": a.chiefs.iter().map(line_json).collect::<Vec<_>>(),
        "reaches": a.reaches.iter().map(line_json).collect::<Vec<_>>(),
    })))
}

/// The assessment of `year` (this year to today by default) as `who` may read it.
pub async fn assess(
    p: &Arc<crate::App>,
    who: &Principal,
    year: Option<i16>,
) -> Result<platform::rivers::assessment::Assessment, platform::Error> {
    let now = jiff::Timestamp::now().as_second();
    let today = platform::figures::local_date(&p.tz, now);
    let year = year.unwrap_or(today.year());
    if !(2000..=today.year()).contains(&year) {
        return Err(platform::Error::invalid(format!(
            "year={year} is outside 2000..={}",
            today.year()
        )));
    }
    let from = jiff::civil::date(year, 1, 1);
    let to = if year == today.year() {
        today.tomorrow().unwrap_or(today)
    } else {
        jiff::civil::date(year + 1, 1, 1)
    };
    let (tz, cache, settings) = (p.tz.clone(), p.figures.clone(), p.settings.rivers.clone());
    let (mut a, reaches) = p
        .read(move |s| {
            let a = platform::rivers::assessment::assess(s, &tz, &cache, &settings, from, to, now)?;
            Ok((a, s.reaches()?))
        })
        .await?;
    let readable = |l: &Line| {
        reaches
            .iter()
            .any(|r| r.id == l.reach_id && who.may(Action::DataRead, platform::rivers::target(r)))
    };
    a.chiefs.retain(readable);
    a.reaches.retain(readable);
    Ok(a)
}
