//! `qingshan hj212 ...`: packets in, JSON lines or answers out.

use clap::Subcommand;

#[derive(Subcommand)]
pub enum Hj212Command {
    /// Decode a byte stream (files or stdin) and print one JSON object per frame found.
    Decode,
}

pub fn run(cmd: Hj212Command) -> anyhow::Result<()> {
    match cmd {
        Hj212Command::Decode => anyhow::bail!("not yet implemented"),
    }
}
