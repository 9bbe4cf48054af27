//! The embedded backend: one SQLite file in WAL mode.

mod journal;
mod migrations;
mod registry;
mod rollups;
mod series;

use crate::contract::{Connection, Database, Store};
use crate::{Durability, Result};
use std::path::{Path, PathBuf};

/// A SQLite database file.
pub struct SqliteDatabase {
    path: PathBuf,
    url: String,
    durability: Durability,
}

impl SqliteDatabase {
    /// Opens (creating if needed) the database file at `path` and migrates it.
    pub fn open(path: &Path, durability: Durability) -> Result<SqliteDatabase> {
        let db = SqliteDatabase {
            path: path.to_path_buf(),
            url: format!("sqlite:{}", path.display()),
            durability,
        };
        SqliteConnection::open(path, durability)?.migrate()?;
        Ok(db)
    }
}

impl Database for SqliteDatabase {
    fn connect(&self) -> Result<Store> {
        Ok(Store::new(SqliteConnection::open(
            &self.path,
            self.durability,
        )?))
    }

    fn reader(&self) -> Result<Store> {
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store::new(SqliteConnection { conn }))
    }

    fn url(&self) -> &str {
        &self.url
    }
}

/// Opens (creating and migrating) the file at `path` and returns one connection to it: for tests and
/// benches that need one connection and nothing else.
pub fn connect_file(path: &Path, durability: Durability) -> Result<Store> {
    SqliteDatabase::open(path, durability)?.connect()
}

/// The schema version of the file at `path` without migrating it (0 when it does not exist yet).
pub(crate) fn schema_version_at(path: &Path) -> Result<i64> {
    if !path.exists() {
        return Ok(0);
    }
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    migrations::current_readonly(&conn)
}

/// One connection to a SQLite file.
pub struct SqliteConnection {
    conn: rusqlite::Connection,
}

impl SqliteConnection {
    fn open(path: &Path, durability: Durability) -> Result<SqliteConnection> {
        let conn = rusqlite::Connection::open(path)?;
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
        Ok(SqliteConnection { conn })
    }
}

impl Connection for SqliteConnection {
    fn schema_version(&self) -> Result<i64> {
        migrations::current(&self.conn)
    }

    fn migrate(&mut self) -> Result<Vec<i64>> {
        migrations::apply(&mut self.conn)
    }

    fn begin(&mut self) -> Result<()> {
        // IMMEDIATE: take the write lock now, so two writers wait on each other instead of failing at
        // their first write.
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    fn commit(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }

    fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }
}

#[cfg(test)]
mod tests {
    crate::conformance_tests!({
        let dir = tempfile::tempdir().unwrap();
        let db = super::SqliteDatabase::open(&dir.path().join("q.db"), crate::Durability::Normal)
            .unwrap();
        (dir, db)
    });
}
