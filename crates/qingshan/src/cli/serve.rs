//! `qingshan serve`: the platform (HJ 212 gateway + HTTP), and `qingshan migrate`.

use crate::config;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the platform keeps its data and listens; every flag overrides the file and the environment.
#[derive(Args)]
pub struct ServeArgs {
    /// Seed the demo city (Zhaotong), backfill its history and run its simulated devices live.
    #[arg(long)]
    pub demo: bool,
    /// Days of history the demo backfills.
    #[arg(long, default_value_t = 90, requires = "demo")]
    pub demo_days: u32,
    #[command(flatten)]
    pub common: CommonArgs,
    /// HJ 212 gateway address (key hj212_listen).
    #[arg(long)]
    pub hj212_listen: Option<String>,
    /// HTTP address (key http_listen).
    #[arg(long)]
    pub http_listen: Option<String>,
    /// Print every configuration key with its environment variable and meaning, and exit.
    #[arg(long)]
    pub help_config: bool,
}

/// Flags shared by every command that opens the database.
#[derive(Args)]
pub struct CommonArgs {
    /// TOML configuration file (default: ./qingshan.toml when present, or $QINGSHAN_CONFIG).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Folder holding qingshan.db and device.key (key data_dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The database: sqlite:PATH or postgres://USER@HOST:PORT/DB (key database_url; default
    /// sqlite:DATA_DIR/qingshan.db).
    #[arg(long)]
    pub database: Option<String>,
}

impl CommonArgs {
    pub fn settings(&self, extra: &[(&str, Option<String>)]) -> anyhow::Result<platform::Settings> {
        let mut flags = vec![
            (
                "data_dir",
                self.data_dir.as_ref().map(|d| d.display().to_string()),
            ),
            ("database_url", self.database.clone()),
        ];
        flags.extend(extra.iter().cloned());
        config::load(self.config.as_deref(), &flags)
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    if args.help_config {
        for (key, meaning) in config::KEYS {
            println!(
                "{key:32} QINGSHAN_{:40} {meaning}",
                key.to_uppercase().replace('.', "_")
            );
        }
        return Ok(());
    }
    let mut settings = args.common.settings(&[
        ("hj212_listen", args.hj212_listen.clone()),
        ("http_listen", args.http_listen.clone()),
    ])?;
    if args.demo && settings.score_method.is_none() {
        // The demo's invented method, so its rankings page shows a score; a bureau sets its own.
        settings.score_method = Some(platform::targets::score::Method::parse(
            platform::demo::SCORE_METHOD,
        )?);
    }
    // The one place the server opens its database; everything else gets connections from it.
    let db = platform::open_database(&settings).context("opening the database")?;
    let fleet = if args.demo {
        Some(seed_demo(&db, &settings)?)
    } else {
        None
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let platform = platform::Platform::start(settings, db).context("starting the platform")?;
        tracing::info!(database = %platform.database().url(), devices = platform.devices.len(), "platform open");
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut live = None;
        if let Some(fleet) = fleet {
            let p = platform.clone();
            let days = args.demo_days;
            let now = jiff::Timestamp::now().as_second();
            let (done, fleet) =
                tokio::task::spawn_blocking(move || crate::demo::backfill(&p, &fleet, days, now).map(|r| (r, fleet)))
                    .await
                    .context("demo backfill")??;
            tracing::info!(frames = done.frames, rejected = done.rejected, seconds = format!("{:.1}", done.seconds),
                "demo history backfilled; the demo devices now report live (all demo data is simulated)");
            let target = platform.settings.hj212_listen.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]");
            live = Some(tokio::spawn(sim::run_fleet(fleet, sim::RunConfig::new(target, crate::demo::DEMO_SEED), stop_rx)));
        }
        let shutdown = async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        };
        qingshan::serve(platform, shutdown).await.context("serving")?;
        if let Some(live) = live {
            let _ = live.await;
        }
        tracing::info!("stopped");
        Ok(())
    })
}

/// Writes the demo city's registry (idempotent) and returns its fleet.
fn seed_demo(
    db: &Arc<dyn store::Database>,
    settings: &platform::Settings,
) -> anyhow::Result<Vec<sim::DeviceSpec>> {
    let fleet = crate::demo::fleet();
    let data = crate::demo::registry(&fleet)?;
    let mut store = db.connect()?;
    let key = platform::registry::DeviceKey::load_or_create(&settings.device_key_path())?;
    platform::registry::import(
        &mut store,
        &platform::registry::Actor::new("demo"),
        &data,
        &key,
    )
    .context("seeding the demo registry")?;
    let permits = platform::demo::permits()?
        .into_iter()
        .map(|p| p.validate(&store))
        .collect::<Result<Vec<_>, _>>()
        .context("the demo permits")?;
    platform::permits::import(
        &mut store,
        &settings.time_zone()?,
        &platform::registry::Actor::new("demo"),
        &permits,
    )
    .context("seeding the demo permits")?;
    let baselines = platform::demo::baselines()?
        .into_iter()
        .map(|b| b.validate(&store))
        .collect::<Result<Vec<_>, _>>()
        .context("the demo baselines")?;
    platform::permits::baselines::import(
        &mut store,
        &platform::registry::Actor::new("demo"),
        &baselines,
    )
    .context("seeding the demo baselines")?;
    let mut targets =
        platform::targets::parse_csv(platform::demo::TARGETS).context("the demo targets")?;
    // The same targets applied to this year, so the demo's simulated data has targets to be judged
    // against (and projected) to date; the set's name and source say so.
    let year = jiff::Timestamp::now()
        .to_zoned(settings.time_zone()?)
        .year()
        .to_string();
    let this_year: Vec<_> = targets
        .iter()
        .map(|t| platform::targets::TargetInput {
            set: format!("demo-{year}"),
            period: year.clone(),
            source: format!("demo: the 2020 target applied to {year} ({})", t.source),
            ..t.clone()
        })
        .collect();
    targets.extend(this_year);
    platform::targets::import(&mut store, "demo", &targets).context("seeding the demo targets")?;
    crate::demo::demo_accounts(&mut store)?;
    crate::demo::demo_reaches(&mut store)?;
    // Printed for the person trying the demo, not logged: it is a published demo password.
    println!(
        "DEMO ONLY: accounts demo-admin, demo-staff, demo-county, demo-enterprise, demo-river-chief and \
         demo-auditor, password {}: published in the README, so never use --demo for real data",
        crate::demo::DEMO_PASSWORD
    );
    tracing::info!(
        sites = data.sites.len(),
        devices = data.devices.len(),
        "demo city registered (Zhaotong, simulated data)"
    );
    Ok(fleet)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// `qingshan migrate`: create or upgrade the schema.
#[derive(Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn migrate(args: MigrateArgs) -> anyhow::Result<()> {
    let settings = args.common.settings(&[])?;
    let url = settings.database_url();
    // Opening migrates; report what the schema was and is.
    let before = store::schema_version_at(&url)?;
    let after = platform::open_database(&settings)?
        .connect()?
        .schema_version()?;
    if before == after {
        println!("{url}: schema at version {after}, nothing to do");
    } else {
        println!("{url}: schema migrated from version {before} to {after}");
    }
    Ok(())
}
