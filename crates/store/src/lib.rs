//! Qingshan's persistence: schema, migrations and queries over one embedded SQLite file (WAL).
//!
//! The store takes and returns domain types ([`model`]); SQL stays inside this crate. One [`Store`] is one
//! connection: the platform keeps a single writer (batched transactions, see [`Store::write_frames`]) and
//! readers on their own connections. Rollups and retention are computed by the application, not here.
//!
//! Keys: the site id leads every measurement key and appears in every measurement query, so the tables
//! shard by site when they move to a distributed PostgreSQL.

mod journal;
mod migrations;
pub mod model;
mod public;
mod registry;
mod rollups;
mod series;

pub use journal::{QuarantineCount, WriteSummary};
pub use rollups::DirtyHour;
pub use series::{Receipt, SeriesInfo};

pub use model::*;

use rusqlite::Connection;
use std::path::Path;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or a statement failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored code did not parse (a corrupted or newer database).
    #[error("bad stored value: {0}")]
    BadCode(#[from] UnknownCode),
    /// The database was written by a newer Qingshan.
    #[error("database schema version {found} is newer than this program knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    /// A reference to something that does not exist (e.g. a device on an unknown site).
    #[error("{0}")]
    NotFound(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How hard SQLite syncs the write-ahead log on commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: a committed transaction survives power loss. The default.
    Full,
    /// `synchronous=NORMAL`: survives a process crash (kill -9), may lose the last commits on power loss.
    Normal,
}

/// One connection to the database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` with WAL journaling, and migrates it.
    pub fn open(path: &Path, durability: Durability) -> Result<Store> {
        let conn = Connection::open(path)?;
        let store = Store::configure(conn, durability)?;
        Ok(store)
    }

    /// Opens an existing database for reading only (no migration; use after a writer has migrated).
    pub fn open_reader(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store { conn })
    }

    fn configure(conn: Connection, durability: Durability) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let sync = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", sync)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // The default 2 MB page cache makes every insert into a grown B-tree read and spill pages
        // (measured: most of the write path's time in kernel page copies). 16 MB keeps the hot pages; much
        // more costs time at every commit (SQLite walks the cache), which small batches feel. Checkpointing
        // every 10,000 WAL pages (~40 MB) instead of 1,000 writes a page changed by many batches once.
        // See `cargo bench -p store --bench write`.
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    /// Applies every migration not yet applied; returns the versions applied now.
    pub fn migrate(&mut self) -> Result<Vec<i64>> {
        migrations::apply(&mut self.conn)
    }

    /// Runs `f` in one transaction: everything it wrote is committed together, or nothing when it fails.
    pub fn in_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Store) -> Result<T, E>,
    ) -> Result<T, E> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
        match f(self) {
            Ok(t) => {
                self.conn
                    .execute_batch("COMMIT")
                    .map_err(StoreError::from)?;
                Ok(t)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::current(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("q.db"), Durability::Normal).unwrap();
        (dir, store)
    }

    #[test]
    fn opens_and_migrates_idempotently() {
        let (dir, mut store) = temp_store();
        let v = store.schema_version().unwrap();
        assert!(v >= 1);
        assert!(store.migrate().unwrap().is_empty());
        drop(store);
        let again = Store::open(&dir.path().join("q.db"), Durability::Full).unwrap();
        assert_eq!(again.schema_version().unwrap(), v);
    }
}
