//! Reading the stored series; rollups and the hours waiting for them, on PostgreSQL.

use super::PgConnection;
use crate::{
    DirtyHour, Interval, Period, Receipt, Result, Rollup, Rollups, Series, SeriesInfo, Tier, Value,
};
use postgres::Row;

fn interval_of(r: &Row, at: usize) -> Interval {
    Interval::from_int(i64::from(r.get::<_, i16>(at))).unwrap_or(Interval::Realtime)
}

pub(super) fn small(n: i64) -> i16 {
    n as i16
}

impl Series for PgConnection {
    fn series_page(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
        limit: u32,
    ) -> Result<Vec<Value>> {
        Ok(self
            .client()
            .query(
                "SELECT time, value, min, max, cou, flag, tier, journal_id FROM measurements
                 WHERE site_id = $1 AND param = $2 AND interval = $3 AND time >= $4 AND time < $5
                 ORDER BY time LIMIT $6",
                &[
                    &site,
                    &param,
                    &small(interval.as_int()),
                    &from,
                    &to,
                    &i64::from(limit),
                ],
            )?
            .iter()
            .map(|r| Value {
                time: r.get(0),
                value: r.get(1),
                min: r.get(2),
                max: r.get(3),
                cou: r.get(4),
                flag: r.get(5),
                tier: Tier::from_int(i64::from(r.get::<_, i16>(6))),
                journal_id: r.get(7),
            })
            .collect())
    }

    fn series_of_site(&self, site: &str) -> Result<Vec<SeriesInfo>> {
        Ok(self
            .client()
            .query(
                "SELECT param, interval, COUNT(*), MIN(time), MAX(time) FROM measurements
                 WHERE site_id = $1 GROUP BY param, interval ORDER BY param, interval",
                &[&site],
            )?
            .iter()
            .map(|r| SeriesInfo {
                param: r.get(0),
                interval: interval_of(r, 1),
                count: r.get(2),
                first: r.get(3),
                last: r.get(4),
            })
            .collect())
    }

    fn value_count(&self) -> Result<i64> {
        Ok(self
            .client()
            .query_one("SELECT COUNT(*) FROM measurements", &[])?
            .get(0))
    }

    fn receipts(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        from: i64,
        to: i64,
    ) -> Result<Vec<Receipt>> {
        Ok(self
            .client()
            .query(
                "SELECT m.time, m.flag, j.received_at FROM measurements m JOIN journal j ON j.id = m.journal_id
                 WHERE m.site_id = $1 AND m.param = $2 AND m.interval = $3 AND m.time >= $4 AND m.time < $5
                 ORDER BY m.time",
                &[&site, &param, &small(interval.as_int()), &from, &to],
            )?
            .iter()
            .map(|r| Receipt {
                time: r.get(0),
                flag: r.get(1),
                received_at_ms: r.get(2),
            })
            .collect())
    }

    fn latest_value_time(&self, site: &str, params: &[&str]) -> Result<Option<i64>> {
        Ok(self
            .client()
            .query_one(
                "SELECT MAX(time) FROM measurements WHERE site_id = $1 AND param = ANY($2)",
                &[&site, &params],
            )?
            .get(0))
    }

    fn tier_counts(&self, site: &str, params: &[&str], from: i64, to: i64) -> Result<(i64, i64)> {
        let r = self.client().query_one(
            "SELECT COUNT(*) FILTER (WHERE tier = 0), COUNT(*) FROM measurements
             WHERE site_id = $1 AND param = ANY($2) AND time >= $3 AND time < $4",
            &[&site, &params, &from, &to],
        )?;
        Ok((r.get(0), r.get(1)))
    }

    fn set_tier(
        &self,
        site: &str,
        param: &str,
        interval: Interval,
        time: i64,
        tier: Tier,
    ) -> Result<bool> {
        let changed = self.client().execute(
            "UPDATE measurements SET tier = $5
             WHERE site_id = $1 AND param = $2 AND interval = $3 AND time = $4",
            &[
                &site,
                &param,
                &small(interval.as_int()),
                &time,
                &small(tier.as_int()),
            ],
        )?;
        Ok(changed > 0)
    }
}

const ROLLUP_COLUMNS: &str = "param, time, source, count, valid_count, mean, min, max, valid";

fn rollup_row(site: &str, period: Period, r: &Row) -> Rollup {
    Rollup {
        site_id: site.to_string(),
        param: r.get(0),
        period,
        time: r.get(1),
        source: interval_of(r, 2),
        count: r.get::<_, i64>(3) as u32,
        valid_count: r.get::<_, i64>(4) as u32,
        mean: r.get(5),
        min: r.get(6),
        max: r.get(7),
        valid: r.get(8),
    }
}

impl Rollups for PgConnection {
    fn dirty_hours(&self, limit: u32) -> Result<Vec<DirtyHour>> {
        Ok(self
            .client()
            .query(
                "SELECT site_id, param, hour, mark FROM rollup_dirty ORDER BY hour LIMIT $1",
                &[&i64::from(limit)],
            )?
            .iter()
            .map(|r| DirtyHour {
                site_id: r.get(0),
                param: r.get(1),
                hour: r.get(2),
                mark: r.get(3),
            })
            .collect())
    }

    fn write_rollups(&self, rollups: &[Rollup], done: &[DirtyHour]) -> Result<()> {
        let mut client = self.client();
        if !rollups.is_empty() {
            let site: Vec<&str> = rollups.iter().map(|r| r.site_id.as_str()).collect();
            let param: Vec<&str> = rollups.iter().map(|r| r.param.as_str()).collect();
            let period: Vec<i16> = rollups.iter().map(|r| small(r.period.as_int())).collect();
            let time: Vec<i64> = rollups.iter().map(|r| r.time).collect();
            let source: Vec<i16> = rollups.iter().map(|r| small(r.source.as_int())).collect();
            let count: Vec<i64> = rollups.iter().map(|r| i64::from(r.count)).collect();
            let valid_count: Vec<i64> = rollups.iter().map(|r| i64::from(r.valid_count)).collect();
            let mean: Vec<Option<f64>> = rollups.iter().map(|r| r.mean).collect();
            let min: Vec<Option<f64>> = rollups.iter().map(|r| r.min).collect();
            let max: Vec<Option<f64>> = rollups.iter().map(|r| r.max).collect();
            let valid: Vec<bool> = rollups.iter().map(|r| r.valid).collect();
            // DISTINCT ON keeps the last rollup given for a key, as one-by-one upserts would.
            client.execute(
                "INSERT INTO rollups (site_id, param, period, time, source, count, valid_count, mean, min, max, valid)
                 SELECT DISTINCT ON (s, p, pe, t) s, p, pe, t, so, c, vc, me, mi, ma, va
                 FROM UNNEST($1::text[], $2::text[], $3::int2[], $4::int8[], $5::int2[], $6::int8[],
                             $7::int8[], $8::float8[], $9::float8[], $10::float8[], $11::bool[])
                      WITH ORDINALITY AS u(s, p, pe, t, so, c, vc, me, mi, ma, va, n)
                 ORDER BY s, p, pe, t, n DESC
                 ON CONFLICT (site_id, param, period, time) DO UPDATE SET source = excluded.source,
                    count = excluded.count, valid_count = excluded.valid_count, mean = excluded.mean,
                    min = excluded.min, max = excluded.max, valid = excluded.valid",
                &[
                    &site,
                    &param,
                    &period,
                    &time,
                    &source,
                    &count,
                    &valid_count,
                    &mean,
                    &min,
                    &max,
                    &valid,
                ],
            )?;
        }
        if !done.is_empty() {
            let site: Vec<&str> = done.iter().map(|d| d.site_id.as_str()).collect();
            let param: Vec<&str> = done.iter().map(|d| d.param.as_str()).collect();
            let hour: Vec<i64> = done.iter().map(|d| d.hour).collect();
            let mark: Vec<i64> = done.iter().map(|d| d.mark).collect();
            client.execute(
                "DELETE FROM rollup_dirty d
                 USING UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[]) AS k(s, p, h, m)
                 WHERE d.site_id = k.s AND d.param = k.p AND d.hour = k.h AND d.mark = k.m",
                &[&site, &param, &hour, &mark],
            )?;
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
        Ok(self
            .client()
            .query(
                &format!(
                    "SELECT {ROLLUP_COLUMNS} FROM rollups
                     WHERE site_id = $1 AND param = $2 AND period = $3 AND time >= $4 AND time < $5
                     ORDER BY time"
                ),
                &[&site, &param, &small(period.as_int()), &from, &to],
            )?
            .iter()
            .map(|r| rollup_row(site, period, r))
            .collect())
    }

    fn site_rollups(&self, site: &str, period: Period, from: i64, to: i64) -> Result<Vec<Rollup>> {
        Ok(self
            .client()
            .query(
                &format!(
                    "SELECT {ROLLUP_COLUMNS} FROM rollups
                     WHERE site_id = $1 AND period = $2 AND time >= $3 AND time < $4
                     ORDER BY time, param"
                ),
                &[&site, &small(period.as_int()), &from, &to],
            )?
            .iter()
            .map(|r| rollup_row(site, period, r))
            .collect())
    }

    fn latest_rollup_time(
        &self,
        site: &str,
        params: &[&str],
        period: Period,
        at: i64,
    ) -> Result<Option<i64>> {
        Ok(self
            .client()
            .query_one(
                "SELECT MAX(time) FROM rollups
                 WHERE site_id = $1 AND param = ANY($2) AND period = $3 AND time <= $4",
                &[&site, &params, &small(period.as_int()), &at],
            )?
            .get(0))
    }

    fn mark_hours_dirty(&self, site: &str, param: &str, from: i64, to: i64) -> Result<u64> {
        let (realtime, minute) = (
            small(Interval::Realtime.as_int()),
            small(Interval::Minute.as_int()),
        );
        Ok(self.client().execute(
            "INSERT INTO rollup_dirty (site_id, param, hour)
             SELECT DISTINCT site_id, param, time - (((time % 3600) + 3600) % 3600) FROM measurements
             WHERE site_id = $1 AND param = $2 AND interval IN ($3, $4) AND time >= $5 AND time < $6
             ON CONFLICT (site_id, param, hour) DO UPDATE SET mark = rollup_dirty.mark + 1",
            &[&site, &param, &realtime, &minute, &from, &to],
        )?)
    }

    fn rollup_means(
        &self,
        site: &str,
        param: &str,
        period: Period,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, Option<f64>, bool)>> {
        Ok(self
            .client()
            .query(
                "SELECT time, mean, valid FROM rollups
                 WHERE site_id = $1 AND param = $2 AND period = $3 AND time >= $4 AND time < $5
                 ORDER BY time",
                &[&site, &param, &small(period.as_int()), &from, &to],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}
