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
    /// The registry file; `examples/registry.toml` in the source tree shows every field.
    pub file: std::path::PathBuf,
}

pub fn run(cmd: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Registry(a) = cmd;
    let settings = a.common.settings(&[])?;
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let mut store = platform::open_database(&settings)?.connect()?;
    let actor = platform::registry::Actor::new(format!(
        "{}:import:{}",
        super::cli_actor(),
        a.file.display()
    ));
    let result = load(&a, &settings, &mut store, &actor);
    if let Err(e) = &result {
        let subject = a.file.display().to_string();
        platform::registry::audit_refused(
            &mut store,
            &actor,
            "import",
            &subject,
            &format!("{e:#}"),
        )?;
    }
    result
}

fn load(
    a: &RegistryArgs,
    settings: &platform::Settings,
    store: &mut store::Store,
    actor: &platform::registry::Actor,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("reading {}", a.file.display()))?;
    let data = platform::registry::parse_toml(&text)
        .with_context(|| format!("in {}", a.file.display()))?;
    let key = platform::registry::DeviceKey::load_or_create(&settings.device_key_path())?;
    platform::registry::import(store, actor, &data, &key)
        .with_context(|| format!("loading {}", a.file.display()))?;
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
