//! The HTTP server loop: axum's router on hyper's HTTP/1 connections, with what `axum::serve` lacks for
//! a server on the internet: a cut for clients that dribble their headers (`http.header_timeout_s`), a
//! cap on open connections (`http.max_connections`), a deadline per request (`http.request_timeout_s`,
//! answered 503), a request id on every answer (`X-Request-Id`, also in JSON error bodies and the log),
//! and the client's address worked out once (see [`crate::client`]).

use crate::App;
use crate::client::Client;
use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

tokio::task_local! {
    /// The id of the request being answered (for error bodies and log lines).
    pub static REQUEST_ID: String;
}

/// The id of the request being answered, when there is one.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(|id| id.clone()).ok()
}

/// How long open connections get to finish when the server stops.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `stop` turns true, then lets open connections finish (at most
/// [`DRAIN`]).
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    router: Router,
    mut stop: watch::Receiver<bool>,
) {
    let http = app.settings.http.clone();
    let slots = Arc::new(Semaphore::new(http.max_connections.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "HTTP accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            app.metrics.http_connections_refused.fetch_add(1, Relaxed);
            drop(stream);
            continue;
        };
        let router = router.clone();
        let mut stop = stop.clone();
        let header_timeout = http.header_timeout;
        tasks.spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                let mut router = router.clone();
                async move { tower_service::Service::call(&mut router, req).await }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(DRAIN, conn).await;
                }
            }
            drop(permit);
        });
    }
    let _ = tokio::time::timeout(DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
}

/// Completes when the stop flag turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Gives the request an id, works out its client, and holds it to the request deadline.
pub async fn frame_request(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Response {
    let id = format!(
        "{:x}-{:x}",
        jiff::Timestamp::now().as_millisecond(),
        NEXT_ID.fetch_add(1, Relaxed)
    );
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
    let client = Client::of(peer, req.headers(), &app.proxies);
    req.extensions_mut().insert(client);
    let deadline = app.settings.http.request_timeout;
    let mut response = REQUEST_ID
        .scope(id.clone(), async move {
            match tokio::time::timeout(deadline, next.run(req)).await {
                Ok(r) => r,
                Err(_) => crate::ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    message: format!("the request took longer than {} s", deadline.as_secs()),
                }
                .into_response(),
            }
        })
        .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}
