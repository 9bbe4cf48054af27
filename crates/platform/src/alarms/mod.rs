//! Alarms (workflows.md A5–A6, C3): raised from the stored determinations, one per determination (an
//! exceedance episode, a silence, a stuck value, over-range or fault hours), with a severity and a
//! lifecycle ([`lifecycle`]) that people move on (acknowledge, resolve, close) and the platform moves by
//! itself: a data problem that has stopped is resolved, a determination withdrawn closes its alarm, and
//! an alarm nobody acknowledged in `alarms.escalate_after_minutes` goes from the county to the city.
//!
//! Recurrence, the stated rule: an alarm follows its determination. While the alarm is not closed, the
//! determination growing again after the alarm was resolved reopens it; once closed, the same
//! determination growing again opens a new alarm; a new determination (a new episode) always opens a
//! new alarm.
//!
//! Routine flags (calibration, maintenance) raise no alarm: they are the logger saying what it does.

pub mod lifecycle;

pub use lifecycle::{AlarmEvent, AlarmState, Refused, transition};

use crate::registry::Actor;
use crate::{Error, Result};
use store::{Alarm, AlarmNote, Determination, Store};

/// The settings of alarms (`alarms.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmSettings {
    /// An alarm still open (not acknowledged) this long after it opened goes to the city
    /// (`alarms.escalate_after_minutes`).
    pub escalate_after_minutes: u32,
}

impl Default for AlarmSettings {
    fn default() -> AlarmSettings {
        AlarmSettings {
            escalate_after_minutes: 60,
        }
    }
}

/// The severity of an alarm raised from a determination of `kind`; `None`: the kind raises none.
pub fn severity_of(kind: &str) -> Option<&'static str> {
    match kind {
        "exceedance" => Some("high"),
        "gap" | "stuck" | "over_range" | "fault" | "comm_fault" => Some("medium"),
        _ => None,
    }
}

const SYSTEM: &str = "system";

fn note(
    store: &Store,
    alarm_id: i64,
    at: i64,
    actor: &str,
    event: &str,
    comment: Option<&str>,
) -> store::Result<()> {
    store.add_alarm_note(&AlarmNote {
        alarm_id,
        at,
        actor: actor.into(),
        event: event.into(),
        comment: comment.map(str::to_string),
    })
}

/// Moves `a` by an automatic `event` when the lifecycle allows it, with a note.
fn automatically(
    store: &Store,
    mut a: Alarm,
    event: AlarmEvent,
    now: i64,
    why: &str,
) -> store::Result<Alarm> {
    let exceedance = a.kind == "exceedance";
    let from = AlarmState::parse(&a.state).unwrap_or(AlarmState::Open);
    if let Ok(to) = transition(from, event, exceedance) {
        a.state = to.code().into();
        a.changed_at = now;
        store.put_alarm(&a)?;
        note(store, a.id, now, SYSTEM, event.code(), Some(why))?;
    }
    Ok(a)
}

/// Keeps the alarms of a determination just stored (by the determination job, in its transaction) in step
/// with it: opens, follows its span, reopens, closes when withdrawn, by the module's rule.
pub fn follow(store: &Store, d: &Determination, now: i64) -> store::Result<()> {
    let Some(severity) = severity_of(&d.kind) else {
        return Ok(());
    };
    let open = |store: &Store| -> store::Result<()> {
        let id = store.put_alarm(&Alarm {
            id: 0,
            kind: d.kind.clone(),
            severity: severity.into(),
            site_id: d.site_id.clone(),
            param: Some(d.param.clone()),
            determination_id: Some(d.id),
            state: AlarmState::Open.code().into(),
            level: "county".into(),
            opened_at: now,
            episode_start: d.start,
            episode_end: d.end,
            changed_at: now,
            case_id: None,
        })?;
        note(store, id, now, SYSTEM, "opened", None)
    };
    match (store.alarm_of_determination(d.id)?, d.withdrawn_at) {
        (None, None) => open(store),
        (None, Some(_)) => Ok(()),
        (Some(a), Some(_)) => automatically(
            store,
            a,
            AlarmEvent::Withdrawn,
            now,
            "no longer determined (late data, an accepted mark, a correction or a permit change)",
        )
        .map(|_| ()),
        (Some(a), None) if a.state == AlarmState::Closed.code() => {
            if d.end > a.episode_end {
                open(store)
            } else {
                Ok(())
            }
        }
        (Some(mut a), None) => {
            let grew = d.end > a.episode_end;
            if (a.episode_start, a.episode_end) != (d.start, d.end) {
                a.episode_start = d.start;
                a.episode_end = d.end;
                a.changed_at = now;
                store.put_alarm(&a)?;
            }
            if grew && a.state == AlarmState::Resolved.code() {
                automatically(
                    store,
                    a,
                    AlarmEvent::Recurred,
                    now,
                    "the determination goes on",
                )?;
            }
            Ok(())
        }
    }
}

/// What the platform does by itself to alarms not closed, at `now`: a data problem whose span ended more
/// than `clear_after_s` ago is resolved (cleared); an alarm still open after the escalation time goes to
/// the city. Returns how many alarms changed.
pub fn housekeeping(
    store: &Store,
    settings: AlarmSettings,
    clear_after_s: i64,
    now: i64,
) -> store::Result<usize> {
    let mut changed = 0;
    for a in store.unclosed_alarms()? {
        let mut a = a;
        let state = AlarmState::parse(&a.state).unwrap_or(AlarmState::Open);
        if a.kind != "exceedance"
            && matches!(state, AlarmState::Open | AlarmState::Acknowledged)
            && a.episode_end + clear_after_s <= now
        {
            a = automatically(
                store,
                a,
                AlarmEvent::Cleared,
                now,
                "the data problem has stopped",
            )?;
            changed += 1;
        }
        let escalate_at = a.opened_at + i64::from(settings.escalate_after_minutes) * 60;
        if a.state == AlarmState::Open.code() && a.level == "county" && now >= escalate_at {
            a.level = "city".into();
            a.changed_at = now;
            store.put_alarm(&a)?;
            note(
                store,
                a.id,
                now,
                SYSTEM,
                "escalated",
                Some(&format!(
                    "not acknowledged within {} minutes: escalated from the county to the city",
                    settings.escalate_after_minutes
                )),
            )?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// A person's `event` on alarm `id` (acknowledge, resolve, close) with an optional comment: the
/// transition, its note and its audit entry in one transaction. The caller has checked the person may
/// act on the alarm's site.
pub fn act(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    event: AlarmEvent,
    comment: Option<&str>,
    now: i64,
) -> Result<Alarm> {
    if let Some(c) = comment
        && c.chars().count() > 2000
    {
        return Err(Error::invalid("comment is longer than 2,000 characters"));
    }
    store.in_transaction(|s| {
        let mut a = s
            .alarm(id)?
            .ok_or_else(|| Error::NotFound(format!("alarm {id} does not exist")))?;
        let from = AlarmState::parse(&a.state).ok_or_else(|| {
            Error::Internal(format!("alarm {id} is in an unknown state {:?}", a.state))
        })?;
        let to = transition(from, event, a.kind == "exceedance")
            .map_err(|e| Error::Conflict(format!("alarm {id}: {e}")))?;
        a.state = to.code().into();
        a.changed_at = now;
        s.put_alarm(&a)?;
        note(s, id, now, actor.as_str(), event.code(), comment)?;
        s.audit(
            actor.as_str(),
            &format!("alarm_{}", event.code()),
            &format!("alarm {id}"),
            Some(&format!(
                "{} {} at {}: {} → {}{}",
                a.kind,
                a.param.as_deref().unwrap_or(""),
                a.site_id,
                from.code(),
                to.code(),
                comment.map(|c| format!(" ({c})")).unwrap_or_default()
            )),
        )?;
        Ok(a)
    })
}

/// The alarm `id`, for the caller to check who may see or act on it.
pub fn alarm(store: &Store, id: i64) -> Result<Alarm> {
    store
        .alarm(id)?
        .ok_or_else(|| Error::NotFound(format!("alarm {id} does not exist")))
}
