//! The raw journal (every frame, as received) and the write path into the series.

use crate::{FrameRecord, Interval, JournalEntry, Result, Store, Verdict};
use rusqlite::{Row, params};

/// What one [`Store::write_frames`] call stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSummary {
    /// The journal id of each frame, in the order given.
    pub journal_ids: Vec<i64>,
    /// Values inserted or changed (a re-sent identical value counts zero).
    pub values_changed: usize,
}

/// Rejected frames of one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineCount {
    pub verdict: Verdict,
    pub count: i64,
}

impl Store {
    /// Journals `frames` and stores the values of the accepted ones, all in one transaction.
    ///
    /// When this returns, the transaction is committed with the durability the store was opened with:
    /// only then may the gateway answer the devices. A value already present for the same key is replaced
    /// only when it differs and is still preliminary (a validated value is never overwritten by a device);
    /// every inserted or changed value marks its hour for rollup recomputation.
    pub fn write_frames(&mut self, frames: &[FrameRecord]) -> Result<WriteSummary> {
        let tx = self.conn.transaction()?;
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

    /// One journal entry.
    pub fn journal_entry(&self, id: i64) -> Result<Option<JournalEntry>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{JOURNAL_SELECT} WHERE id = ?1"))?;
        let mut rows = stmt.query_map([id], journal_row)?;
        rows.next()
            .transpose()?
            .map(|(e, v)| finish(e, &v))
            .transpose()
    }

    /// Rejected frames, newest first, optionally of one verdict, with ids below `before` (for paging).
    pub fn quarantine(
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

    /// How many frames were rejected, by cause.
    pub fn quarantine_counts(&self) -> Result<Vec<QuarantineCount>> {
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

    /// Frames journaled for a device between two receive times (unix ms), as (receive time, verdict).
    pub fn device_frames(&self, mn: &str, from_ms: i64, to_ms: i64) -> Result<Vec<(i64, Verdict)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT received_at, verdict FROM journal WHERE mn = ?1 AND received_at >= ?2 AND received_at < ?3
             ORDER BY received_at",
        )?;
        let rows = stmt
            .query_map(params![mn, from_ms, to_ms], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|(t, v)| Ok((t, v.parse()?))).collect()
    }

    /// When the last frame from this MN was received (unix ms), if any.
    pub fn last_frame_at(&self, mn: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT MAX(received_at) FROM journal WHERE mn = ?1",
            [mn],
            |r| r.get(0),
        )?)
    }

    /// The number of journal entries.
    pub fn journal_len(&self) -> Result<i64> {
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

#[cfg(test)]
mod tests {
    use crate::registry::tests::site;
    use crate::tests::temp_store;
    use crate::*;

    fn frame(verdict: Verdict, values: Vec<NewValue>) -> FrameRecord {
        FrameRecord {
            received_at_ms: 1_700_000_000_000,
            peer: "127.0.0.1:5000".into(),
            mn: Some("MN1".into()),
            cn: Some("2011".into()),
            verdict,
            cause: (verdict != Verdict::Accepted).then(|| "crc_mismatch: expected 1C80".into()),
            raw: b"##0000...".to_vec(),
            values,
        }
    }

    pub(crate) fn value(time: i64, v: f64) -> NewValue {
        NewValue {
            site_id: "S1".into(),
            param: "a21026".into(),
            interval: Interval::Realtime,
            time,
            value: Some(v),
            min: None,
            max: None,
            cou: None,
            flag: Some("N".into()),
        }
    }

    #[test]
    fn resent_values_are_idempotent_and_rejects_are_quarantined() {
        let (_dir, mut store) = temp_store();
        store.upsert_site(&site("S1")).unwrap();
        let first = store
            .write_frames(&[frame(
                Verdict::Accepted,
                vec![value(3600, 1.5), value(3660, 2.0)],
            )])
            .unwrap();
        assert_eq!(first.values_changed, 2);
        let again = store
            .write_frames(&[frame(Verdict::Accepted, vec![value(3600, 1.5)])])
            .unwrap();
        assert_eq!(
            again.values_changed, 0,
            "a re-sent identical value changes nothing"
        );
        let bad = store
            .write_frames(&[frame(Verdict::BadFrame, vec![value(7200, 9.0)])])
            .unwrap();
        assert_eq!(bad.values_changed, 0, "a rejected frame stores no values");
        assert_eq!(store.journal_len().unwrap(), 3);
        let q = store.quarantine(None, None, 10).unwrap();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].verdict, Verdict::BadFrame);
        assert_eq!(q[0].id, bad.journal_ids[0]);
        assert_eq!(
            store.quarantine_counts().unwrap(),
            vec![QuarantineCount {
                verdict: Verdict::BadFrame,
                count: 1
            }]
        );
        let series = store
            .series("S1", "a21026", Interval::Realtime, 0, 10_000)
            .unwrap();
        assert_eq!(
            series.iter().map(|v| v.value).collect::<Vec<_>>(),
            vec![Some(1.5), Some(2.0)]
        );
        assert_eq!(series[0].journal_id, first.journal_ids[0]);
    }
}
