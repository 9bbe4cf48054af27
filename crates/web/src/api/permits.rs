//! Emission permits through the API: list (cut to the caller's jurisdiction), one version, and a new or
//! changed version (validated by `platform::permits`, audited in its transaction).

use super::{AppState, body, query};
use crate::ApiError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use platform::accounts::{Action, Principal, Target};
use platform::permits::{self, PermitInput};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use store::Permit;

pub fn routes() -> Router<Arc<crate::App>> {
    Router::new()
        .route(
            super::access::listed("/permits", &["GET", "POST"]),
            get(list).post(put),
        )
        .route(super::access::listed("/permits/{id}", &["GET"]), get(one))
}

/// A permit as the API shows it: the shape it is posted in, with its id and whether it is in force today.
pub fn permit_json(p: &Permit, today: jiff::civil::Date) -> Value {
    let today = today.to_string();
    json!({
        "id": p.id, "number": p.number, "enterprise": p.enterprise_id, "authority": p.authority,
        "valid_from": p.valid_from, "valid_to": p.valid_to,
        "in_force": p.valid_from <= today && today <= p.valid_to,
        "outlet": p.outlets.iter().map(|o| json!({
            "site": o.site_id, "kind": o.kind,
            "limit": o.limits.iter().map(|l| json!({
                "param": l.param, "limit": l.limit, "unit": l.unit, "averaging": l.averaging,
                "reference_o2": l.reference_o2,
                "season_from": l.season.as_ref().map(|s| &s.0), "season_to": l.season.as_ref().map(|s| &s.1),
            })).collect::<Vec<_>>(),
            "annual": o.annual.iter().map(|a| json!({"param": a.param, "tonnes": a.tonnes})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    enterprise: Option<String>,
}

async fn list(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::RegistryRead, Target::Any)?;
    let q = query(q)?;
    let (permits, enterprises) = p.read(|s| Ok((s.permits()?, s.enterprises()?))).await?;
    let today = platform::figures::local_date(&p.tz, jiff::Timestamp::now().as_second());
    let visible: Vec<Value> = permits
        .iter()
        .filter(|permit| {
            q.enterprise
                .as_ref()
                .is_none_or(|e| *e == permit.enterprise_id)
        })
        .filter(|permit| {
            enterprises
                .iter()
                .find(|e| e.id == permit.enterprise_id)
                .is_some_and(|e| who.may(Action::RegistryRead, Target::enterprise(e)))
        })
        .map(|permit| permit_json(permit, today))
        .collect();
    Ok(Json(json!({ "permits": visible })))
}

async fn one(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::RegistryRead, Target::Any)?;
    let id: i64 = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::bad_request(format!("permit id {id:?} is not a positive integer"))
    })?;
    let (permit, enterprises) = p
        .read(move |s| Ok((s.permit(id)?, s.enterprises()?)))
        .await?;
    let permit = permit.ok_or_else(|| ApiError::not_found(format!("no permit {id}")))?;
    let enterprise = enterprises.iter().find(|e| e.id == permit.enterprise_id);
    if !enterprise.is_some_and(|e| who.may(Action::RegistryRead, Target::enterprise(e))) {
        return Err(ApiError::forbidden(format!(
            "permit {id} belongs to enterprise {}, outside your jurisdiction",
            permit.enterprise_id
        )));
    }
    Ok(Json(permit_json(
        &permit,
        platform::figures::local_date(&p.tz, jiff::Timestamp::now().as_second()),
    )))
}

async fn put(
    State(p): AppState,
    Extension(who): Extension<Principal>,
    b: Result<Json<PermitInput>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    who.require(Action::RegistryWrite, Target::Any)?;
    let input = body(b)?;
    let enterprise_id = input.enterprise.clone();
    let enterprises = p.read(|s| s.enterprises()).await?;
    let enterprise = enterprises
        .iter()
        .find(|e| e.id == enterprise_id)
        .ok_or_else(|| {
            ApiError::not_found(format!("enterprise {enterprise_id:?} does not exist"))
        })?;
    who.require(Action::RegistryWrite, Target::enterprise(enterprise))?;
    let actor = who.actor();
    let tz = p.tz.clone();
    let stored = p
        .write(move |s| {
            let permit = input.validate(s)?;
            let id = permits::import(s, &tz, &actor, std::slice::from_ref(&permit))?[0];
            Ok(s.permit(id)?)
        })
        .await?
        .ok_or_else(|| ApiError::internal("a stored permit could not be read back"))?;
    Ok(Json(permit_json(
        &stored,
        platform::figures::local_date(&p.tz, jiff::Timestamp::now().as_second()),
    )))
}
