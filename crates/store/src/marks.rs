//! Marks as stored: an enterprise's statement about a period of an outlet's data (the platform's `marks`
//! capability gives the categories, the lifecycle and the rules), and the evidence files records hold.

/// A mark on a period of a site's data.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// 0 until stored.
    pub id: i64,
    pub site_id: String,
    /// The parameter marked; `None`: every parameter of the site.
    pub param: Option<String>,
    /// `source_stopped`, `start_stop`, `maintenance`, `device_fault`, `calibration`, `comm_outage`,
    /// `force_majeure`, `manual_value`.
    pub category: String,
    /// The period marked, `[start, end)`, Unix seconds.
    pub start: i64,
    pub end: i64,
    pub reason: String,
    /// The value measured by hand (`manual_value` only).
    pub value: Option<f64>,
    /// `submitted`, `awaiting_approval`, `accepted`, `rejected` or `withdrawn`.
    pub state: String,
    /// Made after the marking deadline (so it waited for the bureau's approval).
    pub late: bool,
    /// Who made it (as the audit log names them).
    pub created_by: String,
    pub created_at: i64,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub review_comment: Option<String>,
}

/// A file kept as evidence: its content lives on disk under its digest, never in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// SHA-256 of the content, lowercase hex: the file's name on disk.
    pub digest: String,
    /// The name it was uploaded with (shown, never used as a path).
    pub name: String,
    /// The type its content was recognised as (`application/pdf`, `image/jpeg`, `image/png`).
    pub media_type: String,
    pub size: i64,
}
