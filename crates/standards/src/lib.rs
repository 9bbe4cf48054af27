//! China's national environmental standards as pure functions and typed tables. No I/O.
//!
//! Every number a user of Qingshan sees comes from here, selected by the date of the data.
//! Arithmetic is exact: values are [`Decimal`]s, and every rounding names the rule it follows.

pub mod air;
pub mod aqi;
pub mod composite;
pub mod decimal;
pub mod emissions;
pub mod hj212_codes;
pub mod pollutant;
pub mod warnings;
pub mod water;

pub use decimal::{Decimal, DecimalError};
/// Civil (local, time-zone-free) dates select the version of a standard in force (jiff).
pub use jiff::civil::Date;
pub use pollutant::{Concentration, ConcentrationError, Pollutant, Unit};
