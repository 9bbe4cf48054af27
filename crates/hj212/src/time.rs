//! Times in HJ 212: `YYYYMMDDhhmmss` (N14: `DataTime`, `SystemTime`, `BeginTime`, …; HJ 212-2017 Table 4)
//! and `YYYYMMDDhhmmsszzz` (QN, HJ 212-2017 Table 3). Devices send either length in either place
//! (hj212.md §7), so both parse everywhere. Times are local (Beijing) time; no zone is attached.

use std::fmt;

/// A local calendar time with optional milliseconds, as HJ 212 writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Year, e.g. 2016.
    pub year: u16,
    /// Month 1–12.
    pub month: u8,
    /// Day 1–31 (checked against the month).
    pub day: u8,
    /// Hour 0–23.
    pub hour: u8,
    /// Minute 0–59.
    pub minute: u8,
    /// Second 0–59 (60 accepted for a leap second).
    pub second: u8,
    /// Milliseconds 0–999 when the text had 17 digits.
    pub millis: Option<u16>,
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

impl Timestamp {
    /// Parses 14 digits (`YYYYMMDDhhmmss`) or 17 digits (with milliseconds); `None` for anything else or an
    /// impossible date.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() != 14 && b.len() != 17 {
            return None;
        }
        let t = Timestamp {
            year: digits(&b[0..4])? as u16,
            month: digits(&b[4..6])? as u8,
            day: digits(&b[6..8])? as u8,
            hour: digits(&b[8..10])? as u8,
            minute: digits(&b[10..12])? as u8,
            second: digits(&b[12..14])? as u8,
            millis: if b.len() == 17 {
                Some(digits(&b[14..17])? as u16)
            } else {
                None
            },
        };
        let valid = (1..=12).contains(&t.month)
            && t.day >= 1
            && t.day <= days_in_month(t.year, t.month)
            && t.hour < 24
            && t.minute < 60
            && t.second <= 60;
        valid.then_some(t)
    }

    /// The same instant without milliseconds.
    pub fn without_millis(self) -> Timestamp {
        Timestamp {
            millis: None,
            ..self
        }
    }

    /// The same instant with milliseconds (0 when there were none), as a QN needs (HJ 212-2017 Table 3).
    pub fn with_millis(self, millis: u16) -> Timestamp {
        Timestamp {
            millis: Some(millis.min(999)),
            ..self
        }
    }

    /// The local time `seconds` after 1970-01-01 00:00:00 (no zone arithmetic is done here).
    pub fn from_unix_seconds(seconds: i64, millis: Option<u16>) -> Timestamp {
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)).clamp(0, 9999) as u16;
        Timestamp {
            year,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: (secs / 60 % 60) as u8,
            second: (secs % 60) as u8,
            millis,
        }
    }
}

impl fmt::Display for Timestamp {
    /// 14 digits, or 17 when milliseconds are present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if let Some(ms) = self.millis {
            write!(f, "{ms:03}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_and_seventeen_digits() {
        let t = Timestamp::parse("20160801085857").unwrap();
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis),
            (2016, 8, 1, 8, 58, 57, None)
        );
        assert_eq!(t.to_string(), "20160801085857");
        let q = Timestamp::parse("20160801085857223").unwrap();
        assert_eq!(q.millis, Some(223));
        assert_eq!(q.to_string(), "20160801085857223");
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "1617936069734",
            "20161301085857",
            "20160230085857",
            "2016080108585x",
            "20160801245857",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        assert!(Timestamp::parse("20240229000000").is_some());
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(
            Timestamp::from_unix_seconds(0, None).to_string(),
            "19700101000000"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(1_470_041_937, Some(223)).to_string(),
            "20160801085857223"
        );
    }
}
