//! `qingshan journal verify`: checks the journal's hash chain (every frame received, as received).

use super::serve::CommonArgs;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum JournalCommand {
    /// Check that no journal record was edited, removed or inserted since it was written. Exit status 1
    /// names the first broken record.
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(cmd: JournalCommand) -> anyhow::Result<()> {
    match cmd {
        JournalCommand::Verify(a) => verify(a),
    }
}

fn verify(a: VerifyArgs) -> anyhow::Result<()> {
    let settings = a.common.settings(&[])?;
    if store::schema_version_at(&settings.database_url())? == 0 {
        anyhow::bail!("no database in {}", settings.data_dir.display());
    }
    let store = platform::open_database(&settings)?.reader()?;
    let check = store.verify_chain()?;
    match check.first_broken {
        None => {
            println!(
                "journal intact: {} records, hash chain verified ({} refused frames purged by \
                 retention, their digests kept)",
                check.records, check.purged
            );
            Ok(())
        }
        Some(id) => {
            println!(
                "journal BROKEN at record {id} ({} records checked): record {id} or the one before it was \
                 edited, removed or inserted after it was written",
                check.records
            );
            std::process::exit(1);
        }
    }
}
