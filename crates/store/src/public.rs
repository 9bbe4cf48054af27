//! Queries of the public portal and the open data API: every parameter of a site at once, and the latest
//! rollup of each. The site id leads every query (the measurement tables shard by site).

use crate::{Interval, Period, Result, Rollup, Store};
use rusqlite::params;

impl Store {
    /// Rollups of every parameter of `site` with `from <= time < to`, ordered by time then parameter.
    pub fn site_rollups(
        &self,
        site: &str,
        period: Period,
        from: i64,
        to: i64,
    ) -> Result<Vec<Rollup>> {
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

    /// The start of the latest rollup of `site` for `period` at or before `at`, over `params`, if any.
    /// (One indexed lookup per parameter: the key leads with site and parameter.)
    pub fn latest_rollup_time(
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

    /// The data time of the latest stored value of `site` over `params` (any interval), if any.
    pub fn latest_value_time(&self, site: &str, params: &[&str]) -> Result<Option<i64>> {
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

    /// `(time, mean, valid)` of one rollup series with `from <= time < to`, oldest first: the lean read the
    /// portal's year-long pages are built on.
    pub fn rollup_means(
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

    /// How many stored values of `site` over `params` with `from <= time < to` are still preliminary, and
    /// how many there are: `(preliminary, total)`.
    pub fn tier_counts(
        &self,
        site: &str,
        params: &[&str],
        from: i64,
        to: i64,
    ) -> Result<(i64, i64)> {
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
}
