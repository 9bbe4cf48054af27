//! Reading the stored series.

use super::SqliteConnection;
use crate::{Interval, Receipt, Result, Series, SeriesInfo, Tier, Value};
use rusqlite::params;

impl Series for SqliteConnection {
    fn series_page(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<Value>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT time, value, min, max, cou, flag, tier, journal_id FROM measurements
             WHERE site_id = ?1 AND param = ?2 AND interval = ?3 AND time >= ?4 AND time < ?5
             ORDER BY time LIMIT ?6",
        )?;
        let rows = stmt.query_map(
            params![site, param, interval.as_int(), from, to, limit],
            |r| {
                Ok(Value {
                    time: r.get(0)?,
                    value: r.get(1)?,
                    min: r.get(2)?,
                    max: r.get(3)?,
                    cou: r.get(4)?,
                    flag: r.get(5)?,
                    tier: Tier::from_int(r.get(6)?),
                    journal_id: r.get(7)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn series_of_site(&self, site: &str) -> Result<Vec<SeriesInfo>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT param, interval, COUNT(*), MIN(time), MAX(time) FROM measurements WHERE site_id = ?1
             GROUP BY param, interval ORDER BY param, interval",
        )?;
        let rows = stmt
            .query_map([site], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(param, i, count, first, last)| {
                Some(SeriesInfo {
                    param,
                    interval: Interval::from_int(i)?,
                    count,
                    first,
                    last,
                })
            })
            .collect())
    }

    fn value_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM measurements", [], |r| r.get(0))?)
    }
    fn latest_value_time(&self, site: &str, params: &[&str]) -> Result<Option<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT MAX(time) FROM measurements WHERE site_id = ?1 AND param = ?2 AND interval = ?3",
        )?;
        let mut latest = None;
        for p in params {
            for interval in Interval::ALL {
                let t: Option<i64> =
                    stmt.query_row(params![site, p, interval.as_int()], |r| r.get(0))?;
                latest = latest.max(t);
            }
        }
        Ok(latest)
    }

    fn tier_counts(&self, site: &str, params: &[&str], from: i64, to: i64) -> Result<(i64, i64)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT COUNT(*), COALESCE(SUM(tier = 0), 0) FROM measurements
             WHERE site_id = ?1 AND param = ?2 AND interval = ?3 AND time >= ?4 AND time < ?5",
        )?;
        let (mut preliminary, mut total) = (0, 0);
        for p in params {
            for interval in Interval::ALL {
                let (n, pre): (i64, i64) = stmt
                    .query_row(params![site, p, interval.as_int(), from, to], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })?;
                total += n;
                preliminary += pre;
            }
        }
        Ok((preliminary, total))
    }

    fn receipts(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
    ) -> Result<Vec<Receipt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.time, m.flag, j.received_at FROM measurements m JOIN journal j ON j.id = m.journal_id
             WHERE m.site_id = ?1 AND m.param = ?2 AND m.interval = ?3 AND m.time >= ?4 AND m.time < ?5
             ORDER BY m.time",
        )?;
        let rows = stmt.query_map(params![site, param, interval.as_int(), from, to], |r| {
            Ok(Receipt {
                time: r.get(0)?,
                flag: r.get(1)?,
                received_at_ms: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn set_tier(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        time: i64,
        tier: Tier,
    ) -> Result<bool> {
        let changed = self.conn.execute(
            "UPDATE measurements SET tier = ?5 WHERE site_id = ?1 AND param = ?2 AND interval = ?3 AND time = ?4",
            params![site, param, interval.as_int(), time, tier.as_int()],
        )?;
        Ok(changed > 0)
    }
}
