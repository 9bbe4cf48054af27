//! The `qingshan` binary: command line, configuration and start-up.
//!
//! Each subcommand lives in its own module under `cli/` and owns its arguments.

mod cli;
mod config;
mod demo;

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
    /// Run the platform: HJ 212 gateway and HTTP server, on embedded SQLite or PostgreSQL.
    Serve(cli::serve::ServeArgs),
    /// Create or upgrade the database schema.
    Migrate(cli::serve::MigrateArgs),
    /// Load data from files: the registry (counties, enterprises, sites, devices).
    #[command(subcommand)]
    Import(cli::import::ImportCommand),
    /// Emission permits: import versions from TOML or CSV, list them.
    #[command(subcommand)]
    Permit(cli::permit::PermitCommand),
    /// Emission baselines and reduction targets of the city and its counties: import from CSV, list.
    #[command(subcommand)]
    Baseline(cli::permit::BaselineCommand),
    /// Register and list devices (works whether or not the server is running).
    #[command(subcommand)]
    Device(cli::device::DeviceCommand),
    /// The journal of every frame received: verify its hash chain.
    #[command(subcommand)]
    Journal(cli::journal::JournalCommand),
    /// Staff corrections of stored values (made through the API or the console): list them.
    #[command(subcommand)]
    Correction(cli::correction::CorrectionCommand),
    /// Target sets: import a CSV file, list every target with its figure and status.
    #[command(subcommand)]
    Targets(cli::targets::TargetsCommand),
    /// 12369 complaints: seal reporters' contacts again after a key rotation.
    #[command(subcommand)]
    Complaints(cli::complaints::ComplaintsCommand),
    /// People's accounts: add, list, disable, enable, reset a password.
    #[command(subcommand)]
    User(cli::user::UserCommand),
    /// API tokens of accounts.
    #[command(subcommand)]
    Token(cli::user::TokenCommand),
    /// The audit log of every change made by people: verify its hash chain.
    #[command(subcommand)]
    Audit(cli::user::AuditCommand),
    /// Move a whole platform between databases (SQLite ⇄ PostgreSQL).
    #[command(subcommand)]
    Db(cli::db::DbCommand),
    /// Simulated HJ 212 data loggers over TCP: the demo city's devices, load generation, idle connections.
    Simulate(cli::simulate::SimulateArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The server must outlive a closed log pipe; the other commands end quietly like Unix tools.
    if !matches!(cli.command, Command::Serve(_)) {
        restore_sigpipe();
    }
    init_logging();
    match cli.command {
        Command::Hj212(cmd) => cli::hj212::run(cmd),
        Command::Evaluate(cmd) => cli::evaluate::run(cmd),
        Command::Serve(args) => cli::serve::run(args),
        Command::Migrate(args) => cli::serve::migrate(args),
        Command::Device(cmd) => cli::device::run(cmd),
        Command::Simulate(args) => cli::simulate::run(args),
        Command::Import(cmd) => cli::import::run(cmd),
        Command::Permit(cmd) => cli::permit::run(cmd),
        Command::Baseline(cmd) => cli::permit::run_baseline(cmd),
        Command::Journal(cmd) => cli::journal::run(cmd),
        Command::Correction(cmd) => cli::correction::run(cmd),
        Command::Complaints(cmd) => cli::complaints::run(cmd),
        Command::Targets(cmd) => cli::targets::run(cmd),
        Command::Db(cmd) => cli::db::run(cmd),
        Command::User(cmd) => cli::user::run_user(cmd),
        Command::Token(cmd) => cli::user::run_token(cmd),
        Command::Audit(cmd) => cli::user::run_audit(cmd),
    }
}

/// Logs go to stderr; `QINGSHAN_LOG` sets the level (error, warn, info, debug, trace; default info) and
/// `QINGSHAN_LOG_FORMAT=json` switches to one JSON object per line.
fn init_logging() {
    let level = std::env::var("QINGSHAN_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::INFO);
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr);
    if std::env::var("QINGSHAN_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Makes `qingshan hj212 decode ... | head` end quietly like other Unix tools instead of panicking on a closed pipe
/// (Rust ignores SIGPIPE by default, so every later `println!` would fail).
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
