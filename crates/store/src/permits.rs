//! Emission permits as stored: a permit version with its outlets, their permitted concentration limits
//! and annual quantities. The platform's `permits` capability validates them and picks the version in
//! force; the store keeps every version.

/// One version of a permit: a renewal or a change is a new version (same number, later `valid_from`).
#[derive(Debug, Clone, PartialEq)]
pub struct Permit {
    /// 0 until stored.
    pub id: i64,
    /// The permit number (许可证编号), e.g. `91530600000000000X001P`.
    pub number: String,
    pub enterprise_id: String,
    /// The issuing authority, when known.
    pub authority: Option<String>,
    /// First and last day in force, local dates `YYYY-MM-DD`.
    pub valid_from: String,
    pub valid_to: String,
    pub outlets: Vec<PermitOutlet>,
}

/// An outlet the permit covers (a registered site).
#[derive(Debug, Clone, PartialEq)]
pub struct PermitOutlet {
    pub site_id: String,
    /// `main` (主要排放口) or `general` (一般排放口).
    pub kind: String,
    pub limits: Vec<PermitLimit>,
    pub annual: Vec<PermitAnnual>,
}

/// A permitted concentration limit for one pollutant at one outlet.
#[derive(Debug, Clone, PartialEq)]
pub struct PermitLimit {
    /// HJ 212 factor code.
    pub param: String,
    pub limit: f64,
    /// `mg/m3`, `mg/L`, `pH`...
    pub unit: String,
    /// `hour` or `day`.
    pub averaging: String,
    /// Reference O2, %: the concentration is corrected to it before comparison. `None`: no correction.
    pub reference_o2: Option<f64>,
    /// A seasonal or special limit: first and last day of the year it applies (`MM-DD`), both or neither.
    pub season: Option<(String, String)>,
}

/// A permitted annual quantity for one pollutant at one main outlet (any 12 consecutive months).
#[derive(Debug, Clone, PartialEq)]
pub struct PermitAnnual {
    pub param: String,
    pub tonnes: f64,
}

/// An area's emission total in a base year and the cut its target asks for (总量控制): the seed's
/// "SO2 and NOx −1 %, COD −14.1 %, NH3-N −12.9 % against 2015 by 2020". Data, not code: a bureau loads its
/// own; the demo's are marked simulated.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// `city`, or a county code.
    pub area: String,
    /// HJ 212 factor code.
    pub param: String,
    pub base_year: i64,
    /// The area's total in the base year, tonnes.
    pub tonnes: f64,
    pub target_year: i64,
    /// The cut against the base year the target asks for, percent (14.1 means −14.1 %).
    pub reduction_pct: f64,
    /// The document the baseline and target come from.
    pub source: String,
    /// Made up for the demo, not published figures.
    pub simulated: bool,
}
