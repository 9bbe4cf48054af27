//! The raw journal and the write path into the series, on PostgreSQL.

use super::{CHAIN_LOCK, PgConnection, partitions};
use crate::chain::{self, ChainCheck};
use crate::{
    Conflict, FrameRecord, Interval, Journal, JournalEntry, NewValue, QuarantineCount,
    RefusalCount, Result, StoreError, Verdict, WriteSummary,
};
use postgres::Row;
use std::collections::{HashMap, HashSet};

/// A measurement key: (site, parameter, interval, data time).
type Key = (String, String, i16, i64);
/// What a value holds besides its key: (value, min, max, cou, flag).
type Content = (
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<String>,
);

fn key(v: &NewValue) -> Key {
    (
        v.site_id.clone(),
        v.param.clone(),
        v.interval.as_int() as i16,
        v.time,
    )
}

fn content(v: &NewValue) -> Content {
    (v.value, v.min, v.max, v.cou, v.flag.clone())
}

impl Journal for PgConnection {
    fn write_frames(&mut self, frames: &[FrameRecord]) -> Result<WriteSummary> {
        self.atomically(|c| c.write_frames_in_transaction(frames))
    }

    fn verify_chain(&self) -> Result<ChainCheck> {
        let mut verifier = chain::Verifier::default();
        // Read in pages by id: a journal of billions of records is never held in memory.
        let mut after = 0i64;
        loop {
            let rows = self.client().query(
                "SELECT id, received_at, peer, mn, cn, verdict, cause, raw, raw_sha256, hash, purged
                 FROM journal WHERE id > $1 ORDER BY id LIMIT 10000",
                &[&after],
            )?;
            let Some(last) = rows.last() else { break };
            after = last.get(0);
            for r in &rows {
                verifier.record(chain::Stored {
                    id: r.get(0),
                    received_at_ms: r.get(1),
                    peer: r.get(2),
                    mn: r.get(3),
                    cn: r.get(4),
                    verdict: r.get(5),
                    cause: r.get(6),
                    raw: r.get(7),
                    raw_sha256: r.get(8),
                    hash: r.get(9),
                    purged: r.get(10),
                });
            }
        }
        Ok(verifier.finish())
    }

    fn purge_refused(&self, received_before_ms: i64) -> Result<u64> {
        Ok(self.client().execute(
            "UPDATE journal SET raw = '\\x'::bytea, purged = TRUE
             WHERE verdict <> 'accepted' AND NOT purged AND received_at < $1",
            &[&received_before_ms],
        )?)
    }

    fn count_refusals(&self, counts: &[RefusalCount]) -> Result<()> {
        let mut client = self.client();
        for c in counts {
            client.execute(
                "INSERT INTO refusal_counts (hour, source, verdict, count) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (hour, source, verdict) DO UPDATE SET count = refusal_counts.count + excluded.count",
                &[&c.hour, &c.source, &c.verdict.code(), &c.count],
            )?;
        }
        Ok(())
    }

    fn refusal_counts(&self, from_hour: i64) -> Result<Vec<RefusalCount>> {
        self.client()
            .query(
                "SELECT hour, source, verdict, count FROM refusal_counts WHERE hour >= $1
                 ORDER BY hour, source, verdict",
                &[&from_hour],
            )?
            .iter()
            .map(|r| {
                Ok(RefusalCount {
                    hour: r.get(0),
                    source: r.get(1),
                    verdict: r.get::<_, String>(2).parse()?,
                    count: r.get(3),
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
        let rows = self.client().query(
            "SELECT c.id, c.journal_id, c.site_id, c.param, c.interval, c.time,
                    c.value, c.min, c.max, c.cou, c.flag,
                    m.value, m.min, m.max, m.cou, m.flag, m.journal_id
             FROM conflicts c JOIN measurements m ON m.site_id = c.site_id AND m.param = c.param
                AND m.interval = c.interval AND m.time = c.time
             WHERE ($1::text IS NULL OR c.site_id = $1) AND c.id < $2
             ORDER BY c.id DESC LIMIT $3",
            &[&site, &before.unwrap_or(i64::MAX), &i64::from(limit)],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let interval =
                    Interval::from_int(i64::from(r.get::<_, i16>(4))).unwrap_or(Interval::Realtime);
                let value = |at: usize| NewValue {
                    site_id: r.get(2),
                    param: r.get(3),
                    interval,
                    time: r.get(5),
                    value: r.get(at),
                    min: r.get(at + 1),
                    max: r.get(at + 2),
                    cou: r.get(at + 3),
                    flag: r.get(at + 4),
                };
                Conflict {
                    id: r.get(0),
                    journal_id: r.get(1),
                    resent: value(6),
                    stored: value(11),
                    stored_journal_id: r.get(16),
                }
            })
            .collect())
    }

    fn journal_entry(&self, id: i64) -> Result<Option<JournalEntry>> {
        let row = self
            .client()
            .query_opt(&format!("{JOURNAL_SELECT} WHERE id = $1"), &[&id])?;
        row.map(|r| journal_row(&r)).transpose()
    }

    fn quarantine(
        &self,
        verdict: Option<Verdict>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<JournalEntry>> {
        self.client()
            .query(
                &format!(
                    "{JOURNAL_SELECT} WHERE verdict <> 'accepted' AND ($1::text IS NULL OR verdict = $1)
                     AND id < $2 ORDER BY id DESC LIMIT $3"
                ),
                &[
                    &verdict.map(|v| v.code()),
                    &before.unwrap_or(i64::MAX),
                    &i64::from(limit),
                ],
            )?
            .iter()
            .map(journal_row)
            .collect()
    }

    fn quarantine_counts(&self) -> Result<Vec<QuarantineCount>> {
        self.client()
            .query(
                "SELECT verdict, COUNT(*) FROM journal WHERE verdict <> 'accepted'
                 GROUP BY verdict ORDER BY verdict",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(QuarantineCount {
                    verdict: r.get::<_, String>(0).parse()?,
                    count: r.get(1),
                })
            })
            .collect()
    }

    fn device_frames(&self, mn: &str, from_ms: i64, to_ms: i64) -> Result<Vec<(i64, Verdict)>> {
        self.client()
            .query(
                "SELECT received_at, verdict FROM journal
                 WHERE mn = $1 AND received_at >= $2 AND received_at < $3 ORDER BY received_at, id",
                &[&mn, &from_ms, &to_ms],
            )?
            .iter()
            .map(|r| Ok((r.get(0), r.get::<_, String>(1).parse()?)))
            .collect()
    }

    fn invalid_values(&self, mn: &str, param: &str, from_ms: i64, to_ms: i64) -> Result<i64> {
        // The note names the parameter; escape LIKE's wildcards in it.
        let escaped = param
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        Ok(self
            .client()
            .query_one(
                "SELECT COUNT(*) FROM journal WHERE mn = $1 AND received_at >= $2 AND received_at < $3
                 AND verdict = 'accepted' AND cause LIKE $4 ESCAPE '\\'",
                &[
                    &mn,
                    &from_ms,
                    &to_ms,
                    &format!("%invalid_value: {escaped}-%"),
                ],
            )?
            .get(0))
    }

    fn last_frame_at(&self, mn: &str) -> Result<Option<i64>> {
        Ok(self
            .client()
            .query_one("SELECT MAX(received_at) FROM journal WHERE mn = $1", &[&mn])?
            .get(0))
    }

    fn journal_len(&self) -> Result<i64> {
        Ok(self
            .client()
            .query_one("SELECT COUNT(*) FROM journal", &[])?
            .get(0))
    }
}

impl PgConnection {
    fn write_frames_in_transaction(&self, frames: &[FrameRecord]) -> Result<WriteSummary> {
        let mut summary = WriteSummary::default();
        // One appender at a time across every server: the chain has one order. Held to the commit.
        self.client()
            .execute("SELECT pg_advisory_xact_lock($1)", &[&CHAIN_LOCK])?;
        let (mut last_id, mut prev) = self.chain_head()?;

        let mut journal = JournalColumns::default();
        let mut values: Vec<(i64, &NewValue)> = Vec::new();
        for f in frames {
            let id = last_id + 1;
            let raw_sha256 = chain::digest(&f.raw);
            let hash = chain::hash(&prev, &chain::Chained::of_frame(id, f, &raw_sha256));
            journal.push(id, f, raw_sha256.to_vec(), hash.to_vec());
            (last_id, prev) = (id, hash);
            summary.journal_ids.push(id);
            if f.verdict == Verdict::Accepted {
                values.extend(f.values.iter().map(|v| (id, v)));
            }
        }
        journal.insert(self)?;
        if values.is_empty() {
            return Ok(summary);
        }
        for (_, v) in &values {
            partitions::ensure(self, v.time)?;
        }

        let inserted = self.insert_values(&values)?;
        // The first row of a key in the batch is the one inserted (rows go in in order); every later row
        // of the same key, and every row whose key was already stored, is compared with what stands.
        let mut first_in_batch: HashSet<Key> = HashSet::new();
        let mut later: Vec<(i64, &NewValue)> = Vec::new();
        let mut dirty: HashSet<(&str, &str, i64)> = HashSet::new();
        for &(id, v) in &values {
            let k = key(v);
            if inserted.contains(&k) && first_in_batch.insert(k) {
                summary.values_new += 1;
                if matches!(v.interval, Interval::Realtime | Interval::Minute) {
                    dirty.insert((&v.site_id, &v.param, v.time.div_euclid(3600) * 3600));
                }
            } else {
                later.push((id, v));
            }
        }
        if !later.is_empty() {
            let stored = self.stored_contents(later.iter().map(|(_, v)| *v))?;
            let differing: Vec<(i64, &NewValue)> = later
                .into_iter()
                .filter(|(_, v)| stored.get(&key(v)) != Some(&content(v)))
                .collect();
            summary.conflicts = differing.len();
            self.insert_conflicts(&differing)?;
        }
        self.mark_dirty(&dirty)?;
        Ok(summary)
    }

    /// The last journal id and its hash (0 and the genesis hash for an empty journal).
    fn chain_head(&self) -> Result<(i64, chain::Hash)> {
        let head = self
            .client()
            .query_opt("SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1", &[])?;
        Ok(match head {
            None => (0, chain::GENESIS),
            Some(r) => {
                let id: i64 = r.get(0);
                let hash = chain::stored_hash(r.get(1)).ok_or_else(|| {
                    StoreError::Corrupt(format!("journal record {id} has no hash"))
                })?;
                (id, hash)
            }
        })
    }

    /// Inserts `values` in one statement; returns the keys that were new.
    fn insert_values(&self, values: &[(i64, &NewValue)]) -> Result<HashSet<Key>> {
        let c = ValueColumns::of(values.iter().copied());
        let rows = self.client().query(
            "INSERT INTO measurements (site_id, param, interval, time, value, min, max, cou, flag, tier, journal_id)
             SELECT s, p, i, t, v, mi, ma, co, f, 0, j
             FROM UNNEST($1::text[], $2::text[], $3::int2[], $4::int8[], $5::float8[], $6::float8[],
                         $7::float8[], $8::float8[], $9::text[], $10::int8[])
                  AS u(s, p, i, t, v, mi, ma, co, f, j)
             ON CONFLICT (site_id, param, interval, time) DO NOTHING
             RETURNING site_id, param, interval, time",
            &[
                &c.site, &c.param, &c.interval, &c.time, &c.value, &c.min, &c.max, &c.cou, &c.flag,
                &c.journal_id,
            ],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }

    /// What is stored for the keys of `values`.
    fn stored_contents<'a>(
        &self,
        values: impl Iterator<Item = &'a NewValue>,
    ) -> Result<HashMap<Key, Content>> {
        let c = ValueColumns::of(values.map(|v| (0, v)));
        let rows = self.client().query(
            // One primary-key lookup per key, in its month's partition only: the LIMIT keeps the planner
            // from flattening the LATERAL into a join, which it ran as a hash join over every partition
            // (measured: ~1 s per batch at a million rows; re-sends fell from 10,000 to 2,600 packets/s).
            "SELECT m.site_id, m.param, m.interval, m.time, m.value, m.min, m.max, m.cou, m.flag
             FROM UNNEST($1::text[], $2::text[], $3::int2[], $4::int8[]) AS k(s, p, i, t)
             CROSS JOIN LATERAL (
                 SELECT * FROM measurements m
                 WHERE m.site_id = k.s AND m.param = k.p AND m.interval = k.i AND m.time = k.t
                 LIMIT 1
             ) m",
            &[&c.site, &c.param, &c.interval, &c.time],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    (r.get(0), r.get(1), r.get(2), r.get(3)),
                    (r.get(4), r.get(5), r.get(6), r.get(7), r.get(8)),
                )
            })
            .collect())
    }

    fn insert_conflicts(&self, differing: &[(i64, &NewValue)]) -> Result<()> {
        if differing.is_empty() {
            return Ok(());
        }
        let c = ValueColumns::of(differing.iter().copied());
        self.client().execute(
            "INSERT INTO conflicts (journal_id, site_id, param, interval, time, value, min, max, cou, flag)
             SELECT j, s, p, i, t, v, mi, ma, co, f
             FROM UNNEST($1::text[], $2::text[], $3::int2[], $4::int8[], $5::float8[], $6::float8[],
                         $7::float8[], $8::float8[], $9::text[], $10::int8[])
                  WITH ORDINALITY AS u(s, p, i, t, v, mi, ma, co, f, j, n)
             ORDER BY n",
            &[
                &c.site, &c.param, &c.interval, &c.time, &c.value, &c.min, &c.max, &c.cou, &c.flag,
                &c.journal_id,
            ],
        )?;
        Ok(())
    }

    /// One mark per hour and series, however many of its values the batch held.
    fn mark_dirty(&self, dirty: &HashSet<(&str, &str, i64)>) -> Result<()> {
        if dirty.is_empty() {
            return Ok(());
        }
        let (mut sites, mut params, mut hours) = (Vec::new(), Vec::new(), Vec::new());
        for &(s, p, h) in dirty {
            sites.push(s);
            params.push(p);
            hours.push(h);
        }
        self.client().execute(
            "INSERT INTO rollup_dirty (site_id, param, hour)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::int8[])
             ON CONFLICT (site_id, param, hour) DO UPDATE SET mark = rollup_dirty.mark + 1",
            &[&sites, &params, &hours],
        )?;
        Ok(())
    }
}

/// Journal rows as columns, for one multi-row insert.
#[derive(Default)]
struct JournalColumns<'a> {
    id: Vec<i64>,
    received_at: Vec<i64>,
    peer: Vec<&'a str>,
    mn: Vec<Option<&'a str>>,
    cn: Vec<Option<&'a str>>,
    verdict: Vec<&'static str>,
    cause: Vec<Option<&'a str>>,
    raw: Vec<&'a [u8]>,
    raw_sha256: Vec<Vec<u8>>,
    hash: Vec<Vec<u8>>,
}

impl<'a> JournalColumns<'a> {
    fn push(&mut self, id: i64, f: &'a FrameRecord, raw_sha256: Vec<u8>, hash: Vec<u8>) {
        self.id.push(id);
        self.received_at.push(f.received_at_ms);
        self.peer.push(&f.peer);
        self.mn.push(f.mn.as_deref());
        self.cn.push(f.cn.as_deref());
        self.verdict.push(f.verdict.code());
        self.cause.push(f.cause.as_deref());
        self.raw.push(&f.raw);
        self.raw_sha256.push(raw_sha256);
        self.hash.push(hash);
    }

    fn insert(&self, conn: &PgConnection) -> Result<()> {
        if self.id.is_empty() {
            return Ok(());
        }
        conn.client().execute(
            "INSERT INTO journal (id, received_at, peer, mn, cn, verdict, cause, raw, raw_sha256, hash)
             SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[],
                                  $7::text[], $8::bytea[], $9::bytea[], $10::bytea[])",
            &[
                &self.id,
                &self.received_at,
                &self.peer,
                &self.mn,
                &self.cn,
                &self.verdict,
                &self.cause,
                &self.raw,
                &self.raw_sha256,
                &self.hash,
            ],
        )?;
        Ok(())
    }
}

/// Values as columns, for one multi-row statement.
struct ValueColumns<'a> {
    site: Vec<&'a str>,
    param: Vec<&'a str>,
    interval: Vec<i16>,
    time: Vec<i64>,
    value: Vec<Option<f64>>,
    min: Vec<Option<f64>>,
    max: Vec<Option<f64>>,
    cou: Vec<Option<f64>>,
    flag: Vec<Option<&'a str>>,
    journal_id: Vec<i64>,
}

impl<'a> ValueColumns<'a> {
    fn of(values: impl Iterator<Item = (i64, &'a NewValue)>) -> ValueColumns<'a> {
        let mut c = ValueColumns {
            site: vec![],
            param: vec![],
            interval: vec![],
            time: vec![],
            value: vec![],
            min: vec![],
            max: vec![],
            cou: vec![],
            flag: vec![],
            journal_id: vec![],
        };
        for (id, v) in values {
            c.site.push(&v.site_id);
            c.param.push(&v.param);
            c.interval.push(v.interval.as_int() as i16);
            c.time.push(v.time);
            c.value.push(v.value);
            c.min.push(v.min);
            c.max.push(v.max);
            c.cou.push(v.cou);
            c.flag.push(v.flag.as_deref());
            c.journal_id.push(id);
        }
        c
    }
}

const JOURNAL_SELECT: &str =
    "SELECT id, received_at, peer, mn, cn, verdict, cause, raw FROM journal";

fn journal_row(r: &Row) -> Result<JournalEntry> {
    Ok(JournalEntry {
        id: r.get(0),
        received_at_ms: r.get(1),
        peer: r.get(2),
        mn: r.get(3),
        cn: r.get(4),
        verdict: r.get::<_, String>(5).parse()?,
        cause: r.get(6),
        raw: r.get(7),
    })
}
