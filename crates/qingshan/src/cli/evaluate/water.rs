//! `qingshan evaluate water`.

use clap::Args;

#[derive(Args)]
pub struct WaterArgs {}

pub fn run(_args: WaterArgs) -> anyhow::Result<()> {
    anyhow::bail!("not yet implemented")
}
