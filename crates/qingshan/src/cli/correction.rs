//! `qingshan correction list`: staff corrections of stored values, as the audit trail beside the data
//! (they are made through the API or the console, where the permission table and the audit apply).

use super::serve::CommonArgs;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum CorrectionCommand {
    /// List corrections newest first, withdrawn ones too: with --site, those whose period overlaps the
    /// last --days days; without, those made in them.
    List(ListArgs),
}

#[derive(Args)]
pub struct ListArgs {
    /// Only this site's corrections.
    #[arg(long)]
    pub site: Option<String>,
    /// How many days back.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(cmd: CorrectionCommand) -> anyhow::Result<()> {
    match cmd {
        CorrectionCommand::List(a) => list(a),
    }
}

fn list(a: ListArgs) -> anyhow::Result<()> {
    let settings = a.common.settings(&[])?;
    if store::schema_version_at(&settings.database_url())? == 0 {
        anyhow::bail!("no database in {}", settings.data_dir.display());
    }
    let store = platform::open_database(&settings)?.reader()?;
    let to = jiff::Timestamp::now().as_second() + 1;
    let from = to - i64::from(a.days) * 86_400;
    let mut found = match &a.site {
        Some(site) => store.corrections_of(site, None, from, to, true)?,
        None => store.corrections_made(from, to)?,
    };
    found.sort_by_key(|c| std::cmp::Reverse(c.id));
    let time = |t: i64| {
        jiff::Timestamp::from_second(t).map_or_else(|_| t.to_string(), |ts| ts.to_string())
    };
    for c in &found {
        let state = match (&c.withdrawn_by, c.withdrawn_at) {
            (Some(by), Some(at)) => format!("withdrawn by {by} at {}", time(at)),
            _ => "in force".into(),
        };
        println!(
            "#{} {} {} [{}, {}) reads {} — by {} at {} ({state}): {}",
            c.id,
            c.site_id,
            c.param,
            time(c.start),
            time(c.end),
            c.value,
            c.created_by,
            time(c.created_at),
            c.reason
        );
    }
    if found.is_empty() {
        println!("no corrections");
    }
    Ok(())
}
