//! `qingshan permit import FILE` (TOML or CSV, all or nothing) and `qingshan permit list`;
//! `qingshan baseline import FILE` (CSV) and `qingshan baseline list`: the areas' emission baselines and
//! reduction targets the totals are judged against.

use super::serve::CommonArgs;
use anyhow::Context;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum PermitCommand {
    /// Load permit versions from a TOML or CSV file (all or nothing; `platform::permits::file` and the
    /// README describe both formats). Works with the server running.
    Import(ImportArgs),
    /// Print every permit version: number, enterprise, validity, outlets and limits.
    List(ListArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The permit file: `.csv` is read as CSV, anything else as TOML.
    pub file: std::path::PathBuf,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(cmd: PermitCommand) -> anyhow::Result<()> {
    match cmd {
        PermitCommand::Import(a) => import(a),
        PermitCommand::List(a) => list(a),
    }
}

fn import(a: ImportArgs) -> anyhow::Result<()> {
    audited_import(&a, "permit", load)
}

/// Runs `load` for the file of `a` as `cli:USER:{what}-import:FILE`; a refusal is audited too.
pub(super) fn audited_import(
    a: &ImportArgs,
    what: &str,
    load: fn(&ImportArgs, &mut store::Store, &platform::registry::Actor) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let settings = a.common.settings(&[])?;
    let mut store = platform::open_database(&settings)?.connect()?;
    let actor = platform::registry::Actor::new(format!(
        "{}:{what}-import:{}",
        super::cli_actor(),
        a.file.display()
    ));
    let result = load(a, &mut store, &actor);
    if let Err(e) = &result {
        let subject = a.file.display().to_string();
        platform::registry::audit_refused(
            &mut store,
            &actor,
            &format!("{what}_import"),
            &subject,
            &format!("{e:#}"),
        )?;
    }
    result
}

#[derive(Subcommand)]
pub enum BaselineCommand {
    /// Load emission baselines and reduction targets from a CSV file with the header
    /// `area,param,base_year,tonnes,target_year,reduction_pct,source,simulated` (all or nothing).
    Import(ImportArgs),
    /// Print every baseline.
    List(ListArgs),
}

pub fn run_baseline(cmd: BaselineCommand) -> anyhow::Result<()> {
    match cmd {
        BaselineCommand::Import(a) => audited_import(&a, "baseline", load_baselines),
        BaselineCommand::List(a) => {
            let settings = a.common.settings(&[])?;
            let store = platform::open_database(&settings)?.connect()?;
            for b in store.baselines()? {
                println!(
                    "{} {}: {}",
                    b.area,
                    b.param,
                    platform::permits::baselines::describe(&b)
                );
            }
            Ok(())
        }
    }
}

fn load_baselines(
    a: &ImportArgs,
    store: &mut store::Store,
    actor: &platform::registry::Actor,
) -> anyhow::Result<()> {
    use platform::permits::baselines;
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("reading {}", a.file.display()))?;
    let rows = baselines::parse_csv(&text)
        .and_then(|rows| {
            rows.into_iter()
                .map(|r| r.validate(store))
                .collect::<Result<Vec<_>, _>>()
        })
        .with_context(|| format!("in {}", a.file.display()))?;
    baselines::import(store, actor, &rows)
        .with_context(|| format!("loading {}", a.file.display()))?;
    println!("loaded {} baselines from {}", rows.len(), a.file.display());
    Ok(())
}

fn load(
    a: &ImportArgs,
    store: &mut store::Store,
    actor: &platform::registry::Actor,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.file)
        .with_context(|| format!("reading {}", a.file.display()))?;
    let csv = a
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let inputs = if csv {
        platform::permits::file::parse_csv(&text)
    } else {
        platform::permits::file::parse_toml(&text)
    }
    .with_context(|| format!("in {}", a.file.display()))?;
    let permits = inputs
        .into_iter()
        .map(|i| i.validate(store))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("in {}", a.file.display()))?;
    let tz = a.common.settings(&[])?.time_zone()?;
    let ids = platform::permits::import(store, &tz, actor, &permits)
        .with_context(|| format!("loading {}", a.file.display()))?;
    println!(
        "loaded {} permit versions ({} outlets) from {}",
        ids.len(),
        permits.iter().map(|p| p.outlets.len()).sum::<usize>(),
        a.file.display()
    );
    Ok(())
}

fn list(a: ListArgs) -> anyhow::Result<()> {
    let settings = a.common.settings(&[])?;
    let store = platform::open_database(&settings)?.connect()?;
    for p in store.permits()? {
        println!(
            "#{} {} enterprise {} {} – {}",
            p.id, p.number, p.enterprise_id, p.valid_from, p.valid_to
        );
        for o in &p.outlets {
            println!("  {} ({})", o.site_id, o.kind);
            for l in &o.limits {
                let o2 = l
                    .reference_o2
                    .map_or(String::new(), |o2| format!(" at {o2} % O2"));
                let season = l
                    .season
                    .as_ref()
                    .map_or(String::new(), |(f, t)| format!(" from {f} to {t}"));
                println!(
                    "    {} ≤ {} {} ({} mean{o2}){season}",
                    l.param, l.limit, l.unit, l.averaging
                );
            }
            for q in &o.annual {
                println!("    {}: {} t a year", q.param, q.tonnes);
            }
        }
    }
    Ok(())
}
