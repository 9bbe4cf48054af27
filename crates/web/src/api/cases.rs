//! Cases through the API: the list (cut to the caller's jurisdiction, with each case's clock), one case
//! with its history, an alarm escalated into a case, and every step of the lifecycle
//! (`POST /cases/{id}/{action}`; `platform::cases::act`: the transition, the next clock, the history and
//! the audit entry in one transaction).

use super::{AppState, check_range, local_time, parse_time, query};
use crate::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::cases::{ActInput, CaseAction, CaseState, Clock};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::Case;

/// Days one list of cases may cover.
const MAX_DAYS: i64 = 366;

/// The path of each action's route.
pub fn action_path(a: CaseAction) -> &'static str {
    match a {
        CaseAction::Accept => "/cases/{id}/accept",
        CaseAction::Decline => "/cases/{id}/decline",
        CaseAction::Assign => "/cases/{id}/assign",
        CaseAction::Feedback => "/cases/{id}/feedback",
        CaseAction::Verify => "/cases/{id}/verify",
        CaseAction::ProposePenalty => "/cases/{id}/propose_penalty",
        CaseAction::DecidePenalty => "/cases/{id}/decide_penalty",
        CaseAction::Close => "/cases/{id}/close",
        CaseAction::Reply => "/cases/{id}/reply",
        CaseAction::RequestReview => "/cases/{id}/request_review",
        CaseAction::AnswerReview => "/cases/{id}/answer_review",
        CaseAction::Reassign => "/cases/{id}/reassign",
        CaseAction::Comment => "/cases/{id}/comment",
        CaseAction::Merge => "/cases/{id}/merge",
    }
}

pub fn routes() -> Router<Arc<crate::App>> {
    let mut r = Router::new()
        .route(super::access::listed("/cases", &["GET"]), get(list))
        .route(super::access::listed("/cases/{id}", &["GET"]), get(one))
        .route(
            super::access::listed("/cases/{id}/evidence", &["GET"]),
            get(evidence),
        )
        .route(
            super::access::listed("/alarms/{id}/escalate", &["POST"]),
            post(escalate),
        );
    for action in CaseAction::ALL {
        r = r.route(
            super::access::listed(action_path(action), &["POST"]),
            post(
                move |p: AppState, who: Extension<Principal>, id: Path<String>, b: Bytes| {
                    act(p, who, id, action, b)
                },
            )
            .layer(DefaultBodyLimit::max(super::uploads::UPLOAD_BODY_BYTES)),
        );
    }
    r
}

pub(crate) fn case_json(p: &crate::App, c: &Case, clock: Clock) -> Value {
    json!({
        "id": c.id, "source": c.source, "source_ref": c.source_ref, "subject_kind": c.subject_kind,
        "subject_id": c.subject_id, "site": c.site_id, "enterprise": c.enterprise_id, "county": c.county,
        "title": c.title, "description": c.description, "state": c.state, "unit": c.unit,
        "assignee": c.assignee, "due": c.due, "clock": clock.code(), "accepted_on": c.accepted_on,
        "founded": c.founded, "penalty_number": c.penalty_number, "penalty_amount": c.penalty_amount,
        "penalty_measures": c.penalty_measures, "reason_code": c.reason_code, "merged_into": c.merged_into,
        "created_by": c.created_by, "created": local_time(p, c.created_at), "changed": local_time(p, c.changed_at),
    })
}

pub(crate) fn context(p: &crate::App) -> platform::cases::Context {
    platform::cases::Context {
        tz: p.tz.clone(),
        cases: p.settings.cases.clone(),
        alarms: p.settings.alarms.clone(),
        now: jiff::Timestamp::now().as_second(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    state: Option<String>,
    county: Option<String>,
    clock: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Cases created in the range (default the last 90 days), newest first, that the caller may read.
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
    let from = parse_time("from", f.from.as_deref(), to - 90 * 86_400)?;
    check_range(from, to, MAX_DAYS * 86_400, "case lists")?;
    if let Some(s) = f.state.as_deref()
        && s != "open"
        && CaseState::parse(s).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "state {s:?} is not open or one of {}",
            CaseState::ALL.map(CaseState::code).join(", ")
        )));
    }
    if let Some(c) = f.clock.as_deref()
        && !["overdue", "due_soon", "on_time", "none"].contains(&c)
    {
        return Err(ApiError::bad_request(format!(
            "clock {c:?} is not overdue, due_soon, on_time or none"
        )));
    }
    let filter = platform::cases::Filter {
        state: f.state,
        county: f.county,
        clock: f.clock,
        from,
        to,
    };
    let ctx = context(&p);
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let reader = who.clone();
    let found = p
        .read(move |s| platform::cases::list(s, &reader, &filter, today, &ctx.cases))
        .await?;
    let items: Vec<Value> = found.iter().map(|(c, k)| case_json(&p, c, *k)).collect();
    Ok(Json(json!({ "cases": items })))
}

fn case_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("case id {id:?} is not a positive integer")))
}

async fn one(
    State(p): State<Arc<crate::App>>,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let id = case_id(&id)?;
    let (c, events, files) = p
        .read_with(move |s| {
            Ok((
                platform::cases::case(s, id)?,
                s.case_events(id)?,
                s.attachments_of(&platform::cases::owner(id))?,
            ))
        })
        .await?;
    if !who.may(Action::DataRead, platform::cases::target(&c)) {
        return Err(ApiError::forbidden(format!(
            "case {id} is outside your jurisdiction or role"
        )));
    }
    let ctx = context(&p);
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let mut out = case_json(&p, &c, platform::cases::clock(&c, today, &ctx.cases));
    out["events"] = events
        .iter()
        .map(|e| {
            json!({"at": local_time(&p, e.at), "actor": e.actor, "action": e.action, "from": e.from_state,
                   "to": e.to_state, "comment": e.comment, "detail": e.detail})
        })
        .collect();
    out["attachments"] = files
        .iter()
        .map(|a| {
            json!({"digest": a.digest, "name": a.name, "media_type": a.media_type, "size": a.size,
                   "href": format!("/api/v1/cases/{id}/evidence?digest={}", a.digest)})
        })
        .collect();
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Digest {
    digest: String,
}

/// One file a case holds (downloaded, never inline).
async fn evidence(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    q: Result<Query<Digest>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let id = case_id(&id)?;
    let (c, files) = p
        .read_with(move |s| {
            Ok((
                platform::cases::case(s, id)?,
                s.attachments_of(&platform::cases::owner(id))?,
            ))
        })
        .await?;
    who.require(Action::DataRead, platform::cases::target(&c))?;
    let q = query(q)?;
    Ok(super::uploads::file_response(
        &p,
        &files,
        &q.digest,
        &format!("case {id}"),
    )?)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ActBody {
    #[serde(default)]
    attachments: Vec<super::uploads::JsonFile>,
    comment: Option<String>,
    reason_code: Option<String>,
    unit: Option<String>,
    assignee: Option<String>,
    due: Option<String>,
    founded: Option<bool>,
    number: Option<String>,
    amount: Option<f64>,
    measures: Option<String>,
    into: Option<i64>,
}

fn act_body(b: &Bytes) -> Result<ActBody, ApiError> {
    if b.iter().all(u8::is_ascii_whitespace) {
        return Ok(ActBody::default());
    }
    serde_json::from_slice(b).map_err(|e| ApiError::bad_request(format!("bad JSON body: {e}")))
}

/// `POST /cases/{id}/{action}` with what the action carries.
async fn act(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    action: CaseAction,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    let right = if action == CaseAction::Feedback {
        Action::CaseFeedback
    } else {
        Action::CasesHandle
    };
    who.require(right, Target::Any)?;
    let id = case_id(&id)?;
    let body = act_body(&b)?;
    // The case's jurisdiction before any file is kept: nobody else makes the server write to disk.
    let c = p.read_with(move |s| platform::cases::case(s, id)).await?;
    who.require(right, platform::cases::target(&c))?;
    let attachments = super::uploads::keep_files(&p, &super::uploads::decode(&body.attachments)?)?;
    let input = ActInput {
        comment: body.comment,
        reason_code: body.reason_code,
        unit: body.unit,
        assignee: body.assignee,
        due: body.due,
        founded: body.founded,
        number: body.number,
        amount: body.amount,
        measures: body.measures,
        into: body.into,
        attachments,
    };
    let ctx = context(&p);
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let settings = ctx.cases.clone();
    let c = p
        .write(move |s| platform::cases::act(s, &ctx, &who, id, action, &input))
        .await?;
    Ok(Json(case_json(
        &p,
        &c,
        platform::cases::clock(&c, today, &settings),
    )))
}

/// `POST /alarms/{id}/escalate`, body `{"comment": "..."}` (optional): a case opened from the alarm.
async fn escalate(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::CasesHandle, Target::Any)?;
    let id: i64 = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(format!("alarm id {id:?} is not a positive integer"))
    })?;
    let comment = act_body(&b)?.comment;
    let ctx = context(&p);
    let today = platform::figures::local_date(&ctx.tz, ctx.now);
    let settings = ctx.cases.clone();
    let c = p
        .write(move |s| platform::cases::escalate_alarm(s, &ctx, &who, id, comment.as_deref()))
        .await?;
    Ok(Json(case_json(
        &p,
        &c,
        platform::cases::clock(&c, today, &settings),
    )))
}
