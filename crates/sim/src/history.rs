//! Backfill: the frames a device would have sent over a past window, as a pure function of the seed.
//!
//! ```
//! let devices = sim::fleet(1, 2, sim::Profile::Demo);
//! let day = 1_764_259_200; // 2025-11-28 00:00 Beijing, unix seconds
//! let frames: Vec<_> = sim::history(&devices[0], day, day + 86_400, 1)
//!     .only(&[sim::Upload::Hour])
//!     .collect();
//! assert!(frames.len() >= 20 && frames[0].frame.starts_with(b"##"));
//! ```

use crate::devices::DeviceSpec;
use crate::quirks::frame;
use crate::rng::{hash, text};
use crate::uploads::{Due, Schedule, Upload, data_area, local_time};
use crate::values::Model;
use hj212::Cn;

/// One frame a device sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// When it was sent, unix seconds.
    pub sent_at: i64,
    /// Its command.
    pub cn: Cn,
    /// The whole frame as written on the wire (quirks included).
    pub frame: Vec<u8>,
}

/// The frames of one device over a window, in sending order ([`history`]).
#[derive(Debug, Clone)]
pub struct History {
    spec: DeviceSpec,
    model: Model,
    schedule: Schedule,
    to: i64,
}

/// The frames `spec` would have sent in `[from, to)` (unix seconds) with values from `seed`: every upload of
/// its kind except during communication gaps, with its quirks. Deterministic: the same arguments give the
/// same bytes. Use [`History::only`] to skip, say, real-time data for a quick backfill.
pub fn history(spec: &DeviceSpec, from: i64, to: i64, seed: u64) -> History {
    History {
        spec: spec.clone(),
        model: Model::new(spec, seed),
        schedule: Schedule::new(spec, from),
        to,
    }
}

impl History {
    /// Keeps only the uploads in `which`.
    pub fn only(mut self, which: &[Upload]) -> History {
        self.schedule = self.schedule.only(which);
        self
    }

    /// The device.
    pub fn spec(&self) -> &DeviceSpec {
        &self.spec
    }
}

/// The frame for one due upload, with a QN of its sending time (milliseconds from the device's hash).
pub(crate) fn encode(spec: &DeviceSpec, model: &Model, due: &Due) -> Vec<u8> {
    let millis = (hash(&[text(&spec.mn), due.send_at as u64, due.upload as u64]) % 1000) as u16;
    let qn = local_time(due.send_at, Some(millis));
    frame(
        spec,
        due.upload.cn(),
        qn,
        data_area(model, due),
        spec.quirks.wants_answers(),
    )
}

impl Iterator for History {
    type Item = Sent;
    fn next(&mut self) -> Option<Sent> {
        loop {
            let due = self.schedule.next()?;
            if due.send_at >= self.to {
                return None;
            }
            if self.model.offline(due.send_at) {
                continue;
            }
            return Some(Sent {
                sent_at: due.send_at,
                cn: due.upload.cn(),
                frame: encode(&self.spec, &self.model, &due),
            });
        }
    }
}
