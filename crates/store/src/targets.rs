//! Targets as stored: target sets and the hand-entered values of indicators the platform cannot measure.
//! The platform's `targets` capability holds the indicator catalogue and computes the rest.

/// One target of a set: an area's target value for an indicator over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The set it belongs to (e.g. `zhaotong-2020`).
    pub set_name: String,
    /// `city`, a county code, or `basin:<name>`.
    pub area: String,
    /// A catalogue indicator id (`air.good_day_ratio`).
    pub indicator: String,
    /// The period it is for: a year (`2020`).
    pub period: String,
    pub value: f64,
    /// The document and clause it comes from.
    pub source: String,
}

/// A value of an indicator entered by hand (forest cover, a farmland safe-use rate), never changed: a
/// newer entry for the same area, indicator and period supersedes it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    /// 0 until stored.
    pub id: i64,
    pub area: String,
    pub indicator: String,
    pub period: String,
    pub value: f64,
    pub note: Option<String>,
    pub entered_by: String,
    pub entered_at: i64,
}
