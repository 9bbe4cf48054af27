//! Local calendar arithmetic: instants to local dates, hours and months in the city's zone.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Local calendar date of an instant.
pub fn local_date(tz: &TimeZone, unix: i64) -> Date {
    Timestamp::from_second(unix)
        .map(|t| t.to_zoned(tz.clone()).date())
        .unwrap_or_default()
}

/// Local hour of day (0–23) of an instant.
pub fn local_hour(tz: &TimeZone, unix: i64) -> usize {
    Timestamp::from_second(unix)
        .map(|t| t.to_zoned(tz.clone()).hour() as usize)
        .unwrap_or(0)
}

/// Unix seconds of local midnight starting `day`.
pub fn day_start(tz: &TimeZone, day: Date) -> i64 {
    day.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
}

/// Local time as `YYYY-MM-DD HH:MM`.
pub fn fmt_time(tz: &TimeZone, unix: i64) -> String {
    Timestamp::from_second(unix)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// (year, month) of an instant in local time.
pub fn local_month(tz: &TimeZone, unix: i64) -> (i16, i8) {
    let d = local_date(tz, unix);
    (d.year(), d.month())
}

/// The first day of the month after (y, m).
pub fn next_month(y: i16, m: i8) -> Date {
    if m == 12 {
        jiff::civil::date(y + 1, 1, 1)
    } else {
        jiff::civil::date(y, m + 1, 1)
    }
}

/// The `n` months ending with the month of `now`, oldest first.
pub fn last_months(tz: &TimeZone, now: i64, n: usize) -> Vec<(i16, i8)> {
    let (mut y, mut m) = local_month(tz, now);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push((y, m));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}
