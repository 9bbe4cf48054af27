//! Alarm rules people define for one site's parameter, beside the ones the permits and standards give: an
//! alarm when the valid hourly means are above or below a value, or rise by more than a value from one
//! hour to the next, for at least a number of hours in a row (the duration). The determination job
//! applies them ([`episodes`]) with the rest; their determinations are of kind `rule:<id>`.

use crate::registry::Actor;
use crate::{Error, Result};
use serde::Deserialize;
use store::{AlarmRule, Store};

/// A rule as a request describes it, before validation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    pub site: String,
    /// HJ 212 factor code.
    pub param: String,
    /// `above`, `below` or `rise` (per hour).
    pub condition: String,
    pub value: f64,
    /// Consecutive hours the condition must hold; default 1.
    #[serde(default)]
    pub hours: Option<i64>,
    /// `high`, `medium` (default) or `low`.
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

pub const CONDITIONS: [&str; 3] = ["above", "below", "rise"];
pub const SEVERITIES: [&str; 3] = ["high", "medium", "low"];

impl RuleInput {
    /// Checks every field and that the site exists; names the first problem.
    pub fn validate(self, store: &Store, actor: &Actor, now: i64) -> Result<AlarmRule> {
        let bad = |en: String, zh: String| Error::invalid_both(en, zh);
        if store.site(&self.site)?.is_none() {
            return Err(Error::NotFound(format!(
                "site {:?} does not exist",
                self.site
            )));
        }
        if !crate::ingest::admission::is_factor_code(&self.param) {
            return Err(bad(
                format!("param {:?} is not an HJ 212 factor code", self.param),
                format!("因子“{}”不是 HJ 212 编码", self.param),
            ));
        }
        if !CONDITIONS.contains(&self.condition.as_str()) {
            return Err(bad(
                format!(
                    "condition {:?} is not one of above, below, rise",
                    self.condition
                ),
                format!("条件“{}”应为 above、below 或 rise", self.condition),
            ));
        }
        if !self.value.is_finite() || self.value.abs() > 1e12 {
            return Err(bad(
                format!("value {} is not a finite number", self.value),
                format!("数值 {} 无效", self.value),
            ));
        }
        let hours = self.hours.unwrap_or(1);
        if !(1..=720).contains(&hours) {
            return Err(bad(
                format!("hours {hours} must lie in 1 … 720"),
                format!("持续小时数 {hours} 须在 1 至 720 之间"),
            ));
        }
        let severity = self.severity.unwrap_or_else(|| "medium".into());
        if !SEVERITIES.contains(&severity.as_str()) {
            return Err(bad(
                format!("severity {severity:?} is not one of high, medium, low"),
                format!("级别“{severity}”应为 high、medium 或 low"),
            ));
        }
        let note = self
            .note
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(bad(
                "note is longer than 500 characters".into(),
                "说明超过 500 字".into(),
            ));
        }
        Ok(AlarmRule {
            id: 0,
            site_id: self.site,
            param: self.param,
            condition: self.condition,
            value: self.value,
            hours,
            severity,
            note,
            created_by: actor.as_str().to_string(),
            created_at: now,
            disabled: false,
        })
    }
}

/// The rule in words: `a21026 above 80 for 3 h (rule #4)`.
pub fn describe(r: &AlarmRule) -> String {
    let per = if r.condition == "rise" {
        " per hour"
    } else {
        ""
    };
    format!(
        "{} {} {}{per} for {} h (rule #{})",
        r.param, r.condition, r.value, r.hours, r.id
    )
}

/// Stores a new rule or disables one (audited in the same transaction), and queues the site's last week
/// for determination so alarms follow at once.
pub fn save(
    store: &mut Store,
    tz: &jiff::tz::TimeZone,
    actor: &Actor,
    rule: &AlarmRule,
    now: i64,
) -> Result<AlarmRule> {
    store.in_transaction(|s| {
        let id = s.put_alarm_rule(rule)?;
        let stored = AlarmRule { id, ..rule.clone() };
        s.audit(
            actor.as_str(),
            if stored.disabled {
                "disable_alarm_rule"
            } else {
                "upsert_alarm_rule"
            },
            &format!("alarm rule {id}"),
            Some(&format!("{} at {}", describe(&stored), stored.site_id)),
        )?;
        let today = crate::figures::day_start(tz, crate::figures::local_date(tz, now));
        let days: Vec<(String, i64)> = (0..8)
            .map(|d| (stored.site_id.clone(), today - d * 86_400))
            .collect();
        s.queue_determinations(&days)?;
        Ok(stored)
    })
}

/// The episodes of `rule` in hourly means `(hour start, valid mean)` sorted by time: runs of at least
/// `rule.hours` consecutive hours meeting the condition, as (start, end, peak), where the peak is the
/// highest value (above), the lowest (below) or the largest rise (rise). A missing or invalid hour ends a
/// run.
pub fn episodes(rule: &AlarmRule, hours: &[(i64, Option<f64>)]) -> Vec<(i64, i64, f64)> {
    let mut out = Vec::new();
    let mut run: Option<(i64, i64, f64, i64)> = None; // (start, end, peak, hours)
    let mut previous: Option<(i64, f64)> = None;
    let close = |run: Option<(i64, i64, f64, i64)>, out: &mut Vec<(i64, i64, f64)>| {
        if let Some((start, end, peak, n)) = run
            && n >= rule.hours
        {
            out.push((start, end, peak));
        }
    };
    for &(t, v) in hours {
        let measure = v.and_then(|v| match rule.condition.as_str() {
            "above" => (v > rule.value).then_some(v),
            "below" => (v < rule.value).then_some(v),
            _ => previous
                .filter(|(pt, _)| *pt == t - 3600)
                .map(|(_, pv)| v - pv)
                .filter(|rise| *rise > rule.value),
        });
        previous = v.map(|v| (t, v));
        match (measure, run) {
            (Some(m), Some((start, end, peak, n))) if end == t => {
                let peak = if rule.condition == "below" {
                    peak.min(m)
                } else {
                    peak.max(m)
                };
                run = Some((start, t + 3600, peak, n + 1));
            }
            (Some(m), _) => {
                close(run, &mut out);
                run = Some((t, t + 3600, m, 1));
            }
            (None, _) => {
                close(run, &mut out);
                run = None;
            }
        }
    }
    close(run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(condition: &str, value: f64, hours: i64) -> AlarmRule {
        AlarmRule {
            id: 1,
            site_id: "S1".into(),
            param: "a21026".into(),
            condition: condition.into(),
            value,
            hours,
            severity: "medium".into(),
            note: None,
            created_by: "test".into(),
            created_at: 0,
            disabled: false,
        }
    }

    const H: i64 = 3600;

    #[test]
    fn a_threshold_holds_for_its_duration() {
        let hours = [
            (0, Some(10.0)),
            (H, Some(31.0)),
            (2 * H, Some(35.0)),
            (3 * H, Some(32.0)),
            (4 * H, Some(20.0)),
            (5 * H, Some(40.0)),
            (6 * H, None),
            (7 * H, Some(41.0)),
        ];
        // Three hours in a row above 30; the single hours at 5 h and 7 h are too short for 2 h.
        assert_eq!(
            episodes(&rule("above", 30.0, 2), &hours),
            vec![(H, 4 * H, 35.0)]
        );
        assert_eq!(
            episodes(&rule("above", 30.0, 1), &hours),
            vec![(H, 4 * H, 35.0), (5 * H, 6 * H, 40.0), (7 * H, 8 * H, 41.0)]
        );
        assert_eq!(
            episodes(&rule("below", 15.0, 1), &hours),
            vec![(0, H, 10.0)]
        );
        // A value exactly on the threshold does not meet "above".
        assert!(episodes(&rule("above", 35.0, 1), &[(0, Some(35.0))]).is_empty());
    }

    #[test]
    fn a_rise_is_from_the_hour_before() {
        let hours = [
            (0, Some(10.0)),
            (H, Some(25.0)),
            (2 * H, Some(45.0)),
            (4 * H, Some(90.0)),
        ];
        // +15 and +20 in a row; 4 h follows a missing hour, so its rise is not known.
        assert_eq!(
            episodes(&rule("rise", 12.0, 2), &hours),
            vec![(H, 3 * H, 20.0)]
        );
        assert!(episodes(&rule("rise", 25.0, 1), &hours).is_empty());
    }

    #[test]
    fn descriptions_name_the_rule() {
        assert_eq!(
            describe(&rule("rise", 5.0, 2)),
            "a21026 rise 5 per hour for 2 h (rule #1)"
        );
    }
}
