//! The raw journal (every frame, as received) and the write path into the series.

use super::SqliteConnection;
use crate::{
    FrameRecord, Interval, Journal, JournalEntry, QuarantineCount, Result, Verdict, WriteSummary,
};
use rusqlite::{Row, params};

impl Journal for SqliteConnection {
    fn write_frames(&mut self, frames: &[FrameRecord]) -> Result<WriteSummary> {
        // A savepoint: its own transaction when called alone, a nested one inside a caller's.
        let tx = self.conn.savepoint()?;
        let mut summary = WriteSummary::default();
        {
            let mut journal = tx.prepare_cached(
                "INSERT INTO journal (received_at, peer, mn, cn, verdict, cause, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut value = tx.prepare_cached(
                "INSERT INTO measurements (site_id, param, interval, time, value, min, max, cou, flag, tier, journal_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)
                 ON CONFLICT (site_id, param, interval, time) DO UPDATE SET
                    value = excluded.value, min = excluded.min, max = excluded.max, cou = excluded.cou,
                    flag = excluded.flag, journal_id = excluded.journal_id
                 WHERE tier = 0 AND (value IS NOT excluded.value OR min IS NOT excluded.min
                    OR max IS NOT excluded.max OR cou IS NOT excluded.cou OR flag IS NOT excluded.flag)",
            )?;
            let mut dirty = tx.prepare_cached(
                "INSERT OR IGNORE INTO rollup_dirty (site_id, param, hour) VALUES (?1, ?2, ?3)",
            )?;
            let mut dirty_hours = std::collections::HashSet::new();
            for f in frames {
                journal.execute(params![
                    f.received_at_ms,
                    f.peer,
                    f.mn,
                    f.cn,
                    f.verdict.code(),
                    f.cause,
                    f.raw
                ])?;
                let id = tx.last_insert_rowid();
                summary.journal_ids.push(id);
                if f.verdict != Verdict::Accepted {
                    continue;
                }
                for v in &f.values {
                    let changed = value.execute(params![
                        v.site_id,
                        v.param,
                        v.interval.as_int(),
                        v.time,
                        v.value,
                        v.min,
                        v.max,
                        v.cou,
                        v.flag,
                        id
                    ])?;
                    summary.values_changed += changed;
                    if changed > 0 && matches!(v.interval, Interval::Realtime | Interval::Minute) {
                        dirty_hours.insert((
                            v.site_id.as_str(),
                            v.param.as_str(),
                            v.time.div_euclid(3600) * 3600,
                        ));
                    }
                }
            }
            // One mark per hour and series, however many of its values the batch held.
            for (site, param, hour) in dirty_hours {
                dirty.execute(params![site, param, hour])?;
            }
        }
        tx.commit()?;
        Ok(summary)
    }

    fn journal_entry(&self, id: i64) -> Result<Option<JournalEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{JOURNAL_SELECT} WHERE id = ?1"))?;
        let mut rows = stmt.query_map([id], journal_row)?;
        rows.next()
            .transpose()?
            .map(|(e, v)| finish(e, &v))
            .transpose()
    }

    fn quarantine(
        &self,
        verdict: Option<Verdict>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<JournalEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{JOURNAL_SELECT} WHERE verdict <> 'accepted' AND (?1 IS NULL OR verdict = ?1) AND id < ?2
             ORDER BY id DESC LIMIT ?3"
        ))?;
        let rows = stmt
            .query_map(
                params![verdict.map(|v| v.code()), before.unwrap_or(i64::MAX), limit],
                journal_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|(e, v)| finish(e, &v)).collect()
    }

    fn quarantine_counts(&self) -> Result<Vec<QuarantineCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT verdict, COUNT(*) FROM journal WHERE verdict <> 'accepted' GROUP BY verdict ORDER BY verdict",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(v, count)| {
                Ok(QuarantineCount {
                    verdict: v.parse()?,
                    count,
                })
            })
            .collect()
    }

    fn device_frames(&self, mn: &str, from_ms: i64, to_ms: i64) -> Result<Vec<(i64, Verdict)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT received_at, verdict FROM journal WHERE mn = ?1 AND received_at >= ?2 AND received_at < ?3
             ORDER BY received_at, id",
        )?;
        let rows = stmt
            .query_map(params![mn, from_ms, to_ms], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|(t, v)| Ok((t, v.parse()?))).collect()
    }

    fn last_frame_at(&self, mn: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MAX(received_at) FROM journal WHERE mn = ?1",
            [mn],
            |r| r.get(0),
        )?)
    }

    fn journal_len(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))?)
    }
}

const JOURNAL_SELECT: &str =
    "SELECT id, received_at, peer, mn, cn, verdict, cause, raw FROM journal";

fn journal_row(r: &Row<'_>) -> rusqlite::Result<(JournalEntry, String)> {
    Ok((
        JournalEntry {
            id: r.get(0)?,
            received_at_ms: r.get(1)?,
            peer: r.get(2)?,
            mn: r.get(3)?,
            cn: r.get(4)?,
            verdict: Verdict::Accepted,
            cause: r.get(6)?,
            raw: r.get(7)?,
        },
        r.get(5)?,
    ))
}

fn finish(entry: JournalEntry, verdict: &str) -> Result<JournalEntry> {
    Ok(JournalEntry {
        verdict: verdict.parse()?,
        ..entry
    })
}
