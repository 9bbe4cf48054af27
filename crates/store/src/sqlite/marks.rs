//! Marks, confirmation and evidence files' owners, on SQLite.

use super::SqliteConnection;
use crate::{Attachment, Attachments, Mark, Marks, Result, Tier};
use rusqlite::{OptionalExtension, params};

const COLUMNS: &str = "id, site_id, param, category, start_at, end_at, reason, value, state, late, \
     created_by, created_at, reviewed_by, reviewed_at, review_comment";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Mark> {
    Ok(Mark {
        id: r.get(0)?,
        site_id: r.get(1)?,
        param: r.get(2)?,
        category: r.get(3)?,
        start: r.get(4)?,
        end: r.get(5)?,
        reason: r.get(6)?,
        value: r.get(7)?,
        state: r.get(8)?,
        late: r.get(9)?,
        created_by: r.get(10)?,
        created_at: r.get(11)?,
        reviewed_by: r.get(12)?,
        reviewed_at: r.get(13)?,
        review_comment: r.get(14)?,
    })
}

impl SqliteConnection {
    fn marks_where(&self, clause: &str, values: impl rusqlite::Params) -> Result<Vec<Mark>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM marks WHERE {clause}"))?;
        let rows = stmt
            .query_map(values, row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Marks for SqliteConnection {
    fn put_mark(&self, m: &Mark) -> Result<i64> {
        let values = params![
            m.site_id,
            m.param,
            m.category,
            m.start,
            m.end,
            m.reason,
            m.value,
            m.state,
            m.late,
            m.created_by,
            m.created_at,
            m.reviewed_by,
            m.reviewed_at,
            m.review_comment,
            m.id
        ];
        if m.id == 0 {
            self.conn.execute(
                "INSERT INTO marks (site_id, param, category, start_at, end_at, reason, value, state, late,
                     created_by, created_at, reviewed_by, reviewed_at, review_comment)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                &values[..14],
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        self.conn.execute(
            "UPDATE marks SET site_id = ?1, param = ?2, category = ?3, start_at = ?4, end_at = ?5, reason = ?6,
                 value = ?7, state = ?8, late = ?9, created_by = ?10, created_at = ?11, reviewed_by = ?12,
                 reviewed_at = ?13, review_comment = ?14
             WHERE id = ?15",
            values,
        )?;
        Ok(m.id)
    }

    fn mark(&self, id: i64) -> Result<Option<Mark>> {
        Ok(self.marks_where("id = ?1", params![id])?.pop())
    }

    fn marks_of(&self, site: &str, from: i64, to: i64) -> Result<Vec<Mark>> {
        self.marks_where(
            "site_id = ?1 AND start_at < ?3 AND end_at > ?2 ORDER BY start_at, id",
            params![site, from, to],
        )
    }

    fn marks_made(&self, from: i64, to: i64) -> Result<Vec<Mark>> {
        self.marks_where(
            "created_at >= ?1 AND created_at < ?2 ORDER BY id DESC",
            params![from, to],
        )
    }

    fn confirmed_until(&self, site: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT until FROM confirmed_until WHERE site_id = ?1",
                [site],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn confirm_values(&self, site: &str, from: i64, to: i64) -> Result<u64> {
        // The key leads (site, param, interval, time): `time` alone is not seekable within a site, so the
        // site's parameters are found by skipping from one to the next through the key (a few seeks, not
        // a scan of its history), then each parameter's range is updated by the key, interval by interval.
        let params: Vec<String> = {
            let mut stmt = self.conn.prepare_cached(
                "WITH RECURSIVE p(param) AS (
                     SELECT MIN(param) FROM measurements WHERE site_id = ?1
                     UNION ALL
                     SELECT (SELECT MIN(m.param) FROM measurements m
                             WHERE m.site_id = ?1 AND m.param > p.param)
                     FROM p WHERE p.param IS NOT NULL
                 )
                 SELECT param FROM p WHERE param IS NOT NULL",
            )?;
            stmt.query_map([site], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut changed = 0;
        for param in params {
            changed += self.conn.execute(
                "UPDATE measurements SET tier = ?5
                 WHERE site_id = ?1 AND param = ?2 AND interval IN (1, 2, 3, 4)
                     AND time >= ?3 AND time < ?4 AND tier = ?6",
                params![
                    site,
                    param,
                    from,
                    to,
                    Tier::Validated.as_int(),
                    Tier::Preliminary.as_int()
                ],
            )?;
        }
        self.conn.execute(
            "INSERT INTO confirmed_until (site_id, until) VALUES (?1, ?2)
             ON CONFLICT (site_id) DO UPDATE SET until = MAX(until, excluded.until)",
            params![site, to],
        )?;
        Ok(changed as u64)
    }
}

impl Attachments for SqliteConnection {
    fn attach(&self, owner: &str, a: &Attachment) -> Result<()> {
        self.conn.execute(
            "INSERT INTO attachments (owner, digest, name, media_type, size) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (owner, digest) DO NOTHING",
            params![owner, a.digest, a.name, a.media_type, a.size],
        )?;
        Ok(())
    }

    fn attachments_of(&self, owner: &str) -> Result<Vec<Attachment>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT digest, name, media_type, size FROM attachments WHERE owner = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([owner], |r| {
                Ok(Attachment {
                    digest: r.get(0)?,
                    name: r.get(1)?,
                    media_type: r.get(2)?,
                    size: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
