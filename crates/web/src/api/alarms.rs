//! Alarms through the API: the list (cut to the caller's jurisdiction), one alarm with its notes, and a
//! person's acknowledge, resolve and close (`platform::alarms::act`: the lifecycle, a note and an audit
//! entry in one transaction).

use super::{AppState, check_range, local_time, parse_time, query};
use crate::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::alarms::{AlarmEvent, AlarmState};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::Alarm;

/// Days one alarm list may cover.
pub const MAX_DAYS: i64 = 366;

pub fn routes() -> Router<Arc<crate::App>> {
    let mut r = Router::new()
        .route(super::access::listed("/alarms", &["GET"]), get(list))
        .route(super::access::listed("/alarms/{id}", &["GET"]), get(one))
        .route(
            super::access::listed("/alarm-rules", &["GET", "POST"]),
            get(rules).post(new_rule),
        )
        .route(
            super::access::listed("/alarm-rules/{id}/disable", &["POST"]),
            post(disable_rule),
        );
    for (path, action) in [
        ("/alarms/{id}/ack", "ack"),
        ("/alarms/{id}/resolve", "resolve"),
        ("/alarms/{id}/close", "close"),
    ] {
        r = r.route(
            super::access::listed(path, &["POST"]),
            post(
                move |p: AppState, who: Extension<Principal>, id: Path<String>, b: Bytes| {
                    act(p, who, id, action, b)
                },
            ),
        );
    }
    r
}

fn alarm_json(p: &crate::App, a: &Alarm) -> Value {
    json!({
        "id": a.id, "kind": a.kind, "severity": a.severity, "site": a.site_id, "param": a.param,
        "opened": local_time(p, a.opened_at), "state": a.state, "level": a.level,
        "episode_start": local_time(p, a.episode_start), "episode_end": local_time(p, a.episode_end),
        "changed": local_time(p, a.changed_at), "determination_id": a.determination_id, "case_id": a.case_id,
        "mark_id": a.mark_id,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    state: Option<String>,
    kind: Option<String>,
    site: Option<String>,
    county: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Alarms opened in the range (default: the last 30 days), newest first, that the caller may read.
async fn list(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let f = query(q)?;
    let to = parse_time(
        "to",
        f.to.as_deref(),
        jiff::Timestamp::now().as_second() + 1,
    )?;
    let from = parse_time("from", f.from.as_deref(), to - 30 * 86_400)?;
    check_range(from, to, MAX_DAYS * 86_400, "alarm lists")?;
    if let Some(s) = f.state.as_deref()
        && AlarmState::parse(s).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "state {s:?} is not one of open, acknowledged, resolved, closed"
        )));
    }
    let filter = platform::alarms::Filter {
        state: f.state,
        kind: f.kind,
        site: f.site,
        county: f.county,
        from,
        to,
    };
    let reader = who.clone();
    let found = p
        .read(move |s| platform::alarms::list(s, &reader, &filter))
        .await?;
    let items: Vec<Value> = found.iter().map(|(a, _)| alarm_json(&p, a)).collect();
    Ok(Json(json!({ "alarms": items })))
}

fn alarm_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("alarm id {id:?} is not a positive integer")))
}

/// The alarm `id` when the caller may take `action` on its site; 404 or 403 otherwise.
async fn visible(
    p: &crate::App,
    who: &Principal,
    id: i64,
    action: Action,
) -> Result<Alarm, ApiError> {
    let alarm = p.read_with(move |s| platform::alarms::alarm(s, id)).await?;
    may_at(p, who, action, &alarm.site_id, &format!("alarm {id}")).await?;
    Ok(alarm)
}

/// Ok when the caller may take `action` at site `site_id`, where `what` is; a 403 naming both otherwise.
async fn may_at(
    p: &crate::App,
    who: &Principal,
    action: Action,
    site_id: &str,
    what: &str,
) -> Result<(), ApiError> {
    let id = site_id.to_string();
    let site = p.read(move |s| s.site(&id)).await?;
    if site.is_some_and(|s| who.may(action, Target::site(&s))) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "{what} is at site {site_id}, outside your jurisdiction or role"
        )))
    }
}

async fn one(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let id = alarm_id(&id)?;
    let alarm = visible(&p, &who, id, Action::DataRead).await?;
    let (notes, deliveries) = p
        .read(move |s| Ok((s.alarm_notes(id)?, s.deliveries_of(id)?)))
        .await?;
    let mut out = alarm_json(&p, &alarm);
    out["notes"] = notes
        .iter()
        .map(|n| json!({"at": local_time(&p, n.at), "actor": n.actor, "event": n.event, "comment": n.comment}))
        .collect();
    let at = |t: Option<i64>| t.map(|t| local_time(&p, t));
    out["deliveries"] = deliveries
        .iter()
        .map(|d| {
            json!({"id": d.id, "channel": d.channel, "event": d.event, "attempts": d.attempts,
                   "delivered_at": at(d.delivered_at), "next_attempt_at": at(d.next_attempt_at),
                   "last_error": d.last_error})
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActBody {
    comment: Option<String>,
}

/// `POST /alarms/{id}/ack|resolve|close`, with an optional body `{"comment": "..."}`.
async fn act(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    action: &'static str,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::AlarmsHandle, Target::Any)?;
    let id = alarm_id(&id)?;
    let event = AlarmEvent::by_person(action)
        .ok_or_else(|| ApiError::not_found(format!("no alarm action {action:?}")))?;
    visible(&p, &who, id, Action::AlarmsHandle).await?;
    let comment = if b.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<ActBody>(&b)
            .map_err(|e| ApiError::bad_request(format!("bad JSON body: {e}")))?
            .comment
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
    };
    let actor = who.actor();
    let now = jiff::Timestamp::now().as_second();
    let settings = p.settings.alarms.clone();
    let alarm = p
        .write(move |s| {
            platform::alarms::act(s, &settings, &actor, id, event, comment.as_deref(), now)
        })
        .await?;
    Ok(Json(alarm_json(&p, &alarm)))
}

fn rule_json(r: &store::AlarmRule) -> Value {
    json!({
        "id": r.id, "site": r.site_id, "param": r.param, "condition": r.condition, "value": r.value,
        "hours": r.hours, "severity": r.severity, "note": r.note, "created_by": r.created_by,
        "disabled": r.disabled, "describe": platform::alarms::rules::describe(r),
    })
}

/// The alarm rules of the sites the caller may read.
async fn rules(
    State(p): AppState,
    Extension(who): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (rules, sites) = p.read(|s| Ok((s.alarm_rules()?, s.sites()?))).await?;
    let items: Vec<Value> = rules
        .iter()
        .filter(|r| {
            sites
                .iter()
                .find(|s| s.id == r.site_id)
                .is_some_and(|s| who.may(Action::DataRead, Target::site(s)))
        })
        .map(rule_json)
        .collect();
    Ok(Json(json!({ "rules": items })))
}

/// A new rule for a site the caller may handle alarms of (audited; the site's last week is determined
/// again under it).
async fn new_rule(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    b: Result<Json<platform::alarms::rules::RuleInput>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::AlarmsHandle, Target::Any)?;
    let input = super::body(b)?;
    let site_id = input.site.clone();
    let site = p
        .read(move |s| s.site(&site_id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("site {:?} does not exist", input.site)))?;
    who.require(Action::AlarmsHandle, Target::site(&site))?;
    let (actor, tz, now) = (
        who.actor(),
        p.tz.clone(),
        jiff::Timestamp::now().as_second(),
    );
    let rule = p
        .write(move |s| {
            let rule = input.validate(s, &actor, now)?;
            platform::alarms::rules::save(s, &tz, &actor, &rule, now)
        })
        .await?;
    Ok(Json(rule_json(&rule)))
}

/// Disables a rule (kept for the alarms it raised; they close once the site is determined again).
async fn disable_rule(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::AlarmsHandle, Target::Any)?;
    let id: i64 = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(format!("rule id {id:?} is not a positive integer"))
    })?;
    let rule = p
        .read(move |s| s.alarm_rule(id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no alarm rule {id}")))?;
    may_at(
        &p,
        &who,
        Action::AlarmsHandle,
        &rule.site_id,
        &format!("alarm rule {id}"),
    )
    .await?;
    let (actor, tz, now) = (
        who.actor(),
        p.tz.clone(),
        jiff::Timestamp::now().as_second(),
    );
    let off = store::AlarmRule {
        disabled: true,
        ..rule
    };
    let rule = p
        .write(move |s| platform::alarms::rules::save(s, &tz, &actor, &off, now))
        .await?;
    Ok(Json(rule_json(&rule)))
}
