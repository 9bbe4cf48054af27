//! Determinations and their queue, on PostgreSQL.

use super::PgConnection;
use crate::{Determination, Determinations, ExceedanceFacts, Result};
use postgres::Row;
use postgres::types::ToSql;

const COLUMNS: &str = "id, site_id, param, kind, start_at, end_at, hours, peak, limit_value, multiple, \
     averaging, permit_id, permit_number, source, first_journal_id, last_journal_id, found_at, \
     changed_at, withdrawn_at";

fn row(r: &Row) -> Determination {
    let hours: Option<i64> = r.get(6);
    let first: Option<i64> = r.get(14);
    let last: Option<i64> = r.get(15);
    Determination {
        id: r.get(0),
        site_id: r.get(1),
        param: r.get(2),
        kind: r.get(3),
        start: r.get(4),
        end: r.get(5),
        exceedance: hours.map(|hours| ExceedanceFacts {
            hours,
            peak: r.get::<_, Option<f64>>(7).unwrap_or_default(),
            limit: r.get::<_, Option<f64>>(8).unwrap_or_default(),
            multiple: r.get(9),
            averaging: r.get::<_, Option<String>>(10).unwrap_or_default(),
            permit_id: r.get(11),
            permit_number: r.get(12),
            source: r.get::<_, Option<String>>(13).unwrap_or_default(),
        }),
        evidence: first.zip(last),
        found_at: r.get(16),
        changed_at: r.get(17),
        withdrawn_at: r.get(18),
    }
}

impl Determinations for PgConnection {
    fn queue_determinations(&self, days: &[(String, i64)]) -> Result<()> {
        if days.is_empty() {
            return Ok(());
        }
        let (sites, starts): (Vec<&str>, Vec<i64>) =
            days.iter().map(|(s, d)| (s.as_str(), *d)).unzip();
        self.client().execute(
            "INSERT INTO determination_queue (site_id, day)
             SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT DO NOTHING",
            &[&sites, &starts],
        )?;
        Ok(())
    }

    fn queued_determinations(&self, limit: u32) -> Result<Vec<(String, i64)>> {
        let rows = self.client().query(
            "SELECT site_id, day FROM determination_queue ORDER BY site_id, day LIMIT $1",
            &[&i64::from(limit)],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn dequeue_determinations(&self, days: &[(String, i64)]) -> Result<()> {
        if days.is_empty() {
            return Ok(());
        }
        let (sites, starts): (Vec<&str>, Vec<i64>) =
            days.iter().map(|(s, d)| (s.as_str(), *d)).unzip();
        self.client().execute(
            "DELETE FROM determination_queue q USING unnest($1::text[], $2::bigint[]) AS d(site_id, day)
             WHERE q.site_id = d.site_id AND q.day = d.day",
            &[&sites, &starts],
        )?;
        Ok(())
    }

    fn determinations_of(
        &self,
        site: &str,
        from: i64,
        to: i64,
        withdrawn: bool,
    ) -> Result<Vec<Determination>> {
        let rows = self.client().query(
            &format!(
                "SELECT {COLUMNS} FROM determinations
                 WHERE site_id = $1 AND start_at < $3 AND end_at > $2 AND ($4 OR withdrawn_at IS NULL)
                 ORDER BY start_at, param, kind, id"
            ),
            &[&site, &from, &to, &withdrawn],
        )?;
        Ok(rows.iter().map(row).collect())
    }

    fn put_determination(&self, d: &Determination) -> Result<i64> {
        let e = d.exceedance.as_ref();
        let (hours, peak, limit) = (e.map(|e| e.hours), e.map(|e| e.peak), e.map(|e| e.limit));
        let (multiple, averaging) = (e.and_then(|e| e.multiple), e.map(|e| e.averaging.as_str()));
        let (permit_id, permit_number) = (
            e.and_then(|e| e.permit_id),
            e.and_then(|e| e.permit_number.as_deref()),
        );
        let source = e.map(|e| e.source.as_str());
        let (first, last) = (d.evidence.map(|(f, _)| f), d.evidence.map(|(_, l)| l));
        let mut values: Vec<&(dyn ToSql + Sync)> = vec![
            &d.site_id,
            &d.param,
            &d.kind,
            &d.start,
            &d.end,
            &hours,
            &peak,
            &limit,
            &multiple,
            &averaging,
            &permit_id,
            &permit_number,
            &source,
            &first,
            &last,
            &d.found_at,
            &d.changed_at,
            &d.withdrawn_at,
        ];
        if d.id == 0 {
            let row = self.client().query_one(
                "INSERT INTO determinations (site_id, param, kind, start_at, end_at, hours, peak, limit_value,
                     multiple, averaging, permit_id, permit_number, source, first_journal_id, last_journal_id,
                     found_at, changed_at, withdrawn_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                 RETURNING id",
                &values,
            )?;
            return Ok(row.get(0));
        }
        values.push(&d.id);
        self.client().execute(
            "UPDATE determinations SET site_id = $1, param = $2, kind = $3, start_at = $4, end_at = $5,
                 hours = $6, peak = $7, limit_value = $8, multiple = $9, averaging = $10, permit_id = $11,
                 permit_number = $12, source = $13, first_journal_id = $14, last_journal_id = $15,
                 found_at = $16, changed_at = $17, withdrawn_at = $18
             WHERE id = $19",
            &values,
        )?;
        Ok(d.id)
    }
}
