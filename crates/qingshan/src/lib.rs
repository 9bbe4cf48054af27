//! The composition root: wires the HJ 212 gateway (`platform::ingest`) and the HTTP application (`web`)
//! to one [`Platform`], and runs them until shutdown. The `qingshan` binary and the end-to-end tests both
//! start the platform through [`serve_on`], so the tests exercise exactly what the binary runs.

use platform::Platform;
use std::sync::Arc;

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// Binds the configured addresses and serves until `shutdown` completes.
pub async fn serve(
    platform: Arc<Platform>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ListenError> {
    let listen = |addr: String| async move {
        tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|source| ListenError::Bind { addr, source })
    };
    let hj212 = listen(platform.settings.hj212_listen.clone()).await?;
    let http = listen(platform.settings.http_listen.clone()).await?;
    tracing::info!(hj212 = %hj212.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        http = %http.local_addr().map(|a| a.to_string()).unwrap_or_default(), "listening");
    serve_on(platform, hj212, http, shutdown).await;
    Ok(())
}

/// Like [`serve`], on listeners already bound (tests bind port 0): the gateway, the device refresher and
/// the HTTP server, each stopping when `shutdown` completes.
pub async fn serve_on(
    platform: Arc<Platform>,
    hj212: tokio::net::TcpListener,
    http: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let refresher = tokio::spawn(platform.clone().keep_devices_fresh(stop_rx.clone()));
    let gateway = tokio::spawn(platform::ingest::gateway::run(
        platform.gateway(),
        hj212,
        stop_rx.clone(),
    ));
    let app = web::App::new(platform.clone());
    // Alarm notifications, when a webhook or an SMTP relay is set (the URL was checked with the settings).
    let alarms = &platform.settings.alarms;
    let webhook = alarms
        .webhook_url
        .as_deref()
        .and_then(|url| web::notify::target(url).ok());
    let notifier = (webhook.is_some() || alarms.smtp_relay.is_some())
        .then(|| tokio::spawn(web::notify::run(app.clone(), webhook, stop_rx.clone())));
    let router = web::router(app.clone());
    web::server::serve(http, app, router, stop_rx.clone()).await;
    let _ = gateway.await;
    if let Some(n) = notifier {
        let _ = n.await;
    }
    refresher.abort();
    if let Err(e) = platform.close().await {
        tracing::error!(error = %e, "closing the database");
    }
}
