//! Alarms (workflows.md A5–A6, C3): raised from the stored determinations, one per determination (an
//! exceedance episode, a logger offline, a conflicting re-send, a parameter's silence, a stuck value,
//! over-range or fault hours), with a severity and a
//! lifecycle ([`lifecycle`]) that people move on (acknowledge, resolve, close) and the platform moves by
//! itself: a data problem that has stopped is resolved, a determination withdrawn closes its alarm, and
//! an alarm nobody acknowledged in `alarms.escalate_after_minutes` goes from the county to the city.
//!
//! Recurrence, the stated rule: an alarm follows its determination. While the alarm is not closed, the
//! determination growing again after the alarm was resolved reopens it; once closed, the same
//! determination growing again opens a new alarm; a new determination (a new episode) always opens a
//! new alarm.
//!
//! Routine flags (calibration, maintenance) raise no alarm: they are the logger saying what it does. A
//! parameter's silence while the whole logger is offline raises none either: the offline alarm covers it.
//! Exceedances and conflicting re-sends are resolved by a person only; the rest clear by themselves once
//! they have stopped.

pub mod lifecycle;
pub mod notify;
pub mod rules;

pub use lifecycle::{AlarmEvent, AlarmState, Refused, transition};

use crate::registry::Actor;
use crate::{Error, Result};
use store::{Alarm, AlarmNote, Determination, Store};

/// The settings of alarms (`alarms.*`).
#[derive(Clone, PartialEq, Eq)]
pub struct AlarmSettings {
    /// An alarm still open (not acknowledged) this long after it opened goes to the city
    /// (`alarms.escalate_after_minutes`).
    pub escalate_after_minutes: u32,
    /// Where every alarm event is POSTed (`alarms.webhook_url`, `http://` only); none: no webhook.
    pub webhook_url: Option<String>,
    /// The HMAC key of `X-Qingshan-Signature` (`alarms.webhook_secret`). Never logged or shown.
    pub webhook_secret: Option<String>,
    /// The first wait before a failed delivery is tried again, doubled each time
    /// (`alarms.webhook_retry_s`; e-mail too).
    pub webhook_retry_s: u32,
    /// The SMTP relay alarm e-mails go through, `host:port` (`alarms.smtp_relay`); none: no e-mail.
    pub smtp_relay: Option<String>,
    /// The sender of alarm e-mails (`alarms.smtp_from`).
    pub smtp_from: String,
}

impl std::fmt::Debug for AlarmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlarmSettings")
            .field("escalate_after_minutes", &self.escalate_after_minutes)
            .field("webhook_url", &self.webhook_url)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "(set)"),
            )
            .field("webhook_retry_s", &self.webhook_retry_s)
            .field("smtp_relay", &self.smtp_relay)
            .field("smtp_from", &self.smtp_from)
            .finish()
    }
}

impl Default for AlarmSettings {
    fn default() -> AlarmSettings {
        AlarmSettings {
            escalate_after_minutes: 60,
            webhook_url: None,
            webhook_secret: None,
            webhook_retry_s: 30,
            smtp_relay: None,
            smtp_from: "qingshan@localhost".into(),
        }
    }
}

/// The severity of an alarm raised from a determination of `kind`; `None`: the kind raises none.
pub fn severity_of(kind: &str) -> Option<&'static str> {
    match kind {
        "exceedance" | "offline" | "conflict" | "suspicious_mark" => Some("high"),
        "gap" | "stuck" | "over_range" | "fault" | "comm_fault" | "water_target" => Some("medium"),
        _ => None,
    }
}

const SYSTEM: &str = "system";

/// Whether only a person resolves an alarm of `kind`: an exceedance, and a conflicting re-send (an
/// attempt to rewrite evidence is looked into, not forgotten when it stops).
pub fn person_resolves(kind: &str) -> bool {
    matches!(kind, "exceedance" | "conflict" | "suspicious_mark") || kind.starts_with("rule:")
}

/// Notes what happened to `a` and, with a webhook set, puts its notification in the outbox (the same
/// transaction).
fn note(
    store: &Store,
    settings: &AlarmSettings,
    a: &Alarm,
    at: i64,
    actor: &str,
    event: &str,
    comment: Option<&str>,
) -> store::Result<()> {
    store.add_alarm_note(&AlarmNote {
        alarm_id: a.id,
        at,
        actor: actor.into(),
        event: event.into(),
        comment: comment.map(str::to_string),
    })?;
    // The site (for the recipients and the county) is read only when something will be sent.
    let emailed = settings.smtp_relay.is_some() && EMAILED.contains(&event);
    if !emailed && settings.webhook_url.is_none() {
        return Ok(());
    }
    let site = store.site(&a.site_id)?;
    let outbox = |channel: &str, recipient: Option<String>, body: String| {
        queue(store, a, channel, recipient, event, body, at)
    };
    if emailed && let Some(site) = &site {
        for to in recipients(store, site, event)? {
            outbox("email", Some(to), notify::email(a, site, event, comment))?;
        }
    }
    if settings.webhook_url.is_some() {
        let county = site.and_then(|s| s.county);
        outbox(
            "webhook",
            None,
            notify::payload(a, event, actor, comment, county.as_deref(), at),
        )?;
    }
    Ok(())
}

/// Puts one notification of `a`'s `event` in the outbox.
fn queue(
    store: &Store,
    a: &Alarm,
    channel: &str,
    recipient: Option<String>,
    event: &str,
    body: String,
    at: i64,
) -> store::Result<i64> {
    store.put_delivery(&store::Delivery {
        id: 0,
        alarm_id: Some(a.id),
        case_id: None,
        channel: channel.into(),
        recipient,
        event: event.into(),
        body,
        created_at: at,
        attempts: 0,
        next_attempt_at: Some(at),
        delivered_at: None,
        last_error: None,
    })
}

/// Raises an alarm no determination stands behind (a water section below its reach's target class),
/// in the caller's transaction: stored, noted `opened` (the county's officers e-mailed and the webhook
/// told, as for every alarm) and e-mailed to `also` too (the reach's chiefs).
pub fn raise(
    store: &Store,
    settings: &AlarmSettings,
    mut a: Alarm,
    why: &str,
    also: &[String],
) -> store::Result<Alarm> {
    a.id = store.put_alarm(&a)?;
    note(
        store,
        settings,
        &a,
        a.opened_at,
        SYSTEM,
        "opened",
        Some(why),
    )?;
    if settings.smtp_relay.is_some()
        && let Some(site) = store.site(&a.site_id)?
    {
        let already = recipients(store, &site, "opened")?;
        for to in also.iter().filter(|t| !already.contains(t)) {
            let body = notify::email(&a, &site, "opened", Some(why));
            queue(
                store,
                &a,
                "email",
                Some(to.clone()),
                "opened",
                body,
                a.opened_at,
            )?;
        }
    }
    Ok(a)
}

/// Clears an alarm raised by [`raise`] whose matter is over (the section back at its target), with a
/// note saying why; an alarm already resolved or closed stays as it is.
pub fn clear(
    store: &Store,
    settings: &AlarmSettings,
    a: Alarm,
    now: i64,
    why: &str,
) -> store::Result<Alarm> {
    automatically(store, settings, a, AlarmEvent::Cleared, now, why)
}

/// The events that are e-mailed (the webhook has them all).
const EMAILED: [&str; 2] = ["opened", "escalated"];

/// Who is e-mailed about `event` on an alarm at `site`, by jurisdiction and role: when it opens, the people
/// who handle alarms in the site's county (a jurisdiction that covers it) and the users of the site's
/// enterprise (their own data); when it is escalated, the people who handle alarms city-wide. Accounts
/// that are disabled or gave no address are not. Other events are not e-mailed (the webhook has them all).
fn recipients(store: &Store, site: &store::Site, event: &str) -> store::Result<Vec<String>> {
    use crate::accounts::permissions::{Reach, covers, reach};
    use crate::accounts::{Action, Role, Target};
    let target = Target::site(site);
    Ok(store
        .accounts()?
        .into_iter()
        .filter(|acc| !acc.disabled)
        .filter(|acc| {
            let Ok(role) = Role::parse(&acc.role) else {
                return false;
            };
            match (event, reach(role, Action::AlarmsHandle)) {
                ("opened", Reach::Jurisdiction) => covers(&acc.scopes, target),
                ("opened", Reach::Nowhere) => {
                    role == Role::EnterpriseUser && covers(&acc.scopes, target)
                }
                ("escalated", Reach::Everywhere) => true,
                _ => false,
            }
        })
        .filter_map(|acc| acc.email)
        .collect())
}

/// Moves `a` by an automatic `event` when the lifecycle allows it, with a note.
fn automatically(
    store: &Store,
    settings: &AlarmSettings,
    mut a: Alarm,
    event: AlarmEvent,
    now: i64,
    why: &str,
) -> store::Result<Alarm> {
    let from = AlarmState::parse(&a.state).unwrap_or(AlarmState::Open);
    if let Ok(to) = transition(from, event, person_resolves(&a.kind)) {
        a.state = to.code().into();
        a.changed_at = now;
        store.put_alarm(&a)?;
        note(store, settings, &a, now, SYSTEM, event.code(), Some(why))?;
    }
    Ok(a)
}

/// Keeps the alarms of a determination just stored (by the determination job, in its transaction) in step
/// with it: opens, follows its span, reopens, closes when withdrawn, by the module's rule.
pub fn follow(
    store: &Store,
    settings: &AlarmSettings,
    d: &Determination,
    now: i64,
) -> store::Result<()> {
    // A person's rule carries its own severity.
    let rule_severity = match d.kind.strip_prefix("rule:").and_then(|id| id.parse().ok()) {
        Some(id) => store.alarm_rule(id)?.map(|r| r.severity),
        None => None,
    };
    let Some(severity) = rule_severity.or_else(|| severity_of(&d.kind).map(str::to_string)) else {
        return Ok(());
    };
    let open = |store: &Store| -> store::Result<()> {
        let mut a = Alarm {
            id: 0,
            kind: d.kind.clone(),
            severity: severity.clone(),
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
            mark_id: None,
        };
        a.id = store.put_alarm(&a)?;
        note(store, settings, &a, now, SYSTEM, "opened", None)
    };
    // A parameter's silence while the whole logger is offline is the offline alarm's, not one of its own.
    let offline = |store: &Store| -> store::Result<bool> {
        Ok(d.kind == "gap"
            && store
                .determinations_of(&d.site_id, d.start, d.start + 1, false)?
                .iter()
                .any(|o| o.kind == "offline"))
    };
    match (store.alarm_of_determination(d.id)?, d.withdrawn_at) {
        (None, None) if offline(store)? => Ok(()),
        (None, None) => open(store),
        (None, Some(_)) => Ok(()),
        (Some(a), Some(_)) => {
            let why = withdrawn_because(store, d)?;
            automatically(store, settings, a, AlarmEvent::Withdrawn, now, &why).map(|_| ())
        }
        (Some(a), None) if a.state == AlarmState::Closed.code() => {
            // Grown since it was closed, or determined again after it was withdrawn (a rejected mark, a
            // correction taken back): a new alarm.
            if d.end > a.episode_end || closed_as_withdrawn(store, a.id)? {
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
                let why = "the determination goes on";
                automatically(store, settings, a, AlarmEvent::Recurred, now, why)?;
            }
            Ok(())
        }
    }
}

/// Why determination `d` was withdrawn, as its alarm's note says: the marks in force over it, by name,
/// or the other causes.
fn withdrawn_because(store: &Store, d: &Determination) -> store::Result<String> {
    use crate::supervision::marking::{MarkCategory, in_force};
    let marks: Vec<String> = store
        .marks_of(&d.site_id, d.start, d.end)?
        .iter()
        .filter(|m| in_force(m) && m.param.as_ref().is_none_or(|p| *p == d.param))
        .map(|m| {
            let category =
                MarkCategory::parse(&m.category).map_or(m.category.as_str(), |c| c.code());
            format!(
                "mark {} ({category}) by {}: {}",
                m.id, m.created_by, m.reason
            )
        })
        .collect();
    Ok(if marks.is_empty() {
        "no longer determined (late data, a correction or a permit change)".into()
    } else {
        format!(
            "no longer determined: the data is marked, {}",
            marks.join("; ")
        )
    })
}

/// Whether alarm `id` was closed because its determination was withdrawn.
fn closed_as_withdrawn(store: &Store, id: i64) -> store::Result<bool> {
    Ok(store
        .alarm_notes(id)?
        .last()
        .is_some_and(|n| n.event == AlarmEvent::Withdrawn.code()))
}

/// Raises the alarm of a suspicious mark (`why`: what makes it so) for staff to review, in the mark's
/// transaction. The mark's reviewing closes it ([`mark_reviewed`]).
pub fn suspicious_mark(
    store: &Store,
    settings: &AlarmSettings,
    m: &store::Mark,
    why: &str,
    now: i64,
) -> store::Result<Alarm> {
    let mut a = Alarm {
        id: 0,
        kind: "suspicious_mark".into(),
        severity: "high".into(),
        site_id: m.site_id.clone(),
        param: m.param.clone(),
        determination_id: None,
        state: AlarmState::Open.code().into(),
        level: "county".into(),
        opened_at: now,
        episode_start: m.start,
        episode_end: m.end,
        changed_at: now,
        case_id: None,
        mark_id: Some(m.id),
    };
    a.id = store.put_alarm(&a)?;
    note(store, settings, &a, now, SYSTEM, "opened", Some(why))?;
    Ok(a)
}

/// Resolves the data-problem alarms a mark in force explains (or, resolved already, notes why): not closed, at the mark's site, of its
/// parameter (an outlet-wide mark explains every parameter's), their whole span inside the mark
/// (workflows.md A6: "an automatic segment fully covered by a manual one is suppressed"). Exceedances,
/// conflicting re-sends and rules are not explained away: a mark takes exceedance hours out through the
/// determination instead. A manual value explains nothing (it is data, not a reason for its absence).
/// Returns how many were resolved.
pub fn explained_by_mark(
    store: &Store,
    settings: &AlarmSettings,
    m: &store::Mark,
    now: i64,
) -> store::Result<usize> {
    if m.category == "manual_value" {
        return Ok(0);
    }
    let mut n = 0;
    for a in store.unclosed_alarms()? {
        let covered = a.site_id == m.site_id
            && m.start <= a.episode_start
            && a.episode_end <= m.end
            && (m.param.is_none() || a.param == m.param);
        if covered && !person_resolves(&a.kind) && a.kind != "suspicious_mark" {
            let why = format!("explained by mark {} ({}): {}", m.id, m.category, m.reason);
            if a.state == AlarmState::Resolved.code() {
                // Already cleared by itself: the explanation is kept for whoever closes it.
                note(store, settings, &a, now, SYSTEM, "explained", Some(&why))?;
            } else {
                automatically(store, settings, a, AlarmEvent::Cleared, now, &why)?;
            }
            n += 1;
        }
    }
    Ok(n)
}

/// Notes on `a` that `actor` escalated it into case `case_id` (in the case's transaction).
pub fn note_case(
    store: &Store,
    settings: &AlarmSettings,
    a: &Alarm,
    actor: &str,
    case_id: i64,
    now: i64,
) -> store::Result<()> {
    let why = format!("escalated into case {case_id}");
    note(store, settings, a, now, actor, "case", Some(&why))
}

/// Closes the suspicious-mark alarm of mark `mark_id`, if one is not closed, once the mark is reviewed
/// or withdrawn (`why`).
pub fn mark_reviewed(
    store: &Store,
    settings: &AlarmSettings,
    mark_id: i64,
    why: &str,
    now: i64,
) -> store::Result<()> {
    if let Some(a) = store.alarm_of_mark(mark_id)?
        && a.state != AlarmState::Closed.code()
    {
        automatically(store, settings, a, AlarmEvent::Withdrawn, now, why)?;
    }
    Ok(())
}

/// What the platform does by itself to alarms not closed, at `now`: a data problem whose span ended more
/// than `clear_after_s` ago is resolved (cleared); an alarm still open after the escalation time goes to
/// the city. Returns how many alarms changed.
pub fn housekeeping(
    store: &Store,
    settings: &AlarmSettings,
    clear_after_s: i64,
    now: i64,
) -> store::Result<usize> {
    let mut changed = 0;
    for mut a in store.unclosed_alarms()? {
        let state = AlarmState::parse(&a.state).unwrap_or(AlarmState::Open);
        if !person_resolves(&a.kind)
            && matches!(state, AlarmState::Open | AlarmState::Acknowledged)
            && a.episode_end + clear_after_s <= now
        {
            let why = "the data problem has stopped";
            a = automatically(store, settings, a, AlarmEvent::Cleared, now, why)?;
            changed += 1;
        }
        let escalate_at = a.opened_at + i64::from(settings.escalate_after_minutes) * 60;
        if a.state == AlarmState::Open.code() && a.level == "county" && now >= escalate_at {
            a.level = "city".into();
            a.changed_at = now;
            store.put_alarm(&a)?;
            let why = format!(
                "not acknowledged within {} minutes: escalated from the county to the city",
                settings.escalate_after_minutes
            );
            note(store, settings, &a, now, SYSTEM, "escalated", Some(&why))?;
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
    settings: &AlarmSettings,
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
        let to = transition(from, event, person_resolves(&a.kind))
            .map_err(|e| Error::Conflict(format!("alarm {id}: {e}")))?;
        a.state = to.code().into();
        a.changed_at = now;
        s.put_alarm(&a)?;
        note(s, settings, &a, now, actor.as_str(), event.code(), comment)?;
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

/// What a list of alarms asks for; `None` is no filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A state, or `active` for every state but closed.
    pub state: Option<String>,
    pub kind: Option<String>,
    pub site: Option<String>,
    pub county: Option<String>,
    /// Opened in `[from, to)`.
    pub from: i64,
    pub to: i64,
}

/// The alarms `who` may read that `f` asks for, newest first, each with its site.
pub fn list(
    store: &Store,
    who: &crate::accounts::Principal,
    f: &Filter,
) -> store::Result<Vec<(Alarm, store::Site)>> {
    use crate::accounts::{Action, Target};
    let sites = store.sites()?;
    Ok(store
        .alarms_opened(f.from, f.to)?
        .into_iter()
        .filter(|a| match f.state.as_deref() {
            None => true,
            Some("active") => a.state != AlarmState::Closed.code(),
            Some(s) => a.state == s,
        })
        .filter(|a| f.kind.as_ref().is_none_or(|k| *k == a.kind))
        .filter(|a| f.site.as_ref().is_none_or(|s| *s == a.site_id))
        .filter_map(|a| {
            let site = sites.iter().find(|s| s.id == a.site_id)?.clone();
            let county_ok = f
                .county
                .as_ref()
                .is_none_or(|c| site.county.as_ref() == Some(c));
            (county_ok && who.may(Action::DataRead, Target::site(&site))).then_some((a, site))
        })
        .collect())
}

/// The alarm `id`, for the caller to check who may see or act on it.
pub fn alarm(store: &Store, id: i64) -> Result<Alarm> {
    store
        .alarm(id)?
        .ok_or_else(|| Error::NotFound(format!("alarm {id} does not exist")))
}
