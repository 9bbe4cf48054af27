//! `qingshan serve`: the platform.

use clap::Args;

#[derive(Args)]
pub struct ServeArgs {
    /// Seed the demo city and run simulated devices.
    #[arg(long)]
    pub demo: bool,
}

pub fn run(_args: ServeArgs) -> anyhow::Result<()> {
    anyhow::bail!("not yet implemented")
}
