//! Cases as stored: one record per matter the bureau follows up (from an alarm, a complaint, a patrol, an
//! inspection or a referral), its current step, and the append-only history of everything done to it.
//! The platform's `cases` capability decides the steps and the clocks.

/// A case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// 0 until stored.
    pub id: i64,
    /// `alarm`, `complaint`, `patrol`, `inspection` or `referral`.
    pub source: String,
    /// What it came from (`alarm:12`), if anything stored.
    pub source_ref: Option<String>,
    /// What it is about: `site`, `enterprise`, `reach` or `place`, and its id (a place has none).
    pub subject_kind: String,
    pub subject_id: Option<String>,
    /// The site and enterprise concerned, when known (who may see it follows from them and the county).
    pub site_id: Option<String>,
    pub enterprise_id: Option<String>,
    /// The county whose jurisdiction it is in.
    pub county: Option<String>,
    pub title: String,
    pub description: String,
    /// A `CaseState` code.
    pub state: String,
    /// The unit and person it is assigned to.
    pub unit: Option<String>,
    pub assignee: Option<String>,
    /// The local date the current step is due by (`YYYY-MM-DD`), if it has a clock.
    pub due: Option<String>,
    /// The local date it was accepted (the handling clock runs from it).
    pub accepted_on: Option<String>,
    /// The check's result.
    pub founded: Option<bool>,
    /// The penalty decision: its number, amount (yuan) and measures.
    pub penalty_number: Option<String>,
    pub penalty_amount: Option<f64>,
    pub penalty_measures: Option<String>,
    /// Why it was not accepted (a reason code).
    pub reason_code: Option<String>,
    /// The case it was merged into.
    pub merged_into: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub changed_at: i64,
}

/// One thing done to a case (never changed once written).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEvent {
    pub case_id: i64,
    pub at: i64,
    /// The person or token (as the audit log names them), or `system`.
    pub actor: String,
    /// A `CaseAction` code, or `created`.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub comment: Option<String>,
    /// What the action set, in words (unit and due date, the penalty...).
    pub detail: Option<String>,
}

/// A complaint or report from the public (12369), the front door of a case. The reporter's name and
/// contact are sealed (`contact_sealed`, opened only with the key outside the database); nothing else
/// here identifies them.
#[derive(Debug, Clone, PartialEq)]
pub struct Complaint {
    /// 0 until stored.
    pub id: i64,
    pub case_id: i64,
    /// What the reporter follows it with (unguessable, shown once).
    pub tracking_code: String,
    /// `air`, `water`, `noise`, `waste`, `soil`, `radiation`, `ecology` or `other`.
    pub category: String,
    pub address: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The county it was routed to.
    pub county: Option<String>,
    pub description: String,
    /// The reporter's name and contact, sealed; `None`: anonymous.
    pub contact_sealed: Option<String>,
    /// `web` or `open311`.
    pub channel: String,
    /// An earlier complaint about the same place, category and day.
    pub duplicate_of: Option<i64>,
    pub created_at: i64,
}
