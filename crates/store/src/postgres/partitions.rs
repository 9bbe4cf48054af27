//! Monthly partitions of `measurements` (UTC months of the data time).
//!
//! The gateway admits data times from `limits.max_backfill_days` (default 400) before now to a few
//! minutes ahead, so opening the database creates the partitions from 14 months back to 2 months ahead,
//! and the writer creates any other month the first time a batch needs it (an import of older data).
//! There is no default partition: a row always lands in its month, and a month can later be detached,
//! archived or dropped whole.

use super::PgConnection;
use crate::Result;
use jiff::civil::Date;

/// The first second (unix, UTC) of the month holding `time`, and of the month after.
pub fn month_of(time: i64) -> (i64, i64) {
    let date = jiff::Timestamp::from_second(time)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let first = Date::new(date.year(), date.month(), 1).unwrap_or(date);
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .unwrap_or(first);
    let second = |d: Date| {
        d.to_zoned(jiff::tz::TimeZone::UTC)
            .map_or(0, |z| z.timestamp().as_second())
    };
    (second(first), second(next))
}

/// Creates the partitions for the months from 14 before now to 2 after.
pub fn ensure_around_now(conn: &PgConnection) -> Result<()> {
    let now = jiff::Timestamp::now().as_second();
    let mut month = month_of(now - 430 * 86_400).0;
    let last = month_of(now + 62 * 86_400).0;
    while month <= last {
        ensure(conn, month)?;
        month = month_of(month).1;
    }
    Ok(())
}

/// Creates the partition of the month holding `time` unless this connection knows it exists. Inside
/// `write_frames` this runs under the journal's advisory lock, so two servers never race to create one.
pub fn ensure(conn: &PgConnection, time: i64) -> Result<()> {
    let (from, to) = month_of(time);
    if conn.months.borrow().contains(&from) {
        return Ok(());
    }
    let name = partition_name(from);
    conn.client().batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {name} PARTITION OF measurements FOR VALUES FROM ({from}) TO ({to})"
    ))?;
    conn.months.borrow_mut().insert(from);
    Ok(())
}

fn partition_name(month_start: i64) -> String {
    let z = jiff::Timestamp::from_second(month_start)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::UTC);
    // Years before 1 or after 9999 cannot come from a DataTime; the sign keeps names unique anyway.
    let year = z.year();
    let sign = if year < 0 { "n" } else { "" };
    format!("measurements_{sign}{:04}_{:02}", year.abs(), z.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc_calendar_months() {
        // 2024-02-15 12:00 UTC → February 2024 (leap year: 29 days).
        assert_eq!(month_of(1_708_000_000), (1_706_745_600, 1_709_251_200));
        assert_eq!(
            month_of(1_706_745_600).0,
            1_706_745_600,
            "its own first second"
        );
        assert_eq!(
            month_of(1_706_745_599).0,
            1_704_067_200,
            "the second before is January"
        );
        assert_eq!(partition_name(1_706_745_600), "measurements_2024_02");
    }
}
