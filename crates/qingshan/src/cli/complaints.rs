//! `qingshan complaints reseal`: the second half of rotating the key reporters' contacts are sealed with
//! (`complaints.key_file`): with the new key first in the file, every contact sealed under an older key
//! is sealed again under the new one, audited; the old key can then be dropped from the file.

use super::serve::CommonArgs;
use clap::{Args, Subcommand};

#[derive(Subcommand)]
pub enum ComplaintsCommand {
    /// Seal every reporter's contact again under the current (first) key of the key file.
    Reseal(ResealArgs),
}

#[derive(Args)]
pub struct ResealArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(cmd: ComplaintsCommand) -> anyhow::Result<()> {
    match cmd {
        ComplaintsCommand::Reseal(a) => reseal(a),
    }
}

fn reseal(a: ResealArgs) -> anyhow::Result<()> {
    let settings = a.common.settings(&[])?;
    if store::schema_version_at(&settings.database_url())? == 0 {
        anyhow::bail!("no database in {}", settings.data_dir.display());
    }
    let path = settings.personal_key_path();
    if !path.exists() {
        anyhow::bail!(
            "no key file at {}: nothing was ever sealed with it",
            path.display()
        );
    }
    let (keys, _) = platform::complaints::sealed::PersonalKeys::load_or_create(&path)?;
    let mut store = platform::open_database(&settings)?.connect()?;
    let n = platform::complaints::reseal(&mut store, &keys, &super::cli_actor())?;
    println!(
        "{n} reporters' contacts sealed again under the first key of {}",
        path.display()
    );
    Ok(())
}
