//! `qingshan device add|list`: the device registry from the command line (server running or not).

use super::serve::CommonArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use platform::registry::{self, Actor, DeviceInput, SiteInput};
use store::Store;

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Register (or update) a device; creates its site when it does not exist.
    Add(AddArgs),
    /// List registered devices.
    List(ListArgs),
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The data logger's MN.
    #[arg(long)]
    pub mn: String,
    /// Read the data logger's access password (PW) from the first line of this file. Without this or
    /// --password-env, it is asked for (or read from standard input when that is not a terminal).
    /// Never on the command line, where other users and the shell history would see it.
    #[arg(long, conflicts_with = "password_env")]
    pub password_file: Option<std::path::PathBuf>,
    /// Read the password from this environment variable.
    #[arg(long)]
    pub password_env: Option<String>,
    /// The site the device measures.
    #[arg(long)]
    pub site: String,
    /// Kind of the site, when it is created: air_station, water_section, drinking_water_source,
    /// flue_gas_outlet, wastewater_outlet, river_outfall, other.
    #[arg(long, default_value = "other")]
    pub kind: String,
    /// CRC policy: strict, lenient (accept and flag known vendor variants) or off.
    #[arg(long, default_value = "strict")]
    pub crc: String,
    /// Protocol: auto, 2005, 2017 or 2025.
    #[arg(long, default_value = "auto")]
    pub protocol: String,
    /// Seconds between real-time uploads.
    #[arg(long, default_value_t = 60)]
    pub realtime_interval: u32,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(cmd: DeviceCommand) -> anyhow::Result<()> {
    match cmd {
        DeviceCommand::Add(a) => add(a),
        DeviceCommand::List(a) => list(a),
    }
}

fn open(common: &CommonArgs) -> anyhow::Result<Store> {
    let settings = common.settings(&[])?;
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    Ok(platform::open_database(&settings)?.connect()?)
}

fn add(a: AddArgs) -> anyhow::Result<()> {
    let mut store = open(&a.common)?;
    let actor = Actor::new(super::cli_actor());
    let result = register(&a, &mut store, &actor);
    if let Err(e) = &result {
        // The attempt is audited too (the registry's errors never quote a password).
        registry::audit_refused(
            &mut store,
            &actor,
            "upsert_device",
            &a.mn,
            &format!("{e:#}"),
        )?;
    }
    result
}

fn register(a: &AddArgs, store: &mut Store, actor: &Actor) -> anyhow::Result<()> {
    // The same validation as the API and the registry file (platform::registry).
    let password = read_password(a)?;
    let device = DeviceInput {
        mn: a.mn.clone(),
        password,
        site_id: a.site.clone(),
        protocol: Some(a.protocol.clone()),
        crc_policy: Some(a.crc.clone()),
        realtime_interval_s: Some(a.realtime_interval),
        minute_interval_min: None,
    }
    .validate()?;
    let site = SiteInput {
        id: a.site.clone(),
        name: a.site.clone(),
        kind: a.kind.clone(),
        ..SiteInput::default()
    }
    .validate()?;
    let settings = a.common.settings(&[])?;
    let key = registry::DeviceKey::load_or_create(&settings.device_key_path())?;
    let created = registry::register_device_and_site(store, actor, &device, &site, &key)?;
    println!(
        "device {} registered at site {}{} (crc {})",
        device.mn,
        a.site,
        if created { " (site created)" } else { "" },
        device.crc_policy
    );
    Ok(())
}

/// The password from `--password-file`, `--password-env`, or a prompt (standard input when piped).
fn read_password(a: &AddArgs) -> anyhow::Result<String> {
    let line = |text: &str| text.lines().next().unwrap_or("").to_string();
    if let Some(file) = &a.password_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading the password file {}", file.display()))?;
        return Ok(line(&text));
    }
    if let Some(var) = &a.password_env {
        return std::env::var(var).with_context(|| {
            format!("the environment variable {var} holding the password is not set")
        });
    }
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(format!(
            "password of device {}: ",
            a.mn
        ))?);
    }
    let mut text = String::new();
    std::io::stdin()
        .read_line(&mut text)
        .context("reading the password from standard input")?;
    Ok(line(&text))
}

fn list(a: ListArgs) -> anyhow::Result<()> {
    let store = open(&a.common)?;
    println!("mn,site,protocol,crc_policy,realtime_interval_s");
    for d in store.devices()? {
        println!(
            "{},{},{},{},{}",
            d.mn, d.site_id, d.protocol, d.crc_policy, d.realtime_interval_s
        );
    }
    Ok(())
}
