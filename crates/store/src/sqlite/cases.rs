//! Cases and their history, on SQLite.

use super::SqliteConnection;
use crate::{Case, CaseEvent, Cases, Complaint, Delivery, Result};
use rusqlite::params;

const COLUMNS: &str = "id, source, source_ref, subject_kind, subject_id, site_id, enterprise_id, county, title, description, state, unit, assignee, due, accepted_on, founded, penalty_number, penalty_amount, penalty_measures, reason_code, merged_into, created_by, created_at, changed_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Case> {
    Ok(Case {
        id: r.get(0)?,
        source: r.get(1)?,
        source_ref: r.get(2)?,
        subject_kind: r.get(3)?,
        subject_id: r.get(4)?,
        site_id: r.get(5)?,
        enterprise_id: r.get(6)?,
        county: r.get(7)?,
        title: r.get(8)?,
        description: r.get(9)?,
        state: r.get(10)?,
        unit: r.get(11)?,
        assignee: r.get(12)?,
        due: r.get(13)?,
        accepted_on: r.get(14)?,
        founded: r.get(15)?,
        penalty_number: r.get(16)?,
        penalty_amount: r.get(17)?,
        penalty_measures: r.get(18)?,
        reason_code: r.get(19)?,
        merged_into: r.get(20)?,
        created_by: r.get(21)?,
        created_at: r.get(22)?,
        changed_at: r.get(23)?,
    })
}

const COMPLAINT_COLUMNS: &str = "id, case_id, tracking_code, category, address, lon, lat, county, description, contact_sealed, channel, duplicate_of, created_at";

fn complaint_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Complaint> {
    Ok(Complaint {
        id: r.get(0)?,
        case_id: r.get(1)?,
        tracking_code: r.get(2)?,
        category: r.get(3)?,
        address: r.get(4)?,
        lon: r.get(5)?,
        lat: r.get(6)?,
        county: r.get(7)?,
        description: r.get(8)?,
        contact_sealed: r.get(9)?,
        channel: r.get(10)?,
        duplicate_of: r.get(11)?,
        created_at: r.get(12)?,
    })
}

impl SqliteConnection {
    fn complaints_where(
        &self,
        clause: &str,
        values: impl rusqlite::Params,
    ) -> Result<Vec<Complaint>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COMPLAINT_COLUMNS} FROM complaints WHERE {clause}"
        ))?;
        let rows = stmt
            .query_map(values, complaint_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn cases_where(&self, clause: &str, values: impl rusqlite::Params) -> Result<Vec<Case>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM cases WHERE {clause}"))?;
        let rows = stmt
            .query_map(values, row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Cases for SqliteConnection {
    fn put_case(&self, c: &Case) -> Result<i64> {
        let values = params![
            c.source,
            c.source_ref,
            c.subject_kind,
            c.subject_id,
            c.site_id,
            c.enterprise_id,
            c.county,
            c.title,
            c.description,
            c.state,
            c.unit,
            c.assignee,
            c.due,
            c.accepted_on,
            c.founded,
            c.penalty_number,
            c.penalty_amount,
            c.penalty_measures,
            c.reason_code,
            c.merged_into,
            c.created_by,
            c.created_at,
            c.changed_at,
            c.id
        ];
        if c.id == 0 {
            self.conn.execute(
                "INSERT INTO cases (source, source_ref, subject_kind, subject_id, site_id, enterprise_id, county, title, description, state, unit, assignee, due, accepted_on, founded, penalty_number, penalty_amount, penalty_measures, reason_code, merged_into, created_by, created_at, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
                &values[..23],
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        self.conn
            .execute("UPDATE cases SET source = ?1, source_ref = ?2, subject_kind = ?3, subject_id = ?4, site_id = ?5, enterprise_id = ?6, county = ?7, title = ?8, description = ?9, state = ?10, unit = ?11, assignee = ?12, due = ?13, accepted_on = ?14, founded = ?15, penalty_number = ?16, penalty_amount = ?17, penalty_measures = ?18, reason_code = ?19, merged_into = ?20, created_by = ?21, created_at = ?22, changed_at = ?23 WHERE id = ?24", values)?;
        Ok(c.id)
    }

    fn case(&self, id: i64) -> Result<Option<Case>> {
        Ok(self.cases_where("id = ?1", params![id])?.pop())
    }

    fn cases_created(&self, from: i64, to: i64) -> Result<Vec<Case>> {
        self.cases_where(
            "created_at >= ?1 AND created_at < ?2 ORDER BY id DESC",
            params![from, to],
        )
    }

    fn open_cases(&self) -> Result<Vec<Case>> {
        self.cases_where(
            "state NOT IN ('not_accepted', 'closed', 'replied', 'merged') ORDER BY id",
            [],
        )
    }

    fn add_case_event(&self, e: &CaseEvent) -> Result<()> {
        self.conn.execute(
            "INSERT INTO case_events (case_id, at, actor, action, from_state, to_state, comment, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![e.case_id, e.at, e.actor, e.action, e.from_state, e.to_state, e.comment, e.detail],
        )?;
        Ok(())
    }

    fn case_events(&self, case_id: i64) -> Result<Vec<CaseEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_id, at, actor, action, from_state, to_state, comment, detail FROM case_events
             WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([case_id], |r| {
                Ok(CaseEvent {
                    case_id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    action: r.get(3)?,
                    from_state: r.get(4)?,
                    to_state: r.get(5)?,
                    comment: r.get(6)?,
                    detail: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn put_complaint(&self, c: &Complaint) -> Result<i64> {
        let values = params![
            c.case_id,
            c.tracking_code,
            c.category,
            c.address,
            c.lon,
            c.lat,
            c.county,
            c.description,
            c.contact_sealed,
            c.channel,
            c.duplicate_of,
            c.created_at,
            c.id
        ];
        if c.id == 0 {
            self.conn.execute(
                "INSERT INTO complaints (case_id, tracking_code, category, address, lon, lat, county, description, contact_sealed, channel, duplicate_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                &values[..12],
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        self.conn
            .execute("UPDATE complaints SET case_id = ?1, tracking_code = ?2, category = ?3, address = ?4, lon = ?5, lat = ?6, county = ?7, description = ?8, contact_sealed = ?9, channel = ?10, duplicate_of = ?11, created_at = ?12 WHERE id = ?13", values)?;
        Ok(c.id)
    }

    fn complaint(&self, id: i64) -> Result<Option<Complaint>> {
        Ok(self.complaints_where("id = ?1", params![id])?.pop())
    }

    fn complaint_by_code(&self, tracking_code: &str) -> Result<Option<Complaint>> {
        Ok(self
            .complaints_where("tracking_code = ?1", params![tracking_code])?
            .pop())
    }

    fn complaints_of_case(&self, case_id: i64) -> Result<Vec<Complaint>> {
        self.complaints_where("case_id = ?1 ORDER BY id", params![case_id])
    }

    fn complaints_received(&self, from: i64, to: i64) -> Result<Vec<Complaint>> {
        self.complaints_where(
            "created_at >= ?1 AND created_at < ?2 ORDER BY id",
            params![from, to],
        )
    }

    fn record_case_reminder(&self, case_id: i64, kind: &str, due: &str, at: i64) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO case_reminders (case_id, kind, due, sent_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (case_id, kind, due) DO NOTHING",
            params![case_id, kind, due, at],
        )?;
        Ok(n > 0)
    }

    fn deliveries_of_case(&self, case_id: i64) -> Result<Vec<Delivery>> {
        self.deliveries_where("case_id = ?1 ORDER BY id", params![case_id])
    }
}
