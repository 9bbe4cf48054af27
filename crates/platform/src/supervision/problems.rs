//! Data problems per parameter (workflows.md A1, A3): gaps (nothing received for longer than
//! `gap_minutes` while the source was not stopped), stuck values (a measurement unchanged for longer than
//! `stuck_hours`), and the durations of the flags that make data invalid: T (over the instrument's range:
//! a suspected high value for a person to review, never an automatic violation), D (fault), M
//! (maintenance), C (calibration), B (communication failure).

use super::{MINUTE, Minute, Thresholds};
use hj212::cp::DataFlag;
use std::collections::BTreeMap;

/// What kind of problem (the API's `kind` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProblemKind {
    Gap,
    Stuck,
    OverRange,
    Fault,
    Maintenance,
    Calibration,
    CommFault,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 7] = [
        ProblemKind::Gap,
        ProblemKind::Stuck,
        ProblemKind::OverRange,
        ProblemKind::Fault,
        ProblemKind::Maintenance,
        ProblemKind::Calibration,
        ProblemKind::CommFault,
    ];

    /// The kind of a code (`gap`...); `None` for what is not a parameter's data problem (`offline`,
    /// `conflict`: determinations about the whole logger or its re-sends).
    pub fn parse(code: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Gap => "gap",
            ProblemKind::Stuck => "stuck",
            ProblemKind::OverRange => "over_range",
            ProblemKind::Fault => "fault",
            ProblemKind::Maintenance => "maintenance",
            ProblemKind::Calibration => "calibration",
            ProblemKind::CommFault => "comm_fault",
        }
    }

    /// The problem a minute's flag reports, if any.
    fn of_flag(flag: DataFlag) -> Option<ProblemKind> {
        match flag {
            DataFlag::OverRange => Some(ProblemKind::OverRange),
            DataFlag::Fault => Some(ProblemKind::Fault),
            DataFlag::Maintenance => Some(ProblemKind::Maintenance),
            DataFlag::Calibration => Some(ProblemKind::Calibration),
            DataFlag::CommunicationFailure => Some(ProblemKind::CommFault),
            _ => None,
        }
    }
}

/// One problem: its kind and the time it covers, `[start, end)` in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub start: i64,
    pub end: i64,
}

/// The problems of one parameter's minutes over `[from, to)` (minutes in any order; a minute sent twice
/// counts once). `measurement`: whether the parameter is measured (stuck values are looked for only then).
pub fn problems(
    minutes: &[Minute],
    from: i64,
    to: i64,
    measurement: bool,
    thresholds: Thresholds,
) -> Vec<Problem> {
    let by_time: BTreeMap<i64, &Minute> = minutes
        .iter()
        .filter(|m| m.start >= from && m.start < to)
        .fold(BTreeMap::new(), |mut map, m| {
            map.entry(m.start).or_insert(m);
            map
        });
    let sorted: Vec<&Minute> = by_time.into_values().collect();
    let mut out = gaps(&sorted, from, to, thresholds);
    if measurement {
        out.extend(stuck(&sorted, thresholds));
    }
    out.extend(flagged(&sorted));
    out.sort_by_key(|p| (p.start, p.kind));
    out
}

/// Silences longer than the threshold. A silence that follows a minute flagged F (stopped) is the source
/// being off, not a gap.
fn gaps(sorted: &[&Minute], from: i64, to: i64, t: Thresholds) -> Vec<Problem> {
    let longest = i64::from(t.gap_minutes) * MINUTE;
    let mut out = Vec::new();
    let mut silent_from = from;
    let mut stopped = false;
    let close = |silent_from: i64, until: i64, stopped: bool, out: &mut Vec<Problem>| {
        if !stopped && until - silent_from > longest {
            out.push(Problem {
                kind: ProblemKind::Gap,
                start: silent_from,
                end: until,
            });
        }
    };
    for m in sorted {
        close(silent_from, m.start, stopped, &mut out);
        silent_from = m.start + MINUTE;
        stopped = m.flag == DataFlag::Stopped;
    }
    close(silent_from, to, stopped, &mut out);
    out
}

/// Runs of valid minutes with one unchanged value lasting longer than the threshold.
fn stuck(sorted: &[&Minute], t: Thresholds) -> Vec<Problem> {
    let longest = i64::from(t.stuck_hours) * super::HOUR;
    let mut out = Vec::new();
    let mut run: Option<(i64, i64, standards::Decimal)> = None; // (start, end, value)
    let close = |run: Option<(i64, i64, standards::Decimal)>, out: &mut Vec<Problem>| {
        if let Some((start, end, _)) = run
            && end - start > longest
        {
            out.push(Problem {
                kind: ProblemKind::Stuck,
                start,
                end,
            });
        }
    };
    for m in sorted {
        match (m.valid_value(), run) {
            (Some(v), Some((start, end, value))) if v == value && m.start == end => {
                run = Some((start, m.start + MINUTE, value));
            }
            (v, _) => {
                close(run, &mut out);
                run = v.map(|v| (m.start, m.start + MINUTE, v));
            }
        }
    }
    close(run, &mut out);
    out
}

/// Runs of consecutive minutes carrying one problem flag.
fn flagged(sorted: &[&Minute]) -> Vec<Problem> {
    let mut out: Vec<Problem> = Vec::new();
    for m in sorted {
        let Some(kind) = ProblemKind::of_flag(m.flag) else {
            continue;
        };
        match out.iter_mut().rev().find(|p| p.kind == kind) {
            Some(p) if p.end == m.start => p.end = m.start + MINUTE,
            _ => out.push(Problem {
                kind,
                start: m.start,
                end: m.start + MINUTE,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use standards::Decimal;

    fn m(i: i64, value: f64, flag: DataFlag) -> Minute {
        Minute {
            start: i * MINUTE,
            value: Some(Decimal::from_f64(value).unwrap()),
            flag,
        }
    }

    fn kinds(p: &[Problem]) -> Vec<(ProblemKind, i64, i64)> {
        p.iter()
            .map(|p| (p.kind, p.start / MINUTE, p.end / MINUTE))
            .collect()
    }

    #[test]
    fn a_silence_over_the_threshold_is_a_gap_unless_the_source_stopped() {
        let t = Thresholds::default();
        // Minutes 0–9, nothing until 80 (70 silent minutes), then 80–89; the day ends at 100.
        let mut data: Vec<Minute> = (0..10)
            .map(|i| m(i, 1.0 + i as f64, DataFlag::Normal))
            .collect();
        data.extend((80..90).map(|i| m(i, 1.0 + i as f64, DataFlag::Normal)));
        assert_eq!(
            kinds(&problems(&data, 0, 100 * MINUTE, true, t)),
            vec![(ProblemKind::Gap, 10, 80)]
        );
        // 60 silent minutes is not over the threshold.
        data.push(m(10, 3.0, DataFlag::Normal));
        data.push(m(19, 3.5, DataFlag::Normal));
        assert!(problems(&data, 0, 100 * MINUTE, true, t).is_empty());
        // Stopped before the silence: the source was off.
        let mut off: Vec<Minute> = (0..10).map(|i| m(i, 0.0, DataFlag::Stopped)).collect();
        off.push(m(200, 2.0, DataFlag::Normal));
        assert!(kinds(&problems(&off, 0, 201 * MINUTE, false, t)).is_empty());
    }

    #[test]
    fn an_unchanged_measurement_over_four_hours_is_stuck() {
        let t = Thresholds::default();
        let data: Vec<Minute> = (0..300).map(|i| m(i, 12.5, DataFlag::Normal)).collect();
        assert_eq!(
            kinds(&problems(&data, 0, 300 * MINUTE, true, t)),
            vec![(ProblemKind::Stuck, 0, 300)]
        );
        assert!(
            problems(&data, 0, 300 * MINUTE, false, t).is_empty(),
            "not a measurement"
        );
        let exactly: Vec<Minute> = (0..240).map(|i| m(i, 12.5, DataFlag::Normal)).collect();
        assert!(
            problems(&exactly, 0, 240 * MINUTE, true, t).is_empty(),
            "four hours is not over four"
        );
    }

    #[test]
    fn flagged_minutes_become_durations_per_flag() {
        let t = Thresholds::default();
        let mut data: Vec<Minute> = (0..60).map(|i| m(i, i as f64, DataFlag::Normal)).collect();
        for minute in &mut data[10..15] {
            minute.flag = DataFlag::OverRange;
        }
        for minute in &mut data[20..30] {
            minute.flag = DataFlag::Calibration;
        }
        data[40].flag = DataFlag::Fault;
        data[42].flag = DataFlag::Fault;
        assert_eq!(
            kinds(&problems(&data, 0, 60 * MINUTE, true, t)),
            vec![
                (ProblemKind::OverRange, 10, 15),
                (ProblemKind::Calibration, 20, 30),
                (ProblemKind::Fault, 40, 41),
                (ProblemKind::Fault, 42, 43),
            ]
        );
    }

    proptest! {
        #[test]
        fn problems_lie_within_the_range_and_are_not_empty(
            picks in proptest::collection::vec((0i64..600, 0u8..4, 0u8..3), 0..200)
        ) {
            let flags = [DataFlag::Normal, DataFlag::Fault, DataFlag::Stopped, DataFlag::Calibration];
            let data: Vec<Minute> = picks.iter()
                .map(|(i, f, v)| m(*i, f64::from(*v), flags[*f as usize])).collect();
            let t = Thresholds { gap_minutes: 30, stuck_hours: 1 };
            for p in problems(&data, 0, 600 * MINUTE, true, t) {
                prop_assert!(0 <= p.start && p.start < p.end && p.end <= 600 * MINUTE, "{p:?}");
            }
        }
    }
}
