//! Completeness: for each site, parameter and hour, how many values were expected, received and accepted,
//! and why each missing one is missing. Users see the cause, not just a grey cell.

use super::rollups::{flag_is_valid, local_start, next_start};
use jiff::tz::TimeZone;
use serde::Serialize;
use store::{Interval, Period, Store, Verdict};

/// A value received this long after the end of its hour counts as late.
pub const LATE_AFTER_SECONDS: i64 = 3600;

/// One hour of one series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourCompleteness {
    /// Start of the local hour, unix seconds UTC.
    pub hour: i64,
    /// Values the device's real-time interval promises for the hour.
    pub expected: u32,
    /// Values stored for the hour, whatever their flag.
    pub received: u32,
    /// Received values whose flag lets them count.
    pub accepted: u32,
    /// Received values that arrived after [`LATE_AFTER_SECONDS`] past the hour's end (they still count).
    pub late: u32,
    /// Why the values not accepted are missing.
    pub missing: Missing,
}

/// Missing values of an hour by cause; the causes add up to `expected - accepted` (never below zero).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The device sent no frame at all during the hour.
    pub offline: u32,
    /// Frames from the device were rejected during the hour (bad frame, wrong password...).
    pub rejected_frame: u32,
    /// Values arrived with a flag marking them invalid (calibration, maintenance, fault...).
    pub flagged_invalid: u32,
    /// Frames carried the value, but not as a number (`invalid_value` in the frame's record).
    pub invalid_value: u32,
    /// The device was online but these values never arrived.
    pub not_received: u32,
}

/// Completeness of the real-time series of `param` at `site`, hour by hour over `[from, to)` (local hours).
pub fn hours(
    store: &Store,
    tz: &TimeZone,
    site: &str,
    param: &str,
    from: i64,
    to: i64,
) -> store::Result<Vec<HourCompleteness>> {
    let devices: Vec<_> = store
        .devices()?
        .into_iter()
        .filter(|d| d.site_id == site)
        .collect();
    let interval_s = devices.first().map_or(60, |d| d.realtime_interval_s.max(1)) as i64;
    let mut out = Vec::new();
    let mut start = local_start(from, tz, Period::Hour);
    while start < to {
        let end = next_start(start, tz, Period::Hour);
        let receipts = store.receipts(site, param, Interval::Realtime, start, end)?;
        let mut frames = Vec::new();
        let mut invalid = 0u32;
        for d in &devices {
            frames.extend(store.device_frames(&d.mn, start * 1000, end * 1000)?);
            invalid += store.invalid_values(&d.mn, param, start * 1000, end * 1000)? as u32;
        }
        let expected = ((end - start) / interval_s) as u32;
        let received = receipts.len() as u32;
        let accepted = receipts
            .iter()
            .filter(|r| flag_is_valid(r.flag.as_deref()))
            .count() as u32;
        let late = receipts
            .iter()
            .filter(|r| r.received_at_ms / 1000 > end + LATE_AFTER_SECONDS)
            .count() as u32;
        let rejected = frames
            .iter()
            .filter(|(_, v)| *v != Verdict::Accepted)
            .count() as u32;
        let mut gap = expected.saturating_sub(received);
        let rejected_frame = gap.min(rejected);
        gap -= rejected_frame;
        let invalid_value = gap.min(invalid);
        gap -= invalid_value;
        // A late value proves the device was not offline for its hour even if nothing arrived then.
        let offline = if frames.is_empty() && late == 0 {
            gap
        } else {
            0
        };
        let missing = Missing {
            offline,
            rejected_frame,
            flagged_invalid: (received - accepted).min(expected.saturating_sub(accepted)),
            invalid_value,
            not_received: gap - offline,
        };
        out.push(HourCompleteness {
            hour: start,
            expected,
            received,
            accepted,
            late,
            missing,
        });
        start = end;
    }
    Ok(out)
}
