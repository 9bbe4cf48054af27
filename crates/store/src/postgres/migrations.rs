//! Numbered `.sql` migrations for PostgreSQL, embedded in the binary and applied in order under an
//! advisory lock, so two servers starting together migrate once.

use super::MIGRATION_LOCK;
use super::client::Client;
use crate::{Result, StoreError};

/// (version, SQL). Append new files here; never edit an applied one. PostgreSQL's numbering is its own:
/// version 1 is the schema SQLite reached at its version 4.
const POSTGRES: &[(i64, &str)] = &[
    (
        1,
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (2, include_str!("../../migrations/postgres/0002_people.sql")),
    (
        3,
        include_str!("../../migrations/postgres/0003_dirty_mark.sql"),
    ),
    (
        4,
        include_str!("../../migrations/postgres/0004_access_log.sql"),
    ),
    (
        5,
        include_str!("../../migrations/postgres/0005_permits.sql"),
    ),
    (
        6,
        include_str!("../../migrations/postgres/0006_baselines.sql"),
    ),
    (
        7,
        include_str!("../../migrations/postgres/0007_determinations.sql"),
    ),
    (8, include_str!("../../migrations/postgres/0008_alarms.sql")),
    (
        9,
        include_str!("../../migrations/postgres/0009_account_email.sql"),
    ),
    (10, include_str!("../../migrations/postgres/0010_marks.sql")),
    (
        11,
        include_str!("../../migrations/postgres/0011_corrections.sql"),
    ),
    (12, include_str!("../../migrations/postgres/0012_cases.sql")),
    (
        13,
        include_str!("../../migrations/postgres/0013_complaints.sql"),
    ),
    (
        14,
        include_str!("../../migrations/postgres/0014_case_reminders.sql"),
    ),
    (
        15,
        include_str!("../../migrations/postgres/0015_rivers.sql"),
    ),
    (
        16,
        include_str!("../../migrations/postgres/0016_targets.sql"),
    ),
];

pub(crate) fn current(client: &mut Client) -> Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0))
}

pub(crate) fn apply(client: &mut Client) -> Result<Vec<i64>> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let applied = apply_locked(client);
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
    applied
}

fn apply_locked(client: &mut Client) -> Result<Vec<i64>> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )?;
    let at = current(client)?;
    let known = POSTGRES.last().map_or(0, |m| m.0);
    if at > known {
        return Err(StoreError::SchemaTooNew { found: at, known });
    }
    let mut applied = Vec::new();
    for &(version, sql) in POSTGRES.iter().filter(|m| m.0 > at) {
        client.batch_execute("BEGIN")?;
        let done = client
            .batch_execute(sql)
            .map_err(StoreError::from)
            .and_then(|()| {
                if version == 2 {
                    // SQL cannot compute SHA-256: the entries already written are chained here.
                    super::people::chain_unhashed_audit(client)?;
                }
                Ok(client.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, extract(epoch FROM now())::bigint)",
                    &[&version],
                )?)
            });
        if let Err(e) = done {
            let _ = client.batch_execute("ROLLBACK");
            return Err(e);
        }
        client.batch_execute("COMMIT")?;
        applied.push(version);
    }
    Ok(applied)
}
