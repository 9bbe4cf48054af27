//! `qingshan evaluate air`.

use clap::Args;

#[derive(Args)]
pub struct AirArgs {}

pub fn run(_args: AirArgs) -> anyhow::Result<()> {
    anyhow::bail!("not yet implemented")
}
