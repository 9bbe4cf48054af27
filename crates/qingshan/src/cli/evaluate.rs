//! `qingshan evaluate air|water`: CSV in, evaluations out.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum EvaluateCommand {
    /// Air quality index per row.
    Air,
    /// Water class per row.
    Water,
}

pub fn run(cmd: EvaluateCommand) -> anyhow::Result<()> {
    match cmd {
        EvaluateCommand::Air | EvaluateCommand::Water => anyhow::bail!("not yet implemented"),
    }
}
