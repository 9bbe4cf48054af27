//! The Qingshan application: the HJ 212 ingest gateway, rollups, completeness and the HTTP server.
//!
//! [`Platform`] holds what every part shares: settings, metrics, the time zone, the device registry, the
//! single [`ingest::Writer`] and a pool of read connections. [`serve`] runs the gateway and the HTTP
//! server until a shutdown signal.

pub mod completeness;
pub mod csv_out;
pub mod demo;
pub mod http;
pub mod import;
pub mod ingest;
pub mod metrics;
pub mod rollups;
pub mod settings;
pub mod web;

pub use settings::{Limits, PortalSettings, Settings};

use http::ApiError;
use jiff::tz::TimeZone;
use metrics::Metrics;
use std::sync::{Arc, Mutex};
use store::Store;

/// Why the platform could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Store(#[from] store::StoreError),
    #[error("unknown time zone {0:?}")]
    TimeZone(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

/// Read connections kept open for reuse.
const READER_POOL: usize = 8;

/// The running application's shared state.
pub struct Platform {
    pub settings: Settings,
    pub metrics: Arc<Metrics>,
    pub tz: TimeZone,
    pub registry: ingest::Registry,
    pub writer: ingest::Writer,
    /// The portal map's area layer, read from `settings.portal.map_geojson` when the platform opens.
    pub map_layer: Arc<web::svg::MapLayer>,
    readers: Mutex<Vec<Store>>,
}

impl Platform {
    /// Opens (creating and migrating) the database and starts the writer thread.
    pub fn open(settings: Settings) -> Result<Arc<Platform>, StartError> {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
        let tz = TimeZone::get(&settings.timezone)
            .map_err(|_| StartError::TimeZone(settings.timezone.clone()))?;
        let store = Store::open(&settings.database_path(), settings.durability)?;
        let registry = ingest::Registry::default();
        registry.refresh(&store)?;
        let map_layer = Arc::new(web::map_layer(settings.portal.map_geojson.as_deref()));
        let metrics = Arc::new(Metrics::default());
        let rollup_tz = tz.clone();
        let writer = ingest::Writer::start(
            store,
            metrics.clone(),
            settings.limits.max_write_batch,
            Box::new(move |store, deadline| {
                if let Err(e) = rollups::run_until(store, &rollup_tz, deadline) {
                    tracing::error!(error = %e, "rollup recomputation failed; will retry");
                }
            }),
        );
        Ok(Arc::new(Platform {
            settings,
            metrics,
            tz,
            registry,
            writer,
            map_layer,
            readers: Mutex::new(Vec::new()),
        }))
    }

    /// Runs `f` on a read connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> store::Result<T> + Send + 'static,
    {
        let pooled = self.readers.lock().map_err(ApiError::internal)?.pop();
        let store = match pooled {
            Some(s) => s,
            None => Store::open_reader(&self.settings.database_path())?,
        };
        let (store, result) = tokio::task::spawn_blocking(move || {
            let r = f(&store);
            (store, r)
        })
        .await
        .map_err(ApiError::internal)?;
        if let Ok(mut pool) = self.readers.lock()
            && pool.len() < READER_POOL
        {
            pool.push(store);
        }
        result.map_err(ApiError::from)
    }

    /// Runs `f` on a fresh write connection (registry changes; measurement writes go through the writer),
    /// then refreshes the device registry.
    pub async fn modify<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> store::Result<T> + Send + 'static,
    {
        let path = self.settings.database_path();
        let durability = self.settings.durability;
        let (result, refreshed) = tokio::task::spawn_blocking(move || -> store::Result<_> {
            let mut store = Store::open(&path, durability)?;
            let result = f(&mut store)?;
            Ok((result, store.devices()?))
        })
        .await
        .map_err(ApiError::internal)??;
        self.registry.replace(refreshed);
        Ok(result)
    }
}

/// Runs the HJ 212 gateway and the HTTP server until `shutdown` completes.
pub async fn serve(
    platform: Arc<Platform>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let listen = |addr: String| async move {
        tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|source| StartError::Listen { addr, source })
    };
    let hj212 = listen(platform.settings.hj212_listen.clone()).await?;
    let http = listen(platform.settings.http_listen.clone()).await?;
    tracing::info!(hj212 = %hj212.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        http = %http.local_addr().map(|a| a.to_string()).unwrap_or_default(), "listening");
    serve_on(platform, hj212, http, shutdown).await
}

/// Like [`serve`], on listeners already bound (tests bind port 0).
pub async fn serve_on(
    platform: Arc<Platform>,
    hj212: tokio::net::TcpListener,
    http: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let refresher = tokio::spawn(ingest::registry::keep_fresh(
        platform.clone(),
        stop_rx.clone(),
    ));
    let gateway = tokio::spawn(ingest::gateway::run(
        platform.clone(),
        hj212,
        stop_rx.clone(),
    ));
    let mut http_stop = stop_rx.clone();
    let app = http::router(platform.clone());
    let server = axum::serve(
        http,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = http_stop.wait_for(|s| *s).await;
    });
    if let Err(e) = server.await {
        tracing::error!(error = %e, "HTTP server stopped with an error");
    }
    let _ = gateway.await;
    refresher.abort();
    Ok(())
}
