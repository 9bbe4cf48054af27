//! Cases: one workflow for what the bureau follows up, whatever brought it in (an alarm escalated, a
//! complaint, a patrol's finding, an inspection, a referral; workflows.md C3). A case has a subject, a
//! county, an assignee, a state moved by [`lifecycle::transition`], a clock per step in calendar or
//! working days ([`calendar`]), and a history that only grows. Every operation checks the permission
//! table (`cases.handle` for the bureau's staff, `cases.feedback` for the enterprise concerned) and writes
//! its audit entry and its history in the transaction of its change.
//!
//! Clocks (`cases.*` settings; 信访工作条例 2022 for complaints, workflows.md C1):
//! - received → accepted or not: `notice_days` (15) calendar days (arts. 22–23);
//! - accepted → assigned: `assign_working_days` (5) working days (unconfirmed: a setting);
//! - assigned → handled: `handling_days` (60) calendar days from acceptance (art. 34), or the due date
//!   the assignment sets;
//! - a penalty proposed (立案) → decided: `decision_days` (90);
//! - closed → reply to the reporter: `reply_days` (15); a review (复查/复核): `review_days` (30, art. 35).

pub mod calendar;
pub mod duplicates;
pub mod lifecycle;
pub mod remind;

pub use lifecycle::{CaseAction, CaseRole, CaseState, transition};

use crate::accounts::permissions::Reach;
use crate::accounts::{Action, Principal, Target};
use crate::alarms::AlarmSettings;
use crate::{Error, Result};
use calendar::WorkCalendar;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use store::{Case, CaseEvent, Store};

/// The clocks' lengths and the working-day calendar (`cases.*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSettings {
    pub notice_days: u32,
    pub assign_working_days: u32,
    pub handling_days: u32,
    pub decision_days: u32,
    pub reply_days: u32,
    pub review_days: u32,
    /// A case due within this many days is "due soon".
    pub due_soon_days: u32,
    pub calendar: WorkCalendar,
}

impl Default for CaseSettings {
    fn default() -> CaseSettings {
        CaseSettings {
            notice_days: 15,
            assign_working_days: 5,
            handling_days: 60,
            decision_days: 90,
            reply_days: 15,
            review_days: 30,
            due_soon_days: 3,
            calendar: WorkCalendar::shipped(),
        }
    }
}

/// What the operations need: the settings, the city's zone and the time now.
#[derive(Debug, Clone)]
pub struct Context {
    pub tz: TimeZone,
    pub cases: CaseSettings,
    pub alarms: AlarmSettings,
    pub now: i64,
}

impl Context {
    fn today(&self) -> Date {
        crate::figures::local_date(&self.tz, self.now)
    }
}

/// The reason codes of a case not accepted (《环保举报热线工作管理办法》 art. 8).
pub const DECLINE_REASONS: [&str; 4] = [
    "not_environmental",
    "other_route",
    "repeat_of_accepted",
    "repeat_after_answer",
];

/// Who may see and act on a case: its site's county and enterprise; for a case on a reach, its county
/// and the reach's chiefs.
pub fn target(c: &Case) -> Target<'_> {
    match (c.subject_kind.as_str(), c.subject_id.as_deref()) {
        ("reach", Some(id)) => Target::Reach {
            id,
            county: c.county.as_deref(),
        },
        _ => Target::Site {
            county: c.county.as_deref(),
            enterprise: c.enterprise_id.as_deref(),
        },
    }
}

/// The part `who` plays on case `c`, if any: the city's staff, a county's officer, or the enterprise.
pub fn role_of(who: &Principal, c: &Case) -> Option<CaseRole> {
    if who.may(Action::CasesHandle, target(c)) {
        return Some(match who.reach(Action::CasesHandle) {
            Reach::Everywhere => CaseRole::City,
            _ => CaseRole::County,
        });
    }
    who.may(Action::CaseFeedback, target(c))
        .then_some(CaseRole::Enterprise)
}

/// How a case stands against its clock on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// No clock runs (a finished case, or a step without one).
    None,
    OnTime,
    DueSoon,
    Overdue,
}

impl Clock {
    pub fn code(self) -> &'static str {
        match self {
            Clock::None => "none",
            Clock::OnTime => "on_time",
            Clock::DueSoon => "due_soon",
            Clock::Overdue => "overdue",
        }
    }
}

/// The clock of `c` on `today`: overdue the day after its due date. A complaint received on the 1st is
/// due on the 16th (15 days) and late on the 17th, the 16th day after receipt.
pub fn clock(c: &Case, today: Date, settings: &CaseSettings) -> Clock {
    let open = CaseState::parse(&c.state).is_some_and(CaseState::open)
        || c.state == CaseState::Closed.code();
    let Some(due) = c.due.as_deref().and_then(|d| d.parse::<Date>().ok()) else {
        return Clock::None;
    };
    if !open {
        return Clock::None;
    }
    let soon = due
        .checked_sub(jiff::Span::new().days(i64::from(settings.due_soon_days)))
        .unwrap_or(due);
    if today > due {
        Clock::Overdue
    } else if today >= soon {
        Clock::DueSoon
    } else {
        Clock::OnTime
    }
}

fn plus_days(day: Date, n: u32) -> Date {
    day.checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap_or(day)
}

/// What an action carries besides the comment (the API's JSON, the console's form), not yet checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActInput {
    pub comment: Option<String>,
    /// `decline`: one of [`DECLINE_REASONS`].
    pub reason_code: Option<String>,
    /// `assign`, `reassign`: the unit and person; `assign`: an optional due date (`YYYY-MM-DD`).
    pub unit: Option<String>,
    pub assignee: Option<String>,
    pub due: Option<String>,
    /// `verify`: whether the matter was founded.
    pub founded: Option<bool>,
    /// `decide_penalty`: the decision's number, amount (yuan) and measures.
    pub number: Option<String>,
    pub amount: Option<f64>,
    pub measures: Option<String>,
    /// `merge`: the case this one duplicates.
    pub into: Option<i64>,
    /// Files that go with the step (a site photo, an inspection record, a decision), kept already; the
    /// case holds them and its history names them.
    pub attachments: Vec<store::Attachment>,
}

/// A typed text field, trimmed (`None` when blank); longer than `max` characters is refused by name.
fn text(v: &Option<String>, max: usize, what: &str) -> Result<Option<String>> {
    match v.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if t.chars().count() > max => Err(Error::invalid(format!(
            "{what} is longer than {max} characters"
        ))),
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn needs(what: &str, action: CaseAction) -> Error {
    Error::invalid(format!("{} needs {what}", action.code()))
}

/// Applies what `action` carries to `c` (entering `to`), setting the next clock; returns the event's
/// detail in words.
fn apply(
    store: &Store,
    c: &mut Case,
    action: CaseAction,
    to: CaseState,
    input: &ActInput,
    ctx: &Context,
) -> Result<Option<String>> {
    let s = &ctx.cases;
    let today = ctx.today();
    let detail = match action {
        CaseAction::Accept => {
            c.accepted_on = Some(today.to_string());
            None
        }
        CaseAction::Decline => {
            let code = text(&input.reason_code, 40, "reason_code")?
                .ok_or_else(|| needs("a reason_code", action))?;
            if !DECLINE_REASONS.contains(&code.as_str()) {
                return Err(Error::invalid(format!(
                    "reason_code {code:?} is not one of {}",
                    DECLINE_REASONS.join(", ")
                )));
            }
            c.reason_code = Some(code.clone());
            Some(format!("reason: {code}"))
        }
        CaseAction::Assign | CaseAction::Reassign => {
            let unit = text(&input.unit, 100, "unit")?;
            let assignee = text(&input.assignee, 100, "assignee")?;
            if unit.is_none() && (action == CaseAction::Assign || assignee.is_none()) {
                return Err(needs("a unit", action));
            }
            if let Some(u) = &unit {
                c.unit = Some(u.clone());
            }
            if assignee.is_some() {
                c.assignee = assignee;
            }
            if let Some(due) = text(&input.due, 10, "due")? {
                let day: Date = due.parse().map_err(|_| {
                    Error::invalid(format!("due {due:?} is not a date (YYYY-MM-DD)"))
                })?;
                if day < today {
                    return Err(Error::invalid(format!("due {due} is in the past")));
                }
                c.due = Some(day.to_string());
            }
            Some(format!(
                "{} {}{}",
                c.unit.as_deref().unwrap_or(""),
                c.assignee.as_deref().unwrap_or(""),
                input
                    .due
                    .as_deref()
                    .map(|d| format!(", due {d}"))
                    .unwrap_or_default()
            ))
        }
        CaseAction::Verify => {
            let founded = input
                .founded
                .ok_or_else(|| needs("founded (true or false)", action))?;
            c.founded = Some(founded);
            Some(if founded { "founded" } else { "not founded" }.into())
        }
        CaseAction::ProposePenalty => {
            if c.founded != Some(true) {
                return Err(Error::Conflict(format!(
                    "case {}: a penalty is proposed only for a founded case",
                    c.id
                )));
            }
            None
        }
        CaseAction::DecidePenalty => {
            let number = text(&input.number, 100, "number")?
                .ok_or_else(|| needs("the decision's number", action))?;
            let amount = input
                .amount
                .filter(|a| a.is_finite() && *a >= 0.0)
                .ok_or_else(|| needs("the amount in yuan (a number ≥ 0)", action))?;
            let measures = text(&input.measures, 500, "measures")?
                .ok_or_else(|| needs("the measures", action))?;
            let d = format!("{number}: ¥{amount}, {measures}");
            (c.penalty_number, c.penalty_amount, c.penalty_measures) =
                (Some(number), Some(amount), Some(measures));
            Some(d)
        }
        CaseAction::Merge => {
            let into = input
                .into
                .ok_or_else(|| needs("the case it duplicates (into)", action))?;
            let other = store
                .case(into)?
                .ok_or_else(|| Error::NotFound(format!("case {into} does not exist")))?;
            if into == c.id || !CaseState::parse(&other.state).is_some_and(CaseState::open) {
                return Err(Error::Conflict(format!(
                    "case {} cannot be merged into case {into}: it must be another case still open",
                    c.id
                )));
            }
            c.merged_into = Some(into);
            Some(format!("duplicate of case {into}"))
        }
        CaseAction::Feedback
        | CaseAction::Close
        | CaseAction::Reply
        | CaseAction::RequestReview
        | CaseAction::AnswerReview
        | CaseAction::Comment => None,
    };
    // The clock of the step entered (a step that keeps the state keeps its clock).
    if action != CaseAction::Comment && action != CaseAction::Reassign {
        c.due = match to {
            CaseState::Created => Some(plus_days(today, s.notice_days)),
            CaseState::Accepted => Some(s.calendar.add_working_days(today, s.assign_working_days)),
            CaseState::Assigned => match (&c.due, action) {
                (Some(d), CaseAction::Assign) if text(&input.due, 10, "due")?.is_some() => {
                    d.parse().ok()
                }
                _ => c
                    .accepted_on
                    .as_deref()
                    .and_then(|d| d.parse::<Date>().ok())
                    .map(|d| plus_days(d, s.handling_days)),
            },
            CaseState::Feedback | CaseState::Verified => {
                c.due.as_deref().and_then(|d| d.parse().ok())
            }
            CaseState::Proposed => Some(plus_days(today, s.decision_days)),
            CaseState::Closed if c.source == "complaint" => Some(plus_days(today, s.reply_days)),
            CaseState::UnderReview => Some(plus_days(today, s.review_days)),
            _ => None,
        }
        .map(|d| d.to_string());
    }
    Ok(detail)
}

/// `who` takes `action` on case `id`: the lifecycle, what the action carries, the next clock, the
/// history and the audit entry, in one transaction.
pub fn act(
    store: &mut Store,
    ctx: &Context,
    who: &Principal,
    id: i64,
    action: CaseAction,
    input: &ActInput,
) -> Result<Case> {
    store.in_transaction(|s| act_within(s, ctx, who, id, action, input))
}

/// [`act`] inside the caller's transaction.
pub fn act_within(
    s: &Store,
    ctx: &Context,
    who: &Principal,
    id: i64,
    action: CaseAction,
    input: &ActInput,
) -> Result<Case> {
    let actor = who.actor();
    let mut c = case(s, id)?;
    let Some(by) = role_of(who, &c) else {
        return Err(Error::Forbidden(format!(
            "case {id} is outside your role or jurisdiction"
        )));
    };
    let from = CaseState::parse(&c.state).ok_or_else(|| {
        Error::Internal(format!("case {id} is in an unknown state {:?}", c.state))
    })?;
    let to =
        transition(from, action, by).map_err(|e| Error::Conflict(format!("case {id}: {e}")))?;
    let comment = text(&input.comment, 2000, "comment")?;
    if action == CaseAction::Comment && comment.is_none() {
        return Err(needs("a comment", action));
    }
    let mut detail = apply(s, &mut c, action, to, input, ctx)?;
    if input.attachments.len() > 10 {
        return Err(Error::invalid("a step carries at most 10 files"));
    }
    for a in &input.attachments {
        s.attach(&owner(id), a)?;
    }
    if !input.attachments.is_empty() {
        let names: Vec<&str> = input.attachments.iter().map(|a| a.name.as_str()).collect();
        let files = format!("files: {}", names.join(", "));
        detail = Some(match detail {
            Some(d) => format!("{d}; {files}"),
            None => files,
        });
    }
    c.state = to.code().into();
    c.changed_at = ctx.now;
    s.put_case(&c)?;
    s.add_case_event(&CaseEvent {
        case_id: id,
        at: ctx.now,
        actor: actor.as_str().into(),
        action: action.code().into(),
        from_state: Some(from.code().into()),
        to_state: to.code().into(),
        comment: comment.clone(),
        detail: detail.clone(),
    })?;
    s.audit(
        actor.as_str(),
        &format!("case_{}", action.code()),
        &format!("case {id}"),
        Some(&format!(
            "{} → {}{}",
            from.code(),
            to.code(),
            detail.map(|d| format!(" ({d})")).unwrap_or_default()
        )),
    )?;
    if action == CaseAction::Verify && c.founded == Some(true) {
        duplicates::link(s, ctx, &c, actor.as_str())?;
    }
    Ok(c)
}

/// A new case from `source` (received today, its notice clock running), to be filled in by the caller
/// and stored with [`open`].
pub fn blank(source: &str, title: String, description: String, ctx: &Context, by: &str) -> Case {
    received(
        source,
        title,
        description,
        by,
        (ctx.now, ctx.today()),
        &ctx.cases,
    )
}

/// A new case from `source` received by `by` at `now` on the local day `today`, its notice clock
/// running: [`blank`] for a front door without a full [`Context`] (the public's complaints).
pub fn received(
    source: &str,
    title: String,
    description: String,
    by: &str,
    (now, today): (i64, Date),
    settings: &CaseSettings,
) -> Case {
    Case {
        id: 0,
        source: source.into(),
        source_ref: None,
        subject_kind: "place".into(),
        subject_id: None,
        site_id: None,
        enterprise_id: None,
        county: None,
        title,
        description,
        state: CaseState::Created.code().into(),
        unit: None,
        assignee: None,
        due: Some(plus_days(today, settings.notice_days).to_string()),
        accepted_on: None,
        founded: None,
        penalty_number: None,
        penalty_amount: None,
        penalty_measures: None,
        reason_code: None,
        merged_into: None,
        created_by: by.into(),
        created_at: now,
        changed_at: now,
    }
}

/// Stores a new case with its first history entry (`created`, saying where it came from) and its audit
/// entry, inside the caller's transaction.
pub fn open(s: &Store, mut c: Case, comment: Option<&str>, detail: &str) -> Result<Case> {
    c.id = s.put_case(&c)?;
    s.add_case_event(&CaseEvent {
        case_id: c.id,
        at: c.created_at,
        actor: c.created_by.clone(),
        action: "created".into(),
        from_state: None,
        to_state: c.state.clone(),
        comment: text(&comment.map(str::to_string), 2000, "comment")?,
        detail: Some(detail.into()),
    })?;
    s.audit(
        &c.created_by,
        "case_create",
        &format!("case {}", c.id),
        Some(detail),
    )?;
    Ok(c)
}

/// What a case's files are held under (`Attachments`).
pub fn owner(id: i64) -> String {
    format!("case:{id}")
}

/// The case `id`, for the caller to check who may see it.
pub fn case(store: &Store, id: i64) -> Result<Case> {
    store
        .case(id)?
        .ok_or_else(|| Error::NotFound(format!("case {id} does not exist")))
}

/// Opens a case from alarm `alarm_id` (its site, county and enterprise; the alarm links to the case and
/// the case to the alarm), in one transaction with the alarm's note and the audit entry.
pub fn escalate_alarm(
    store: &mut Store,
    ctx: &Context,
    who: &Principal,
    alarm_id: i64,
    comment: Option<&str>,
) -> Result<Case> {
    let actor = who.actor();
    store.in_transaction(|s| {
        let mut alarm = crate::alarms::alarm(s, alarm_id)?;
        let site = s
            .site(&alarm.site_id)?
            .ok_or_else(|| Error::NotFound(format!("site {} does not exist", alarm.site_id)))?;
        who.require(Action::CasesHandle, Target::site(&site))?;
        if let Some(existing) = alarm.case_id {
            return Err(Error::Conflict(format!(
                "alarm {alarm_id} is already escalated into case {existing}"
            )));
        }
        let comment = text(&comment.map(str::to_string), 2000, "comment")?;
        let title = format!(
            "{} {} · {} {}",
            alarm.kind,
            alarm.param.as_deref().unwrap_or(""),
            site.id,
            site.name
        );
        let description = format!(
            "alarm {alarm_id} ({}, {}): {} – {}{}",
            alarm.kind,
            alarm.severity,
            crate::figures::fmt_time(&ctx.tz, alarm.episode_start),
            crate::figures::fmt_time(&ctx.tz, alarm.episode_end),
            comment
                .as_deref()
                .map(|c| format!("\n{c}"))
                .unwrap_or_default()
        );
        let c = open(
            s,
            Case {
                source_ref: Some(format!("alarm:{alarm_id}")),
                subject_kind: "site".into(),
                subject_id: Some(site.id.clone()),
                site_id: Some(site.id.clone()),
                enterprise_id: site.enterprise_id.clone(),
                county: site.county.clone(),
                ..blank("alarm", title, description, ctx, actor.as_str())
            },
            comment.as_deref(),
            &format!("from alarm {alarm_id} at {}", site.id),
        )?;
        alarm.case_id = Some(c.id);
        alarm.changed_at = ctx.now;
        s.put_alarm(&alarm)?;
        crate::alarms::note_case(s, &ctx.alarms, &alarm, actor.as_str(), c.id, ctx.now)?;
        Ok(c)
    })
}

/// What a list of cases asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A state, or `open` for every state still being worked on.
    pub state: Option<String>,
    pub county: Option<String>,
    /// `overdue` or `due_soon`.
    pub clock: Option<String>,
    /// Created in `[from, to)`.
    pub from: i64,
    pub to: i64,
}

/// The cases `who` may read that `f` asks for, newest first, each with its clock on `today`.
pub fn list(
    store: &Store,
    who: &Principal,
    f: &Filter,
    today: Date,
    settings: &CaseSettings,
) -> store::Result<Vec<(Case, Clock)>> {
    Ok(store
        .cases_created(f.from, f.to)?
        .into_iter()
        .filter(|c| who.may(Action::DataRead, target(c)))
        .filter(|c| match f.state.as_deref() {
            None => true,
            Some("open") => CaseState::parse(&c.state).is_some_and(CaseState::open),
            Some(s) => c.state == s,
        })
        .filter(|c| {
            f.county
                .as_ref()
                .is_none_or(|k| c.county.as_ref() == Some(k))
        })
        .map(|c| {
            let k = clock(&c, today, settings);
            (c, k)
        })
        .filter(|(_, k)| f.clock.as_deref().is_none_or(|want| want == k.code()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn with(state: &str, due: Option<&str>) -> Case {
        Case {
            id: 1,
            source: "complaint".into(),
            source_ref: None,
            subject_kind: "place".into(),
            subject_id: None,
            site_id: None,
            enterprise_id: None,
            county: Some("530602".into()),
            title: "t".into(),
            description: "d".into(),
            state: state.into(),
            unit: None,
            assignee: None,
            due: due.map(str::to_string),
            accepted_on: None,
            founded: None,
            penalty_number: None,
            penalty_amount: None,
            penalty_measures: None,
            reason_code: None,
            merged_into: None,
            created_by: "x".into(),
            created_at: 0,
            changed_at: 0,
        }
    }

    #[test]
    fn the_notice_clock_flags_an_unaccepted_complaint_on_day_16() {
        let s = CaseSettings::default();
        // Received on 1 March: due 15 days later, on 16 March; late from the 17th, the 16th day after.
        let received = date(2026, 3, 1);
        let due = plus_days(received, s.notice_days);
        assert_eq!(due, date(2026, 3, 16));
        let c = with("created", Some(&due.to_string()));
        assert_eq!(clock(&c, date(2026, 3, 12), &s), Clock::OnTime);
        assert_eq!(clock(&c, date(2026, 3, 13), &s), Clock::DueSoon);
        assert_eq!(clock(&c, date(2026, 3, 16), &s), Clock::DueSoon);
        assert_eq!(clock(&c, date(2026, 3, 17), &s), Clock::Overdue);
        // A finished case has no clock.
        assert_eq!(
            clock(&with("replied", Some("2026-03-16")), date(2026, 4, 1), &s),
            Clock::None
        );
        assert_eq!(
            clock(&with("created", None), date(2026, 4, 1), &s),
            Clock::None
        );
    }
}
