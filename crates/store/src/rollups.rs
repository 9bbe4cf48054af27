//! Storage of hourly and daily rollups and of the hours waiting to be rolled up.

use crate::{Interval, Period, Result, Rollup, Store};
use rusqlite::params;

/// A UTC clock hour of one series that received new or changed fine-grained data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DirtyHour {
    pub site_id: String,
    pub param: String,
    /// Start of the UTC hour, unix seconds.
    pub hour: i64,
}

impl Store {
    /// Up to `limit` hours waiting for their rollups to be recomputed, oldest first.
    pub fn dirty_hours(&self, limit: u32) -> Result<Vec<DirtyHour>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT site_id, param, hour FROM rollup_dirty ORDER BY hour LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(DirtyHour {
                site_id: r.get(0)?,
                param: r.get(1)?,
                hour: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores recomputed rollups and clears the dirty hours they cover, in one transaction.
    pub fn put_rollups(&mut self, rollups: &[Rollup], done: &[DirtyHour]) -> Result<()> {
        self.in_transaction(|s| s.write_rollups(rollups, done))
    }

    /// Like [`Store::put_rollups`] without a transaction of its own: for callers that group several
    /// steps into one with [`Store::in_transaction`] (one commit, one fsync).
    pub fn write_rollups(&self, rollups: &[Rollup], done: &[DirtyHour]) -> Result<()> {
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
            "DELETE FROM rollup_dirty WHERE site_id = ?1 AND param = ?2 AND hour = ?3",
        )?;
        for d in done {
            clear.execute(params![d.site_id, d.param, d.hour])?;
        }
        Ok(())
    }

    /// Rollups of one series with `from <= time < to`, oldest first.
    pub fn rollups(
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
}
