//! Marks through the API: an enterprise user marks a period of an outlet's data (evidence files inside
//! the JSON, base64), staff accept or reject, the enterprise withdraws; the list and one mark with its
//! evidence, and an evidence file itself. The rules are `platform::marks`'.

use super::uploads::{UPLOAD_BODY_BYTES, file_response, keep_files};
use super::{AppState, check_range, local_time, parse_time, query};
use crate::ApiError;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::supervision::marking::{MarkEvent, MarkState};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::{Attachment, Mark};

/// Days one list of marks may cover.
const MAX_DAYS: i64 = 366;

pub fn routes() -> Router<Arc<crate::App>> {
    let mut r = Router::new()
        .route(
            super::access::listed("/marks", &["GET", "POST"]),
            get(list)
                .post(submit)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES)),
        )
        .route(super::access::listed("/marks/{id}", &["GET"]), get(one))
        .route(
            super::access::listed("/marks/{id}/evidence", &["GET"]),
            get(evidence),
        );
    for event in MarkEvent::ALL {
        let path: &'static str = match event {
            MarkEvent::Accept => "/marks/{id}/accept",
            MarkEvent::Reject => "/marks/{id}/reject",
            MarkEvent::Withdraw => "/marks/{id}/withdraw",
        };
        r = r.route(
            super::access::listed(path, &["POST"]),
            post(
                move |p: AppState, who: Extension<Principal>, id: Path<String>, b: Bytes| {
                    review(p, who, id, event, b)
                },
            ),
        );
    }
    r
}

/// A mark as the API shows it (with its evidence files, when read).
pub fn mark_json(p: &crate::App, m: &Mark, evidence: &[Attachment]) -> Value {
    json!({
        "id": m.id, "site": m.site_id, "param": m.param, "category": m.category,
        "start": local_time(p, m.start), "end": local_time(p, m.end), "reason": m.reason, "value": m.value,
        "state": m.state, "late": m.late, "created_by": m.created_by, "created": local_time(p, m.created_at),
        "reviewed_by": m.reviewed_by, "reviewed": m.reviewed_at.map(|t| local_time(p, t)),
        "review_comment": m.review_comment,
        "evidence": evidence.iter().map(|a| json!({
            "digest": a.digest, "name": a.name, "media_type": a.media_type, "size": a.size,
            "href": format!("/api/v1/marks/{}/evidence?digest={}", m.id, a.digest),
        })).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    state: Option<String>,
    site: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Marks made in the range (default: the last 30 days), newest first, that the caller may read.
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
    check_range(from, to, MAX_DAYS * 86_400, "mark lists")?;
    if let Some(s) = f.state.as_deref()
        && MarkState::parse(s).is_none()
    {
        return Err(ApiError::bad_request(format!(
            "state {s:?} is not one of {}",
            MarkState::ALL.map(MarkState::code).join(", ")
        )));
    }
    let filter = platform::marks::Filter {
        state: f.state,
        site: f.site,
        from,
        to,
    };
    let reader = who.clone();
    let found = p
        .read(move |s| platform::marks::list(s, &reader, &filter))
        .await?;
    let items: Vec<Value> = found.iter().map(|(m, _)| mark_json(&p, m, &[])).collect();
    Ok(Json(json!({ "marks": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkBody {
    site: String,
    param: Option<String>,
    category: String,
    start: String,
    end: String,
    reason: String,
    value: Option<f64>,
    #[serde(default)]
    evidence: Vec<super::uploads::JsonFile>,
}

/// A new mark by the caller (an enterprise user of the outlet's enterprise).
async fn submit(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    body: axum::body::Body,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataMark, Target::Any)?;
    let body: MarkBody = super::uploads::read_json(body).await?;
    let time = |name: &str, t: &str| parse_time(name, Some(t), 0);
    let input = platform::marks::MarkInput {
        site: body.site,
        param: body.param,
        category: body.category,
        start: time("start", &body.start)?,
        end: time("end", &body.end)?,
        reason: body.reason,
        value: body.value,
    };
    // The permission on the site is checked before anything is written to disk.
    let site_id = input.site.clone();
    let site = p
        .read(move |s| s.site(&site_id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("site {:?} does not exist", input.site)))?;
    who.require(Action::DataMark, Target::site(&site))?;
    let evidence = keep_files(&p, &super::uploads::decode(&body.evidence)?)?;
    let m = write_mark(&p, who, input, evidence.clone()).await?;
    Ok(Json(mark_json(&p, &m, &evidence)))
}

/// Submits through `platform::marks::submit` on the writer.
pub async fn write_mark(
    p: &crate::App,
    who: Principal,
    input: platform::marks::MarkInput,
    evidence: Vec<Attachment>,
) -> Result<Mark, platform::Error> {
    let ctx = context(p);
    p.write(move |s| platform::marks::submit(s, &ctx, &who, &input, &evidence))
        .await
}

/// The platform's settings marks are judged by, and the time now.
fn context(p: &crate::App) -> platform::marks::Context {
    platform::marks::Context {
        tz: p.tz.clone(),
        marks: p.settings.marks.clone(),
        alarms: p.settings.alarms.clone(),
        now: jiff::Timestamp::now().as_second(),
    }
}

fn mark_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::bad_request(format!("mark id {id:?} is not a positive integer")))
}

/// The mark `id` and its evidence when the caller may read its site; 404 or 403 otherwise.
async fn readable(
    p: &crate::App,
    who: &Principal,
    id: i64,
) -> Result<(Mark, Vec<Attachment>), ApiError> {
    let (m, site, evidence) = p
        .read_with(move |s| {
            let m = platform::marks::mark(s, id)?;
            let site = s.site(&m.site_id)?;
            let evidence = s.attachments_of(&format!("mark:{id}"))?;
            Ok((m, site, evidence))
        })
        .await?;
    if site.is_some_and(|s| who.may(Action::DataRead, Target::site(&s))) {
        Ok((m, evidence))
    } else {
        Err(ApiError::forbidden(format!(
            "mark {id} is at site {}, outside your jurisdiction or role",
            m.site_id
        )))
    }
}

async fn one(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (m, evidence) = readable(&p, &who, mark_id(&id)?).await?;
    Ok(Json(mark_json(&p, &m, &evidence)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceQuery {
    digest: Option<String>,
}

/// One evidence file of a mark, as kept (`?digest=`), for whoever may read the mark.
async fn evidence(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    q: Result<Query<EvidenceQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (_, files) = readable(&p, &who, mark_id(&id)?).await?;
    let digest = query(q)?.digest.ok_or_else(|| {
        ApiError::bad_request("digest is required (from the mark's evidence list)")
    })?;
    Ok(file_response(&p, &files, &digest, &format!("mark {id}"))?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewBody {
    comment: Option<String>,
}

/// `POST /marks/{id}/accept|reject|withdraw`, body `{"comment": "..."}` (required to reject).
async fn review(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    event: MarkEvent,
    b: Bytes,
) -> Result<Json<Value>, ApiError> {
    let action = match event {
        MarkEvent::Withdraw => Action::DataMark,
        MarkEvent::Accept | MarkEvent::Reject => Action::MarksReview,
    };
    who.require(action, Target::Any)?;
    let id = mark_id(&id)?;
    let comment = if b.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<ReviewBody>(&b)
            .map_err(|e| ApiError::bad_request(format!("bad JSON body: {e}")))?
            .comment
    };
    let m = write_review(&p, who, id, event, comment).await?;
    let evidence = p
        .read(move |s| s.attachments_of(&format!("mark:{id}")))
        .await?;
    Ok(Json(mark_json(&p, &m, &evidence)))
}

/// Reviews through `platform::marks::review` on the writer.
pub async fn write_review(
    p: &crate::App,
    who: Principal,
    id: i64,
    event: MarkEvent,
    comment: Option<String>,
) -> Result<Mark, platform::Error> {
    let ctx = context(p);
    p.write(move |s| platform::marks::review(s, &ctx, &who, id, event, comment.as_deref()))
        .await
}
