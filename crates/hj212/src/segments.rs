//! Segmented packets (HJ 212-2017 §6.3.2 Table 3 `PNUM`/`PNO`, Flag bit D; C.50): each segment is a packet
//! with its own QN and CRC and is answered on its own ([`crate::answer_for`]). Reassembly is optional.
//!
//! Segments are grouped by (MN, ST, CN, `DataTime`, PNUM), never by QN alone (each segment has its own QN,
//! hj212.md §7). The merged packet keeps the first segment's header without PNUM/PNO, one `DataTime`, and
//! the other groups of every segment in PNO order. Time is whatever unit the caller counts in (no clock here).

use std::collections::HashMap;

use crate::cp::Cp;
use crate::packet::{Flag, Packet};

type Key = (String, String, u16, String, u16);

#[derive(Debug)]
struct Pending {
    first_seen: u64,
    parts: Vec<Option<Packet<'static>>>,
}

/// Collects segments until every PNO from 1 to PNUM has arrived.
#[derive(Debug, Default)]
pub struct Reassembler {
    pending: HashMap<Key, Pending>,
    max_pending: usize,
}

/// What [`Reassembler::push`] did with a packet.
#[derive(Debug)]
pub enum Reassembly {
    /// The packet was not segmented: here it is, unchanged.
    Whole(Packet<'static>),
    /// The segment was stored; more are awaited.
    Incomplete,
    /// The last missing segment arrived: the merged packet.
    Complete(Packet<'static>),
}

impl Reassembler {
    /// A reassembler holding at most `max_pending` incomplete groups (the oldest is dropped beyond that).
    pub fn new(max_pending: usize) -> Self {
        Reassembler {
            pending: HashMap::new(),
            max_pending: max_pending.max(1),
        }
    }

    /// Offers a packet received at time `now` (caller's unit).
    pub fn push(&mut self, packet: Packet<'_>, now: u64) -> Reassembly {
        let h = &packet.header;
        let (Some(pnum), Some(pno)) = (h.pnum, h.pno) else {
            return Reassembly::Whole(packet.into_owned());
        };
        if pnum <= 1 || pno == 0 || pno > pnum {
            return Reassembly::Whole(packet.into_owned());
        }
        let key: Key = (
            h.mn.as_ref()
                .map(|m| m.as_str().to_owned())
                .unwrap_or_default(),
            h.st.as_str().to_owned(),
            h.cn.code(),
            packet.cp.get("DataTime").unwrap_or_default().to_owned(),
            pnum,
        );
        if !self.pending.contains_key(&key)
            && self.pending.len() >= self.max_pending
            && let Some(oldest) = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.first_seen)
                .map(|(k, _)| k.clone())
        {
            self.pending.remove(&oldest);
        }
        let entry = self.pending.entry(key.clone()).or_insert_with(|| Pending {
            first_seen: now,
            parts: vec![None; usize::from(pnum)],
        });
        entry.parts[usize::from(pno) - 1] = Some(packet.into_owned());
        if entry.parts.iter().any(Option::is_none) {
            return Reassembly::Incomplete;
        }
        let parts: Vec<Packet<'static>> = self
            .pending
            .remove(&key)
            .map(|p| p.parts.into_iter().flatten().collect())
            .unwrap_or_default();
        match merge(parts) {
            Some(merged) => Reassembly::Complete(merged),
            None => Reassembly::Incomplete,
        }
    }

    /// Drops groups first seen before `older_than`, returning how many segments were discarded.
    pub fn expire(&mut self, older_than: u64) -> usize {
        let mut dropped = 0;
        self.pending.retain(|_, p| {
            let keep = p.first_seen >= older_than;
            if !keep {
                dropped += p.parts.iter().flatten().count();
            }
            keep
        });
        dropped
    }

    /// Number of incomplete groups held.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

/// The merged packet; `None` only for an empty list, which `push` never passes.
fn merge(parts: Vec<Packet<'static>>) -> Option<Packet<'static>> {
    let mut text = String::new();
    let mut push = |group: &str| {
        if !text.is_empty() {
            text.push(';');
        }
        text.push_str(group);
    };
    if let Some(data_time) = parts.first().and_then(|p| p.cp.get("DataTime")) {
        push(&format!("DataTime={data_time}"));
    }
    for part in &parts {
        for group in part.cp.groups() {
            if !group.items().all(|i| i.key == "DataTime") {
                push(group.as_str().trim());
            }
        }
    }
    let mut header = parts.into_iter().next()?.header;
    header.pnum = None;
    header.pno = None;
    header.flag = header.flag.map(|f| Flag(f.0 & !2));
    Some(Packet::new(header, Cp::new(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_segments_of_appendix_c50() {
        let one = b"QN=20160801085857534;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=1;CP=&&DataTime=20160801080000;w00000-Cou=63.0,w00000-Flag=N;w01001-Min=7.1,w01001-Flag=N&&";
        let two = b"QN=20160801085857535;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=2;CP=&&DataTime=20160801080000;w01018-Cou=63.0,w01018-Flag=N&&";
        let mut r = Reassembler::new(16);
        assert!(matches!(
            r.push(Packet::parse(two).unwrap(), 0),
            Reassembly::Incomplete
        ));
        let Reassembly::Complete(merged) = r.push(Packet::parse(one).unwrap(), 1) else {
            panic!("incomplete")
        };
        assert_eq!(
            merged.cp.as_str(),
            "DataTime=20160801080000;w00000-Cou=63.0,w00000-Flag=N;w01001-Min=7.1,w01001-Flag=N;w01018-Cou=63.0,w01018-Flag=N"
        );
        assert_eq!(merged.header.flag, Some(Flag(5)));
        assert_eq!(merged.header.pnum, None);
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn expiry_and_whole_packets() {
        let mut r = Reassembler::new(1);
        let seg =
            b"QN=1;ST=32;CN=2061;PW=1;MN=A;Flag=7;PNUM=3;PNO=1;CP=&&DataTime=20160801080000&&";
        assert!(matches!(
            r.push(Packet::parse(seg).unwrap(), 5),
            Reassembly::Incomplete
        ));
        assert_eq!(r.expire(10), 1);
        let whole = b"QN=1;ST=32;CN=2061;PW=1;MN=A;Flag=5;CP=&&DataTime=20160801080000&&";
        assert!(matches!(
            r.push(Packet::parse(whole).unwrap(), 5),
            Reassembly::Whole(_)
        ));
    }
}
