//! Reminders of cases' clocks through the alarm channels: an open case due within `due_soon_days`, or
//! past its due date, is told once per kind and due date to the webhook (`alarms.webhook_url`, signed like
//! alarms) and by e-mail to the people who handle cases in its county (overdue: the city's too), written
//! to the outbox with a note in the case's history, in one transaction.

use super::{CaseSettings, Clock, clock, target};
use crate::accounts::permissions::{Reach, covers, reach};
use crate::accounts::{Action, Role};
use crate::alarms::AlarmSettings;
use jiff::tz::TimeZone;
use store::{Case, CaseEvent, Delivery, Store};

/// The JSON body of a case reminder.
pub fn payload(c: &Case, event: &str, at: i64) -> String {
    let time =
        |t: i64| jiff::Timestamp::from_second(t).map_or_else(|_| t.to_string(), |t| t.to_string());
    serde_json::json!({
        "event": event, "at": time(at),
        "case": {"id": c.id, "title": c.title, "source": c.source, "county": c.county, "state": c.state,
                 "due": c.due, "unit": c.unit, "assignee": c.assignee},
    })
    .to_string()
}

/// A case reminder e-mail: the subject, a blank line, the text (no reporter's data: a case holds none).
pub fn email(c: &Case, event: &str) -> String {
    let what = if event == "case_overdue" {
        "案件已超期 / case overdue"
    } else {
        "案件即将到期 / case due soon"
    };
    format!(
        "[青山 Qingshan] {what}: #{} {}\n\n案件 / case #{}\n事项 / matter: {}\n区县 / county: {}\n\
         状态 / state: {}\n期限 / due: {}\n承办 / assigned to: {} {}\n",
        c.id,
        c.title,
        c.id,
        c.title,
        c.county.as_deref().unwrap_or("—"),
        c.state,
        c.due.as_deref().unwrap_or("—"),
        c.unit.as_deref().unwrap_or(""),
        c.assignee.as_deref().unwrap_or("")
    )
}

/// Who is e-mailed about case `c`: the people who handle cases where it is (a county's officers), and
/// for an overdue case the city's as well. Accounts disabled or without an address are not.
fn recipients(store: &Store, c: &Case, event: &str) -> store::Result<Vec<String>> {
    Ok(store
        .accounts()?
        .into_iter()
        .filter(|acc| !acc.disabled)
        .filter(|acc| {
            let Ok(role) = Role::parse(&acc.role) else {
                return false;
            };
            match reach(role, Action::CasesHandle) {
                Reach::Jurisdiction => covers(&acc.scopes, target(c)),
                Reach::Everywhere => event == "case_overdue",
                Reach::Nowhere => false,
            }
        })
        .filter_map(|acc| acc.email)
        .collect())
}

/// Sends the reminders due at `now`; returns how many cases were reminded.
pub fn remind(
    store: &Store,
    settings: &CaseSettings,
    alarms: &AlarmSettings,
    tz: &TimeZone,
    now: i64,
) -> store::Result<usize> {
    let today = crate::figures::local_date(tz, now);
    let mut n = 0;
    for c in store.open_cases()? {
        let event = match clock(&c, today, settings) {
            Clock::Overdue => "case_overdue",
            Clock::DueSoon => "case_due_soon",
            Clock::OnTime | Clock::None => continue,
        };
        let Some(due) = c.due.clone() else { continue };
        if !store.record_case_reminder(c.id, event, &due, now)? {
            continue;
        }
        let outbox = |channel: &str, recipient: Option<String>, body: String| {
            store.put_delivery(&Delivery {
                id: 0,
                alarm_id: None,
                case_id: Some(c.id),
                channel: channel.into(),
                recipient,
                event: event.into(),
                body,
                created_at: now,
                attempts: 0,
                next_attempt_at: Some(now),
                delivered_at: None,
                last_error: None,
            })
        };
        if alarms.webhook_url.is_some() {
            outbox("webhook", None, payload(&c, event, now))?;
        }
        if alarms.smtp_relay.is_some() {
            for to in recipients(store, &c, event)? {
                outbox("email", Some(to), email(&c, event))?;
            }
        }
        store.add_case_event(&CaseEvent {
            case_id: c.id,
            at: now,
            actor: "system".into(),
            action: "reminded".into(),
            from_state: Some(c.state.clone()),
            to_state: c.state.clone(),
            comment: None,
            detail: Some(format!("{event}: due {due}")),
        })?;
        n += 1;
    }
    Ok(n)
}
