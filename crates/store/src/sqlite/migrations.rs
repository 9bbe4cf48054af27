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
    (
        3,
        include_str!("../../migrations/sqlite/0003_emission_standard.sql"),
    ),
    (4, include_str!("../../migrations/sqlite/0004_evidence.sql")),
    (5, include_str!("../../migrations/sqlite/0005_people.sql")),
    (
        6,
        include_str!("../../migrations/sqlite/0006_dirty_mark.sql"),
    ),
    (
        7,
        include_str!("../../migrations/sqlite/0007_access_log.sql"),
    ),
    (8, include_str!("../../migrations/sqlite/0008_permits.sql")),
    (
        9,
        include_str!("../../migrations/sqlite/0009_baselines.sql"),
    ),
    (
        10,
        include_str!("../../migrations/sqlite/0010_determinations.sql"),
    ),
    (11, include_str!("../../migrations/sqlite/0011_alarms.sql")),
    (
        12,
        include_str!("../../migrations/sqlite/0012_account_email.sql"),
    ),
    (13, include_str!("../../migrations/sqlite/0013_marks.sql")),
    (
        14,
        include_str!("../../migrations/sqlite/0014_corrections.sql"),
    ),
    (15, include_str!("../../migrations/sqlite/0015_cases.sql")),
    (
        16,
        include_str!("../../migrations/sqlite/0016_complaints.sql"),
    ),
    (
        17,
        include_str!("../../migrations/sqlite/0017_case_reminders.sql"),
    ),
    (18, include_str!("../../migrations/sqlite/0018_rivers.sql")),
    (19, include_str!("../../migrations/sqlite/0019_targets.sql")),
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
    apply_up_to(conn, i64::MAX)
}

pub(crate) fn apply_up_to(conn: &mut Connection, last: i64) -> Result<Vec<i64>> {
    let at = current(conn)?;
    let known = SQLITE.last().map_or(0, |m| m.0);
    if at > known {
        return Err(StoreError::SchemaTooNew { found: at, known });
    }
    let mut applied = Vec::new();
    for &(version, sql) in SQLITE.iter().filter(|m| m.0 > at && m.0 <= last) {
        // IMMEDIATE, and the version re-read inside: two processes starting together migrate once.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if current_readonly(&tx)? >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        if version == 4 {
            // SQL cannot compute SHA-256: the records already journaled are chained here.
            super::journal::chain_unhashed(&tx)?;
        }
        if version == 5 {
            super::people::chain_unhashed_audit(&tx)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, strftime('%s','now'))",
            [version],
        )?;
        tx.commit()?;
        applied.push(version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlets_registered_before_emission_standards_keep_the_standard_their_name_gave_them() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(apply_up_to(&mut conn, 2).unwrap(), vec![1, 2]);
        conn.execute_batch(
            "INSERT INTO enterprises (id, name) VALUES ('E1', '示例燃煤电厂'), ('E2', '县城污水处理厂'),
                 ('E3', '水泥厂');
             INSERT INTO sites (id, name, kind, enterprise_id) VALUES
                 ('S1', '1号排口', 'flue_gas_outlet', 'E1'), ('S2', '总排口', 'wastewater_outlet', 'E2'),
                 ('S3', '窑尾', 'flue_gas_outlet', 'E3'), ('S4', '废水排口', 'wastewater_outlet', 'E3'),
                 ('A1', '电厂旁空气站', 'air_station', NULL);",
        )
        .unwrap();
        assert_eq!(apply_up_to(&mut conn, 3).unwrap(), vec![3]);
        let standards: Vec<(String, Option<String>)> = conn
            .prepare("SELECT id, emission_standard FROM sites ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected = [
            ("A1", None),
            ("S1", Some("ultra_low")),
            ("S2", Some("gb18918_1a")),
            ("S3", None),
            ("S4", Some("gb8978_1")),
        ];
        let expected: Vec<(String, Option<String>)> = expected
            .iter()
            .map(|(id, s)| (id.to_string(), s.map(String::from)))
            .collect();
        assert_eq!(standards, expected);
    }
}
