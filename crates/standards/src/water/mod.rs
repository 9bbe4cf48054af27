//! Surface water: GB 3838-2002 (地表水环境质量标准) and 地表水环境质量评价办法（试行）(环办〔2011〕22号).
//!
//! - [`parameter`]: the [`Parameter`] enum (Tables 1–2) with HJ 212 factor codes and names, [`Parameter::lookup`].
//! - [`class`]: Table 1 limits, [`WaterClass`], single-factor [`evaluate`], limiting parameters and
//!   exceedance multiples.
//! - [`status`]: section and river/basin status ([`WaterStatus`], [`river_status`]).
//! - [`trophic`]: lake trophic level index TLI(Σ) ([`trophic_index`]).
//! - [`cwqi`]: the city water-quality index CWQI used for city rankings ([`cwqi()`](cwqi::cwqi); single source).
//! - [`drinking`]: drinking-water source compliance with Tables 1–3 ([`drinking_source_compliance`]).
//!
//! All thresholds are compared as exact [`Decimal`](crate::Decimal)s; a value on a limit belongs to the
//! better class.

pub mod class;
pub mod cwqi;
pub mod drinking;
pub mod parameter;
pub mod status;
pub mod trophic;

pub use class::{
    Criterion, Evaluation, ParameterResult, WaterClass, WaterError, WaterbodyKind, class_iii_limit,
    class_of, criterion, evaluate, exceedance_multiple, parameter_class, validate,
};
pub use cwqi::{Cwqi, cwqi};
pub use drinking::{
    DrinkingCompliance, DrinkingFailure, DrinkingItem, MicrogramsPerLitre, SPECIFIC_ITEMS,
    SpecificItem, drinking_source_compliance, supplementary_limit,
};
pub use parameter::{Parameter, UnknownParameter};
pub use status::{
    ClassCounts, RiverPollutant, StatusError, WaterStatus, mean_sample, river_main_pollutants,
    river_status, river_status_by_mean, status_from_counts,
};
pub use trophic::{TrophicError, TrophicIndex, TrophicInputs, TrophicState, trophic_index};
