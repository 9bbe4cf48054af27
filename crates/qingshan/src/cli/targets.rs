//! `qingshan targets import FILE` and `qingshan targets list`: target sets (CSV
//! `set,area,indicator,period,target,source`, all or nothing, audited) and how each target stands now.

use super::permit::{ImportArgs, ListArgs, audited_import};
use anyhow::Context;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum TargetsCommand {
    /// Load targets from a CSV file with the header `set,area,indicator,period,target,source`, where
    /// `area` is `city`, a county code or `basin:<name>`, `indicator` an id of the catalogue and `period`
    /// `YYYY`, `YYYY-Qn` or `YYYY-MM` (all or nothing; audited).
    Import(ImportArgs),
    /// Print every target with its figure and status (met, at_risk, missed, no_data).
    List(ListArgs),
}

pub fn run(cmd: TargetsCommand) -> anyhow::Result<()> {
    match cmd {
        TargetsCommand::Import(a) => audited_import(&a, "targets", load),
        TargetsCommand::List(a) => list(a),
    }
}

fn load(
    a: &ImportArgs,
    store: &mut store::Store,
    actor: &platform::registry::Actor,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("reading {}", a.file.display()))?;
    let rows =
        platform::targets::parse_csv(&text).with_context(|| format!("in {}", a.file.display()))?;
    let n = platform::targets::import(store, actor.as_str(), &rows)
        .with_context(|| format!("loading {}", a.file.display()))?;
    println!("loaded {n} targets from {}", a.file.display());
    Ok(())
}

fn list(a: ListArgs) -> anyhow::Result<()> {
    let settings = a.common.settings(&[])?;
    let store = platform::open_database(&settings)?.reader()?;
    let tz = settings.time_zone()?;
    let cache = platform::figures::Cache::default();
    let now = jiff::Timestamp::now().as_second();
    for t in platform::targets::assess(&store, &tz, &cache, now)? {
        println!(
            "{} {} {} {}: target {} {}, figure {}, {} ({})",
            t.target.set_name,
            t.target.area,
            t.target.indicator,
            t.target.period,
            t.target.value,
            t.indicator.unit,
            t.figure
                .as_ref()
                .map_or("—".to_string(), |f| f.value.to_string()),
            t.status.code(),
            t.figure
                .as_ref()
                .map_or("nothing to compute it from", |f| f.basis.as_str())
        );
    }
    Ok(())
}
