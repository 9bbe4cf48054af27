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
pub mod auth;
pub mod client;
pub mod console;
pub mod error;
pub mod notify;
pub mod open311;
pub mod portal;
pub mod public;
pub mod rate;
pub mod server;
pub mod smtp;

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
    /// The reverse proxies whose `X-Forwarded-For` is believed (`http.trusted_proxies`).
    pub proxies: client::Proxies,
}

impl App {
    /// The web layer of `platform`.
    pub fn new(platform: Arc<Platform>) -> Arc<App> {
        let map_layer = Arc::new(portal::map_layer(
            platform.settings.portal.map_geojson.as_deref(),
        ));
        let proxies = client::Proxies::new(&platform.settings.http.trusted_proxies);
        Arc::new(App {
            platform,
            map_layer,
            proxies,
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
    // One limiter for everything anonymous: a client's page views and open-data requests count together.
    let limiter = Arc::new(rate::RateLimiter::new(rate::RateConfig::from_settings(
        &app.settings.portal,
    )));
    let limited = axum::middleware::from_fn_with_state(limiter, rate::limit);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .nest(
            "/api/v1",
            api::routes()
                .layer(axum::middleware::from_fn_with_state(
                    app.clone(),
                    auth::keep_record,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    app.clone(),
                    auth::identify,
                )),
        )
        .nest(
            "/api/v1/public",
            public::routes()
                .layer(limited.clone())
                .layer(axum::middleware::from_fn(public::open_to_every_page)),
        )
        .merge(
            // Identified first, so the public's rate limit spares people signed in.
            console::routes()
                .layer(axum::middleware::from_fn_with_state(
                    app.clone(),
                    auth::keep_record,
                ))
                .layer(limited.clone())
                .layer(axum::middleware::from_fn_with_state(
                    app.clone(),
                    auth::identify_console,
                )),
        )
        .merge(open311::routes().layer(limited.clone()))
        .merge(portal::routes().layer(limited))
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
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            server::frame_request,
        ))
        .with_state(app)
}

/// 200 when the database answers and the writer can write; 503 naming what is wrong (a failing writer,
/// a full disk, an unreachable database), with the age of the last commit and the free disk either way.
async fn healthz(axum::extract::State(p): axum::extract::State<Arc<App>>) -> Response {
    let report = p.health.report(jiff::Timestamp::now().as_millisecond());
    let mut problems = report.problems.clone();
    let schema_version = match p.read(|s| s.schema_version()).await {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(format!("the database does not answer: {e}"));
            None
        }
    };
    let ok = problems.is_empty();
    let body = json!({
        "status": if ok { "ok" } else { "unavailable" },
        "problems": problems,
        "schema_version": schema_version,
        "last_commit_age_s": report.last_commit_age_s,
        "free_disk_mb": report.free_disk_mb,
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

async fn metrics(axum::extract::State(p): axum::extract::State<Arc<App>>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        p.metrics.render() + &health_gauges(&p.health),
    )
        .into_response()
}

/// The health state as Prometheus gauges.
fn health_gauges(h: &platform::health::Health) -> String {
    let report = h.report(jiff::Timestamp::now().as_millisecond());
    let mut out = format!(
        "# HELP qingshan_healthy 1 when /healthz answers 200.\n# TYPE qingshan_healthy gauge\nqingshan_healthy {}\n\
         # HELP qingshan_disk_low 1 while free disk is below limits.min_free_disk_mb (writes refused).\n\
         # TYPE qingshan_disk_low gauge\nqingshan_disk_low {}\n",
        u8::from(report.ok),
        u8::from(h.disk_low())
    );
    if let Some(free) = h.free_disk() {
        out.push_str(&format!(
            "# HELP qingshan_disk_free_bytes Free bytes on the database's disk.\n# TYPE qingshan_disk_free_bytes gauge\nqingshan_disk_free_bytes {free}\n"
        ));
    }
    if let Some(age) = report.last_commit_age_s {
        out.push_str(&format!(
            "# HELP qingshan_last_commit_age_seconds Seconds since the writer last committed.\n# TYPE qingshan_last_commit_age_seconds gauge\nqingshan_last_commit_age_seconds {age}\n"
        ));
    }
    out
}
