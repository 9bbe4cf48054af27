//! `qingshan evaluate air|water`: CSV in, evaluations out.

mod air;
mod water;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum EvaluateCommand {
    /// AQI per row (hourly or daily), by HJ 633-2012 or HJ 633-2026 chosen by date.
    Air(air::AirArgs),
    /// Water class per row by GB 3838-2002.
    Water(water::WaterArgs),
}

pub fn run(cmd: EvaluateCommand) -> anyhow::Result<()> {
    match cmd {
        EvaluateCommand::Air(args) => air::run(args),
        EvaluateCommand::Water(args) => water::run(args),
    }
}
