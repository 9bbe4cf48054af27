//! Determinations and their queue, on SQLite.

use super::SqliteConnection;
use crate::{Determination, Determinations, ExceedanceFacts, Result};
use rusqlite::params;

const COLUMNS: &str = "id, site_id, param, kind, start_at, end_at, hours, peak, limit_value, multiple, \
     averaging, permit_id, permit_number, source, first_journal_id, last_journal_id, found_at, \
     changed_at, withdrawn_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Determination> {
    let hours: Option<i64> = r.get(6)?;
    let exceedance = match hours {
        Some(hours) => Some(ExceedanceFacts {
            hours,
            peak: r.get::<_, Option<f64>>(7)?.unwrap_or_default(),
            limit: r.get::<_, Option<f64>>(8)?.unwrap_or_default(),
            multiple: r.get(9)?,
            averaging: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            permit_id: r.get(11)?,
            permit_number: r.get(12)?,
            source: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
        }),
        None => None,
    };
    let first: Option<i64> = r.get(14)?;
    let last: Option<i64> = r.get(15)?;
    Ok(Determination {
        id: r.get(0)?,
        site_id: r.get(1)?,
        param: r.get(2)?,
        kind: r.get(3)?,
        start: r.get(4)?,
        end: r.get(5)?,
        exceedance,
        evidence: first.zip(last),
        found_at: r.get(16)?,
        changed_at: r.get(17)?,
        withdrawn_at: r.get(18)?,
    })
}

impl Determinations for SqliteConnection {
    fn queue_determinations(&self, days: &[(String, i64)]) -> Result<()> {
        self.atomically(|| {
            let mut stmt = self.conn.prepare_cached(
                "INSERT INTO determination_queue (site_id, day) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            )?;
            for (site, day) in days {
                stmt.execute(params![site, day])?;
            }
            Ok(())
        })
    }

    fn queued_determinations(&self, limit: u32) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT site_id, day FROM determination_queue ORDER BY site_id, day LIMIT ?1",
        )?;
        let rows = stmt
            .query_map(params![limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn dequeue_determinations(&self, days: &[(String, i64)]) -> Result<()> {
        self.atomically(|| {
            let mut stmt = self.conn.prepare_cached(
                "DELETE FROM determination_queue WHERE site_id = ?1 AND day = ?2",
            )?;
            for (site, day) in days {
                stmt.execute(params![site, day])?;
            }
            Ok(())
        })
    }

    fn determinations_of(
        &self,
        site: &str,
        from: i64,
        to: i64,
        withdrawn: bool,
    ) -> Result<Vec<Determination>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM determinations
             WHERE site_id = ?1 AND start_at < ?3 AND end_at > ?2 AND (?4 OR withdrawn_at IS NULL)
             ORDER BY start_at, param, kind, id"
        ))?;
        let rows = stmt
            .query_map(params![site, from, to, withdrawn], row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
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
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![
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
            self.conn.execute(
                "INSERT INTO determinations (site_id, param, kind, start_at, end_at, hours, peak, limit_value,
                     multiple, averaging, permit_id, permit_number, source, first_journal_id, last_journal_id,
                     found_at, changed_at, withdrawn_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                values.as_slice(),
            )?;
            return Ok(self.conn.last_insert_rowid());
        }
        values.push(&d.id);
        self.conn.execute(
            "UPDATE determinations SET site_id = ?1, param = ?2, kind = ?3, start_at = ?4, end_at = ?5,
                 hours = ?6, peak = ?7, limit_value = ?8, multiple = ?9, averaging = ?10, permit_id = ?11,
                 permit_number = ?12, source = ?13, first_journal_id = ?14, last_journal_id = ?15,
                 found_at = ?16, changed_at = ?17, withdrawn_at = ?18
             WHERE id = ?19",
            values.as_slice(),
        )?;
        Ok(d.id)
    }
}
