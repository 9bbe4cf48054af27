//! `qingshan serve`: the platform (HJ 212 gateway + HTTP), and `qingshan migrate`.

use crate::config;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

/// Where the platform keeps its data and listens; every flag overrides the file and the environment.
#[derive(Args)]
pub struct ServeArgs {
    /// Seed the demo city (Zhaotong) and run simulated devices.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub common: CommonArgs,
    /// HJ 212 gateway address (key hj212_listen).
    #[arg(long)]
    pub hj212_listen: Option<String>,
    /// HTTP address (key http_listen).
    #[arg(long)]
    pub http_listen: Option<String>,
}

/// Flags shared by every command that opens the database.
#[derive(Args)]
pub struct CommonArgs {
    /// TOML configuration file (default: ./qingshan.toml when present, or $QINGSHAN_CONFIG).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Folder holding qingshan.db (key data_dir).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

impl CommonArgs {
    pub fn settings(&self, extra: &[(&str, Option<String>)]) -> anyhow::Result<platform::Settings> {
        let mut flags = vec![(
            "data_dir",
            self.data_dir.as_ref().map(|d| d.display().to_string()),
        )];
        flags.extend(extra.iter().cloned());
        config::load(self.config.as_deref(), &flags)
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let settings = args.common.settings(&[
        ("hj212_listen", args.hj212_listen.clone()),
        ("http_listen", args.http_listen.clone()),
    ])?;
    if args.demo {
        anyhow::bail!(
            "--demo is not available yet (issue 5): run `qingshan serve` and register devices with `qingshan device add`"
        );
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let platform = platform::Platform::open(settings).context("opening the platform")?;
        tracing::info!(data = %platform.settings.database_path().display(), devices = platform.registry.len(), "platform open");
        platform::serve(platform, shutdown_signal()).await.context("serving")?;
        tracing::info!("stopped");
        Ok(())
    })
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
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let path = settings.database_path();
    let existed = path.exists();
    // Opening migrates; report what the schema was and is.
    let before = if existed {
        store::Store::open_reader(&path)?
            .schema_version()
            .unwrap_or(0)
    } else {
        0
    };
    let store = store::Store::open(&path, settings.durability)?;
    let after = store.schema_version()?;
    if before == after {
        println!(
            "{}: schema at version {after}, nothing to do",
            path.display()
        );
    } else {
        println!(
            "{}: schema migrated from version {before} to {after}",
            path.display()
        );
    }
    Ok(())
}
