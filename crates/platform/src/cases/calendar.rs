//! Working days (工作日) for the statutory clocks: Monday to Friday, less the public holidays, plus the
//! weekend days worked in their place (调休), from a holiday calendar kept as data (`holidays.csv`, or
//! the operator's file).

use jiff::civil::{Date, Weekday};
use std::collections::BTreeSet;

/// The calendar shipped with the platform (2025 and 2026).
pub const SHIPPED: &str = include_str!("holidays.csv");

/// Which days are worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<Date>,
    workdays: BTreeSet<Date>,
}

impl WorkCalendar {
    /// The shipped calendar.
    pub fn shipped() -> WorkCalendar {
        WorkCalendar::parse(SHIPPED).expect("the shipped holiday calendar parses")
    }

    /// Reads `date,kind,name` rows (`kind`: `holiday` or `workday`); `#` lines and the header are
    /// skipped. The error names the line and what is wrong with it.
    pub fn parse(text: &str) -> Result<WorkCalendar, String> {
        let mut cal = WorkCalendar::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("date,") {
                continue;
            }
            let mut cells = line.split(',');
            let (date, kind) = (cells.next().unwrap_or(""), cells.next().unwrap_or(""));
            let day: Date = date
                .trim()
                .parse()
                .map_err(|_| format!("line {}: {date:?} is not a date (YYYY-MM-DD)", n + 1))?;
            match kind.trim() {
                "holiday" => cal.holidays.insert(day),
                "workday" => cal.workdays.insert(day),
                other => {
                    return Err(format!(
                        "line {}: kind {other:?} is neither holiday nor workday",
                        n + 1
                    ));
                }
            };
        }
        Ok(cal)
    }

    /// Whether `day` is worked.
    pub fn is_working(&self, day: Date) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&day)
    }

    /// The `n`-th working day after `day` (a clock of "n working days" from `day` ends on it).
    pub fn add_working_days(&self, day: Date, n: u32) -> Date {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => return d,
            }
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn holidays_and_make_up_days_move_the_working_days() {
        let cal = WorkCalendar::shipped();
        // National Day 2025: 1–8 October off, Saturday 11 October worked.
        assert!(!cal.is_working(date(2025, 10, 3)));
        assert!(cal.is_working(date(2025, 10, 11)));
        assert!(cal.is_working(date(2025, 9, 28)), "a Sunday worked");
        // Five working days from Tuesday 30 September 2025: 9, 10, 11 (Saturday, worked), 13, 14 October.
        assert_eq!(
            cal.add_working_days(date(2025, 9, 30), 5),
            date(2025, 10, 14)
        );
        // An ordinary week: Friday + 1 is Monday.
        assert_eq!(
            cal.add_working_days(date(2025, 11, 14), 1),
            date(2025, 11, 17)
        );
        assert_eq!(
            cal.add_working_days(date(2025, 11, 14), 0),
            date(2025, 11, 14)
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = WorkCalendar::parse("date,kind,name\n2025-13-01,holiday,x\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = WorkCalendar::parse("2025-01-01,vacation,x").unwrap_err();
        assert!(e.contains("\"vacation\""), "{e}");
    }
}
