//! The day so far at each site, for the staff console's home: how much of what the devices promised has
//! arrived and been accepted, which devices have gone quiet, and how many frames were refused.

use super::rollups::local_start;
use jiff::tz::TimeZone;
use store::{Period, Site, Store, Verdict};

/// A device counts as offline when it has sent nothing for this many of its real-time intervals...
pub const OFFLINE_INTERVALS: i64 = 3;
/// ...and for at least this long, seconds (so a 1-second device is not offline after 3 s of jitter).
pub const OFFLINE_AT_LEAST_S: i64 = 600;

/// One site's day so far (local day of `now`).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteToday {
    pub site: Site,
    pub devices: u32,
    /// Frames the devices' real-time intervals promise since local midnight.
    pub expected: u64,
    /// Frames accepted since local midnight (at most `expected` count toward completeness).
    pub accepted: u64,
    /// Frames refused since local midnight (bad frame, wrong password, time out of range).
    pub refused: u64,
    /// Devices that sent nothing for [`OFFLINE_INTERVALS`] intervals (and [`OFFLINE_AT_LEAST_S`]).
    pub offline: u32,
}

impl SiteToday {
    /// Accepted frames as a share of the promised ones, percent (`None` before anything is expected).
    pub fn completeness_percent(&self) -> Option<f64> {
        (self.expected > 0)
            .then(|| 100.0 * self.accepted.min(self.expected) as f64 / self.expected as f64)
    }
}

/// The day so far at each of `sites` (unix seconds `now`, local day in `tz`).
pub fn sites_today(
    store: &Store,
    tz: &TimeZone,
    now: i64,
    sites: Vec<Site>,
) -> store::Result<Vec<SiteToday>> {
    let midnight = local_start(now, tz, Period::Day);
    let devices = store.devices()?;
    let mut out = Vec::with_capacity(sites.len());
    for site in sites {
        let mut day = SiteToday {
            site,
            devices: 0,
            expected: 0,
            accepted: 0,
            refused: 0,
            offline: 0,
        };
        for d in devices.iter().filter(|d| d.site_id == day.site.id) {
            let interval = i64::from(d.realtime_interval_s.max(1));
            day.devices += 1;
            day.expected += ((now - midnight).max(0) / interval) as u64;
            for (_, verdict) in store.device_frames(&d.mn, midnight * 1000, now * 1000 + 1)? {
                match verdict {
                    Verdict::Accepted => day.accepted += 1,
                    _ => day.refused += 1,
                }
            }
            let quiet_for = (OFFLINE_INTERVALS * interval).max(OFFLINE_AT_LEAST_S);
            let last = store.last_frame_at(&d.mn)?;
            if last.is_none_or(|ms| ms / 1000 < now - quiet_for) {
                day.offline += 1;
            }
        }
        out.push(day);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::{CrcPolicy, Device, FrameRecord, SiteKind};

    fn frame(mn: &str, at: i64, verdict: Verdict) -> FrameRecord {
        FrameRecord {
            received_at_ms: at * 1000,
            peer: "10.0.0.1:5000".into(),
            mn: Some(mn.into()),
            cn: Some("2011".into()),
            verdict,
            cause: None,
            raw: format!("frame {mn} {at}").into_bytes(),
            values: Vec::new(),
        }
    }

    #[test]
    fn the_day_counts_promised_accepted_refused_and_quiet_devices() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            store::sqlite::connect_file(&dir.path().join("t.db"), store::Durability::Normal)
                .unwrap();
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // 2024-01-02 10:00 local: ten hours since midnight.
        let midnight = 1_704_124_800; // 2024-01-02 00:00 +08:00
        let now = midnight + 10 * 3600;
        let site = Site {
            id: "S1".into(),
            name: "1号".into(),
            kind: SiteKind::AirStation,
            county: None,
            lon: None,
            lat: None,
            enterprise_id: None,
            emission_standard: None,
            simulated: false,
        };
        store.upsert_site(&site).unwrap();
        for (mn, interval) in [("LIVE", 3600), ("QUIET", 3600)] {
            store
                .upsert_device(&Device {
                    mn: mn.into(),
                    password: "x".into(),
                    site_id: "S1".into(),
                    protocol: "auto".into(),
                    crc_policy: CrcPolicy::Strict,
                    realtime_interval_s: interval,
                    minute_interval_min: 10,
                })
                .unwrap();
        }
        let mut frames: Vec<FrameRecord> = (0..10)
            .map(|h| frame("LIVE", midnight + h * 3600 + 60, Verdict::Accepted))
            .collect();
        frames.push(frame("LIVE", midnight - 60, Verdict::Accepted)); // yesterday: not counted
        frames.push(frame("QUIET", midnight + 600, Verdict::WrongPassword));
        store.write_frames(&frames).unwrap();
        let days = sites_today(&store, &tz, now, vec![site]).unwrap();
        let d = &days[0];
        // Two devices, each promising one frame an hour for ten hours.
        assert_eq!(
            (d.devices, d.expected, d.accepted, d.refused),
            (2, 20, 10, 1)
        );
        assert_eq!(
            d.offline, 1,
            "QUIET has sent nothing for over three intervals"
        );
        assert_eq!(d.completeness_percent(), Some(50.0));
    }
}
