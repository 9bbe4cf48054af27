//! Storage of hourly and daily rollups and of the hours waiting to be rolled up.

use super::SqliteConnection;
use crate::{DirtyHour, Interval, Period, Result, Rollup, Rollups};
use rusqlite::params;

impl Rollups for SqliteConnection {
    fn dirty_hours(&self, limit: u32) -> Result<Vec<DirtyHour>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT site_id, param, hour, mark FROM rollup_dirty ORDER BY hour LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(DirtyHour {
                site_id: r.get(0)?,
                param: r.get(1)?,
                hour: r.get(2)?,
                mark: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn write_rollups(&self, rollups: &[Rollup], done: &[DirtyHour]) -> Result<()> {
        let mut put = self.conn.prepare_cached(
            "INSERT INTO rollups (site_id, param, period, time, source, count, valid_count, mean, min, max, valid)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (site_id, param, period, time) DO UPDATE SET source = excluded.source,
                count = excluded.count, valid_count = excluded.valid_count, mean = excluded.mean,
                min = excluded.min, max = excluded.max, valid = excluded.valid",
        )?;
        for r in rollups {
            put.execute(params![
                r.site_id,
                r.param,
                r.period.as_int(),
                r.time,
                r.source.as_int(),
                r.count,
                r.valid_count,
                r.mean,
                r.min,
                r.max,
                r.valid
            ])?;
        }
        let mut clear = self.conn.prepare_cached(
            "DELETE FROM rollup_dirty WHERE site_id = ?1 AND param = ?2 AND hour = ?3 AND mark = ?4",
        )?;
        for d in done {
            clear.execute(params![d.site_id, d.param, d.hour, d.mark])?;
        }
        Ok(())
    }

    fn rollups(
        &self,
        site: &str,
        param: &str,
        period: Period,
        from: i64,
        to: i64,
    ) -> Result<Vec<Rollup>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT time, source, count, valid_count, mean, min, max, valid FROM rollups
             WHERE site_id = ?1 AND param = ?2 AND period = ?3 AND time >= ?4 AND time < ?5 ORDER BY time",
        )?;
        let rows = stmt.query_map(params![site, param, period.as_int(), from, to], |r| {
            Ok(Rollup {
                site_id: site.to_string(),
                param: param.to_string(),
                period,
                time: r.get(0)?,
                source: Interval::from_int(r.get(1)?).unwrap_or(Interval::Realtime),
                count: r.get(2)?,
                valid_count: r.get(3)?,
                mean: r.get(4)?,
                min: r.get(5)?,
                max: r.get(6)?,
                valid: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn site_rollups(&self, site: &str, period: Period, from: i64, to: i64) -> Result<Vec<Rollup>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT param, time, source, count, valid_count, mean, min, max, valid FROM rollups
             WHERE site_id = ?1 AND period = ?2 AND time >= ?3 AND time < ?4 ORDER BY time, param",
        )?;
        let rows = stmt.query_map(params![site, period.as_int(), from, to], |r| {
            Ok(Rollup {
                site_id: site.to_string(),
                param: r.get(0)?,
                period,
                time: r.get(1)?,
                source: Interval::from_int(r.get(2)?).unwrap_or(Interval::Realtime),
                count: r.get(3)?,
                valid_count: r.get(4)?,
                mean: r.get(5)?,
                min: r.get(6)?,
                max: r.get(7)?,
                valid: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn latest_rollup_time(
        &self,
        site: &str,
        params: &[&str],
        period: Period,
        at: i64,
    ) -> Result<Option<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT MAX(time) FROM rollups WHERE site_id = ?1 AND param = ?2 AND period = ?3 AND time <= ?4",
        )?;
        let mut latest = None;
        for p in params {
            let t: Option<i64> =
                stmt.query_row(params![site, p, period.as_int(), at], |r| r.get(0))?;
            latest = latest.max(t);
        }
        Ok(latest)
    }

    fn mark_hours_dirty(&self, site: &str, param: &str, from: i64, to: i64) -> Result<u64> {
        let n = self.conn.execute(
            "INSERT INTO rollup_dirty (site_id, param, hour)
             SELECT DISTINCT site_id, param, time - (((time % 3600) + 3600) % 3600) FROM measurements
             WHERE site_id = ?1 AND param = ?2 AND interval IN (?3, ?4) AND time >= ?5 AND time < ?6
             ON CONFLICT (site_id, param, hour) DO UPDATE SET mark = mark + 1",
            params![
                site,
                param,
                Interval::Realtime.as_int(),
                Interval::Minute.as_int(),
                from,
                to
            ],
        )?;
        Ok(n as u64)
    }

    fn rollup_means(
        &self,
        site: &str,
        param: &str,
        period: Period,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Option<f64>, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT time, mean, valid FROM rollups
             WHERE site_id = ?1 AND param = ?2 AND period = ?3 AND time >= ?4 AND time < ?5 ORDER BY time",
        )?;
        let rows = stmt.query_map(params![site, param, period.as_int(), from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
