//! The one error type of the application's operations. It says what kind of failure happened, never how
//! to show it: `web` maps it to a JSON answer or an HTML page, the command line prints it.

/// Why an operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing asked for, or referred to, does not exist (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The input breaks a rule; the message names the field and the value (HTTP 400).
    #[error("{0}")]
    Invalid(String),
    /// Nobody (or nobody valid) is signed in, and this needs someone (HTTP 401).
    #[error("{0}")]
    Unauthenticated(String),
    /// Too many failed sign-ins: try again in `seconds` (HTTP 429).
    #[error("too many failed sign-ins; try again in {seconds} s")]
    Locked { seconds: i64 },
    /// The actor may not do this (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// The change contradicts what is stored (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// The database failed (HTTP 500; the details go to the log, not to the client).
    #[error("storage failed: {0}")]
    Storage(#[from] store::StoreError),
    /// Something inside the application broke (a task panicked, a lock was poisoned).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An [`Error::Invalid`] from anything printable.
    pub fn invalid(message: impl std::fmt::Display) -> Error {
        Error::Invalid(message.to_string())
    }
}

impl From<store::UnknownCode> for Error {
    fn from(e: store::UnknownCode) -> Error {
        Error::Invalid(e.to_string())
    }
}

/// The result of an application operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
