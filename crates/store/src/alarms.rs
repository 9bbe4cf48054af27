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
    /// The mark it was raised about (a suspicious mark).
    pub mark_id: Option<i64>,
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

/// A notification of an alarm's event, or of a case's clock, to an outside channel (the webhook, e-mail),
/// kept until delivered or given up: the outbox, written in the change's transaction, emptied by the
/// sender.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// 0 until stored.
    pub id: i64,
    /// The alarm it tells of, or the case (one of the two).
    pub alarm_id: Option<i64>,
    pub case_id: Option<i64>,
    /// `webhook` or `email`.
    pub channel: String,
    /// The e-mail address (`email`); `None` for the webhook.
    pub recipient: Option<String>,
    /// The alarm's event (`opened`, `escalated`, `ack`...), or the case's (`case_overdue`, `case_due_soon`).
    pub event: String,
    /// What is sent, as sent (the JSON body).
    pub body: String,
    pub created_at: i64,
    pub attempts: i64,
    /// When to try next; `None` once delivered or given up.
    pub next_attempt_at: Option<i64>,
    pub delivered_at: Option<i64>,
    /// What went wrong the last time (`HTTP 500`, `connection refused`...).
    pub last_error: Option<String>,
}

/// A rule a person defines for one site's parameter: an alarm when its valid hourly means are above or
/// below a value, or rise by more than a value from one hour to the next, for at least `hours` hours in a
/// row.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmRule {
    /// 0 until stored.
    pub id: i64,
    pub site_id: String,
    pub param: String,
    /// `above`, `below` or `rise`.
    pub condition: String,
    pub value: f64,
    /// Consecutive hours the condition must hold (the duration).
    pub hours: i64,
    /// `high`, `medium` or `low`.
    pub severity: String,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub disabled: bool,
}
