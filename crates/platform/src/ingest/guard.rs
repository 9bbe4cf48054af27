//! The gateway's defence against hostile clients: what each source address and each MN has done lately,
//! and what that costs them.
//!
//! - **Connections per source**: at most `max_connections_per_source` open at once (a source is an IPv4
//!   address or an IPv6 /64, the block one subscriber usually gets).
//! - **Penalties**: a connection closed for abuse (too many refused frames, wrong passwords, no valid frame
//!   in time) gives its source a strike; from then on each refused frame from that source costs its
//!   connection 1 s, 2 s, 4 s… (at most [`MAX_PENALTY`]) before it is read again. Accepted frames are not
//!   held up: an honest logger behind the same address keeps reporting. A quiet hour clears the strikes.
//! - **Wrong passwords per MN and source**: each costs a growing delay before the connection is read again;
//!   after [`LOCKOUT_AFTER`] in a row the MN is locked out for that source for [`LOCKOUT`], right password
//!   or not. Other sources are not locked out, so an attacker cannot lock out the honest logger.
//! - **Journal budget**: refused frames are journaled while they are new (a refusal identical to one
//!   already journaled this hour from the same source, same verdict and same MN, is counted instead) and
//!   while the source (`refused_journal_per_source_hour`) and everyone together
//!   (`refused_journal_per_hour`) are within their hourly budget. The rest is counted per hour, source
//!   and verdict. A flood of garbage thus grows the database by a bounded amount per hour.
//!
//! The tables are bounded ([`MAX_TRACKED`] entries each): when full, the stalest entry goes.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use store::Verdict;

/// Longest wait a penalised source gets before its connection is read.
pub const MAX_PENALTY: Duration = Duration::from_secs(300);
/// Strikes and failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::from_secs(3600);
/// Wrong passwords in a row (per MN and source) before the MN is locked out for that source.
pub const LOCKOUT_AFTER: u32 = 10;
/// How long a lockout lasts.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Entries each table keeps at most.
pub const MAX_TRACKED: usize = 65_536;

/// Where a connection comes from, for the budgets: an IPv4 address or an IPv6 /64.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source(String);

impl Source {
    pub fn of(ip: IpAddr) -> Source {
        match ip {
            IpAddr::V4(v4) => Source(v4.to_string()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Source(v4.to_string()),
                None => {
                    let s = v6.segments();
                    Source(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
                }
            },
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The guard's limits (from `limits.*`).
#[derive(Debug, Clone, Copy)]
pub struct GuardLimits {
    pub max_connections_per_source: u32,
    /// The wait after the first wrong password; each further one doubles it (at most 30 s).
    pub wrong_password_delay: Duration,
    pub refused_journal_per_source_hour: u32,
    pub refused_journal_per_hour: u32,
}

/// What the gateway may do with a new connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Serve it; each refused frame costs it this long (zero for a source in good standing).
    Serve(Duration),
    /// Close it: the source already has its maximum of open connections.
    TooMany,
}

/// What to do with one refused frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Journal it.
    Journal,
    /// Only count it (per hour, source and verdict).
    Count,
}

#[derive(Debug, Default)]
struct SourceState {
    open: u32,
    strikes: u32,
    penalty_until: Option<Instant>,
    last_seen: Option<Instant>,
    /// UTC hour (unix seconds) the budget below is for.
    hour: i64,
    journaled: u32,
    /// Refusals already journaled this hour: (verdict, MN, kind of cause).
    seen: HashSet<(Verdict, Option<String>, String)>,
}

#[derive(Debug, Default)]
struct MnState {
    failures: u32,
    last_failure: Option<Instant>,
    locked_until: Option<Instant>,
}

#[derive(Debug, Default)]
struct Tables {
    sources: HashMap<Source, SourceState>,
    mns: HashMap<(String, Source), MnState>,
    hour: i64,
    journaled: u32,
}

/// The shared state behind the rules above.
#[derive(Debug)]
pub struct Guard {
    limits: GuardLimits,
    tables: Mutex<Tables>,
}

impl Guard {
    pub fn new(limits: GuardLimits) -> Guard {
        Guard {
            limits,
            tables: Mutex::default(),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Tables) -> T) -> T {
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut tables)
    }

    /// A connection from `source` arrives. When it is served, [`Guard::closed`] must follow.
    pub fn open(&self, source: &Source, now: Instant) -> Entry {
        let max = self.limits.max_connections_per_source.max(1);
        self.with(|t| {
            let s = source_entry(&mut t.sources, source, now);
            if s.open >= max {
                return Entry::TooMany;
            }
            s.open += 1;
            let delay = s
                .penalty_until
                .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
            Entry::Serve(delay)
        })
    }

    /// A served connection from `source` ended; `abusive` when it was closed for abuse (a strike).
    pub fn closed(&self, source: &Source, abusive: bool, now: Instant) {
        self.with(|t| {
            let s = source_entry(&mut t.sources, source, now);
            s.open = s.open.saturating_sub(1);
            if abusive {
                s.strikes += 1;
                let penalty = Duration::from_secs(1 << (s.strikes - 1).min(9)).min(MAX_PENALTY);
                s.penalty_until = Some(now + penalty);
            }
        });
    }

    /// Whether `mn` is locked out for `source` (its frames are refused, right password or not).
    pub fn locked(&self, mn: &str, source: &Source, now: Instant) -> bool {
        self.with(|t| {
            t.mns
                .get(&(mn.to_string(), source.clone()))
                .and_then(|m| m.locked_until)
                .is_some_and(|until| until > now)
        })
    }

    /// A wrong password for `mn` from `source`: returns how long the connection waits before it is read
    /// again (`wrong_password_delay`, doubled per failure, at most 30 s), and whether this failure locked
    /// the MN out.
    pub fn wrong_password(&self, mn: &str, source: &Source, now: Instant) -> (Duration, bool) {
        self.with(|t| {
            if t.mns.len() >= MAX_TRACKED {
                evict_stalest(&mut t.mns, |m| m.last_failure);
            }
            let m = t.mns.entry((mn.to_string(), source.clone())).or_default();
            if m.last_failure
                .is_some_and(|last| now.duration_since(last) > FORGET_AFTER)
            {
                m.failures = 0;
            }
            m.failures += 1;
            m.last_failure = Some(now);
            let locked = m.failures >= LOCKOUT_AFTER;
            if locked {
                m.locked_until = Some(now + LOCKOUT);
                m.failures = 0;
            }
            let delay = (self.limits.wrong_password_delay * (1 << (m.failures.max(1) - 1).min(10)))
                .min(Duration::from_secs(30));
            (delay, locked)
        })
    }

    /// The right password for `mn` from `source`: its failures are forgotten.
    pub fn right_password(&self, mn: &str, source: &Source) {
        self.with(|t| {
            if let Some(m) = t.mns.get_mut(&(mn.to_string(), source.clone())) {
                m.failures = 0;
            }
        });
    }

    /// Whether a refused frame is journaled or only counted (see the module docs). `hour` is the UTC hour
    /// of its receipt, unix seconds.
    pub fn refusal(
        &self,
        source: &Source,
        verdict: Verdict,
        mn: Option<&str>,
        cause: Option<&str>,
        hour: i64,
        now: Instant,
    ) -> Keep {
        // The kind of cause is its code before the first ':' (`crc_mismatch`, `locked_out`...).
        let kind = cause
            .map_or("", |c| c.split(':').next().unwrap_or(c))
            .to_string();
        let per_source = self.limits.refused_journal_per_source_hour;
        let global = self.limits.refused_journal_per_hour;
        self.with(|t| {
            if t.hour != hour {
                t.hour = hour;
                t.journaled = 0;
            }
            let over_global = t.journaled >= global;
            let s = source_entry(&mut t.sources, source, now);
            if s.hour != hour {
                s.hour = hour;
                s.journaled = 0;
                s.seen.clear();
            }
            let key = (verdict, mn.map(str::to_string), kind);
            if over_global || s.journaled >= per_source || s.seen.contains(&key) {
                return Keep::Count;
            }
            s.journaled += 1;
            s.seen.insert(key);
            t.journaled += 1;
            Keep::Journal
        })
    }
}

fn source_entry<'t>(
    sources: &'t mut HashMap<Source, SourceState>,
    source: &Source,
    now: Instant,
) -> &'t mut SourceState {
    if !sources.contains_key(source) && sources.len() >= MAX_TRACKED {
        // Never forget a source with open connections: its count must come back down.
        let stalest = sources
            .iter()
            .filter(|(_, s)| s.open == 0)
            .min_by_key(|(_, s)| s.last_seen)
            .map(|(k, _)| k.clone());
        if let Some(k) = stalest {
            sources.remove(&k);
        }
    }
    let s = sources.entry(source.clone()).or_default();
    if s.last_seen
        .is_some_and(|last| now.duration_since(last) > FORGET_AFTER)
        && s.open == 0
    {
        s.strikes = 0;
        s.penalty_until = None;
    }
    s.last_seen = Some(now);
    s
}

fn evict_stalest<K: Clone + Eq + std::hash::Hash, V>(
    map: &mut HashMap<K, V>,
    last: impl Fn(&V) -> Option<Instant>,
) {
    if let Some(k) = map
        .iter()
        .min_by_key(|(_, v)| last(v))
        .map(|(k, _)| k.clone())
    {
        map.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new(GuardLimits {
            max_connections_per_source: 2,
            wrong_password_delay: Duration::from_secs(1),
            refused_journal_per_source_hour: 3,
            refused_journal_per_hour: 5,
        })
    }

    fn src(ip: &str) -> Source {
        Source::of(ip.parse().unwrap())
    }

    #[test]
    fn ipv6_sources_are_grouped_by_64_and_mapped_ipv4_is_ipv4() {
        assert_eq!(src("2001:db8:1:2:aaaa::1"), src("2001:db8:1:2:ffff::9"));
        assert_ne!(src("2001:db8:1:2::1"), src("2001:db8:1:3::1"));
        assert_eq!(src("2001:db8:1:2::1").as_str(), "2001:db8:1:2::/64");
        assert_eq!(src("::ffff:10.0.0.1"), src("10.0.0.1"));
    }

    #[test]
    fn connections_per_source_are_capped_and_strikes_cost_growing_delays() {
        let g = guard();
        let (a, b, now) = (src("10.0.0.1"), src("10.0.0.2"), Instant::now());
        assert_eq!(g.open(&a, now), Entry::Serve(Duration::ZERO));
        assert_eq!(g.open(&a, now), Entry::Serve(Duration::ZERO));
        assert_eq!(g.open(&a, now), Entry::TooMany);
        assert_eq!(
            g.open(&b, now),
            Entry::Serve(Duration::ZERO),
            "others are not affected"
        );
        g.closed(&a, true, now);
        assert_eq!(g.open(&a, now), Entry::Serve(Duration::from_secs(1)));
        g.closed(&a, true, now);
        g.closed(&a, true, now);
        assert_eq!(g.open(&a, now), Entry::Serve(Duration::from_secs(4)));
        let later = now + FORGET_AFTER + Duration::from_secs(1);
        g.closed(&a, false, later);
        g.closed(&a, false, later);
        assert_eq!(
            g.open(&a, later + FORGET_AFTER * 2),
            Entry::Serve(Duration::ZERO),
            "a quiet hour clears it"
        );
    }

    #[test]
    fn wrong_passwords_grow_the_delay_then_lock_the_mn_out_for_that_source_only() {
        let g = guard();
        let (attacker, honest, now) = (src("10.0.0.66"), src("10.0.0.1"), Instant::now());
        let delays: Vec<u64> = (0..5)
            .map(|_| g.wrong_password("MN1", &attacker, now).0.as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16]);
        assert!(!g.locked("MN1", &attacker, now));
        for _ in 5..LOCKOUT_AFTER - 1 {
            assert!(!g.wrong_password("MN1", &attacker, now).1);
        }
        assert!(
            g.wrong_password("MN1", &attacker, now).1,
            "locked on the tenth"
        );
        assert!(g.locked("MN1", &attacker, now));
        assert!(
            !g.locked("MN1", &honest, now),
            "the honest logger is not locked out"
        );
        assert!(!g.locked("MN2", &attacker, now));
        assert!(!g.locked("MN1", &attacker, now + LOCKOUT + Duration::from_secs(1)));
        g.wrong_password("MN1", &honest, now);
        g.right_password("MN1", &honest);
        assert_eq!(
            g.wrong_password("MN1", &honest, now).0,
            Duration::from_secs(1),
            "success resets"
        );
    }

    #[test]
    fn refusals_are_journaled_while_new_and_within_budget_then_counted() {
        let g = guard();
        let (a, b, now, hour) = (src("10.0.0.1"), src("10.0.0.2"), Instant::now(), 3600);
        let keep = |s: &Source, v, mn, cause| g.refusal(s, v, mn, cause, hour, now);
        let unknown = Verdict::UnknownDevice;
        assert_eq!(keep(&a, unknown, Some("X1"), None), Keep::Journal);
        assert_eq!(
            keep(&a, unknown, Some("X1"), None),
            Keep::Count,
            "identical"
        );
        assert_eq!(
            keep(&a, unknown, Some("X2"), None),
            Keep::Journal,
            "another MN"
        );
        let locked = Some("locked_out: MN X2");
        assert_eq!(
            keep(&a, unknown, Some("X2"), locked),
            Keep::Journal,
            "another cause"
        );
        assert_eq!(
            keep(&a, Verdict::BadFrame, None, None),
            Keep::Count,
            "source budget (3)"
        );
        assert_eq!(keep(&b, unknown, Some("X1"), None), Keep::Journal);
        assert_eq!(
            keep(&b, Verdict::BadFrame, None, Some("crc_mismatch: 1")),
            Keep::Journal
        );
        assert_eq!(
            keep(&b, Verdict::BadFrame, None, Some("bad_length: 2")),
            Keep::Count,
            "a new kind of cause, but the global budget (5) is spent"
        );
        assert_eq!(
            g.refusal(&a, unknown, Some("X1"), None, hour + 3600, now),
            Keep::Journal,
            "a new hour, a new budget"
        );
    }
}
