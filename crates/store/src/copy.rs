//! Moving a whole platform between databases (`qingshan db copy`): every table, in key order, in batches
//! that each commit on their own, so an interrupted copy resumes after the last row the destination
//! holds; the row counts of every table are compared at the end.
//!
//! Tables are described once here ([`TABLES`]); each backend reads and writes rows of them through
//! [`crate::Tables`]. Text keys are ordered bytewise on both backends (SQLite's `BINARY`, PostgreSQL's
//! `COLLATE "C"`), so "after the last key" means the same thing on either side.

use crate::{Database, Result, StoreError};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A 64-bit integer (`BIGINT`).
    Int,
    /// A small integer code (`SMALLINT` on PostgreSQL).
    Small,
    Real,
    Text,
    Bytes,
    Bool,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

/// A table as the copy sees it.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// How many leading columns are the primary key.
    pub key: usize,
    /// The key is an identity column the database numbers (its counter must move past copied ids).
    pub identity: bool,
}

impl Table {
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.0).collect()
    }
}

use Kind::*;

/// Every table of the platform, parents before children. A migration that adds a table adds it here;
/// `store::conformance` checks that the list matches the schema.
pub const TABLES: &[Table] = &[
    Table {
        name: "counties",
        columns: &[
            ("code", Text),
            ("name", Text),
            ("name_en", Text),
            ("lon", Real),
            ("lat", Real),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "enterprises",
        columns: &[("id", Text), ("name", Text), ("county", Text)],
        key: 1,
        identity: false,
    },
    Table {
        name: "waterbodies",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("name_en", Text),
            ("kind", Text),
            ("basin", Text),
            ("lon", Real),
            ("lat", Real),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "sites",
        columns: &[
            ("id", Text),
            ("name", Text),
            ("kind", Text),
            ("county", Text),
            ("lon", Real),
            ("lat", Real),
            ("enterprise_id", Text),
            ("simulated", Bool),
            ("waterbody_id", Text),
            ("emission_standard", Text),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "devices",
        columns: &[
            ("mn", Text),
            ("password", Text),
            ("site_id", Text),
            ("protocol", Text),
            ("crc_policy", Text),
            ("realtime_interval_s", Int),
            ("minute_interval_min", Int),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "journal",
        columns: &[
            ("id", Int),
            ("received_at", Int),
            ("peer", Text),
            ("mn", Text),
            ("cn", Text),
            ("verdict", Text),
            ("cause", Text),
            ("raw", Bytes),
            ("raw_sha256", Bytes),
            ("hash", Bytes),
            ("purged", Bool),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "measurements",
        columns: &[
            ("site_id", Text),
            ("param", Text),
            ("interval", Small),
            ("time", Int),
            ("value", Real),
            ("min", Real),
            ("max", Real),
            ("cou", Real),
            ("flag", Text),
            ("tier", Small),
            ("journal_id", Int),
        ],
        key: 4,
        identity: false,
    },
    Table {
        name: "rollups",
        columns: &[
            ("site_id", Text),
            ("param", Text),
            ("period", Small),
            ("time", Int),
            ("source", Small),
            ("count", Int),
            ("valid_count", Int),
            ("mean", Real),
            ("min", Real),
            ("max", Real),
            ("valid", Bool),
        ],
        key: 4,
        identity: false,
    },
    Table {
        name: "rollup_dirty",
        columns: &[
            ("site_id", Text),
            ("param", Text),
            ("hour", Int),
            ("mark", Int),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "audit",
        columns: &[
            ("id", Int),
            ("at", Int),
            ("actor", Text),
            ("action", Text),
            ("subject", Text),
            ("detail", Text),
            ("hash", Bytes),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "permits",
        columns: &[
            ("id", Int),
            ("number", Text),
            ("enterprise_id", Text),
            ("authority", Text),
            ("valid_from", Text),
            ("valid_to", Text),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "permit_outlets",
        columns: &[("permit_id", Int), ("site_id", Text), ("kind", Text)],
        key: 2,
        identity: false,
    },
    Table {
        name: "permit_limits",
        columns: &[
            ("permit_id", Int),
            ("site_id", Text),
            ("param", Text),
            ("season_from", Text),
            ("season_to", Text),
            ("limit_value", Real),
            ("unit", Text),
            ("averaging", Text),
            ("reference_o2", Real),
        ],
        key: 4,
        identity: false,
    },
    Table {
        name: "permit_annual",
        columns: &[
            ("permit_id", Int),
            ("site_id", Text),
            ("param", Text),
            ("tonnes", Real),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "alarms",
        columns: &[
            ("id", Int),
            ("kind", Text),
            ("severity", Text),
            ("site_id", Text),
            ("param", Text),
            ("determination_id", Int),
            ("state", Text),
            ("level", Text),
            ("opened_at", Int),
            ("episode_start", Int),
            ("episode_end", Int),
            ("changed_at", Int),
            ("case_id", Int),
            ("mark_id", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "alarm_notes",
        columns: &[
            ("id", Int),
            ("alarm_id", Int),
            ("at", Int),
            ("actor", Text),
            ("event", Text),
            ("comment", Text),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "alarm_deliveries",
        columns: &[
            ("id", Int),
            ("alarm_id", Int),
            ("channel", Text),
            ("recipient", Text),
            ("event", Text),
            ("body", Text),
            ("created_at", Int),
            ("attempts", Int),
            ("next_attempt_at", Int),
            ("delivered_at", Int),
            ("last_error", Text),
            ("case_id", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "case_reminders",
        columns: &[
            ("case_id", Int),
            ("kind", Text),
            ("due", Text),
            ("sent_at", Int),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "alarm_rules",
        columns: &[
            ("id", Int),
            ("site_id", Text),
            ("param", Text),
            ("condition", Text),
            ("value", Real),
            ("hours", Int),
            ("severity", Text),
            ("note", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("disabled", Bool),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "determinations",
        columns: &[
            ("id", Int),
            ("site_id", Text),
            ("param", Text),
            ("kind", Text),
            ("start_at", Int),
            ("end_at", Int),
            ("hours", Int),
            ("peak", Real),
            ("limit_value", Real),
            ("multiple", Real),
            ("averaging", Text),
            ("permit_id", Int),
            ("permit_number", Text),
            ("source", Text),
            ("first_journal_id", Int),
            ("last_journal_id", Int),
            ("found_at", Int),
            ("changed_at", Int),
            ("withdrawn_at", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "determination_queue",
        columns: &[("site_id", Text), ("day", Int)],
        key: 2,
        identity: false,
    },
    Table {
        name: "emission_baselines",
        columns: &[
            ("area", Text),
            ("param", Text),
            ("base_year", Int),
            ("tonnes", Real),
            ("target_year", Int),
            ("reduction_pct", Real),
            ("source", Text),
            ("simulated", Bool),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "cases",
        columns: &[
            ("id", Int),
            ("source", Text),
            ("source_ref", Text),
            ("subject_kind", Text),
            ("subject_id", Text),
            ("site_id", Text),
            ("enterprise_id", Text),
            ("county", Text),
            ("title", Text),
            ("description", Text),
            ("state", Text),
            ("unit", Text),
            ("assignee", Text),
            ("due", Text),
            ("accepted_on", Text),
            ("founded", Bool),
            ("penalty_number", Text),
            ("penalty_amount", Real),
            ("penalty_measures", Text),
            ("reason_code", Text),
            ("merged_into", Int),
            ("created_by", Text),
            ("created_at", Int),
            ("changed_at", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "complaints",
        columns: &[
            ("id", Int),
            ("case_id", Int),
            ("tracking_code", Text),
            ("category", Text),
            ("address", Text),
            ("lon", Real),
            ("lat", Real),
            ("county", Text),
            ("description", Text),
            ("contact_sealed", Text),
            ("channel", Text),
            ("duplicate_of", Int),
            ("created_at", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "case_events",
        columns: &[
            ("id", Int),
            ("case_id", Int),
            ("at", Int),
            ("actor", Text),
            ("action", Text),
            ("from_state", Text),
            ("to_state", Text),
            ("comment", Text),
            ("detail", Text),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "marks",
        columns: &[
            ("id", Int),
            ("site_id", Text),
            ("param", Text),
            ("category", Text),
            ("start_at", Int),
            ("end_at", Int),
            ("reason", Text),
            ("value", Real),
            ("state", Text),
            ("late", Bool),
            ("created_by", Text),
            ("created_at", Int),
            ("reviewed_by", Text),
            ("reviewed_at", Int),
            ("review_comment", Text),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "confirmed_until",
        columns: &[("site_id", Text), ("until", Int)],
        key: 1,
        identity: false,
    },
    Table {
        name: "attachments",
        columns: &[
            ("id", Int),
            ("owner", Text),
            ("digest", Text),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "corrections",
        columns: &[
            ("id", Int),
            ("site_id", Text),
            ("param", Text),
            ("start_at", Int),
            ("end_at", Int),
            ("value", Real),
            ("reason", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("withdrawn_by", Text),
            ("withdrawn_at", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "reaches",
        columns: &[
            ("id", Text),
            ("waterbody_id", Text),
            ("name", Text),
            ("start_point", Text),
            ("end_point", Text),
            ("counties", Text),
            ("sections", Text),
            ("target_class", Text),
            ("length_km", Real),
            ("phone", Text),
            ("course", Text),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "reach_chiefs",
        columns: &[
            ("reach_id", Text),
            ("level", Text),
            ("name", Text),
            ("title", Text),
            ("account", Text),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "patrols",
        columns: &[
            ("id", Int),
            ("reach_id", Text),
            ("chief", Text),
            ("level", Text),
            ("started_at", Int),
            ("ended_at", Int),
            ("track", Text),
            ("distance_m", Real),
            ("counts", Bool),
            ("shortfall", Text),
            ("checklist", Text),
            ("note", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "targets",
        columns: &[
            ("set_name", Text),
            ("area", Text),
            ("indicator", Text),
            ("period", Text),
            ("value", Real),
            ("source", Text),
        ],
        key: 4,
        identity: false,
    },
    Table {
        name: "indicator_values",
        columns: &[
            ("id", Int),
            ("area", Text),
            ("indicator", Text),
            ("period", Text),
            ("value", Real),
            ("note", Text),
            ("entered_by", Text),
            ("entered_at", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "access_log",
        columns: &[
            ("id", Int),
            ("at", Int),
            ("actor", Text),
            ("address", Text),
            ("method", Text),
            ("path", Text),
            ("status", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "accounts",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("role", Text),
            ("password_hash", Text),
            ("must_change_password", Bool),
            ("disabled", Bool),
            ("failed_sign_ins", Int),
            ("locked_until", Int),
            ("created_at", Int),
            ("email", Text),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "account_scopes",
        columns: &[("account_id", Int), ("kind", Text), ("ref", Text)],
        key: 3,
        identity: false,
    },
    Table {
        name: "password_history",
        columns: &[
            ("account_id", Int),
            ("set_at", Int),
            ("password_hash", Text),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "sessions",
        columns: &[
            ("id_hash", Bytes),
            ("account_id", Int),
            ("created_at", Int),
            ("last_seen", Int),
            ("address", Text),
            ("revoked", Bool),
        ],
        key: 1,
        identity: false,
    },
    Table {
        name: "api_tokens",
        columns: &[
            ("id", Int),
            ("account_id", Int),
            ("name", Text),
            ("token_hash", Bytes),
            ("actions", Text),
            ("created_at", Int),
            ("expires_at", Int),
            ("revoked", Bool),
            ("last_used", Int),
        ],
        key: 1,
        identity: true,
    },
    Table {
        name: "refusal_counts",
        columns: &[
            ("hour", Int),
            ("source", Text),
            ("verdict", Text),
            ("count", Int),
        ],
        key: 3,
        identity: false,
    },
    Table {
        name: "conflicts",
        columns: &[
            ("id", Int),
            ("journal_id", Int),
            ("site_id", Text),
            ("param", Text),
            ("interval", Small),
            ("time", Int),
            ("value", Real),
            ("min", Real),
            ("max", Real),
            ("cou", Real),
            ("flag", Text),
        ],
        key: 1,
        identity: true,
    },
];

/// (table, column) pairs in order → each table with its columns.
pub(crate) fn group(rows: Vec<(String, String)>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (table, column) in rows {
        match out.last_mut() {
            Some((t, cols)) if *t == table => cols.push(column),
            _ => out.push((table, vec![column])),
        }
    }
    out
}

/// What a copy did, per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    /// Rows the destination already held (a resumed copy).
    pub already: i64,
    /// Rows copied now.
    pub copied: i64,
    /// Rows in the source, and in the destination at the end (they must be equal).
    pub total: i64,
}

/// Copies every table of `from` into `to` (migrated, empty or holding an earlier interrupted copy of
/// `from`), `batch` rows per transaction, calling `progress` after each table. Fails, naming the table,
/// when the counts differ at the end.
pub fn copy(
    from: &dyn Database,
    to: &dyn Database,
    batch: u32,
    mut progress: impl FnMut(&Copied),
) -> Result<Vec<Copied>> {
    let source = from.reader()?;
    let mut dest = to.connect()?;
    if source.schema_version()? == 0 {
        return Err(StoreError::NotFound(format!(
            "{} holds no Qingshan database",
            from.url()
        )));
    }
    let mut report = Vec::new();
    for table in TABLES {
        let already = dest.row_count(table)?;
        let mut after = dest.last_key(table)?;
        let mut copied = 0i64;
        loop {
            let rows = source.read_rows(table, after.as_deref(), batch)?;
            let Some(last) = rows.last() else { break };
            after = Some(last[..table.key].to_vec());
            dest.in_transaction(|d| d.write_rows(table, &rows))?;
            copied += rows.len() as i64;
        }
        dest.after_rows_written(table)?;
        let total = source.row_count(table)?;
        let at_end = dest.row_count(table)?;
        if at_end != total {
            return Err(StoreError::Corrupt(format!(
                "table {}: {total} rows in {} but {at_end} in {} after the copy (the destination held rows \
                 that are not in the source?)",
                table.name,
                from.url(),
                to.url()
            )));
        }
        let done = Copied {
            table: table.name,
            already,
            copied,
            total,
        };
        progress(&done);
        report.push(done);
    }
    Ok(report)
}
