//! The raw journal (every frame, as received) and the write path into the series.

use super::SqliteConnection;
use crate::StoreError;
use crate::chain::{self, ChainCheck};
use crate::{
    Conflict, FrameRecord, Interval, Journal, JournalEntry, NewValue, QuarantineCount,
    RefusalCount, Result, Verdict, WriteSummary,
};
use rusqlite::{OptionalExtension, Row, params};

impl Journal for SqliteConnection {
    fn write_frames(&mut self, frames: &[FrameRecord]) -> Result<WriteSummary> {
        // A savepoint: its own transaction when called alone, a nested one inside a caller's.
        let tx = self.conn.savepoint()?;
        let mut summary = WriteSummary::default();
        {
            // The chain's head, read inside the write transaction: no other writer can move it meanwhile.
            let (mut last_id, mut prev) = chain_head(&tx)?;
            let mut journal = tx.prepare_cached(
                "INSERT INTO journal (id, received_at, peer, mn, cn, verdict, cause, raw, raw_sha256, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO measurements (site_id, param, interval, time, value, min, max, cou, flag, tier, journal_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10)
                 ON CONFLICT (site_id, param, interval, time) DO NOTHING",
            )?;
            let mut existing = tx.prepare_cached(
                "SELECT value, min, max, cou, flag FROM measurements
                 WHERE site_id = ?1 AND param = ?2 AND interval = ?3 AND time = ?4",
            )?;
            let mut conflict = tx.prepare_cached(
                "INSERT INTO conflicts (journal_id, site_id, param, interval, time, value, min, max, cou, flag)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut dirty = tx.prepare_cached(
                "INSERT INTO rollup_dirty (site_id, param, hour) VALUES (?1, ?2, ?3)
                 ON CONFLICT (site_id, param, hour) DO UPDATE SET mark = mark + 1",
            )?;
            let mut dirty_hours = std::collections::HashSet::new();
            for f in frames {
                let id = last_id + 1;
                let raw_sha256 = chain::digest(&f.raw);
                let hash = chain::hash(&prev, &chain::Chained::of_frame(id, f, &raw_sha256));
                journal.execute(params![
                    id,
                    f.received_at_ms,
                    f.peer,
                    f.mn,
                    f.cn,
                    f.verdict.code(),
                    f.cause,
                    f.raw,
                    &raw_sha256[..],
                    &hash[..]
                ])?;
                (last_id, prev) = (id, hash);
                summary.journal_ids.push(id);
                if f.verdict != Verdict::Accepted {
                    continue;
                }
                for v in &f.values {
                    let key = params![v.site_id, v.param, v.interval.as_int(), v.time];
                    let inserted = insert.execute(params![
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
                    if inserted == 0 {
                        let first = existing.query_row(key, |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                        })?;
                        if first != (v.value, v.min, v.max, v.cou, v.flag.clone()) {
                            conflict.execute(params![
                                id,
                                v.site_id,
                                v.param,
                                v.interval.as_int(),
                                v.time,
                                v.value,
                                v.min,
                                v.max,
                                v.cou,
                                v.flag
                            ])?;
                            summary.conflicts += 1;
                        }
                        continue;
                    }
                    summary.values_new += 1;
                    if matches!(v.interval, Interval::Realtime | Interval::Minute) {
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

    fn verify_chain(&self) -> Result<ChainCheck> {
        let mut stmt = self.conn.prepare(
            "SELECT id, received_at, peer, mn, cn, verdict, cause, raw, raw_sha256, hash, purged
             FROM journal ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut verifier = chain::Verifier::default();
        while let Some(r) = rows.next()? {
            verifier.record(chain::Stored {
                id: r.get(0)?,
                received_at_ms: r.get(1)?,
                peer: r.get(2)?,
                mn: r.get(3)?,
                cn: r.get(4)?,
                verdict: r.get(5)?,
                cause: r.get(6)?,
                raw: r.get(7)?,
                raw_sha256: r.get(8)?,
                hash: r.get(9)?,
                purged: r.get(10)?,
            });
        }
        Ok(verifier.finish())
    }

    fn purge_refused(&self, received_before_ms: i64) -> Result<u64> {
        Ok(self.conn.execute(
            "UPDATE journal SET raw = X'', purged = 1
             WHERE verdict <> 'accepted' AND purged = 0 AND received_at < ?1",
            [received_before_ms],
        )? as u64)
    }

    fn count_refusals(&self, counts: &[RefusalCount]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO refusal_counts (hour, source, verdict, count) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (hour, source, verdict) DO UPDATE SET count = count + excluded.count",
        )?;
        for c in counts {
            stmt.execute(params![c.hour, c.source, c.verdict.code(), c.count])?;
        }
        Ok(())
    }

    fn refusal_counts(&self, from_hour: i64) -> Result<Vec<RefusalCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT hour, source, verdict, count FROM refusal_counts WHERE hour >= ?1
             ORDER BY hour, source, verdict",
        )?;
        let rows = stmt
            .query_map([from_hour], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(hour, source, verdict, count)| {
                Ok(RefusalCount {
                    hour,
                    source,
                    verdict: verdict.parse()?,
                    count,
                })
            })
            .collect()
    }

    fn conflicts(
        &self,
        site: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Conflict>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.journal_id, c.site_id, c.param, c.interval, c.time,
                    c.value, c.min, c.max, c.cou, c.flag,
                    m.value, m.min, m.max, m.cou, m.flag, m.journal_id
             FROM conflicts c JOIN measurements m ON m.site_id = c.site_id AND m.param = c.param
                AND m.interval = c.interval AND m.time = c.time
             WHERE (?1 IS NULL OR c.site_id = ?1) AND c.id < ?2
             ORDER BY c.id DESC LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![site, before.unwrap_or(i64::MAX), limit], |r| {
            let interval: i64 = r.get(4)?;
            let key = |value, min, max, cou, flag| NewValue {
                site_id: String::new(),
                param: String::new(),
                interval: Interval::from_int(interval).unwrap_or(Interval::Realtime),
                time: 0,
                value,
                min,
                max,
                cou,
                flag,
            };
            let (site_id, param, time): (String, String, i64) = (r.get(2)?, r.get(3)?, r.get(5)?);
            let with_key = |v: NewValue| NewValue {
                site_id: site_id.clone(),
                param: param.clone(),
                time,
                ..v
            };
            Ok(Conflict {
                id: r.get(0)?,
                journal_id: r.get(1)?,
                resent: with_key(key(r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?)),
                stored: with_key(key(
                    r.get(11)?,
                    r.get(12)?,
                    r.get(13)?,
                    r.get(14)?,
                    r.get(15)?,
                )),
                stored_journal_id: r.get(16)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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

    fn invalid_values(&self, mn: &str, param: &str, from_ms: i64, to_ms: i64) -> Result<i64> {
        // The note names the parameter; escape LIKE's wildcards in it.
        let escaped = param
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM journal WHERE mn = ?1 AND received_at >= ?2 AND received_at < ?3
             AND verdict = 'accepted' AND cause LIKE ?4 ESCAPE '\\'",
            params![mn, from_ms, to_ms, format!("%invalid_value: {escaped}-%")],
            |r| r.get(0),
        )?)
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

/// The last journal id and its hash (0 and the genesis hash for an empty journal).
fn chain_head(conn: &rusqlite::Connection) -> Result<(i64, chain::Hash)> {
    let head: Option<(i64, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match head {
        None => (0, chain::GENESIS),
        Some((id, hash)) => (
            id,
            chain::stored_hash(hash)
                .ok_or_else(|| StoreError::Corrupt(format!("journal record {id} has no hash")))?,
        ),
    })
}

/// Chains the records journaled before the chain existed (migration 4), in id order.
pub(crate) fn chain_unhashed(conn: &rusqlite::Connection) -> Result<()> {
    let mut prev = chain::GENESIS;
    let mut read = conn.prepare(
        "SELECT id, received_at, peer, mn, cn, verdict, cause, raw FROM journal ORDER BY id",
    )?;
    let mut write = conn.prepare("UPDATE journal SET raw_sha256 = ?2, hash = ?3 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (id, peer, mn, cn, verdict, cause): (
            i64,
            String,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
        ) = (
            r.get(0)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        );
        let raw: Vec<u8> = r.get(7)?;
        let raw_sha256 = chain::digest(&raw);
        prev = chain::hash(
            &prev,
            &chain::Chained {
                id,
                received_at_ms: r.get(1)?,
                peer: &peer,
                mn: mn.as_deref(),
                cn: cn.as_deref(),
                verdict: &verdict,
                cause: cause.as_deref(),
                raw_sha256: &raw_sha256,
            },
        );
        write.execute(params![id, &raw_sha256[..], &prev[..]])?;
    }
    Ok(())
}
