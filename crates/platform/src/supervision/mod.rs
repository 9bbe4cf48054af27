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
//! - [`marking`]: enterprises' marks: categories, the lifecycle, what a mark in force does to an hour,
//!   the marking deadline.
//! - [`quantities`]: hourly emission mass from the measured concentration and the dry standard flow, and
//!   the HJ 75-2017 substitution for invalid hours, kept apart from the measured part (workflows.md A4).

pub mod exceedance;
pub mod marking;
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
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            gap_minutes: 60,
            stuck_hours: 4,
        }
    }
}

const HOUR: i64 = 3600;
const MINUTE: i64 = 60;
