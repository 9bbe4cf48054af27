//! The HTTP server: health, metrics and the JSON API (`api`), with its OpenAPI document (`openapi`).

mod api;
mod openapi;
pub mod public;

use crate::Platform;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use std::sync::Arc;

/// An error answered as JSON: `{"error": {"status": 400, "message": "..."}}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %message, "internal error answering an HTTP request");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error: {message}"),
        }
    }
}

impl From<store::StoreError> for ApiError {
    fn from(e: store::StoreError) -> ApiError {
        match e {
            store::StoreError::NotFound(m) => ApiError::bad_request(m),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": {"status": self.status.as_u16(), "message": self.message}});
        (self.status, axum::Json(body)).into_response()
    }
}

/// The whole HTTP application.
pub fn router(platform: Arc<Platform>) -> Router {
    let body_limit = platform.settings.limits.http_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .nest("/api/v1", api::routes())
        .nest("/api/v1/public", public::routes(&platform.settings.portal))
        .merge(crate::web::routes())
        .fallback(
            |uri: axum::http::Uri,
             q: axum::extract::Query<std::collections::HashMap<String, String>>| async move {
                if uri.path().starts_with("/api") {
                    ApiError::not_found("no such page or endpoint").into_response()
                } else {
                    crate::web::not_found(q).await
                }
            },
        )
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(platform)
}

async fn healthz(axum::extract::State(p): axum::extract::State<Arc<Platform>>) -> Response {
    match p.read(|s| s.schema_version()).await {
        Ok(v) => axum::Json(json!({"status": "ok", "schema_version": v})).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "unavailable", "error": e.message})),
        )
            .into_response(),
    }
}

async fn metrics(axum::extract::State(p): axum::extract::State<Arc<Platform>>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        p.metrics.render(),
    )
        .into_response()
}
