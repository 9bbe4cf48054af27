//! The server backend: PostgreSQL (15+), for a province's or the country's volume and for several
//! gateways writing to one database.
//!
//! Same contract, same conformance suite as SQLite. What differs, and why:
//! - `measurements` is partitioned by data time, one partition per UTC month ([`partitions`]), created
//!   ahead when the database is opened and on demand by the writer for a month no partition holds yet.
//! - Journal writes from several servers are serialised by a transaction-scoped advisory lock
//!   ([`CHAIN_LOCK`]): the hash chain needs one order, and `write_frames` reads its head inside the lock.
//! - Bulk writes are one multi-row `INSERT … SELECT FROM UNNEST(…)` per table per batch, inside the
//!   writer's group commit; the answer to devices still waits for the commit.
//! - Migrations take a session advisory lock ([`MIGRATION_LOCK`]): two servers starting together migrate
//!   once.

mod alarms;
mod cases;
mod client;
mod corrections;
mod determinations;
mod journal;
mod marks;
mod migrations;
pub mod partitions;
mod people;
mod permits;
mod registry;
mod rivers;
mod series;
mod tables;
mod targets;

use crate::contract::{Connection, Database, Store};
use crate::{Durability, Result, StoreError};
use std::cell::{Cell, RefCell};

/// Advisory lock key held while migrating (any server, any database on the cluster).
const MIGRATION_LOCK: i64 = 0x7153_6d69_6772;
/// Advisory lock key held by a transaction that appends to the journal.
pub(crate) const CHAIN_LOCK: i64 = 0x7153_6368_6169;
/// Advisory lock key held by a transaction that appends to the audit log.
pub(crate) const AUDIT_LOCK: i64 = 0x7153_6175_6469;
/// Advisory lock key held, for its whole session, by the connection that leads the background jobs.
const LEADER_LOCK: i64 = 0x7153_6c65_6164;

/// A PostgreSQL database named by a `postgres://` URL.
pub struct PgDatabase {
    config: postgres::Config,
    url: String,
    durability: Durability,
}

impl PgDatabase {
    /// Connects to the database at `url`, migrates it and creates the measurement partitions around now.
    pub fn open(url: &str, durability: Durability) -> Result<PgDatabase> {
        let config: postgres::Config = url.parse().map_err(|e| {
            StoreError::Unsupported(format!("bad PostgreSQL URL {:?}: {e}", redact(url)))
        })?;
        let db = PgDatabase {
            config,
            url: redact(url),
            durability,
        };
        let mut first = db.open_connection(false)?;
        first.migrate()?;
        partitions::ensure_around_now(&first)?;
        Ok(db)
    }

    fn open_connection(&self, read_only: bool) -> Result<PgConnection> {
        let mut client = client::Client::connect(&self.config)?;
        let mut setup = String::from("SET TIME ZONE 'UTC';");
        if self.durability == Durability::Normal {
            // Survives a crash of this process (PostgreSQL holds the commit); a crash of the database
            // server itself may lose the last fraction of a second of commits.
            setup.push_str("SET synchronous_commit = off;");
        }
        if read_only {
            setup.push_str("SET default_transaction_read_only = on;");
        }
        client.batch_execute(&setup)?;
        Ok(PgConnection {
            client: RefCell::new(client),
            in_transaction: Cell::new(false),
            months: RefCell::new(std::collections::HashSet::new()),
            leading: false,
        })
    }
}

impl Database for PgDatabase {
    fn connect(&self) -> Result<Store> {
        Ok(Store::new(self.open_connection(false)?))
    }

    fn reader(&self) -> Result<Store> {
        Ok(Store::new(self.open_connection(true)?))
    }

    fn url(&self) -> &str {
        &self.url
    }
}

/// The schema version of the database at `url` without migrating it (0 for an empty database).
pub(crate) fn schema_version_at(url: &str) -> Result<i64> {
    let config: postgres::Config = url.parse()?;
    let mut client = client::Client::connect(&config)?;
    migrations::current(&mut client)
}

/// The URL without its password, for logs and `Database::url`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

/// One connection to PostgreSQL.
pub struct PgConnection {
    client: RefCell<client::Client>,
    /// Whether [`Connection::begin`] opened a transaction that is still open.
    in_transaction: Cell<bool>,
    /// Months (first second, UTC) this connection knows have a measurement partition.
    months: RefCell<std::collections::HashSet<i64>>,
    /// Whether this session holds [`LEADER_LOCK`].
    leading: bool,
}

impl PgConnection {
    fn client(&self) -> std::cell::RefMut<'_, client::Client> {
        self.client.borrow_mut()
    }

    /// Runs `f` in a transaction of its own, or inside the caller's (as a savepoint) when one is open.
    fn atomically<T>(&self, f: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        let nested = self.in_transaction.get();
        self.client().batch_execute(if nested {
            "SAVEPOINT atomically"
        } else {
            "BEGIN"
        })?;
        match f(self) {
            Ok(t) => {
                self.client().batch_execute(if nested {
                    "RELEASE SAVEPOINT atomically"
                } else {
                    "COMMIT"
                })?;
                Ok(t)
            }
            Err(e) => {
                let _ = self.client().batch_execute(if nested {
                    "ROLLBACK TO SAVEPOINT atomically; RELEASE SAVEPOINT atomically"
                } else {
                    "ROLLBACK"
                });
                // Partitions created in what was rolled back are gone with it.
                self.months.borrow_mut().clear();
                Err(e)
            }
        }
    }
}

impl Connection for PgConnection {
    fn schema_version(&self) -> Result<i64> {
        migrations::current(&mut self.client())
    }

    fn migrate(&mut self) -> Result<Vec<i64>> {
        migrations::apply(self.client.get_mut())
    }

    fn begin(&mut self) -> Result<()> {
        self.client.get_mut().batch_execute("BEGIN")?;
        self.in_transaction.set(true);
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        self.in_transaction.set(false);
        Ok(self.client.get_mut().batch_execute("COMMIT")?)
    }

    fn rollback(&mut self) {
        self.in_transaction.set(false);
        let _ = self.client.get_mut().batch_execute("ROLLBACK");
        // Partitions created in the abandoned transaction are gone with it.
        self.months.get_mut().clear();
    }

    fn lead_background_jobs(&mut self) -> Result<bool> {
        // Taken once and kept: asking again would stack the lock. Released when the session ends.
        if !self.leading {
            self.leading = self
                .client
                .get_mut()
                .query_one("SELECT pg_try_advisory_lock($1)", &[&LEADER_LOCK])?
                .get(0);
        }
        Ok(self.leading)
    }

    fn prepare_ahead(&mut self) -> Result<()> {
        partitions::ensure_around_now(self)
    }
}

/// A database of its own on a PostgreSQL server, for one test, dropped with it. The server is the one at
/// `$QINGSHAN_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`).
pub struct TestDatabase {
    admin: String,
    name: String,
    /// The URL of the test's database.
    pub url: String,
}

impl TestDatabase {
    /// Creates a fresh database, or returns `None` (printing SKIPPED) when no server answers. Under
    /// `CI=true` a missing server is a failure: it panics.
    pub fn create(test: &str) -> Option<TestDatabase> {
        let admin = std::env::var("QINGSHAN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let config: postgres::Config = admin.parse().expect("QINGSHAN_TEST_POSTGRES is a URL");
        let mut client = match client::Client::connect(&config) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "CI=true and no PostgreSQL server at {}: {e}",
                        redact(&admin)
                    );
                }
                eprintln!(
                    "SKIPPED {test}: no PostgreSQL server at {} ({e})",
                    redact(&admin)
                );
                return None;
            }
        };
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "qingshan_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("QINGSHAN_TEST_POSTGRES {admin:?} names no database"),
        };
        Some(TestDatabase { admin, name, url })
    }

    /// Runs `sql` on the test's database directly, behind the store's back (tampering tests).
    pub fn execute(&self, sql: &str) {
        let config: postgres::Config = self.url.parse().expect("a test database URL");
        let mut client = client::Client::connect(&config).expect("connect");
        client.batch_execute(sql).expect("run the test's SQL");
    }

    /// Opens the test's database through [`crate::open`], as the platform would.
    pub fn open(self, durability: Durability) -> (TestDatabase, PgDatabase) {
        let db = PgDatabase::open(&self.url, durability).expect("open the test database");
        (self, db)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let config: Result<postgres::Config, _> = self.admin.parse();
        if let Ok(mut client) = config.and_then(|c| client::Client::connect(&c)) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    crate::conformance_tests!(match super::TestDatabase::create("conformance") {
        Some(t) => t.open(crate::Durability::Normal),
        None => return,
    });

    /// One connection of all a database's servers leads the background jobs, until it closes.
    #[test]
    fn one_connection_at_a_time_leads_the_background_jobs() {
        use crate::Database;
        let Some(t) = super::TestDatabase::create("leader") else {
            return;
        };
        let (_guard, db) = t.open(crate::Durability::Normal);
        let (mut a, mut b) = (db.connect().unwrap(), db.connect().unwrap());
        assert!(a.lead_background_jobs().unwrap());
        assert!(a.lead_background_jobs().unwrap(), "and keeps leading");
        assert!(!b.lead_background_jobs().unwrap());
        drop(a);
        // The server frees a closed session's lock when its backend notices the close: not always
        // before the next statement of another session, so the next one asks again for a while.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut took_over = b.lead_background_jobs().unwrap();
        while !took_over && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
            took_over = b.lead_background_jobs().unwrap();
        }
        assert!(took_over, "the next takes over");
        b.prepare_ahead().unwrap();
    }

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(
            super::redact("postgres://q:secret@db:5432/city"),
            "postgres://q@db:5432/city"
        );
        assert_eq!(super::redact("postgres://db/city"), "postgres://db/city");
    }
}
