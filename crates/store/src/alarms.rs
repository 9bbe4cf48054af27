//! Alarms as stored: one per determination and kind (the platform's `alarms` capability decides when),
//! their state and level, and the notes of everything that happened to them (who, when, what, why).

/// An alarm.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    /// 0 until stored.
    pub id: i64,
    /// `exceedance`, `gap`, `stuck`, `over_range`, `fault`, `comm_fault`...
    pub kind: String,
    /// `high`, `medium` or `low`.
    pub severity: String,
    pub site_id: String,
    pub param: Option<String>,
    /// The determination it was raised from.
    pub determination_id: Option<i64>,
    /// `open`, `acknowledged`, `resolved` or `closed`.
    pub state: String,
    /// Who it is for: `county`, or `city` once escalated.
    pub level: String,
    pub opened_at: i64,
    /// The episode's span as last determined, Unix seconds.
    pub episode_start: i64,
    pub episode_end: i64,
    pub changed_at: i64,
    /// The case it was escalated into (the case workflow).
    pub case_id: Option<i64>,
}

/// One thing that happened to an alarm.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmNote {
    pub alarm_id: i64,
    pub at: i64,
    /// `system`, or the person or token (as the audit log names them).
    pub actor: String,
    /// `opened`, `ack`, `resolve`, `close`, `cleared`, `recurred`, `withdrawn`, `escalated`, `grew`.
    pub event: String,
    pub comment: Option<String>,
}
