//! Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): civic reporting apps file 12369
//! complaints here and follow them. JSON only. A request's id and its token are both its tracking code
//! (the request exists as soon as it is accepted, so there is nothing to wait for). Nothing personal is
//! ever answered: a request shows its category, place, state and dates, not its description or reporter.

use crate::App;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use platform::complaints::{CATEGORIES, ComplaintInput, Contact};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/open311/v2/services.json", get(services))
        .route("/open311/v2/requests.json", post(create))
        .route("/open311/v2/requests/{file}", get(request))
        .route("/open311/v2/tokens/{file}", get(token))
}

/// An error as GeoReport v2 writes one: `[{code, description}]`.
fn error(status: StatusCode, description: impl Into<String>) -> Response {
    (
        status,
        Json(json!([{"code": status.as_u16(), "description": description.into()}])),
    )
        .into_response()
}

async fn services() -> Json<Value> {
    Json(Value::Array(
        CATEGORIES
            .iter()
            .map(|(code, zh, en)| {
                json!({"service_code": code, "service_name": zh, "description": en, "metadata": false,
                       "type": "realtime", "keywords": "12369", "group": "environment"})
            })
            .collect(),
    ))
}

fn text(f: &HashMap<String, String>, k: &str) -> Option<String> {
    f.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `POST /requests.json` (form-encoded, as the standard has it): `service_code`, `lat` and `long` and/or
/// `address_string`, `description`, optionally `first_name`, `last_name`, `phone`, `email`.
async fn create(
    State(p): State<Arc<App>>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        return error(
            StatusCode::BAD_REQUEST,
            "the body is not application/x-www-form-urlencoded",
        );
    };
    let number = |k: &str| -> Result<Option<f64>, String> {
        match text(&f, k) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("{k} {v:?} is not a number")),
        }
    };
    let (lat, lon) = match (number("lat"), number("long")) {
        (Ok(lat), Ok(lon)) => (lat, lon),
        (Err(e), _) | (_, Err(e)) => return error(StatusCode::BAD_REQUEST, e),
    };
    let name = match (text(&f, "first_name"), text(&f, "last_name")) {
        (None, None) => None,
        (a, b) => Some(format!(
            "{}{}",
            b.unwrap_or_default(),
            a.unwrap_or_default()
        )),
    };
    let input = ComplaintInput {
        category: text(&f, "service_code").unwrap_or_default(),
        address: text(&f, "address_string"),
        lon,
        lat,
        description: text(&f, "description").unwrap_or_default(),
        contact: Contact {
            name,
            phone: text(&f, "phone"),
            email: text(&f, "email"),
        },
        reach: None,
    };
    match crate::portal::complaints::file(&p, "open311", input, Vec::new()).await {
        Ok(r) => Json(json!([{"service_request_id": r.tracking_code, "token": r.tracking_code,
            "service_notice": "received; follow it at /complaints/track?code=<service_request_id>"}]))
        .into_response(),
        Err(e @ platform::Error::Invalid(_)) => error(StatusCode::BAD_REQUEST, e.to_string()),
        Err(e) => {
            tracing::error!(error = %e, "an Open311 request could not be filed");
            error(StatusCode::INTERNAL_SERVER_ERROR, "the request could not be filed")
        }
    }
}

/// The id in `{id}.json`.
fn json_name(file: &str) -> Option<&str> {
    file.strip_suffix(".json").filter(|id| !id.is_empty())
}

async fn request(State(p): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let Some(code) = json_name(&file).map(str::to_string) else {
        return error(
            StatusCode::NOT_FOUND,
            "requests are read as /requests/{id}.json",
        );
    };
    let found = p
        .read(move |s| {
            let Some(progress) = platform::complaints::progress(s, &code)? else {
                return Ok(None);
            };
            let complaint = s.complaint_by_code(&progress.tracking_code)?;
            Ok(Some((progress, complaint)))
        })
        .await;
    match found {
        Ok(Some((progress, Some(c)))) => {
            let open = platform::cases::CaseState::parse(&progress.state)
                .is_some_and(platform::cases::CaseState::open);
            let updated = progress.steps.last().map_or(progress.received, |s| s.at);
            let name = CATEGORIES
                .iter()
                .find(|k| k.0 == c.category)
                .map_or("其他", |k| k.1);
            Json(json!([{
                "service_request_id": progress.tracking_code, "status": if open { "open" } else { "closed" },
                "status_notes": progress.steps.last().map(|s| s.step), "service_name": name,
                "service_code": c.category, "requested_datetime": crate::api::local_time(&p, progress.received),
                "updated_datetime": crate::api::local_time(&p, updated), "address": c.address,
                "lat": c.lat, "long": c.lon,
            }]))
            .into_response()
        }
        Ok(_) => error(StatusCode::NOT_FOUND, "no request has this id"),
        Err(e) => {
            tracing::error!(error = %e, "an Open311 request could not be read");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the request could not be read",
            )
        }
    }
}

async fn token(State(p): State<Arc<App>>, Path(file): Path<String>) -> Response {
    let Some(code) = json_name(&file).map(str::to_string) else {
        return error(
            StatusCode::NOT_FOUND,
            "tokens are read as /tokens/{token}.json",
        );
    };
    let lookup = code.clone();
    match p
        .read(move |s| s.complaint_by_code(&lookup.to_ascii_uppercase()))
        .await
    {
        Ok(Some(c)) => {
            Json(json!([{"service_request_id": c.tracking_code, "token": code}])).into_response()
        }
        Ok(None) => error(StatusCode::NOT_FOUND, "no request has this token"),
        Err(e) => {
            tracing::error!(error = %e, "an Open311 token could not be read");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the token could not be read",
            )
        }
    }
}
