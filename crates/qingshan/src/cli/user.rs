//! `qingshan user …`, `qingshan token create`, `qingshan audit verify`: people's accounts from the command
//! line, working whether or not the server runs. Every change is audited with the operating system's user.

use super::serve::CommonArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use platform::accounts::{self, NewAccount, Role};
use platform::registry::Actor;
use store::{Scopes, Store};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is asked for (or read from standard input with
    /// --password-stdin).
    Add(AddArgs),
    /// List the accounts: name, role, jurisdiction, state.
    List(ListArgs),
    /// Disable an account (it is never deleted: the audit log keeps its name) and end its sessions.
    Disable(NameArgs),
    /// Enable a disabled account again.
    Enable(NameArgs),
    /// Set a temporary password that must be changed at the next sign-in; ends the account's sessions.
    ResetPassword(ResetArgs),
    /// Set the e-mail address alarm notifications reach the account at (`--email ''` removes it).
    Email(EmailArgs),
}

#[derive(Args)]
pub struct EmailArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: String,
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long)]
    pub name: String,
    /// city_admin, city_staff, county_officer, enterprise_user, river_chief or auditor.
    #[arg(long)]
    pub role: String,
    /// A county of the jurisdiction (county officers; repeat for several).
    #[arg(long)]
    pub county: Vec<String>,
    /// The enterprise (enterprise users).
    #[arg(long)]
    pub enterprise: Vec<String>,
    /// Read the password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args)]
pub struct NameArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long)]
    pub name: String,
}

#[derive(Args)]
pub struct ResetArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long)]
    pub name: String,
    /// Read the temporary password from the first line of standard input instead of a prompt.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account and print it, alone, on standard output (it is shown once).
    Create(TokenArgs),
}

#[derive(Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long)]
    pub user: String,
    /// Days until the token expires (default: never).
    #[arg(long)]
    pub expires_days: Option<u32>,
    /// Limit the token to these actions (repeatable; default: everything the account may do), e.g.
    /// registry.write, data.read.
    #[arg(long = "action")]
    pub actions: Vec<String>,
    /// A label for the token.
    #[arg(long, default_value = "cli")]
    pub label: String,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain. Exit status 1 names the first entry edited, removed or inserted.
    Verify(ListArgs),
}

fn open(common: &CommonArgs) -> anyhow::Result<Store> {
    let settings = common.settings(&[])?;
    if settings.database_url().starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    }
    Ok(platform::open_database(&settings)?.connect()?)
}

fn actor() -> Actor {
    Actor::new(super::cli_actor())
}

/// A password from a prompt (twice, to catch typos) or the first line of standard input.
fn read_password(what: &str, from_stdin: bool) -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password(format!("{what}: "))?;
    let again = rpassword::prompt_password(format!("{what} again: "))?;
    anyhow::ensure!(first == again, "the two passwords differ");
    Ok(first)
}

pub fn run_user(cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(a) => {
            let role = Role::parse(&a.role)?;
            let password = read_password(&format!("password for {}", a.name), a.password_stdin)?;
            let mut store = open(&a.common)?;
            let new = NewAccount {
                name: a.name.clone(),
                role,
                scopes: Scopes {
                    counties: a.county.clone(),
                    enterprises: a.enterprise.clone(),
                    reaches: vec![],
                },
                password,
                must_change_password: false,
            };
            accounts::create_account(&mut store, &actor(), &new)?;
            println!("account {} created ({})", a.name, role.code());
        }
        UserCommand::List(a) => {
            let store = open(&a.common)?;
            println!("name\trole\tjurisdiction\tstate");
            for acc in store.accounts()? {
                let mut scope: Vec<String> = Vec::new();
                scope.extend(acc.scopes.counties.iter().map(|c| format!("county:{c}")));
                scope.extend(
                    acc.scopes
                        .enterprises
                        .iter()
                        .map(|e| format!("enterprise:{e}")),
                );
                scope.extend(acc.scopes.reaches.iter().map(|r| format!("reach:{r}")));
                let state = if acc.disabled {
                    "disabled"
                } else if acc.must_change_password {
                    "must change password"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{state}",
                    acc.name,
                    acc.role,
                    if scope.is_empty() {
                        "city".into()
                    } else {
                        scope.join(",")
                    }
                );
            }
        }
        UserCommand::Disable(a) => {
            accounts::set_disabled(&mut open(&a.common)?, &actor(), &a.name, true)?;
            println!("account {} disabled", a.name);
        }
        UserCommand::Email(a) => {
            accounts::set_email(&mut open(&a.common)?, &actor(), &a.name, Some(&a.email))?;
            println!(
                "account {}: e-mail address {}",
                a.name,
                if a.email.trim().is_empty() {
                    "removed"
                } else {
                    "set"
                }
            );
        }
        UserCommand::Enable(a) => {
            accounts::set_disabled(&mut open(&a.common)?, &actor(), &a.name, false)?;
            println!("account {} enabled", a.name);
        }
        UserCommand::ResetPassword(a) => {
            let temporary = read_password(
                &format!("temporary password for {}", a.name),
                a.password_stdin,
            )?;
            accounts::reset_password(&mut open(&a.common)?, &actor(), &a.name, &temporary)?;
            println!(
                "password of {} reset; it must be changed at the next sign-in",
                a.name
            );
        }
    }
    Ok(())
}

pub fn run_token(cmd: TokenCommand) -> anyhow::Result<()> {
    match cmd {
        TokenCommand::Create(a) => {
            let actions = a
                .actions
                .iter()
                .map(|c| {
                    accounts::Action::parse(c).with_context(|| {
                        format!(
                            "unknown action {c:?}: expected one of {}",
                            accounts::Action::ALL.map(|a| a.code()).join(", ")
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let mut store = open(&a.common)?;
            let (_, token) = accounts::create_token(
                &mut store,
                &actor(),
                &a.user,
                &a.label,
                (!actions.is_empty()).then_some(&actions[..]),
                a.expires_days,
            )?;
            // Alone on standard output, so `TOKEN=$(qingshan token create …)` works.
            println!("{}", token.0);
        }
    }
    Ok(())
}

pub fn run_audit(cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::Verify(a) => {
            let settings = a.common.settings(&[])?;
            let store = platform::open_database(&settings)?.reader()?;
            let check = store.verify_audit()?;
            match check.first_broken {
                None => println!(
                    "audit log intact: {} entries, hash chain verified",
                    check.records
                ),
                Some(id) => {
                    println!(
                        "audit log BROKEN at entry {id}: it, or the entry before it, was edited, removed \
                         or inserted after it was written ({} entries checked)",
                        check.records
                    );
                    std::process::exit(1);
                }
            }
        }
    }
    Ok(())
}
