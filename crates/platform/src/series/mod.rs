//! What the platform derives from stored values, per series (site × parameter):
//!
//! - [`rollups`]: hourly and daily means in local time with their validity, recomputed whenever fine data
//!   for an hour arrives (the writer runs them between batches);
//! - [`completeness`]: per hour, how many values were expected, received and accepted, and why the rest
//!   are missing;
//! - [`corrections`]: staff corrections kept beside the values, and the one read of a series as corrected
//!   that every reader deriving figures goes through.

pub mod completeness;
pub mod corrections;
pub mod rollups;
pub mod today;
