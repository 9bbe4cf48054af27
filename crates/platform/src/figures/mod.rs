//! What the portal and the open data API show, computed by the standards engine from stored rollups
//! (completed by the devices' own hourly and daily values where no rollup exists, see [`means`]).
//!
//! Nothing here holds a limit, a breakpoint or a class boundary: AQI, levels and primary pollutants come
//! from `standards::aqi`, daily inputs and the good-day ratio from `standards::air`, classes and limiting
//! parameters from `standards::water`, limits and oxygen correction from `standards::emissions`. This
//! module only reads the store, groups hours into local days and months, and keeps a short-lived cache of
//! the year-long per-station figures.

mod air;
mod bulletin;
pub mod cache;
mod calendar;
mod city;
mod emissions;
mod emitters;
mod exceedances;
mod problems;
mod reports;
mod water;

pub use air::*;
pub use bulletin::*;
pub use cache::Cache;
pub use calendar::*;
pub use city::*;
pub use emissions::*;
pub use emitters::*;
pub use exceedances::*;
pub use problems::*;
pub use reports::*;
pub use water::*;
