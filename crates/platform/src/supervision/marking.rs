//! An enterprise's marks on its outlets' data (workflows.md §0 items 3–4, A6), as pure rules: the
//! categories, a mark's lifecycle as one transition function, which marks are in force, what they do to
//! the hours judged for exceedance, and the marking deadline.
//!
//! - MEE (2023): "标记为无效的自动监测数据，不作为超标判定依据": an hour a mark in force covers is not
//!   judged; a `manual_value` mark judges the hand-measured value instead (手工监测值录入).
//! - Yunnan (2024): the previous day is marked every day, and completing the marking confirms the data.
//!   The clock time is not stated: `marks.deadline` hours after the day ends (default 24, the next day's
//!   24:00). A mark made later waits for the bureau's approval and has no effect until approved.
//! - Lifecycle: a mark made in time is in force at once (`submitted`) until staff review it: `accepted`
//!   keeps it, `rejected` takes its effect away (the determination comes back). A late mark
//!   `awaiting_approval` has no effect until accepted. The enterprise may withdraw a mark not yet
//!   reviewed. Reviewed and withdrawn marks are final: a second opinion is a new mark.

use crate::series::rollups::{local_start, next_start};
use jiff::tz::TimeZone;
use store::Period;

/// What a mark says about a period of data (the national platform's categories, workflows.md A6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkCategory {
    /// 停运: the source did not run.
    SourceStopped,
    /// 启停: start-up or shut-down of the production or treatment unit.
    StartStop,
    /// 设备维护: maintenance of the monitoring device.
    Maintenance,
    /// 设备故障: the monitoring device failed.
    DeviceFault,
    /// 校准: calibration (zero and span checks).
    Calibration,
    /// 通讯中断: the link to the platform was down.
    CommOutage,
    /// 不可抗力: force majeure, not the enterprise's responsibility.
    ForceMajeure,
    /// 手工监测值录入: a value measured by hand replaces the device's for the period.
    ManualValue,
}

impl MarkCategory {
    pub const ALL: [MarkCategory; 8] = [
        MarkCategory::SourceStopped,
        MarkCategory::StartStop,
        MarkCategory::Maintenance,
        MarkCategory::DeviceFault,
        MarkCategory::Calibration,
        MarkCategory::CommOutage,
        MarkCategory::ForceMajeure,
        MarkCategory::ManualValue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MarkCategory::SourceStopped => "source_stopped",
            MarkCategory::StartStop => "start_stop",
            MarkCategory::Maintenance => "maintenance",
            MarkCategory::DeviceFault => "device_fault",
            MarkCategory::Calibration => "calibration",
            MarkCategory::CommOutage => "comm_outage",
            MarkCategory::ForceMajeure => "force_majeure",
            MarkCategory::ManualValue => "manual_value",
        }
    }

    /// (Chinese, English) names, as the national platform's categories read.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            MarkCategory::SourceStopped => ("停运", "source stopped"),
            MarkCategory::StartStop => ("启停", "start-up / shut-down"),
            MarkCategory::Maintenance => ("设备维护", "device maintenance"),
            MarkCategory::DeviceFault => ("设备故障", "device fault"),
            MarkCategory::Calibration => ("校准", "calibration"),
            MarkCategory::CommOutage => ("通讯中断", "communication outage"),
            MarkCategory::ForceMajeure => ("不可抗力", "force majeure"),
            MarkCategory::ManualValue => ("手工监测值录入", "manual value entered"),
        }
    }

    pub fn parse(code: &str) -> Option<MarkCategory> {
        MarkCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    /// A fault or maintenance mark without a repair record is what false marking looks like (the 2024
    /// prosecuted case, workflows.md A6): made without evidence it is flagged for review.
    pub fn wants_evidence(self) -> bool {
        matches!(self, MarkCategory::DeviceFault | MarkCategory::Maintenance)
    }

    /// Whether it describes a running unit or device, which a unit marked stopped cannot have
    /// ("do not mark 故障 while a unit is marked 停运", Guangxi Q&A 2021): the mark-type hierarchy.
    pub fn needs_running_source(self) -> bool {
        matches!(
            self,
            MarkCategory::StartStop
                | MarkCategory::Maintenance
                | MarkCategory::DeviceFault
                | MarkCategory::Calibration
        )
    }
}

/// Where a mark stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkState {
    /// Made in time: in force, not yet reviewed.
    Submitted,
    /// Made after the deadline: no effect until the bureau approves it.
    AwaitingApproval,
    Accepted,
    Rejected,
    Withdrawn,
}

impl MarkState {
    pub const ALL: [MarkState; 5] = [
        MarkState::Submitted,
        MarkState::AwaitingApproval,
        MarkState::Accepted,
        MarkState::Rejected,
        MarkState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MarkState::Submitted => "submitted",
            MarkState::AwaitingApproval => "awaiting_approval",
            MarkState::Accepted => "accepted",
            MarkState::Rejected => "rejected",
            MarkState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<MarkState> {
        MarkState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The state a new mark starts in.
    pub fn initial(late: bool) -> MarkState {
        if late {
            MarkState::AwaitingApproval
        } else {
            MarkState::Submitted
        }
    }

    /// Whether a mark in this state takes effect on determination.
    pub fn in_force(self) -> bool {
        matches!(self, MarkState::Submitted | MarkState::Accepted)
    }

    /// Whether it counts against the yearly quota (everything not taken back or refused).
    pub fn counts(self) -> bool {
        matches!(
            self,
            MarkState::Submitted | MarkState::AwaitingApproval | MarkState::Accepted
        )
    }
}

/// What happens to a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkEvent {
    /// Staff accept it (or approve a late one).
    Accept,
    /// Staff reject it, with a comment.
    Reject,
    /// The enterprise takes it back before review.
    Withdraw,
}

impl MarkEvent {
    pub const ALL: [MarkEvent; 3] = [MarkEvent::Accept, MarkEvent::Reject, MarkEvent::Withdraw];

    pub fn code(self) -> &'static str {
        match self {
            MarkEvent::Accept => "accept",
            MarkEvent::Reject => "reject",
            MarkEvent::Withdraw => "withdraw",
        }
    }

    pub fn parse(code: &str) -> Option<MarkEvent> {
        MarkEvent::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// Who moves a mark: the enterprise that made it, or the bureau reviewing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkActor {
    Enterprise,
    Reviewer,
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a mark that is {} cannot take {} by {}", from.code(), event.code(), match by {
    MarkActor::Enterprise => "the enterprise",
    MarkActor::Reviewer => "a reviewer",
})]
pub struct Refused {
    pub from: MarkState,
    pub event: MarkEvent,
    pub by: MarkActor,
}

/// The lifecycle: the one place that says which event moves a mark where, and who may take it.
pub fn transition(from: MarkState, event: MarkEvent, by: MarkActor) -> Result<MarkState, Refused> {
    use MarkActor::*;
    use MarkEvent::*;
    use MarkState::*;
    match (from, event, by) {
        (Submitted | AwaitingApproval, Accept, Reviewer) => Ok(Accepted),
        (Submitted | AwaitingApproval, Reject, Reviewer) => Ok(Rejected),
        (Submitted | AwaitingApproval, Withdraw, Enterprise) => Ok(Withdrawn),
        _ => Err(Refused { from, event, by }),
    }
}

/// Whether the stored mark `m` is in force (an unknown state is not).
pub fn in_force(m: &store::Mark) -> bool {
    MarkState::parse(&m.state).is_some_and(MarkState::in_force)
}

/// What the marks in force do to one hour of `param` starting at `hour`: `None` leaves it as measured,
/// `Some(None)` takes it out of judgement, `Some(Some(v))` judges the hand-measured value `v`. A mark on
/// the parameter beats one on the whole outlet; the newer of two equal ones wins.
pub fn effect_on_hour(marks: &[store::Mark], param: &str, hour: i64) -> Option<Option<f64>> {
    marks
        .iter()
        .filter(|m| in_force(m) && m.start <= hour && hour < m.end)
        .filter(|m| m.param.as_deref().is_none_or(|p| p == param))
        .max_by_key(|m| (m.param.is_some(), m.id))
        .map(|m| match MarkCategory::parse(&m.category) {
            Some(MarkCategory::ManualValue) => m.value,
            _ => None,
        })
}

/// When the marking of data at `t` closes (`marks.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkSettings {
    /// Hours after the end of the data's local day (`marks.deadline`, default 24: the next day 24:00).
    pub deadline_hours: u32,
    /// Hours per outlet and calendar year a category may cover (`marks.quota_hours`, e.g.
    /// `device_fault=60,start_stop=60`); a category not listed has no quota. The defaults follow GB
    /// 18485-2014's 60 h a year for start, stop and faults of an incinerator (workflows.md A6, marked
    /// unconfirmed there): a setting, not a rule.
    pub quota_hours: Vec<(MarkCategory, u32)>,
}

impl Default for MarkSettings {
    fn default() -> MarkSettings {
        MarkSettings {
            deadline_hours: 24,
            quota_hours: vec![
                (MarkCategory::StartStop, 60),
                (MarkCategory::DeviceFault, 60),
            ],
        }
    }
}

impl MarkSettings {
    /// When the marking of the data at `t` closes: the end of its local day plus the deadline hours.
    pub fn deadline(&self, tz: &TimeZone, t: i64) -> i64 {
        let day_end = next_start(local_start(t, tz, Period::Day), tz, Period::Day);
        day_end.saturating_add(i64::from(self.deadline_hours) * 3600)
    }

    /// Whether a figure over a range ending at `end` (exclusive) is still preliminary at `now`: its last
    /// day is still open to marking.
    pub fn preliminary(&self, tz: &TimeZone, end: i64, now: i64) -> bool {
        now < self.deadline(tz, end - 1)
    }

    /// The end of the data confirmed at `now`: every day ending at or before it is past its deadline.
    pub fn confirmed_before(&self, tz: &TimeZone, now: i64) -> i64 {
        local_start(now - i64::from(self.deadline_hours) * 3600, tz, Period::Day)
    }

    /// The yearly quota of `category`, hours.
    pub fn quota(&self, category: MarkCategory) -> Option<u32> {
        self.quota_hours
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, h)| *h)
    }

    /// Parses `marks.quota_hours`: `category=hours` pairs separated by commas (empty: no quotas).
    pub fn parse_quotas(text: &str) -> Result<Vec<(MarkCategory, u32)>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (c, h) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("{pair:?} is not category=hours"))?;
                let category = MarkCategory::parse(c.trim()).ok_or_else(|| {
                    format!(
                        "{c:?} is not a mark category ({})",
                        MarkCategory::ALL.map(MarkCategory::code).join(", ")
                    )
                })?;
                let hours = h
                    .trim()
                    .parse()
                    .map_err(|_| format!("{h:?} is not a whole number of hours"))?;
                Ok((category, hours))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_in_every_state_for_every_event_and_actor() {
        use MarkState::*;
        let mut allowed = 0;
        for from in MarkState::ALL {
            for event in MarkEvent::ALL {
                for by in [MarkActor::Enterprise, MarkActor::Reviewer] {
                    let got = transition(from, event, by);
                    let open = matches!(from, Submitted | AwaitingApproval);
                    let expected = match (event, by) {
                        (MarkEvent::Accept, MarkActor::Reviewer) if open => Some(Accepted),
                        (MarkEvent::Reject, MarkActor::Reviewer) if open => Some(Rejected),
                        (MarkEvent::Withdraw, MarkActor::Enterprise) if open => Some(Withdrawn),
                        _ => None,
                    };
                    assert_eq!(got.ok(), expected, "{from:?} {event:?} {by:?}");
                    if let Err(e) = got {
                        assert!(e.to_string().contains(from.code()), "{e}");
                    } else {
                        allowed += 1;
                    }
                }
            }
        }
        assert_eq!(allowed, 6, "of 30 (state, event, actor) triples");
        // Only what is in force changes determinations; a late mark waits.
        assert!(MarkState::initial(false).in_force());
        assert!(!MarkState::initial(true).in_force());
        assert!(!Rejected.in_force() && !Withdrawn.in_force() && Accepted.in_force());
        for s in MarkState::ALL {
            assert_eq!(MarkState::parse(s.code()), Some(s));
        }
        for c in MarkCategory::ALL {
            assert_eq!(MarkCategory::parse(c.code()), Some(c));
        }
    }

    fn mark(
        id: i64,
        param: Option<&str>,
        category: &str,
        state: &str,
        value: Option<f64>,
    ) -> store::Mark {
        store::Mark {
            id,
            site_id: "S1".into(),
            param: param.map(str::to_string),
            category: category.into(),
            start: 3600,
            end: 3 * 3600,
            reason: "r".into(),
            value,
            state: state.into(),
            late: false,
            created_by: "e".into(),
            created_at: 0,
            reviewed_by: None,
            reviewed_at: None,
            review_comment: None,
        }
    }

    #[test]
    fn marks_in_force_take_hours_out_or_put_the_manual_value_in() {
        let fault = mark(1, None, "device_fault", "submitted", None);
        let manual = mark(2, Some("a21026"), "manual_value", "accepted", Some(31.5));
        let rejected = mark(3, Some("a21002"), "calibration", "rejected", None);
        let late = mark(4, Some("a21002"), "calibration", "awaiting_approval", None);
        let marks = [fault, manual, rejected, late];
        assert_eq!(effect_on_hour(&marks, "a21026", 0), None, "before");
        assert_eq!(effect_on_hour(&marks, "a21026", 3600), Some(Some(31.5)));
        assert_eq!(
            effect_on_hour(&marks, "a34013", 7200),
            Some(None),
            "outlet-wide"
        );
        // Rejected and awaiting marks do nothing; the outlet-wide fault still holds.
        assert_eq!(effect_on_hour(&marks, "a21002", 3600), Some(None));
        assert_eq!(effect_on_hour(&marks[2..], "a21002", 3600), None);
        assert_eq!(
            effect_on_hour(&marks, "a21026", 3 * 3600),
            None,
            "end is exclusive"
        );
    }

    #[test]
    fn the_deadline_is_the_next_day_24_00_local_by_default() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let at = |s: &str| {
            s.parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap()
                .timestamp()
                .as_second()
        };
        let s = MarkSettings::default();
        assert_eq!(
            s.deadline(&tz, at("2026-12-02T13:00")),
            at("2026-12-04T00:00")
        );
        // A range ending at midnight 3 December covers 2 December: marked by the end of 3 December.
        let end = at("2026-12-03T00:00");
        assert!(s.preliminary(&tz, end, at("2026-12-03T23:59")));
        assert!(!s.preliminary(&tz, end, at("2026-12-04T00:00")));
        assert_eq!(
            s.confirmed_before(&tz, at("2026-12-04T00:00")),
            at("2026-12-03T00:00")
        );
        assert_eq!(
            s.confirmed_before(&tz, at("2026-12-03T23:59")),
            at("2026-12-02T00:00")
        );
        let noon = MarkSettings {
            deadline_hours: 12,
            ..s
        };
        assert!(noon.preliminary(&tz, end, at("2026-12-03T11:59")));
        assert!(!noon.preliminary(&tz, end, at("2026-12-03T12:00")));
    }

    #[test]
    fn quotas_parse_by_category_and_name_what_is_wrong() {
        assert_eq!(
            MarkSettings::parse_quotas(" device_fault=60, start_stop = 48 "),
            Ok(vec![
                (MarkCategory::DeviceFault, 60),
                (MarkCategory::StartStop, 48)
            ])
        );
        assert_eq!(MarkSettings::parse_quotas(""), Ok(vec![]));
        assert!(
            MarkSettings::parse_quotas("fault=60")
                .unwrap_err()
                .contains("\"fault\"")
        );
        assert!(
            MarkSettings::parse_quotas("device_fault")
                .unwrap_err()
                .contains("category=hours")
        );
        assert!(
            MarkSettings::parse_quotas("device_fault=x")
                .unwrap_err()
                .contains("\"x\"")
        );
    }
}
