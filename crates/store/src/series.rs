//! Reading the stored series.

use crate::{Interval, Result, Store, Tier, Value};
use rusqlite::params;

/// What a site has stored for one parameter and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInfo {
    pub param: String,
    pub interval: Interval,
    pub count: i64,
    /// Data time of the first and last value, unix seconds UTC.
    pub first: i64,
    pub last: i64,
}

impl Store {
    /// Values of one series with `from <= time < to` (unix seconds UTC), oldest first, at most `limit`.
    pub fn series(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
    ) -> Result<Vec<Value>> {
        self.series_page(site, param, interval, from, to, u32::MAX)
    }

    /// Like [`Store::series`], at most `limit` values.
    pub fn series_page(
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

    /// The series a site has, with their extent.
    pub fn series_of_site(&self, site: &str) -> Result<Vec<SeriesInfo>> {
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

    /// The number of stored values of all series.
    pub fn value_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM measurements", [], |r| r.get(0))?)
    }
}

/// A stored value with what the completeness report needs: its flag and when its frame arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// Data time, unix seconds UTC.
    pub time: i64,
    pub flag: Option<String>,
    /// When the frame carrying it was received, unix milliseconds UTC.
    pub received_at_ms: i64,
}

impl Store {
    /// Receipts of one series with `from <= time < to`, oldest first.
    pub fn receipts(
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
}
