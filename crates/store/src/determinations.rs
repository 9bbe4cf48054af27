//! What supervision determined, as stored: exceedance episodes and data problems of outlets, each citing
//! the permit version or standard and the journal entries it rests on, and the queue of (site, local day)
//! whose determinations must be made again (new or late data, a permit change, the passage of time).
//! The platform's `supervision` capability decides what they are; the store keeps them, and keeps a
//! determination no longer found as withdrawn, not deleted (alarms and cases may point at it).

/// One determination: an exceedance episode, or a data problem of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Determination {
    /// 0 until stored.
    pub id: i64,
    pub site_id: String,
    /// HJ 212 factor code.
    pub param: String,
    /// `exceedance`, or a data-problem kind: `gap`, `stuck`, `over_range`, `fault`, `maintenance`,
    /// `calibration`, `comm_fault`.
    pub kind: String,
    /// Unix seconds, `[start, end)`.
    pub start: i64,
    pub end: i64,
    /// Exceedances: what was compared and with what; `None` for data problems.
    pub exceedance: Option<ExceedanceFacts>,
    /// The first and last journal entry (received frame) carrying the parameter's values in
    /// `[start, end)`; `None` where there were none (a gap).
    pub evidence: Option<(i64, i64)>,
    /// When first determined, when last changed (a growing episode), and when withdrawn (no longer found
    /// when determined again: late data, a mark, a correction or a permit change).
    pub found_at: i64,
    pub changed_at: i64,
    pub withdrawn_at: Option<i64>,
}

/// The facts of an exceedance episode.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceedanceFacts {
    /// Hours the episode spans (a day judged on its daily mean counts 24).
    pub hours: i64,
    /// The highest value compared with the limit (O2-corrected where the limit says).
    pub peak: f64,
    pub limit: f64,
    /// 超标倍数 at the peak.
    pub multiple: Option<f64>,
    /// `hour` or `day`.
    pub averaging: String,
    /// The permit version whose limit applied (`None`: the outlet's standard).
    pub permit_id: Option<i64>,
    pub permit_number: Option<String>,
    /// The permit or the standard, in words.
    pub source: String,
}
