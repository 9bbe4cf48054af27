//! Corrections through the API: staff correct a series' values over a period (evidence files inside the
//! JSON, base64), the list, one correction with its evidence, an evidence file, and withdrawing one. The
//! rules are `platform::series::corrections`'.

use super::uploads::{file_response, keep_files};
use super::{AppState, check_range, local_time, parse_time, query};
use crate::ApiError;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::series::corrections::{self, CorrectionInput};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::{Attachment, Correction};

/// Days one list of corrections may cover.
const MAX_DAYS: i64 = 366;

pub fn routes() -> Router<Arc<crate::App>> {
    Router::new()
        .route(
            super::access::listed("/corrections", &["GET", "POST"]),
            get(list)
                .post(make)
                .layer(DefaultBodyLimit::max(super::uploads::UPLOAD_BODY_BYTES)),
        )
        .route(
            super::access::listed("/corrections/{id}", &["GET"]),
            get(one),
        )
        .route(
            super::access::listed("/corrections/{id}/evidence", &["GET"]),
            get(evidence),
        )
        .route(
            super::access::listed("/corrections/{id}/withdraw", &["POST"]),
            post(withdraw),
        )
}

/// Where one correction is read.
pub fn href(id: i64) -> String {
    format!("/api/v1/corrections/{id}")
}

/// A correction as the API shows it (with its evidence files, when read).
pub fn correction_json(p: &crate::App, c: &Correction, evidence: &[Attachment]) -> Value {
    json!({
        "id": c.id, "href": href(c.id), "site": c.site_id, "param": c.param,
        "start": local_time(p, c.start), "end": local_time(p, c.end), "value": c.value, "reason": c.reason,
        "created_by": c.created_by, "created": local_time(p, c.created_at),
        "withdrawn_by": c.withdrawn_by, "withdrawn": c.withdrawn_at.map(|t| local_time(p, t)),
        "evidence": evidence.iter().map(|a| json!({
            "digest": a.digest, "name": a.name, "media_type": a.media_type, "size": a.size,
            "href": format!("{}/evidence?digest={}", href(c.id), a.digest),
        })).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    site: Option<String>,
    param: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// With `site`: its corrections whose period overlaps the range; without: those made in the range
/// (default: the last 30 days). Newest first, withdrawn ones too, cut to what the caller may read.
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
    check_range(from, to, MAX_DAYS * 86_400, "correction lists")?;
    let filter = corrections::Filter {
        site: f.site,
        param: f.param.map(super::factor_code).transpose()?,
        from,
        to,
    };
    let found = p.read(move |s| corrections::list(s, &who, &filter)).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|(c, _)| correction_json(&p, c, &[]))
        .collect();
    Ok(Json(json!({ "corrections": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionBody {
    site: String,
    param: String,
    start: String,
    end: String,
    value: f64,
    reason: String,
    #[serde(default)]
    evidence: Vec<super::uploads::JsonFile>,
}

/// A new correction by the caller (staff with `data.correct` on the site).
async fn make(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    body: axum::body::Body,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataCorrect, Target::Any)?;
    let body: CorrectionBody = super::uploads::read_json(body).await?;
    let time = |name: &str, t: &str| parse_time(name, Some(t), 0);
    let input = CorrectionInput {
        site: body.site,
        param: body.param,
        start: time("start", &body.start)?,
        end: time("end", &body.end)?,
        value: body.value,
        reason: body.reason,
    };
    // The permission on the site is checked before anything is written to disk.
    let site_id = input.site.clone();
    let site = p
        .read(move |s| s.site(&site_id))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("site {:?} does not exist", input.site)))?;
    who.require(Action::DataCorrect, Target::site(&site))?;
    let evidence = keep_files(&p, &super::uploads::decode(&body.evidence)?)?;
    let c = write_correction(&p, who, input, evidence.clone()).await?;
    Ok(Json(correction_json(&p, &c, &evidence)))
}

/// Corrects through `platform::series::corrections::correct`, then has the figure cache dropped once the
/// correction's hours are rolled up again.
pub async fn write_correction(
    p: &crate::App,
    who: Principal,
    input: CorrectionInput,
    evidence: Vec<Attachment>,
) -> Result<Correction, platform::Error> {
    let c = p
        .write(move |s| {
            corrections::correct(
                s,
                &who,
                &input,
                &evidence,
                jiff::Timestamp::now().as_second(),
            )
        })
        .await?;
    p.figures.clear_after_rollups();
    Ok(c)
}

/// Withdraws through `platform::series::corrections::withdraw` (and the figure cache, as above).
pub async fn write_withdrawal(
    p: &crate::App,
    who: Principal,
    id: i64,
) -> Result<Correction, platform::Error> {
    let c = p
        .write(move |s| corrections::withdraw(s, &who, id, jiff::Timestamp::now().as_second()))
        .await?;
    p.figures.clear_after_rollups();
    Ok(c)
}

fn correction_id(id: &str) -> Result<i64, ApiError> {
    id.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(format!("correction id {id:?} is not a positive integer"))
    })
}

/// The correction `id` and its evidence when the caller may read its site; 404 or 403 otherwise.
async fn readable(
    p: &crate::App,
    who: &Principal,
    id: i64,
) -> Result<(Correction, Vec<Attachment>), ApiError> {
    let (c, site, evidence) = p
        .read_with(move |s| {
            let c = corrections::correction(s, id)?;
            let site = s.site(&c.site_id)?;
            let evidence = s.attachments_of(&corrections::owner(id))?;
            Ok((c, site, evidence))
        })
        .await?;
    if site.is_some_and(|s| who.may(Action::DataRead, Target::site(&s))) {
        Ok((c, evidence))
    } else {
        Err(ApiError::forbidden(format!(
            "correction {id} is at site {}, outside your jurisdiction or role",
            c.site_id
        )))
    }
}

async fn one(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (c, evidence) = readable(&p, &who, correction_id(&id)?).await?;
    Ok(Json(correction_json(&p, &c, &evidence)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceQuery {
    digest: Option<String>,
}

/// One evidence file of a correction (`?digest=`), for whoever may read the correction.
async fn evidence(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
    q: Result<Query<EvidenceQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    who.require(Action::DataRead, Target::Any)?;
    let (_, files) = readable(&p, &who, correction_id(&id)?).await?;
    let digest = query(q)?.digest.ok_or_else(|| {
        ApiError::bad_request("digest is required (from the correction's evidence list)")
    })?;
    Ok(file_response(
        &p,
        &files,
        &digest,
        &format!("correction {id}"),
    )?)
}

/// `POST /corrections/{id}/withdraw`: the correction is kept and no longer applies.
async fn withdraw(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::DataCorrect, Target::Any)?;
    let id = correction_id(&id)?;
    let c = write_withdrawal(&p, who, id).await?;
    let evidence = p
        .read(move |s| s.attachments_of(&corrections::owner(id)))
        .await?;
    Ok(Json(correction_json(&p, &c, &evidence)))
}
