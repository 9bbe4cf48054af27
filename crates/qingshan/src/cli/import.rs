//! `qingshan import registry FILE`: load counties, enterprises, sites and devices from a TOML file.

use super::serve::CommonArgs;
use anyhow::Context;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Create or update the registry from a TOML file (all or nothing; loading it twice changes nothing).
    Registry(RegistryArgs),
}

#[derive(Args)]
pub struct RegistryArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The registry file (see `platform::import` for its layout).
    pub file: std::path::PathBuf,
}

pub fn run(cmd: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Registry(a) = cmd;
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("reading {}", a.file.display()))?;
    let data =
        platform::import::parse_toml(&text).with_context(|| format!("in {}", a.file.display()))?;
    let settings = a.common.settings(&[])?;
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let mut store = store::Store::open(&settings.database_path(), settings.durability)?;
    data.apply(&mut store)
        .with_context(|| format!("loading {}", a.file.display()))?;
    let detail = format!(
        "{} counties, {} water bodies, {} enterprises, {} sites, {} devices",
        data.counties.len(),
        data.waterbodies.len(),
        data.enterprises.len(),
        data.sites.len(),
        data.devices.len()
    );
    store.audit(
        &super::cli_actor(),
        "import_registry",
        &a.file.display().to_string(),
        Some(&detail),
    )?;
    println!(
        "loaded {} counties, {} enterprises, {} sites, {} devices from {}",
        data.counties.len(),
        data.enterprises.len(),
        data.sites.len(),
        data.devices.len(),
        a.file.display()
    );
    Ok(())
}
