//! The Qingshan application: one module per capability, no HTTP and no HTML.
//!
//! - [`ingest`]: HJ 212 frames from data loggers to committed journal entries and values (gateway,
//!   admission, the single writer, the cache of admitted devices);
//! - [`series`]: what is derived from the stored values: hourly and daily rollups, completeness;
//! - [`registry`]: counties, water bodies, enterprises, sites and devices, and the one operation per
//!   change, with its audit entry in the same transaction;
//! - [`figures`]: the read model the portal, the open data API and reports share (current air and water,
//!   the drinking-water bulletin, key emitters), computed by `standards` from stored rollups;
//! - [`demo`]: the demo city's registry.
//!
//! [`Platform`] is the running application's state, shared by the gateway and the web layer (the `web`
//! crate), which the binary wires together. Operations fail with one [`Error`]; `web` decides how each
//! kind is shown.

pub mod accounts;
pub mod alarms;
pub mod attachments;
pub mod cases;
pub mod complaints;
pub mod csv_out;
pub mod demo;
pub mod determinations;
pub mod error;
pub mod figures;
pub mod health;
pub mod ingest;
pub mod marks;
pub mod metrics;
pub mod permits;
pub mod registry;
pub mod rivers;
pub mod series;
pub mod settings;
pub mod supervision;
pub mod targets;

pub use error::{Error, Result};
pub use settings::{HttpSettings, Limits, PortalSettings, Settings};

use health::Health;
use jiff::tz::TimeZone;
use metrics::Metrics;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::{Database, Store};

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
    #[error(transparent)]
    DeviceKey(#[from] registry::secret::KeyError),
    #[error("{0}")]
    PersonalKey(#[from] complaints::sealed::SealError),
    #[error("cannot seal the stored device passwords: {0}")]
    Seal(Error),
}

/// Read connections kept open for reuse.
const READER_POOL: usize = 8;

/// How often the admitted-device cache is reloaded from the database, so a device registered from the
/// command line (`qingshan device add`) while the server runs is admitted shortly after.
pub const DEVICE_REFRESH: Duration = Duration::from_secs(3);

/// The running application's shared state.
pub struct Platform {
    pub settings: Settings,
    pub metrics: Arc<Metrics>,
    pub tz: TimeZone,
    /// The devices the gateway admits.
    pub devices: Arc<ingest::Devices>,
    /// The key device passwords are sealed with (`device_key_file`).
    pub device_key: registry::DeviceKey,
    /// The keys reporters' personal data is sealed with (`complaints.key_file`).
    pub personal_keys: complaints::sealed::PersonalKeys,
    /// The counties' areas complaints are routed by (`portal.map_geojson`, or the demo's layer).
    pub county_layer: registry::areas::CountyLayer,
    /// What hostile HJ 212 clients have done lately (per source and MN).
    pub guard: Arc<ingest::guard::Guard>,
    /// The writer's last commit and failure, and the disk's free space (`/healthz`).
    pub health: Arc<Health>,
    pub writer: ingest::Writer,
    /// What people signed in asked for (written by a thread of its own).
    pub access_log: Arc<accounts::access_log::AccessLog>,
    /// Costly figures, per platform (see [`figures::Cache`]).
    pub figures: Arc<figures::Cache>,
    db: Arc<dyn Database>,
    readers: Mutex<Vec<Store>>,
}

/// Opens (creating and migrating) the database the settings name: the one place a process opens it.
pub fn open_database(settings: &Settings) -> Result<Arc<dyn Database>, StartError> {
    if settings.database_url().starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).map_err(|source| StartError::DataDir {
            path: settings.data_dir.display().to_string(),
            source,
        })?;
    }
    Ok(store::open(&settings.database_url(), settings.durability)?)
}

/// What the writer does between batches, when it leads the background jobs among the database's servers
/// (asked again every [`LEADER_RETRY`] while another leads): recompute dirty rollups, then determine the
/// queued days ([`determinations`], queueing today's and yesterday's every
/// [`determinations::SWEEP_EVERY`]), and once an hour purge the bytes of refused frames older than
/// `retention_days` (0: never) and prepare storage ahead. Failures are logged at most once a minute.
fn idle_work(
    tz: TimeZone,
    settings: &Settings,
    figures: Arc<figures::Cache>,
) -> ingest::writer::IdleWork {
    let retention_days = settings.limits.refused_retention_days;
    let thresholds = settings.supervision;
    let alarm_settings = settings.alarms.clone();
    let mark_settings = settings.marks.clone();
    let case_settings = settings.cases.clone();
    let mut log = health::LogLimit::new(Duration::from_secs(60));
    let mut determination_log = health::LogLimit::new(Duration::from_secs(60));
    let mut last_hourly: Option<std::time::Instant> = None;
    let mut last_sweep: Option<std::time::Instant> = None;
    let mut last_alarm_check: Option<std::time::Instant> = None;
    let (mut leading, mut last_ask): (bool, Option<std::time::Instant>) = (false, None);
    Box::new(move |store, deadline| {
        if leading || last_ask.is_none_or(|t| t.elapsed() >= LEADER_RETRY) {
            last_ask = Some(std::time::Instant::now());
            let was = leading;
            leading = store.lead_background_jobs().unwrap_or_else(|e| {
                tracing::error!(error = %e, "could not ask for the background jobs' lead");
                false
            });
            if leading && !was {
                tracing::info!(
                    "this server leads the background jobs (rollups, retention, storage upkeep)"
                );
            }
        }
        if !leading {
            return;
        }
        if let Err(e) = series::rollups::run_until(store, &tz, deadline)
            && let Some(suppressed) = log.allow(std::time::Instant::now())
        {
            tracing::error!(error = %e, suppressed, "rollup recomputation failed; will retry");
        }
        // A correction's hours rolled up: figures cached from the old rollups go.
        if figures.waits_for_rollups() && store.dirty_hours(1).is_ok_and(|d| d.is_empty()) {
            figures.rollups_settled();
        }
        let now = jiff::Timestamp::now().as_second();
        if last_sweep.is_none_or(|t| t.elapsed() >= determinations::SWEEP_EVERY) {
            last_sweep = Some(std::time::Instant::now());
            if let Err(e) = determinations::sweep(store, &tz, now) {
                tracing::error!(error = %e, "queueing today's determinations failed; will retry");
            }
            // A section below its reach's target is judged on the day before, once the day is over.
            if let Err(e) =
                store.in_transaction(|s| rivers::watch::watch(s, &tz, &alarm_settings, now))
            {
                tracing::error!(error = %e, "judging sections against their reach's target failed; will retry");
            }
            // Cases' clocks move by the day: reminders are looked at with the sweep.
            if let Err(e) = store.in_transaction(|s| {
                cases::remind::remind(s, &case_settings, &alarm_settings, &tz, now)
            }) {
                tracing::error!(error = %e, "case reminders failed; will retry");
            }
            match store.in_transaction(|s| marks::confirm_due(s, &tz, &mark_settings, now)) {
                Ok(0) => {}
                Ok(n) => tracing::info!(values = n, "data past its marking deadline confirmed"),
                Err(e) => tracing::error!(error = %e, "confirming marked days failed; will retry"),
            }
        }
        if let Err(e) = determinations::run_until(
            store,
            &tz,
            thresholds,
            &alarm_settings,
            &mark_settings,
            now,
            deadline,
        ) && let Some(suppressed) = determination_log.allow(std::time::Instant::now())
        {
            tracing::error!(error = %e, suppressed, "determination failed; will retry");
        }
        if last_alarm_check.is_none_or(|t| t.elapsed() >= ALARM_CHECK_EVERY) {
            last_alarm_check = Some(std::time::Instant::now());
            // A silence shorter than the gap threshold is not a problem, so a problem whose span ended
            // that long ago has stopped.
            let clear_after = i64::from(thresholds.gap_minutes) * 60;
            if let Err(e) = store.in_transaction(|s| {
                alarms::housekeeping(
                    s,
                    &alarm_settings,
                    clear_after,
                    jiff::Timestamp::now().as_second(),
                )
            }) {
                tracing::error!(error = %e, "alarm housekeeping failed; will retry");
            }
        }
        if last_hourly.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
            last_hourly = Some(std::time::Instant::now());
            if retention_days > 0 {
                let before = jiff::Timestamp::now().as_millisecond()
                    - i64::from(retention_days) * 86_400_000;
                match store.purge_refused(before) {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(purged = n, retention_days, "refused frames' bytes purged")
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "purging refused frames failed; will retry")
                    }
                }
            }
            if let Err(e) = store.prepare_ahead() {
                tracing::error!(error = %e, "preparing storage ahead failed; will retry");
            }
        }
    })
}

/// How often alarms are checked for escalation and for data problems that have stopped.
const ALARM_CHECK_EVERY: Duration = Duration::from_secs(5);

/// How often a server that does not lead the background jobs asks again (the leader may have stopped).
const LEADER_RETRY: Duration = Duration::from_secs(10);

impl Platform {
    /// Starts the platform on `db` (opened with [`open_database`]): loads the admitted devices and starts
    /// the writer thread.
    pub fn start(settings: Settings, db: Arc<dyn Database>) -> Result<Arc<Platform>, StartError> {
        let tz = TimeZone::get(&settings.timezone)
            .map_err(|_| StartError::TimeZone(settings.timezone.clone()))?;
        let mut store = db.connect()?;
        let device_key = registry::DeviceKey::load_or_create(&settings.device_key_path())?;
        let sealed = registry::seal_stored_passwords(
            &mut store,
            &registry::Actor::new("system:start"),
            &device_key,
        )
        .map_err(StartError::Seal)?;
        if sealed > 0 {
            tracing::info!(sealed, "device passwords stored in clear were sealed");
        }
        let (personal_keys, made) =
            complaints::sealed::PersonalKeys::load_or_create(&settings.personal_key_path())?;
        if made {
            tracing::info!(
                path = %settings.personal_key_path().display(),
                "made a new key for reporters' personal data; keep it beside the database, out of its backups"
            );
        }
        // The operator's county layer when it reads, else the demo's (the portal's map does the same).
        let county_layer = settings
            .portal
            .map_geojson
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|text| registry::areas::CountyLayer::parse(&text))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| registry::areas::CountyLayer::parse(demo::COUNTIES_GEOJSON));
        let devices = Arc::new(ingest::Devices::new(device_key.clone()));
        let guard = Arc::new(ingest::guard::Guard::new(ingest::guard::GuardLimits {
            max_connections_per_source: settings.limits.max_connections_per_source,
            wrong_password_delay: settings.limits.wrong_password_delay,
            refused_journal_per_source_hour: settings.limits.refused_journal_per_source_hour,
            refused_journal_per_hour: settings.limits.refused_journal_per_hour,
        }));
        devices.replace(store.devices()?);
        drop(store);
        let metrics = Arc::new(Metrics::default());
        let health = Arc::new(Health::default());
        let figures: Arc<figures::Cache> = Arc::default();
        let writer = ingest::Writer::start(
            db.clone(),
            metrics.clone(),
            health.clone(),
            ingest::writer::WriterConfig {
                max_batch: settings.limits.max_write_batch,
                data_dir: settings.data_dir.clone(),
                min_free_disk: settings.limits.min_free_disk_mb.saturating_mul(1_000_000),
            },
            idle_work(tz.clone(), &settings, figures.clone()),
        )?;
        Ok(Arc::new(Platform {
            settings,
            metrics,
            tz,
            devices,
            device_key,
            personal_keys,
            county_layer,
            guard,
            health,
            writer,
            access_log: Arc::new(accounts::access_log::AccessLog::start(db.clone())),
            figures,
            db,
            readers: Mutex::new(Vec::new()),
        }))
    }

    /// The server's last step: the access log and the writer commit what they were handed and close their
    /// connections, the
    /// pooled readers close, and the database folds its log into its files ([`Database::checkpoint`]).
    /// Writes through this platform fail afterwards; reads still work.
    pub async fn close(&self) -> Result<()> {
        if let Ok(mut pool) = self.readers.lock() {
            pool.clear();
        }
        let (writer, access, db) = (
            self.writer.clone(),
            self.access_log.clone(),
            self.db.clone(),
        );
        tokio::task::spawn_blocking(move || {
            access.stop();
            writer.stop();
            db.checkpoint()
        })
        .await
        .map_err(|e| Error::Internal(format!("closing failed: {e}")))??;
        Ok(())
    }

    /// The database, for work that needs connections of its own (the demo backfill, reports).
    pub fn database(&self) -> &Arc<dyn Database> {
        &self.db
    }

    /// What the HJ 212 gateway needs of the platform.
    pub fn gateway(&self) -> ingest::gateway::Gateway {
        ingest::gateway::Gateway {
            limits: self.settings.limits.clone(),
            tz: self.tz.clone(),
            devices: self.devices.clone(),
            writer: self.writer.clone(),
            metrics: self.metrics.clone(),
            guard: self.guard.clone(),
        }
    }

    /// Runs `f` on a read connection, off the async runtime.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> store::Result<T> + Send + 'static,
    {
        self.read_with(move |s| Ok(f(s)?)).await
    }

    /// Like [`Platform::read`] for an operation of the application (its errors are [`Error`]s).
    pub async fn read_with<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let pooled = self.readers.lock().ok().and_then(|mut p| p.pop());
        let store = match pooled {
            Some(s) => s,
            None => self.db.reader()?,
        };
        let (store, result) = tokio::task::spawn_blocking(move || {
            let r = f(&store);
            (store, r)
        })
        .await
        .map_err(|e| Error::Internal(format!("a read task failed: {e}")))?;
        if let Ok(mut pool) = self.readers.lock()
            && pool.len() < READER_POOL
        {
            pool.push(store);
        }
        result
    }

    /// Runs the operation `f` on a write connection (registry changes; measurement writes go through the
    /// writer), then refreshes the admitted devices.
    pub async fn modify<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let db = self.db.clone();
        let (result, refreshed) = tokio::task::spawn_blocking(move || -> Result<_> {
            let mut store = db.connect()?;
            let result = f(&mut store)?;
            Ok((result, store.devices()?))
        })
        .await
        .map_err(|e| Error::Internal(format!("a write task failed: {e}")))??;
        self.devices.replace(refreshed);
        Ok(result)
    }

    /// Runs the operation `f` on a write connection of its own (accounts, sessions: changes that do not
    /// touch the devices the gateway admits).
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || -> Result<_> { f(&mut db.connect()?) })
            .await
            .map_err(|e| Error::Internal(format!("a write task failed: {e}")))?
    }

    /// Reloads the admitted devices every [`DEVICE_REFRESH`] until `stop` turns true.
    pub async fn keep_devices_fresh(
        self: Arc<Platform>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(DEVICE_REFRESH) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
            match self.read(|s| s.devices()).await {
                Ok(devices) => self.devices.replace(devices),
                Err(e) => tracing::warn!(error = %e, "could not refresh the admitted devices"),
            }
        }
    }
}
