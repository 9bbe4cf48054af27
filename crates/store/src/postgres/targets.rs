//! Target sets and hand-entered indicator values, on PostgreSQL.

use super::PgConnection;
use crate::{IndicatorValue, Result, Target, Targets};

impl Targets for PgConnection {
    fn put_targets(&self, targets: &[Target]) -> Result<()> {
        self.atomically(|s| {
            let mut client = s.client();
            for t in targets {
                client.execute(
                    "INSERT INTO targets (set_name, area, indicator, period, value, source) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (set_name, area, indicator, period) DO UPDATE SET value = excluded.value, source = excluded.source",
                    &[&t.set_name, &t.area, &t.indicator, &t.period, &t.value, &t.source],
                )?;
            }
            Ok(())
        })
    }

    fn targets(&self) -> Result<Vec<Target>> {
        let rows = self.client().query(
            "SELECT set_name, area, indicator, period, value, source FROM targets
             ORDER BY set_name, area, indicator, period",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| Target {
                set_name: r.get(0),
                area: r.get(1),
                indicator: r.get(2),
                period: r.get(3),
                value: r.get(4),
                source: r.get(5),
            })
            .collect())
    }

    fn put_indicator_value(&self, v: &IndicatorValue) -> Result<i64> {
        let r = self.client().query_one(
            "INSERT INTO indicator_values (area, indicator, period, value, note, entered_by, entered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[&v.area, &v.indicator, &v.period, &v.value, &v.note, &v.entered_by, &v.entered_at],
        )?;
        Ok(r.get(0))
    }

    fn indicator_values(&self) -> Result<Vec<IndicatorValue>> {
        let rows = self.client().query(
            "SELECT id, area, indicator, period, value, note, entered_by, entered_at FROM indicator_values ORDER BY id",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| IndicatorValue {
                id: r.get(0),
                area: r.get(1),
                indicator: r.get(2),
                period: r.get(3),
                value: r.get(4),
                note: r.get(5),
                entered_by: r.get(6),
                entered_at: r.get(7),
            })
            .collect())
    }
}
