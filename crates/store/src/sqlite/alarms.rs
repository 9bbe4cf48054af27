//! Alarms and their notes, on SQLite.

use super::SqliteConnection;
use crate::{Alarm, AlarmNote, AlarmRule, Alarms, Delivery, Result};
use rusqlite::{OptionalExtension, params};

const COLUMNS: &str = "id, kind, severity, site_id, param, determination_id, state, level, opened_at, \
     episode_start, episode_end, changed_at, case_id, mark_id";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alarm> {
    Ok(Alarm {
        id: r.get(0)?,
        kind: r.get(1)?,
        severity: r.get(2)?,
        site_id: r.get(3)?,
        param: r.get(4)?,
        determination_id: r.get(5)?,
        state: r.get(6)?,
        level: r.get(7)?,
        opened_at: r.get(8)?,
        episode_start: r.get(9)?,
        episode_end: r.get(10)?,
        changed_at: r.get(11)?,
        case_id: r.get(12)?,
        mark_id: r.get(13)?,
    })
}

impl SqliteConnection {
    fn alarms_where(&self, clause: &str, values: impl rusqlite::Params) -> Result<Vec<Alarm>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM alarms WHERE {clause}"))?;
        let rows = stmt
            .query_map(values, row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Alarms for SqliteConnection {
    fn put_alarm(&self, a: &Alarm) -> Result<i64> {
        let values = params![
            a.kind,
            a.severity,
            a.site_id,
            a.param,
            a.determination_id,
            a.state,
            a.level,
            a.opened_at,
            a.episode_start,
            a.episode_end,
            a.changed_at,
            a.case_id,
            a.mark_id,
            a.id
        ];
        if a.id == 0 {
            self.conn.execute(
                "INSERT INTO alarms (kind, severity, site_id, param, determination_id, state, level, opened_at,
                     episode_start, episode_end, changed_at, case_id, mark_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                // Everything but the id (the last), which the database gives.
                &values[..13],
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        self.conn.execute(
            "UPDATE alarms SET kind = ?1, severity = ?2, site_id = ?3, param = ?4, determination_id = ?5,
                 state = ?6, level = ?7, opened_at = ?8, episode_start = ?9, episode_end = ?10,
                 changed_at = ?11, case_id = ?12, mark_id = ?13
             WHERE id = ?14",
            values,
        )?;
        Ok(a.id)
    }

    fn alarm(&self, id: i64) -> Result<Option<Alarm>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM alarms WHERE id = ?1"),
                params![id],
                row,
            )
            .optional()?)
    }

    fn alarm_of_determination(&self, determination_id: i64) -> Result<Option<Alarm>> {
        Ok(self
            .alarms_where(
                "determination_id = ?1 ORDER BY id DESC LIMIT 1",
                params![determination_id],
            )?
            .pop())
    }

    fn alarm_of_mark(&self, mark_id: i64) -> Result<Option<Alarm>> {
        Ok(self
            .alarms_where("mark_id = ?1 ORDER BY id DESC LIMIT 1", params![mark_id])?
            .pop())
    }

    fn unclosed_alarms(&self) -> Result<Vec<Alarm>> {
        self.alarms_where("state <> 'closed' ORDER BY id", [])
    }

    fn alarms_opened(&self, from: i64, to: i64) -> Result<Vec<Alarm>> {
        self.alarms_where(
            "opened_at >= ?1 AND opened_at < ?2 ORDER BY opened_at DESC, id DESC",
            params![from, to],
        )
    }

    fn add_alarm_note(&self, n: &AlarmNote) -> Result<()> {
        self.conn.execute(
            "INSERT INTO alarm_notes (alarm_id, at, actor, event, comment) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![n.alarm_id, n.at, n.actor, n.event, n.comment],
        )?;
        Ok(())
    }

    fn alarm_notes(&self, alarm_id: i64) -> Result<Vec<AlarmNote>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT alarm_id, at, actor, event, comment FROM alarm_notes WHERE alarm_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![alarm_id], |r| {
                Ok(AlarmNote {
                    alarm_id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    event: r.get(3)?,
                    comment: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn put_delivery(&self, d: &Delivery) -> Result<i64> {
        let values = params![
            d.alarm_id,
            d.channel,
            d.recipient,
            d.event,
            d.body,
            d.created_at,
            d.attempts,
            d.next_attempt_at,
            d.delivered_at,
            d.last_error,
            d.case_id,
            d.id
        ];
        if d.id == 0 {
            self.conn.execute(
                "INSERT INTO alarm_deliveries (alarm_id, channel, recipient, event, body, created_at,
                     attempts, next_attempt_at, delivered_at, last_error, case_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                // Everything but the id (the last), which the database gives.
                &values[..11],
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        self.conn.execute(
            "UPDATE alarm_deliveries SET alarm_id = ?1, channel = ?2, recipient = ?3, event = ?4, body = ?5,
                 created_at = ?6, attempts = ?7, next_attempt_at = ?8, delivered_at = ?9, last_error = ?10,
                 case_id = ?11
             WHERE id = ?12",
            values,
        )?;
        Ok(d.id)
    }

    fn due_deliveries(&self, now: i64, limit: u32) -> Result<Vec<Delivery>> {
        self.deliveries_where(
            "next_attempt_at IS NOT NULL AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2",
            params![now, limit],
        )
    }

    fn deliveries_of(&self, alarm_id: i64) -> Result<Vec<Delivery>> {
        self.deliveries_where("alarm_id = ?1 ORDER BY id", params![alarm_id])
    }

    fn put_alarm_rule(&self, r: &AlarmRule) -> Result<i64> {
        let values = params![
            r.site_id,
            r.param,
            r.condition,
            r.value,
            r.hours,
            r.severity,
            r.note,
            r.created_by,
            r.created_at,
            r.disabled,
            r.id
        ];
        if r.id == 0 {
            self.conn.execute(
                "INSERT INTO alarm_rules (site_id, param, condition, value, hours, severity, note, created_by,
                     created_at, disabled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                // Everything but the id (the last), which the database gives.
                &values[..10],
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        self.conn.execute(
            "UPDATE alarm_rules SET site_id = ?1, param = ?2, condition = ?3, value = ?4, hours = ?5,
                 severity = ?6, note = ?7, created_by = ?8, created_at = ?9, disabled = ?10
             WHERE id = ?11",
            values,
        )?;
        Ok(r.id)
    }

    fn alarm_rule(&self, id: i64) -> Result<Option<AlarmRule>> {
        Ok(self.rules_where("id = ?1", params![id])?.pop())
    }

    fn alarm_rules(&self) -> Result<Vec<AlarmRule>> {
        self.rules_where("1 = 1 ORDER BY id", [])
    }
}

impl SqliteConnection {
    fn rules_where(&self, clause: &str, values: impl rusqlite::Params) -> Result<Vec<AlarmRule>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, site_id, param, condition, value, hours, severity, note, created_by, created_at,
                 disabled FROM alarm_rules WHERE {clause}"
        ))?;
        let rows = stmt
            .query_map(values, |r| {
                Ok(AlarmRule {
                    id: r.get(0)?,
                    site_id: r.get(1)?,
                    param: r.get(2)?,
                    condition: r.get(3)?,
                    value: r.get(4)?,
                    hours: r.get(5)?,
                    severity: r.get(6)?,
                    note: r.get(7)?,
                    created_by: r.get(8)?,
                    created_at: r.get(9)?,
                    disabled: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub(super) fn deliveries_where(
        &self,
        clause: &str,
        values: impl rusqlite::Params,
    ) -> Result<Vec<Delivery>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, alarm_id, channel, event, body, created_at, attempts, next_attempt_at, delivered_at,
                 last_error, recipient, case_id FROM alarm_deliveries WHERE {clause}"
        ))?;
        let rows = stmt
            .query_map(values, |r| {
                Ok(Delivery {
                    id: r.get(0)?,
                    alarm_id: r.get(1)?,
                    channel: r.get(2)?,
                    event: r.get(3)?,
                    body: r.get(4)?,
                    created_at: r.get(5)?,
                    attempts: r.get(6)?,
                    next_attempt_at: r.get(7)?,
                    delivered_at: r.get(8)?,
                    last_error: r.get(9)?,
                    recipient: r.get(10)?,
                    case_id: r.get(11)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
