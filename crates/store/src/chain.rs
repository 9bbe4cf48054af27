//! The journal's hash chain: each record carries the SHA-256 of the record before it and of its own
//! content, so an edited, deleted or inserted record breaks the chain from that point on.
//!
//! The hash is over a canonical encoding (each field length-prefixed, an absent field distinct from an
//! empty one), the same for every backend, so a journal moved between backends still verifies. It covers
//! the SHA-256 of the raw frame rather than the frame itself: retention may purge a refused frame's bytes
//! after some days and keep their digest, and the chain still verifies.

use sha2::{Digest, Sha256};

/// A record's hash: 32 bytes.
pub type Hash = [u8; 32];

/// The "previous hash" of the first record.
pub const GENESIS: Hash = [0; 32];

/// The fields of a journal record the chain covers: everything it holds.
#[derive(Debug, Clone, Copy)]
pub struct Chained<'a> {
    pub id: i64,
    pub received_at_ms: i64,
    pub peer: &'a str,
    pub mn: Option<&'a str>,
    pub cn: Option<&'a str>,
    pub verdict: &'a str,
    pub cause: Option<&'a str>,
    /// SHA-256 of the raw frame ([`digest`]).
    pub raw_sha256: &'a Hash,
}

impl<'a> Chained<'a> {
    /// What the chain covers of frame `f`, journaled as record `id`.
    pub fn of_frame(id: i64, f: &'a crate::FrameRecord, raw_sha256: &'a Hash) -> Chained<'a> {
        Chained {
            id,
            received_at_ms: f.received_at_ms,
            peer: &f.peer,
            mn: f.mn.as_deref(),
            cn: f.cn.as_deref(),
            verdict: f.verdict.code(),
            cause: f.cause.as_deref(),
            raw_sha256,
        }
    }
}

/// A stored digest or hash, if it is one (32 bytes).
pub fn stored_hash(bytes: Option<Vec<u8>>) -> Option<Hash> {
    bytes.and_then(|h| <Hash>::try_from(h.as_slice()).ok())
}

/// SHA-256 of a raw frame.
pub fn digest(raw: &[u8]) -> Hash {
    Sha256::digest(raw).into()
}

/// SHA-256 over `prev` and the record's canonical encoding.
pub fn hash(prev: &Hash, r: &Chained<'_>) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(r.id.to_be_bytes());
    h.update(r.received_at_ms.to_be_bytes());
    for field in [
        Some(r.peer.as_bytes()),
        r.mn.map(str::as_bytes),
        r.cn.map(str::as_bytes),
        Some(r.verdict.as_bytes()),
        r.cause.map(str::as_bytes),
        Some(&r.raw_sha256[..]),
    ] {
        match field {
            Some(bytes) => {
                h.update([1]);
                h.update((bytes.len() as u64).to_be_bytes());
                h.update(bytes);
            }
            None => h.update([0]),
        }
    }
    h.finalize().into()
}

/// The audit log's chain: SHA-256 over the previous entry's hash and this entry's fields, encoded as the
/// journal's are. The entry's id is not covered: an entry removed or inserted breaks the next one's link.
pub fn audit_hash(
    prev: &Hash,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: Option<&str>,
) -> Hash {
    let mut h = Sha256::new();
    h.update(b"audit");
    h.update(prev);
    h.update(at.to_be_bytes());
    for field in [
        Some(actor.as_bytes()),
        Some(action.as_bytes()),
        Some(subject.as_bytes()),
        detail.map(str::as_bytes),
    ] {
        match field {
            Some(bytes) => {
                h.update([1]);
                h.update((bytes.len() as u64).to_be_bytes());
                h.update(bytes);
            }
            None => h.update([0]),
        }
    }
    h.finalize().into()
}

/// An audit entry as stored, for [`verify_audit`].
pub struct StoredAudit {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: Option<String>,
    pub hash: Option<Vec<u8>>,
}

/// Checks audit entries given in id order; names the first whose hash is not its link.
pub fn verify_audit(entries: impl IntoIterator<Item = StoredAudit>) -> ChainCheck {
    let mut check = ChainCheck {
        records: 0,
        first_broken: None,
        purged: 0,
    };
    let mut prev = GENESIS;
    for e in entries {
        check.records += 1;
        let expected = audit_hash(
            &prev,
            e.at,
            &e.actor,
            &e.action,
            &e.subject,
            e.detail.as_deref(),
        );
        let stored = stored_hash(e.hash);
        if check.first_broken.is_none() && stored != Some(expected) {
            check.first_broken = Some(e.id);
        }
        prev = stored.unwrap_or(expected);
    }
    check
}

/// What [`crate::Journal::verify_chain`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Records checked, in id order.
    pub records: i64,
    /// The first record whose stored hash is not the hash of its content and its predecessor's hash, or
    /// whose raw frame is not the one its digest names: that record, or the one before it, was changed,
    /// inserted or removed.
    pub first_broken: Option<i64>,
    /// Refused frames whose bytes retention purged (their digest stays in the chain).
    pub purged: i64,
}

/// A journal record as stored (columns `id, received_at, peer, mn, cn, verdict, cause, raw, raw_sha256,
/// hash, purged`), for [`Verifier::record`].
pub struct Stored {
    pub id: i64,
    pub received_at_ms: i64,
    pub peer: String,
    pub mn: Option<String>,
    pub cn: Option<String>,
    pub verdict: String,
    pub cause: Option<String>,
    /// The raw frame (empty once purged).
    pub raw: Vec<u8>,
    pub raw_sha256: Option<Vec<u8>>,
    pub hash: Option<Vec<u8>>,
    pub purged: bool,
}

/// Checks the journal record by record, in id order: every backend's `verify_chain` feeds it.
pub struct Verifier {
    check: ChainCheck,
    prev: Hash,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            check: ChainCheck {
                records: 0,
                first_broken: None,
                purged: 0,
            },
            prev: GENESIS,
        }
    }
}

impl Verifier {
    /// Checks the next record.
    pub fn record(&mut self, s: Stored) {
        let check = &mut self.check;
        check.records += 1;
        check.purged += i64::from(s.purged);
        let stored_digest = stored_hash(s.raw_sha256);
        let stored = stored_hash(s.hash);
        // A purged frame keeps only its digest; any other must still match it.
        let raw_ok = s.purged || stored_digest == Some(digest(&s.raw));
        let expected = stored_digest.map(|raw_sha256| {
            hash(
                &self.prev,
                &Chained {
                    id: s.id,
                    received_at_ms: s.received_at_ms,
                    peer: &s.peer,
                    mn: s.mn.as_deref(),
                    cn: s.cn.as_deref(),
                    verdict: &s.verdict,
                    cause: s.cause.as_deref(),
                    raw_sha256: &raw_sha256,
                },
            )
        });
        if check.first_broken.is_none() && (!raw_ok || expected.is_none() || stored != expected) {
            check.first_broken = Some(s.id);
        }
        // Go on from the stored hash, so one edited record is named and the rest still checked.
        self.prev = stored.or(expected).unwrap_or(GENESIS);
    }

    /// What the walk found.
    pub fn finish(self) -> ChainCheck {
        self.check
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(raw: &'a Hash, cause: Option<&'a str>) -> Chained<'a> {
        Chained {
            id: 1,
            received_at_ms: 1_704_067_200_000,
            peer: "10.0.0.1:5000",
            mn: Some("MN1"),
            cn: Some("2011"),
            verdict: "accepted",
            cause,
            raw_sha256: raw,
        }
    }

    #[test]
    fn every_field_and_the_predecessor_change_the_hash() {
        let (raw, other) = (digest(b"##0000"), digest(b"##0001"));
        let base = hash(&GENESIS, &record(&raw, None));
        assert_eq!(base, hash(&GENESIS, &record(&raw, None)), "deterministic");
        assert_ne!(base, hash(&[1; 32], &record(&raw, None)));
        assert_ne!(base, hash(&GENESIS, &record(&other, None)));
        assert_ne!(
            base,
            hash(&GENESIS, &record(&raw, Some(""))),
            "absent is not empty"
        );
        let moved = Chained {
            id: 2,
            ..record(&raw, None)
        };
        assert_ne!(base, hash(&GENESIS, &moved));
        // Length prefixes: moving a byte from one field to the next changes the hash.
        let a = Chained {
            peer: "ab",
            mn: Some("c"),
            ..record(&raw, None)
        };
        let b = Chained {
            peer: "a",
            mn: Some("bc"),
            ..record(&raw, None)
        };
        assert_ne!(hash(&GENESIS, &a), hash(&GENESIS, &b));
    }
}
