//! Simulated HJ 212 data loggers for Qingshan: the demo city's devices, realistic values, backfill and a
//! load generator.
//!
//! | module | job | main items |
//! |---|---|---|
//! | [`devices`] | what a logger is: kind, factors, identity, quirks | [`DeviceSpec`], [`DeviceKind`], [`Quirks`] |
//! | [`fleet`] | fleets named from a seed (demo city or load) | [`fleet()`], [`Profile`] |
//! | [`values`] | values as a pure function of seed, device and time | [`Model`], [`Status`] |
//! | [`calibration`] | Zhaotong 2019 air statistics the air model uses | |
//! | [`uploads`] | each kind's upload schedule and data areas | [`Schedule`], [`Upload`] |
//! | [`quirks`] | frames on the wire: dialect, CRC style, terminator | [`quirks::frame`] |
//! | [`history`] | backfill: the frames sent over a past window | [`history()`] |
//! | [`live`] | devices as real TCP clients (answers, time calibration, retries, reconnects) | [`run_fleet`] |
//! | [`load`] | load generation and idle connections for the gateway benchmark | [`load::run`], [`load::hold_idle`] |
//!
//! Times are unix seconds; packets carry Beijing time (UTC+8), as HJ 212 devices in China do.

pub mod calibration;
pub mod devices;
pub mod fleet;
pub mod history;
pub mod live;
pub mod load;
pub mod quirks;
mod rng;
pub mod uploads;
pub mod values;

pub use devices::{
    Character, CrcStyle, DeviceKind, DeviceSpec, Dialect, Factor, LineEnd, Quirk, Quirks, Stack,
    Writes,
};
pub use fleet::{Profile, fleet, fleet_with_quirks};
pub use history::{History, Sent, history};
pub use live::{Counters, RunConfig, RunReport, run_fleet, run_fleet_counting};
pub use rng::Rng;
pub use uploads::{Due, Schedule, Upload};
pub use values::{Model, Status};
