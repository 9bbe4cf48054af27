//! The embedded backend: one SQLite file in WAL mode.

mod alarms;
mod cases;
mod corrections;
mod determinations;
mod journal;
mod marks;
mod migrations;
mod people;
mod permits;
mod registry;
mod rivers;
mod rollups;
mod series;
mod tables;
mod targets;

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

    fn checkpoint(&self) -> Result<()> {
        let conn = SqliteConnection::open(&self.path, self.durability)?;
        // TRUNCATE waits (busy timeout) for readers in a transaction, then empties the log.
        conn.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
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
        // Freed pages are zeroed: a sealed-over secret (a device password stored in clear by an older
        // version) does not linger in the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
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

    use crate::{ChainCheck, FrameRecord, Verdict};

    /// Edits, deletions and insertions made behind the store's back break the chain where they are.
    #[test]
    fn tampering_with_the_journal_is_found_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let mut store = super::connect_file(&path, crate::Durability::Normal).unwrap();
        let frame = |i: u8| FrameRecord {
            received_at_ms: 1_704_067_200_000 + i64::from(i),
            peer: "10.0.0.1:5000".into(),
            mn: Some("MN1".into()),
            cn: Some("2011".into()),
            verdict: Verdict::Accepted,
            cause: None,
            raw: vec![b'#', i],
            values: vec![],
        };
        store
            .write_frames(&(1..=5).map(frame).collect::<Vec<_>>())
            .unwrap();
        let sql = rusqlite::Connection::open(&path).unwrap();
        let check = |first_broken| ChainCheck {
            records: 5,
            first_broken,
            purged: 0,
        };
        assert_eq!(store.verify_chain().unwrap(), check(None));
        sql.execute("UPDATE journal SET raw = X'2363' WHERE id = 3", [])
            .unwrap();
        assert_eq!(store.verify_chain().unwrap(), check(Some(3)), "an edit");
        sql.execute("UPDATE journal SET raw = X'2303' WHERE id = 3", [])
            .unwrap();
        assert_eq!(store.verify_chain().unwrap(), check(None), "undone");
        sql.execute("DELETE FROM journal WHERE id = 2", []).unwrap();
        assert_eq!(
            store.verify_chain().unwrap(),
            ChainCheck {
                records: 4,
                first_broken: Some(3),
                purged: 0,
            },
            "a deletion breaks the next record"
        );
    }

    /// An audit entry edited behind the store's back is named; entries written before the chain existed
    /// are chained by migration 5.
    #[test]
    fn the_audit_chain_finds_an_edited_entry_and_covers_older_entries() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations::apply_up_to(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO audit (at, actor, action, subject) VALUES (1, 'cli:a', 'upsert_site', 'S1'),
                 (2, 'cli:a', 'upsert_site', 'S2');",
        )
        .unwrap();
        super::migrations::apply(&mut conn).unwrap();
        let store = crate::Store::new(super::SqliteConnection { conn });
        store.audit("cli:b", "upsert_device", "M1", None).unwrap();
        let check = store.verify_audit().unwrap();
        assert_eq!((check.records, check.first_broken), (3, None));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let store = super::connect_file(&path, crate::Durability::Normal).unwrap();
        for subject in ["S1", "S2", "S3"] {
            store.audit("cli:a", "upsert_site", subject, None).unwrap();
        }
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "UPDATE audit SET actor = 'cli:someone-else' WHERE subject = 'S2'",
                [],
            )
            .unwrap();
        let check = store.verify_audit().unwrap();
        assert_eq!((check.records, check.first_broken), (3, Some(2)));
    }

    /// Records journaled before the chain existed are chained by the migration that adds it.
    #[test]
    fn migration_4_chains_the_records_already_journaled() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations::apply_up_to(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO journal (received_at, peer, verdict, raw) VALUES (1, 'p', 'accepted', X'01'),
                 (2, 'p', 'bad_frame', X'02');",
        )
        .unwrap();
        super::migrations::apply(&mut conn).unwrap();
        let store = crate::Store::new(super::SqliteConnection { conn });
        assert_eq!(
            store.verify_chain().unwrap(),
            ChainCheck {
                records: 2,
                first_broken: None,
                purged: 0,
            }
        );
    }
}
