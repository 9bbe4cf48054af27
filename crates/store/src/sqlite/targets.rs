//! Target sets and hand-entered indicator values, on SQLite.

use super::SqliteConnection;
use crate::{IndicatorValue, Result, Target, Targets};
use rusqlite::params;

impl Targets for SqliteConnection {
    fn put_targets(&self, targets: &[Target]) -> Result<()> {
        self.atomically(|| {
            let mut stmt = self.conn.prepare_cached(
                "INSERT INTO targets (set_name, area, indicator, period, value, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (set_name, area, indicator, period) DO UPDATE SET value = excluded.value, source = excluded.source",
            )?;
            for t in targets {
                stmt.execute(params![t.set_name, t.area, t.indicator, t.period, t.value, t.source])?;
            }
            Ok(())
        })
    }

    fn targets(&self) -> Result<Vec<Target>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT set_name, area, indicator, period, value, source FROM targets
             ORDER BY set_name, area, indicator, period",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Target {
                    set_name: r.get(0)?,
                    area: r.get(1)?,
                    indicator: r.get(2)?,
                    period: r.get(3)?,
                    value: r.get(4)?,
                    source: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn put_indicator_value(&self, v: &IndicatorValue) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO indicator_values (area, indicator, period, value, note, entered_by, entered_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![v.area, v.indicator, v.period, v.value, v.note, v.entered_by, v.entered_at],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn indicator_values(&self) -> Result<Vec<IndicatorValue>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, area, indicator, period, value, note, entered_by, entered_at FROM indicator_values ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(IndicatorValue {
                    id: r.get(0)?,
                    area: r.get(1)?,
                    indicator: r.get(2)?,
                    period: r.get(3)?,
                    value: r.get(4)?,
                    note: r.get(5)?,
                    entered_by: r.get(6)?,
                    entered_at: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
