//! Qingshan over HTTP: the JSON API (`/api/v1/`), the open-data API (`/api/v1/public/`), the public
//! portal (`/`), `/healthz` and `/metrics`.
//!
//! This crate holds no business rule: every figure, validation and change is an operation of
//! `platform`; here requests are parsed, the operation is called, and its answer or [`platform::Error`]
//! is shown as JSON ([`ApiError`]) or an HTML page (`portal`).
//!
//! - [`api`]: the staff JSON API and its OpenAPI document;
//! - [`public`]: the anonymous, rate-limited open-data API;
//! - [`portal`]: server-rendered pages in Chinese and English, with SVG charts and maps;
//! - [`error`]: how a core error becomes an HTTP answer.

pub mod api;
pub mod error;
pub mod portal;
pub mod public;

pub use error::ApiError;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use platform::Platform;
use serde_json::json;
use std::sync::Arc;

/// What every handler shares: the platform and what the web layer keeps of its own.
pub struct App {
    pub platform: Arc<Platform>,
    /// The portal map's area layer, read from `settings.portal.map_geojson` once, when the app is built.
    pub map_layer: Arc<portal::svg::MapLayer>,
}

impl App {
    /// The web layer of `platform`.
    pub fn new(platform: Arc<Platform>) -> Arc<App> {
        let map_layer = Arc::new(portal::map_layer(
            platform.settings.portal.map_geojson.as_deref(),
        ));
        Arc::new(App {
            platform,
            map_layer,
        })
    }
}

impl std::ops::Deref for App {
    type Target = Platform;
    fn deref(&self) -> &Platform {
        &self.platform
    }
}

/// The whole HTTP application.
pub fn router(app: Arc<App>) -> Router {
    let body_limit = app.settings.limits.http_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .nest("/api/v1", api::routes())
        .nest("/api/v1/public", public::routes(&app.settings.portal))
        .merge(portal::routes())
        .fallback(
            |uri: axum::http::Uri,
             q: axum::extract::Query<std::collections::HashMap<String, String>>| async move {
                if uri.path().starts_with("/api") {
                    ApiError::not_found("no such page or endpoint").into_response()
                } else {
                    portal::not_found(q).await
                }
            },
        )
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(app)
}

async fn healthz(axum::extract::State(p): axum::extract::State<Arc<App>>) -> Response {
    match p.read(|s| s.schema_version()).await {
        Ok(v) => axum::Json(json!({"status": "ok", "schema_version": v})).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "unavailable", "error": e.to_string()})),
        )
            .into_response(),
    }
}

async fn metrics(axum::extract::State(p): axum::extract::State<Arc<App>>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        p.metrics.render(),
    )
        .into_response()
}
