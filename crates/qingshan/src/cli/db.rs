//! `qingshan db copy`: moves a whole platform between databases (SQLite ⇄ PostgreSQL).

use anyhow::Context;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum DbCommand {
    /// Copy every table (registry, journal, series, rollups, audit, refusals, conflicts) from one database
    /// to another, in batches that each commit; run it again after an interruption and it resumes. Stop
    /// the servers first. Row counts of every table are compared at the end (exit status 1 if they differ).
    Copy(CopyArgs),
}

#[derive(Args)]
pub struct CopyArgs {
    /// The database to copy: sqlite:PATH or postgres://USER@HOST:PORT/DB.
    #[arg(long)]
    pub from: String,
    /// The database to copy into (created and migrated; empty, or holding an interrupted copy).
    #[arg(long)]
    pub to: String,
    /// Rows per transaction.
    #[arg(long, default_value_t = 5000)]
    pub batch: u32,
}

pub fn run(cmd: DbCommand) -> anyhow::Result<()> {
    match cmd {
        DbCommand::Copy(a) => copy(a),
    }
}

fn copy(a: CopyArgs) -> anyhow::Result<()> {
    if store::schema_version_at(&a.from)? == 0 {
        anyhow::bail!(
            "{} holds no Qingshan database",
            store::postgres::redact(&a.from)
        );
    }
    let from = store::open(&a.from, store::Durability::Full).context("opening --from")?;
    let to = store::open(&a.to, store::Durability::Full).context("opening --to")?;
    let started = std::time::Instant::now();
    println!("copying {} → {}", from.url(), to.url());
    let report = store::copy::copy(&*from, &*to, a.batch.max(1), |c| {
        println!(
            "{:16} {:>10} rows  ({} copied now, {} already there)",
            c.table, c.total, c.copied, c.already
        );
    })?;
    let rows: i64 = report.iter().map(|c| c.copied).sum();
    println!(
        "done: {rows} rows copied in {:.1} s; every table's row count matches",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
