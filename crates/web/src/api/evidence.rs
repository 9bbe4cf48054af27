//! What the gateway received, for staff: any journal record (`/journal/{id}`), the quarantine of refused
//! frames, conflicting re-sends beside the values that stand, and refusals counted instead of journaled.
//! Raw frames are shown with the password masked (stored frames already are; older ones are masked here).

use super::{AppState, bounded, local_time, parse_code, query};
use crate::ApiError;
use axum::Extension;
use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use jiff::Timestamp;
use platform::Platform;
use platform::accounts::{Action, Principal, Target};
use platform::ingest::redact::mask_password;
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use std::sync::Arc;
use store::{JournalEntry, NewValue, Verdict};

pub fn routes() -> Router<Arc<crate::App>> {
    Router::new()
        .route(
            super::access::listed("/quarantine", &["GET"]),
            get(quarantine),
        )
        .route(
            super::access::listed("/quarantine/{id}", &["GET"]),
            get(quarantine_entry),
        )
        .route(
            super::access::listed("/journal/{id}", &["GET"]),
            get(journal_entry),
        )
        .route(
            super::access::listed("/conflicts", &["GET"]),
            get(conflicts),
        )
        .route(super::access::listed("/refusals", &["GET"]), get(refusals))
}

#[derive(Deserialize)]
struct QuarantineQuery {
    verdict: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

fn journal_json(p: &Platform, e: &JournalEntry) -> Json_ {
    json!({
        "id": e.id,
        "received_at": Timestamp::from_millisecond(e.received_at_ms).map(|t| t.to_zoned(p.tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()).unwrap_or_default(),
        "peer": e.peer, "mn": e.mn, "cn": e.cn, "verdict": e.verdict.code(), "cause": e.cause,
        "raw": String::from_utf8_lossy(&mask_password(&e.raw)),
    })
}

async fn quarantine(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<QuarantineQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    who.require(Action::EvidenceRead, Target::CityWide)?;
    let q = query(q)?;
    let verdict = q
        .verdict
        .as_deref()
        .map(parse_code::<Verdict>)
        .transpose()?;
    let limit = bounded("limit", q.limit, 1..=1000, 100)?;
    bounded("before", q.before, 1..=i64::MAX, 1)?;
    let (entries, counts) = p
        .read(move |s| {
            Ok((
                s.quarantine(verdict, q.before, limit)?,
                s.quarantine_counts()?,
            ))
        })
        .await?;
    let counts: serde_json::Map<String, Json_> = counts
        .iter()
        .map(|c| (c.verdict.code().to_string(), json!(c.count)))
        .collect();
    let next = (entries.len() as u32 == limit)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(Json(json!({
        "counts": counts,
        "frames": entries.iter().map(|e| journal_json(&p, e)).collect::<Vec<_>>(),
        "next_before": next,
    })))
}

fn journal_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request(format!("journal id {id:?} is not an integer")))
}

async fn quarantine_entry(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Json_>, ApiError> {
    who.require(Action::EvidenceRead, Target::CityWide)?;
    let id = journal_id(&id)?;
    let entry = p.read(move |s| s.journal_entry(id)).await?;
    match entry {
        Some(e) if e.verdict != Verdict::Accepted => Ok(Json(journal_json(&p, &e))),
        _ => Err(ApiError::not_found(format!("no quarantined frame {id}"))),
    }
}

/// Any journal record, accepted or not: the frame a stored value came from, with its notes (the CRC
/// verdict at receipt, refused items, values that were not numbers).
async fn journal_entry(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Json_>, ApiError> {
    who.require(Action::EvidenceRead, Target::CityWide)?;
    let id = journal_id(&id)?;
    match p.read(move |s| s.journal_entry(id)).await? {
        Some(e) => Ok(Json(journal_json(&p, &e))),
        None => Err(ApiError::not_found(format!("no journal record {id}"))),
    }
}

#[derive(Deserialize)]
struct ConflictQuery {
    site: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

fn value_json(v: &NewValue) -> Json_ {
    json!({"value": v.value, "min": v.min, "max": v.max, "cou": v.cou, "flag": v.flag})
}

/// Re-sent values that differed from the stored one (which stands), newest first.
async fn conflicts(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<ConflictQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    who.require(Action::EvidenceRead, Target::CityWide)?;
    let q = query(q)?;
    let limit = bounded("limit", q.limit, 1..=1000, 100)?;
    bounded("before", q.before, 1..=i64::MAX, 1)?;
    let (site, before) = (q.site, q.before);
    let list = p
        .read(move |s| s.conflicts(site.as_deref(), before, limit))
        .await?;
    let next = (list.len() as u32 == limit)
        .then(|| list.last().map(|c| c.id))
        .flatten();
    let items: Vec<Json_> = list
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "site": c.resent.site_id, "param": c.resent.param, "interval": c.resent.interval.code(),
                "time": local_time(&p, c.resent.time),
                "stored": value_json(&c.stored), "stored_journal_id": c.stored_journal_id,
                "resent": value_json(&c.resent), "resent_journal_id": c.journal_id,
            })
        })
        .collect();
    Ok(Json(json!({ "conflicts": items, "next_before": next })))
}

#[derive(Deserialize)]
struct RefusalQuery {
    from: Option<String>,
}

/// Refused frames counted (not journaled) per hour, source and verdict, from `from` (default: a day ago).
async fn refusals(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<RefusalQuery>, QueryRejection>,
) -> Result<Json<Json_>, ApiError> {
    who.require(Action::EvidenceRead, Target::CityWide)?;
    let q = query(q)?;
    let day_ago = Timestamp::now().as_second() - 86_400;
    let from = super::parse_time("from", q.from.as_deref(), day_ago)?;
    let counts = p.read(move |s| s.refusal_counts(from)).await?;
    let items: Vec<Json_> = counts
        .iter()
        .map(|c| json!({"hour": local_time(&p, c.hour), "source": c.source, "verdict": c.verdict.code(), "count": c.count}))
        .collect();
    Ok(Json(json!({ "refusals": items })))
}
