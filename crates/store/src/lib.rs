//! Qingshan's persistence: the storage contract ([`contract`]) and its backends.
//!
//! The store takes and returns domain types ([`model`]); SQL stays inside this crate. Each capability has
//! its trait ([`Journal`], [`Series`], [`Rollups`], [`Registry`], [`Audit`]); a [`Connection`] is all of
//! them plus schema and transactions, and [`Store`] is a connection as the platform holds it. [`open`]
//! turns a database URL into a [`Database`] that hands out connections: the platform keeps a single
//! writer (batched transactions, see [`Journal::write_frames`]) and readers on their own connections.
//! Every backend passes the same [`conformance`] suite. Rollups and retention are computed by the
//! application, not here.
//!
//! Keys: the site id leads every measurement key and appears in every measurement query, so the tables
//! shard by site when they move to a distributed PostgreSQL.

pub mod alarms;
pub mod cases;
pub mod chain;
pub mod conformance;
pub mod contract;
pub mod copy;
pub mod determinations;
pub mod marks;
pub mod model;
pub mod people;
pub mod permits;
pub mod postgres;
pub mod rivers;
pub mod sqlite;
pub mod targets;

pub use alarms::{Alarm, AlarmNote, AlarmRule, Delivery};
pub use cases::{Case, CaseEvent, Complaint};
pub use chain::ChainCheck;
pub use contract::{
    Alarms, Attachments, Audit, Cases, Conflict, Connection, Corrections, Database, Determinations,
    DirtyHour, Journal, Marks, People, Permits, QuarantineCount, Receipt, RefusalCount, Registry,
    Rivers, Rollups, Series, SeriesInfo, Store, Tables, Targets, WriteSummary,
};
pub use determinations::{Determination, ExceedanceFacts};
pub use marks::{Attachment, Mark};
pub use model::*;
pub use people::{Account, ApiToken, Scopes, Session};
pub use permits::{Baseline, Permit, PermitAnnual, PermitLimit, PermitOutlet};
pub use rivers::{Patrol, Reach, ReachChief};
pub use targets::{IndicatorValue, Target};

use std::sync::Arc;

/// The traits, for callers that call store methods on a [`Store`].
pub mod prelude {
    pub use crate::contract::{
        Audit, Connection, Database, Journal, People, Registry, Rollups, Series, Tables,
    };
}

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or a statement failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL server could not be reached or a statement failed.
    #[error("database error: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// A stored code did not parse (a corrupted or newer database).
    #[error("bad stored value: {0}")]
    BadCode(#[from] UnknownCode),
    /// The database was written by a newer Qingshan.
    #[error("database schema version {found} is newer than this program knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    /// A reference to something that does not exist (e.g. a device on an unknown site).
    #[error("{0}")]
    NotFound(String),
    /// Something with this name exists already (e.g. an account name).
    #[error("{0}")]
    Exists(String),
    /// A database URL this build cannot open.
    #[error("{0}")]
    Unsupported(String),
    /// The stored data breaks an invariant (e.g. a journal record without its hash).
    #[error("corrupt database: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How hard the database syncs its log on commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// A committed transaction survives power loss. The default.
    Full,
    /// Survives a process crash (kill -9), may lose the last commits on power loss.
    Normal,
}

/// Opens (creating and migrating) the database at `url`: `sqlite:PATH`, `sqlite://PATH` or a plain file
/// path for embedded SQLite; `postgres://USER@HOST:PORT/DB` (or `postgresql://`) for PostgreSQL.
pub fn open(url: &str, durability: Durability) -> Result<Arc<dyn Database>> {
    match Backend::of(url)? {
        Backend::Sqlite(path) => Ok(Arc::new(sqlite::SqliteDatabase::open(path, durability)?)),
        Backend::Postgres(url) => Ok(Arc::new(postgres::PgDatabase::open(url, durability)?)),
    }
}

/// The schema version of the database at `url` without migrating it (0 for a new database).
pub fn schema_version_at(url: &str) -> Result<i64> {
    match Backend::of(url)? {
        Backend::Sqlite(path) => sqlite::schema_version_at(path),
        Backend::Postgres(url) => postgres::schema_version_at(url),
    }
}

enum Backend<'a> {
    Sqlite(&'a std::path::Path),
    Postgres(&'a str),
}

impl<'a> Backend<'a> {
    fn of(url: &'a str) -> Result<Backend<'a>> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Backend::Postgres(url));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() || (url.contains("://") && !url.starts_with("sqlite://")) {
            return Err(StoreError::Unsupported(format!(
                "unknown database URL {url:?}: expected sqlite:PATH or a file path"
            )));
        }
        Ok(Backend::Sqlite(std::path::Path::new(path)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert!(
            matches!(Backend::of("sqlite:/tmp/q.db"), Ok(Backend::Sqlite(p)) if p == std::path::Path::new("/tmp/q.db"))
        );
        assert!(
            matches!(Backend::of("sqlite:///tmp/q.db"), Ok(Backend::Sqlite(p)) if p == std::path::Path::new("/tmp/q.db"))
        );
        assert!(matches!(Backend::of("data/q.db"), Ok(Backend::Sqlite(_))));
        assert!(matches!(
            Backend::of("postgres://localhost/q"),
            Ok(Backend::Postgres("postgres://localhost/q"))
        ));
        assert!(
            matches!(Backend::of("mysql://localhost/q"), Err(StoreError::Unsupported(m)) if m.contains("mysql"))
        );
        assert!(matches!(
            Backend::of("sqlite:"),
            Err(StoreError::Unsupported(_))
        ));
    }
}
