//! Staff corrections of stored values, on PostgreSQL.

use super::PgConnection;
use crate::{Correction, Corrections, Result};
use postgres::Row;
use postgres::types::ToSql;

const COLUMNS: &str = "id, site_id, param, start_at, end_at, value, reason, created_by, created_at, \
     withdrawn_by, withdrawn_at";

fn row(r: &Row) -> Correction {
    Correction {
        id: r.get(0),
        site_id: r.get(1),
        param: r.get(2),
        start: r.get(3),
        end: r.get(4),
        value: r.get(5),
        reason: r.get(6),
        created_by: r.get(7),
        created_at: r.get(8),
        withdrawn_by: r.get(9),
        withdrawn_at: r.get(10),
    }
}

impl PgConnection {
    fn corrections_where(
        &self,
        clause: &str,
        values: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Correction>> {
        let rows = self.client().query(
            &format!("SELECT {COLUMNS} FROM corrections WHERE {clause}"),
            values,
        )?;
        Ok(rows.iter().map(row).collect())
    }
}

impl Corrections for PgConnection {
    fn put_correction(&self, c: &Correction) -> Result<i64> {
        let r = self.client().query_one(
            "INSERT INTO corrections (site_id, param, start_at, end_at, value, reason, created_by,
                 created_at, withdrawn_by, withdrawn_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                &c.site_id,
                &c.param,
                &c.start,
                &c.end,
                &c.value,
                &c.reason,
                &c.created_by,
                &c.created_at,
                &c.withdrawn_by,
                &c.withdrawn_at,
            ],
        )?;
        Ok(r.get(0))
    }

    fn correction(&self, id: i64) -> Result<Option<Correction>> {
        Ok(self.corrections_where("id = $1", &[&id])?.pop())
    }

    fn corrections_of(
        &self,
        site: &str,
        param: Option<&str>,
        from: i64,
        to: i64,
        withdrawn: bool,
    ) -> Result<Vec<Correction>> {
        self.corrections_where(
            "site_id = $1 AND ($2::text IS NULL OR param = $2) AND start_at < $4 AND end_at > $3
                 AND ($5 OR withdrawn_at IS NULL)
             ORDER BY id",
            &[&site, &param, &from, &to, &withdrawn],
        )
    }

    fn corrections_made(&self, from: i64, to: i64) -> Result<Vec<Correction>> {
        self.corrections_where(
            "created_at >= $1 AND created_at < $2 ORDER BY id DESC",
            &[&from, &to],
        )
    }

    fn withdraw_correction(&self, id: i64, by: &str, at: i64) -> Result<bool> {
        let n = self.client().execute(
            "UPDATE corrections SET withdrawn_by = $2, withdrawn_at = $3
             WHERE id = $1 AND withdrawn_at IS NULL",
            &[&id, &by, &at],
        )?;
        Ok(n == 1)
    }
}
