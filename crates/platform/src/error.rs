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
    Invalid(Message),
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
    /// An [`Error::Invalid`] from anything printable, in English only.
    pub fn invalid(message: impl std::fmt::Display) -> Error {
        Error::Invalid(Message {
            en: message.to_string(),
            zh: None,
        })
    }

    /// An [`Error::Invalid`] said in English and Chinese, for what people type into the console's forms.
    pub fn invalid_both(en: impl std::fmt::Display, zh: impl std::fmt::Display) -> Error {
        Error::Invalid(Message {
            en: en.to_string(),
            zh: Some(zh.to_string()),
        })
    }
}

/// What to tell a person: English always (the API's `message`, the logs), Chinese where it is written
/// (the console shows it to people reading Chinese, and English otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub en: String,
    pub zh: Option<String>,
}

impl Message {
    /// The message in Chinese when asked for and written, else in English.
    pub fn in_chinese(&self, chinese: bool) -> &str {
        match (&self.zh, chinese) {
            (Some(zh), true) => zh,
            _ => &self.en,
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl From<store::UnknownCode> for Error {
    fn from(e: store::UnknownCode) -> Error {
        Error::invalid_both(
            &e,
            format!("{}“{}”无效，可选：{}", e.what, e.value, e.expected),
        )
    }
}

impl From<crate::accounts::password::Weak> for Error {
    fn from(w: crate::accounts::password::Weak) -> Error {
        use crate::accounts::password::{HISTORY, LENGTH, Weak};
        let zh = match w {
            Weak::Length => format!("密码长度须为 {} 至 {} 个字符", LENGTH.start(), LENGTH.end()),
            Weak::ContainsName => "密码不能包含账号名".to_string(),
            Weak::Repetitive => "密码至少需要 5 个不同的字符".to_string(),
            Weak::Reused => format!("不能使用最近 {HISTORY} 次用过的密码"),
        };
        Error::invalid_both(w, zh)
    }
}

/// The result of an application operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
