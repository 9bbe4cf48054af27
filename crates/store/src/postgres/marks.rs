//! Marks, confirmation and evidence files' owners, on PostgreSQL.

use super::PgConnection;
use crate::{Attachment, Attachments, Mark, Marks, Result, Tier};
use postgres::Row;
use postgres::types::ToSql;

const COLUMNS: &str = "id, site_id, param, category, start_at, end_at, reason, value, state, late, \
     created_by, created_at, reviewed_by, reviewed_at, review_comment";

fn row(r: &Row) -> Mark {
    Mark {
        id: r.get(0),
        site_id: r.get(1),
        param: r.get(2),
        category: r.get(3),
        start: r.get(4),
        end: r.get(5),
        reason: r.get(6),
        value: r.get(7),
        state: r.get(8),
        late: r.get(9),
        created_by: r.get(10),
        created_at: r.get(11),
        reviewed_by: r.get(12),
        reviewed_at: r.get(13),
        review_comment: r.get(14),
    }
}

impl PgConnection {
    fn marks_where(&self, clause: &str, values: &[&(dyn ToSql + Sync)]) -> Result<Vec<Mark>> {
        let rows = self.client().query(
            &format!("SELECT {COLUMNS} FROM marks WHERE {clause}"),
            values,
        )?;
        Ok(rows.iter().map(row).collect())
    }
}

impl Marks for PgConnection {
    fn put_mark(&self, m: &Mark) -> Result<i64> {
        let values: [&(dyn ToSql + Sync); 15] = [
            &m.site_id,
            &m.param,
            &m.category,
            &m.start,
            &m.end,
            &m.reason,
            &m.value,
            &m.state,
            &m.late,
            &m.created_by,
            &m.created_at,
            &m.reviewed_by,
            &m.reviewed_at,
            &m.review_comment,
            &m.id,
        ];
        if m.id == 0 {
            let r = self.client().query_one(
                "INSERT INTO marks (site_id, param, category, start_at, end_at, reason, value, state, late,
                     created_by, created_at, reviewed_by, reviewed_at, review_comment)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                &values[..14],
            )?;
            return Ok(r.get(0));
        }
        self.client().execute(
            "UPDATE marks SET site_id = $1, param = $2, category = $3, start_at = $4, end_at = $5, reason = $6,
                 value = $7, state = $8, late = $9, created_by = $10, created_at = $11, reviewed_by = $12,
                 reviewed_at = $13, review_comment = $14
             WHERE id = $15",
            &values,
        )?;
        Ok(m.id)
    }

    fn mark(&self, id: i64) -> Result<Option<Mark>> {
        Ok(self.marks_where("id = $1", &[&id])?.pop())
    }

    fn marks_of(&self, site: &str, from: i64, to: i64) -> Result<Vec<Mark>> {
        self.marks_where(
            "site_id = $1 AND start_at < $3 AND end_at > $2 ORDER BY start_at, id",
            &[&site, &from, &to],
        )
    }

    fn marks_made(&self, from: i64, to: i64) -> Result<Vec<Mark>> {
        self.marks_where(
            "created_at >= $1 AND created_at < $2 ORDER BY id DESC",
            &[&from, &to],
        )
    }

    fn confirmed_until(&self, site: &str) -> Result<Option<i64>> {
        Ok(self
            .client()
            .query_opt(
                "SELECT until FROM confirmed_until WHERE site_id = $1",
                &[&site],
            )?
            .map(|r| r.get(0)))
    }

    fn confirm_values(&self, site: &str, from: i64, to: i64) -> Result<u64> {
        let (validated, preliminary) = (
            super::series::small(Tier::Validated.as_int()),
            super::series::small(Tier::Preliminary.as_int()),
        );
        let changed = self.client().execute(
            "UPDATE measurements SET tier = $4
             WHERE site_id = $1 AND time >= $2 AND time < $3 AND tier = $5",
            &[&site, &from, &to, &validated, &preliminary],
        )?;
        self.client().execute(
            "INSERT INTO confirmed_until (site_id, until) VALUES ($1, $2)
             ON CONFLICT (site_id) DO UPDATE SET until = GREATEST(confirmed_until.until, excluded.until)",
            &[&site, &to],
        )?;
        Ok(changed)
    }
}

impl Attachments for PgConnection {
    fn attach(&self, owner: &str, a: &Attachment) -> Result<()> {
        self.client().execute(
            "INSERT INTO attachments (owner, digest, name, media_type, size) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (owner, digest) DO NOTHING",
            &[&owner, &a.digest, &a.name, &a.media_type, &a.size],
        )?;
        Ok(())
    }

    fn attachments_of(&self, owner: &str) -> Result<Vec<Attachment>> {
        let rows = self.client().query(
            "SELECT digest, name, media_type, size FROM attachments WHERE owner = $1 ORDER BY id",
            &[&owner],
        )?;
        Ok(rows
            .iter()
            .map(|r| Attachment {
                digest: r.get(0),
                name: r.get(1),
                media_type: r.get(2),
                size: r.get(3),
            })
            .collect())
    }
}
