//! Supervision: from an outlet's minute data to what the bureau acts on. Pure functions, no I/O: a job
//! reads the series and the permit, calls these, and stores what they find (the job and the permits come
//! next; see issue 13).
//!
//! - [`means`]: valid hourly means (≥ 45 valid minutes) and daily means (≥ 20 valid hours), HJ 76-2017
//!   Appendix B; valid means flag `N` (workflows.md A1, A3).
//! - [`exceedance`]: reference-O2 correction of the hourly means where the standard asks for it, then
//!   exceedance episodes per limit and averaging period (workflows.md A5): one episode per run of
//!   consecutive exceeding periods, not one row per hour.
//! - [`problems`]: data problems per parameter: gaps, stuck values, and the durations of flags T, D, M, C, B.
//! - [`quantities`]: hourly emission mass from the measured concentration and the dry standard flow, and
//!   the HJ 75-2017 substitution for invalid hours, kept apart from the measured part (workflows.md A4).

pub mod exceedance;
pub mod means;
pub mod problems;
pub mod quantities;

use hj212::cp::DataFlag;
use standards::Decimal;

/// One minute of one parameter as the device sent it: the minute's start (unix seconds), its value (if it
/// was a number) and its flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minute {
    pub start: i64,
    pub value: Option<Decimal>,
    pub flag: DataFlag,
}

impl Minute {
    /// A minute counts toward a mean when its flag is `N` and it carries a number.
    pub fn valid_value(&self) -> Option<Decimal> {
        self.value.filter(|_| self.flag.is_valid())
    }
}

/// The settings the reference marks as choices (workflows.md: unconfirmed rules are settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// No data for longer than this while the source is not stopped is a gap (`supervision.gap_minutes`).
    pub gap_minutes: u32,
    /// A measurement unchanged for longer than this is stuck (`supervision.stuck_hours`).
    pub stuck_hours: u32,
    /// Hours after a day ends by which the enterprise marks that day's data
    /// (`supervision.marking_deadline_hours`). Yunnan's 2024 rule has the previous day marked every day
    /// (workflows.md §0 item 3) without a stated clock time: the default, 24, is the end of the next day.
    /// Until then a figure covering the day is preliminary.
    pub marking_deadline_hours: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            gap_minutes: 60,
            stuck_hours: 4,
            marking_deadline_hours: 24,
        }
    }
}

impl Thresholds {
    /// Whether a figure over a range ending at `end` (exclusive, Unix seconds) is still preliminary at
    /// `now`: the marking deadline of the range's last local day has not passed.
    pub fn preliminary(&self, tz: &jiff::tz::TimeZone, end: i64, now: i64) -> bool {
        let last_day = crate::figures::local_date(tz, end - 1);
        let after = last_day
            .tomorrow()
            .map_or(i64::MAX, |d| crate::figures::day_start(tz, d));
        now < after.saturating_add(i64::from(self.marking_deadline_hours) * HOUR)
    }
}

const HOUR: i64 = 3600;
const MINUTE: i64 = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_preliminary_until_the_end_of_the_next_day_by_default() {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let t = Thresholds::default();
        let at = |s: &str| {
            s.parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp()
                .as_second()
        };
        // A range ending at midnight 3 December covers 2 December: marked by the end of 3 December.
        let end = at("2026-12-03T00:00");
        assert!(t.preliminary(&tz, end, at("2026-12-03T23:59")));
        assert!(!t.preliminary(&tz, end, at("2026-12-04T00:00")));
        // Twelve hours' grace ends at noon.
        let noon = Thresholds {
            marking_deadline_hours: 12,
            ..t
        };
        assert!(noon.preliminary(&tz, end, at("2026-12-03T11:59")));
        assert!(!noon.preliminary(&tz, end, at("2026-12-03T12:00")));
    }
}
