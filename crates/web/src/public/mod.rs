//! The open data API under `/api/v1/public/`: stations, latest values, hourly and daily series, AQI, water
//! classes and the quarterly drinking-water bulletin, as JSON or CSV (`?format=csv`), paged
//! (`page`, `per_page`), and rate limited per client address with the IETF `RateLimit-*` headers (also on
//! the 429, which adds `Retry-After`).
//!
//! Every figure comes from `platform::figures`, i.e. from the standards engine, as on the portal's pages.
//!
//! - [`tables`]: the one table shape every endpoint answers, as JSON or CSV, paged;
//! - [`stations`], [`series`], [`aqi`], [`water`]: the endpoints.

mod aqi;
mod series;
mod stations;
mod tables;
pub use tables::MAX_PAGE;
mod water;

use crate::ApiError;
use crate::App;
use aqi::{city_aqi, station_aqi};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use platform::figures::{self as data, AIR_PARAMS};
use serde_json::{Map, Value, json};
use series::series;
use stations::{aqi_json, latest, no_data_json, stations};
use std::collections::HashMap;
use std::sync::Arc;
use store::{Period, SiteKind};
use tables::{Table, paged};
use water::{bulletin, water_classes};

type Q = Query<HashMap<String, String>>;
type AppState = State<Arc<App>>;

/// Rows per page when `per_page` is not given, and the most a page may hold.
pub const DEFAULT_PER_PAGE: usize = 100;
pub const MAX_PER_PAGE: usize = 5000;
/// The longest time range one request may cover.
pub const MAX_RANGE_S: i64 = 366 * 86400;

/// The open data API's routes (rate limited with the portal's pages, see `crate::router`).
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/stations", get(stations))
        .route("/stations/{site}/latest", get(latest))
        .route(
            "/stations/{site}/hourly",
            get(|s, p, q| series(s, p, q, Period::Hour)),
        )
        .route(
            "/stations/{site}/daily",
            get(|s, p, q| series(s, p, q, Period::Day)),
        )
        .route("/stations/{site}/aqi", get(station_aqi))
        .route("/aqi", get(city_aqi))
        .route("/water/classes", get(water_classes))
        .route("/bulletins/drinking-water", get(bulletin))
}

/// Open data: any web page may read it (GET only, no credentials), and see the paging and rate headers.
/// Outside the rate limit, so a 429 carries them too.
pub async fn open_to_every_page(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    resp.headers_mut().insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(
            "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, X-Total-Count, Link",
        ),
    );
    resp
}

// ---------------------------------------------------------------------------------------------------------
// Tables answered as JSON or CSV, paged.

fn time_param(q: &HashMap<String, String>, name: &str, default: i64) -> Result<i64, ApiError> {
    match q.get(name) {
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

fn range(q: &HashMap<String, String>, default_span: i64) -> Result<(i64, i64), ApiError> {
    let to = time_param(q, "to", Timestamp::now().as_second())?;
    let from = time_param(q, "from", to - default_span)?;
    if from >= to {
        return Err(ApiError::bad_request("from must be before to"));
    }
    if to - from > MAX_RANGE_S {
        return Err(ApiError::bad_request(
            "the range may cover at most 366 days; page through longer spans",
        ));
    }
    Ok((from, to))
}

fn t(p: &App, unix: i64) -> Value {
    Value::String(super::api::local_time(p, unix))
}

fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn dec(v: standards::Decimal) -> Value {
    num(v.to_f64())
}

fn text(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints.

/// The HJ 212 codes a site of this kind measures (for device values without a rollup).
fn kind_params(kind: SiteKind) -> Vec<String> {
    let codes: Vec<&str> = match kind {
        SiteKind::AirStation => AIR_PARAMS.iter().map(|(c, _)| *c).collect(),
        SiteKind::WaterSection | SiteKind::DrinkingWaterSource => {
            let mut c: Vec<&str> = data::water_params().iter().map(|(c, _)| *c).collect();
            c.push(data::FLOW_PARAM);
            c
        }
        SiteKind::FlueGasOutlet => data::FLUE_PARAMS.iter().map(|p| p.code).collect(),
        SiteKind::WastewaterOutlet => data::WASTEWATER_PARAMS.iter().map(|p| p.code).collect(),
        _ => Vec::new(),
    };
    codes.into_iter().map(String::from).collect()
}
