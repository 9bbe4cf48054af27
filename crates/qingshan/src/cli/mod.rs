//! One module per subcommand.

pub mod device;
pub mod evaluate;
pub mod hj212;
pub mod import;
pub mod journal;
pub mod serve;
pub mod simulate;

/// Who ran a command, for the audit log: `cli:` and the login name.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}
