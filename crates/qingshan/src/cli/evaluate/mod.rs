//! `qingshan evaluate air|water|composite`: CSV in, evaluations out.

mod air;
mod composite;
mod water;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum EvaluateCommand {
    /// AQI per row (hourly or daily), by HJ 633-2012 or HJ 633-2026 chosen by date.
    Air(air::AirArgs),
    /// Water class per row by GB 3838-2002.
    Water(water::WaterArgs),
    /// The comprehensive air index (综合指数) per station over a period, from CNEMC hourly files.
    Composite(composite::CompositeArgs),
}

pub fn run(cmd: EvaluateCommand) -> anyhow::Result<()> {
    match cmd {
        EvaluateCommand::Air(args) => air::run(args),
        EvaluateCommand::Water(args) => water::run(args),
        EvaluateCommand::Composite(args) => composite::run(args),
    }
}
