//! Numbered `.sql` migrations, embedded in the binary and applied in order.

use crate::{Result, StoreError};
use rusqlite::{Connection, OptionalExtension};

/// (version, SQL). Append new files here; never edit an applied one.
const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_initial.sql")),
    (
        2,
        include_str!("../../migrations/sqlite/0002_waterbodies.sql"),
    ),
];

pub(crate) fn current(conn: &Connection) -> Result<i64> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
    )?;
    current_readonly(conn)
}

/// Like [`current`] on a connection that cannot create the table (0 when it is missing).
pub(crate) fn current_readonly(conn: &Connection) -> Result<i64> {
    let exists = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |_| Ok(()),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn apply(conn: &mut Connection) -> Result<Vec<i64>> {
    let at = current(conn)?;
    let known = SQLITE.last().map_or(0, |m| m.0);
    if at > known {
        return Err(StoreError::SchemaTooNew { found: at, known });
    }
    let mut applied = Vec::new();
    for &(version, sql) in SQLITE.iter().filter(|m| m.0 > at) {
        // IMMEDIATE, and the version re-read inside: two processes starting together migrate once.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if current_readonly(&tx)? >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, strftime('%s','now'))",
            [version],
        )?;
        tx.commit()?;
        applied.push(version);
    }
    Ok(applied)
}
