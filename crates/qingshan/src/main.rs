//! The `qingshan` binary: command line, configuration and start-up.
//!
//! Each subcommand lives in its own module under `cli/` and owns its arguments.

mod cli;

use clap::{Parser, Subcommand};

/// Qingshan (青山): a city ecological-environment bureau's monitoring platform.
#[derive(Parser)]
#[command(name = "qingshan", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// HJ 212 tools: decode packets to JSON lines, print the answers the platform sends.
    #[command(subcommand)]
    Hj212(cli::hj212::Hj212Command),
    /// Judge air or water data against the national standards (CSV in, CSV out).
    #[command(subcommand)]
    Evaluate(cli::evaluate::EvaluateCommand),
    /// Run the platform.
    Serve(cli::serve::ServeArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Hj212(cmd) => cli::hj212::run(cmd),
        Command::Evaluate(cmd) => cli::evaluate::run(cmd),
        Command::Serve(args) => cli::serve::run(args),
    }
}
