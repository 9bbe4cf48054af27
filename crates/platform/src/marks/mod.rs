//! Enterprises mark their outlets' data; the bureau reviews the marks (issue 14 item 2; the rules in
//! [`crate::supervision::marking`]). Every operation checks the permission table and writes its audit
//! entry in the transaction of its change:
//!
//! - [`submit`]: an enterprise user marks a period of an outlet's data (`data.mark`) with a category, a
//!   reason and evidence files ([`crate::attachments`]). Checked: whole hours, not the future, at most 31
//!   days, the parameter is one the outlet sends, the category hierarchy (no fault, maintenance,
//!   calibration or start-up while the source is marked stopped; no two marks of one category over the
//!   same hours) and the yearly quota. Made after `marks.deadline` it waits for approval. A mark in force
//!   queues its days for determination again, so the hours it covers leave (or, for a manual value,
//!   enter) the exceedance determination, and the determination job closes the alarms of what is no longer
//!   determined; the data-problem alarms (a silence, a stuck value, fault flags) it covers whole are
//!   resolved as explained by it. A mark that covers an exceedance episode, or a fault or maintenance mark without
//!   evidence, raises a suspicious-mark alarm for staff.
//! - [`review`]: staff accept or reject (`marks.review`), the enterprise withdraws (`data.mark`); a
//!   mark that stops being in force queues its days again, so a rejected mark restores the
//!   determination. Reviewing closes the mark's suspicious-mark alarm.
//! - [`confirm_due`]: the days whose deadline has passed are confirmed: their values become validated
//!   (the portal no longer calls them preliminary). Data that arrives after its day was confirmed stays
//!   preliminary until its own day is determined again (the determination job confirms a past day it
//!   determines).

use crate::accounts::{Action, Principal, Target};
use crate::alarms::{self, AlarmSettings};
use crate::series::rollups::{local_start, next_start};
use crate::supervision::marking::{
    MarkActor, MarkCategory, MarkEvent, MarkSettings, MarkState, transition,
};
use crate::{Error, Result};
use jiff::tz::TimeZone;
use store::{Attachment, Mark, Period, Site, SiteKind, Store};

const HOUR: i64 = 3600;
/// The longest period one mark may cover.
const MAX_DAYS: i64 = 31;

/// A mark as an enterprise user asks for it (the API's JSON, the console's form), not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkInput {
    pub site: String,
    /// `None`: every parameter of the outlet.
    pub param: Option<String>,
    pub category: String,
    /// `[start, end)`, Unix seconds, whole hours.
    pub start: i64,
    pub end: i64,
    pub reason: String,
    /// The value measured by hand (`manual_value` only).
    pub value: Option<f64>,
}

/// What the operations need of the platform's settings, and the time now.
#[derive(Debug, Clone)]
pub struct Context {
    pub tz: TimeZone,
    pub marks: MarkSettings,
    pub alarms: AlarmSettings,
    pub now: i64,
}

fn invalid(en: String, zh: String) -> Error {
    Error::invalid_both(en, zh)
}

/// Checks `input` against the outlet; returns the category.
fn validate(store: &Store, site: &Site, input: &MarkInput, now: i64) -> Result<MarkCategory> {
    let category = MarkCategory::parse(&input.category).ok_or_else(|| {
        let all = MarkCategory::ALL.map(MarkCategory::code).join(", ");
        invalid(
            format!(
                "category {:?} is not a mark category ({all})",
                input.category
            ),
            format!("标记类别“{}”无效，可选：{all}", input.category),
        )
    })?;
    if !matches!(
        site.kind,
        SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet
    ) {
        return Err(invalid(
            format!(
                "site {} is not an outlet: only outlets' data is marked",
                site.id
            ),
            format!("站点 {} 不是排放口，只能标记排放口数据", site.id),
        ));
    }
    let (start, end) = (input.start, input.end);
    if start % HOUR != 0 || end % HOUR != 0 {
        return Err(invalid(
            "start and end must be whole hours (marks cover hourly data)".into(),
            "起止时间须为整点（按小时标记）".into(),
        ));
    }
    if start >= end {
        return Err(invalid(
            format!("start {start} is not before end {end}"),
            "开始时间须早于结束时间".into(),
        ));
    }
    if end - start > MAX_DAYS * 86_400 {
        return Err(invalid(
            format!(
                "a mark covers at most {MAX_DAYS} days; this one {} hours",
                (end - start) / HOUR
            ),
            format!("一条标记最多覆盖 {MAX_DAYS} 天"),
        ));
    }
    if end > local_start(now, &TimeZone::UTC, Period::Hour) + HOUR {
        return Err(invalid(
            "a mark cannot cover hours that have not begun".into(),
            "不能标记尚未到来的时段".into(),
        ));
    }
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(invalid(
            format!(
                "reason must be 1 to 2,000 characters; it has {}",
                reason.chars().count()
            ),
            "须填写原因（不超过 2000 字）".into(),
        ));
    }
    match (category, input.value, &input.param) {
        (MarkCategory::ManualValue, Some(v), Some(_)) if v.is_finite() && v >= 0.0 => {}
        (MarkCategory::ManualValue, _, _) => {
            return Err(invalid(
                "a manual_value mark needs a parameter and the value measured by hand (a number ≥ 0)".into(),
                "手工监测值录入须指定监测项目和手工监测值（≥ 0）".into(),
            ));
        }
        (_, Some(v), _) => {
            return Err(invalid(
                format!(
                    "only a manual_value mark carries a value; {} has {v}",
                    category.code()
                ),
                "只有手工监测值录入可填写数值".into(),
            ));
        }
        _ => {}
    }
    if let Some(param) = &input.param
        && !crate::figures::fine_params(store, &site.id)?.contains(param)
    {
        return Err(invalid(
            format!("site {} has no data of parameter {param:?}", site.id),
            format!("站点 {} 没有监测项目“{param}”的数据", site.id),
        ));
    }
    Ok(category)
}

/// Refuses a mark that contradicts one already standing (the hierarchy: a stopped source has no
/// faults, maintenance, calibration or start-up; one category is not marked twice over the same hours
/// of the same parameter).
fn check_hierarchy(
    standing: &[Mark],
    category: MarkCategory,
    param: &Option<String>,
) -> Result<()> {
    for m in standing {
        let Some(other) = MarkCategory::parse(&m.category) else {
            continue;
        };
        let stopped_vs_running = (other == MarkCategory::SourceStopped
            && category.needs_running_source())
            || (category == MarkCategory::SourceStopped && other.needs_running_source());
        let params_meet = m.param.is_none() || param.is_none() || m.param == *param;
        if stopped_vs_running {
            return Err(Error::Conflict(format!(
                "mark {} ({}) covers these hours: a stopped source has no {}",
                m.id,
                other.code(),
                if category == MarkCategory::SourceStopped {
                    other.code()
                } else {
                    category.code()
                }
            )));
        }
        if other == category && params_meet {
            return Err(Error::Conflict(format!(
                "mark {} already marks these hours {}",
                m.id,
                category.code()
            )));
        }
    }
    Ok(())
}

/// The yearly quota: the hours of `category` already standing at the outlet in each calendar year the
/// new mark touches, plus its own, within `marks.quota_hours`.
fn check_quota(
    store: &Store,
    ctx: &Context,
    site: &str,
    category: MarkCategory,
    start: i64,
    end: i64,
) -> Result<()> {
    let Some(quota) = ctx.marks.quota(category) else {
        return Ok(());
    };
    let mut from = start;
    while from < end {
        let year = crate::figures::local_date(&ctx.tz, from).year();
        let year_start = crate::figures::day_start(&ctx.tz, jiff::civil::date(year, 1, 1));
        let year_end = crate::figures::day_start(&ctx.tz, jiff::civil::date(year + 1, 1, 1));
        let hours_in = |s: i64, e: i64| (e.min(year_end) - s.max(year_start)).max(0) / HOUR;
        let used: i64 = store
            .marks_of(site, year_start, year_end)?
            .iter()
            .filter(|m| m.category == category.code())
            .filter(|m| MarkState::parse(&m.state).is_some_and(MarkState::counts))
            .map(|m| hours_in(m.start, m.end))
            .sum();
        let new = hours_in(from, end);
        if used + new > i64::from(quota) {
            return Err(invalid(
                format!(
                    "{} is limited to {quota} h a year at an outlet (marks.quota_hours): {used} h are marked at {site} in {year}, this mark adds {new} h",
                    category.code()
                ),
                format!(
                    "“{}”每个排放口每年最多 {quota} 小时：{site} {year} 年已标记 {used} 小时，本次 {new} 小时",
                    category.names().0
                ),
            ));
        }
        from = year_end;
    }
    Ok(())
}

/// Queues every local day `[start, end)` touches for determination.
fn queue_days(store: &Store, tz: &TimeZone, site: &str, start: i64, end: i64) -> store::Result<()> {
    let mut day = local_start(start, tz, Period::Day);
    let mut days = Vec::new();
    while day < end {
        days.push((site.to_string(), day));
        day = next_start(day, tz, Period::Day);
    }
    store.queue_determinations(&days)
}

/// Why a new mark looks like false marking (workflows.md A6), if it does.
fn suspicions(
    store: &Store,
    m: &Mark,
    category: MarkCategory,
    evidence: usize,
) -> store::Result<Vec<String>> {
    let mut why = Vec::new();
    if category.wants_evidence() && evidence == 0 {
        why.push(format!("a {} mark without evidence", category.code()));
    }
    for d in store.determinations_of(&m.site_id, m.start, m.end, false)? {
        if d.kind == "exceedance" && m.param.as_ref().is_none_or(|p| *p == d.param) {
            why.push(format!(
                "it covers the exceedance episode of {} (determination {}, {} – {})",
                d.param, d.id, d.start, d.end
            ));
        }
    }
    Ok(why)
}

/// An enterprise user's mark, with its evidence files (already kept on disk).
pub fn submit(
    store: &mut Store,
    ctx: &Context,
    who: &Principal,
    input: &MarkInput,
    evidence: &[Attachment],
) -> Result<Mark> {
    let site = store
        .site(&input.site)?
        .ok_or_else(|| Error::NotFound(format!("site {} does not exist", input.site)))?;
    who.require(Action::DataMark, Target::site(&site))?;
    let category = validate(store, &site, input, ctx.now)?;
    let standing: Vec<Mark> = store
        .marks_of(&site.id, input.start, input.end)?
        .into_iter()
        .filter(|m| MarkState::parse(&m.state).is_some_and(MarkState::counts))
        .collect();
    check_hierarchy(&standing, category, &input.param)?;
    check_quota(store, ctx, &site.id, category, input.start, input.end)?;
    let late = ctx.now >= ctx.marks.deadline(&ctx.tz, input.start);
    let actor = who.actor();
    store.in_transaction(|s| {
        let mut m = Mark {
            id: 0,
            site_id: site.id.clone(),
            param: input.param.clone(),
            category: category.code().into(),
            start: input.start,
            end: input.end,
            reason: input.reason.trim().to_string(),
            value: input.value,
            state: MarkState::initial(late).code().into(),
            late,
            created_by: actor.as_str().into(),
            created_at: ctx.now,
            reviewed_by: None,
            reviewed_at: None,
            review_comment: None,
        };
        m.id = s.put_mark(&m)?;
        for a in evidence {
            s.attach(&format!("mark:{}", m.id), a)?;
        }
        s.audit(
            actor.as_str(),
            "mark_submit",
            &format!("mark {}", m.id),
            Some(&format!(
                "{} {} at {} {}–{} ({}, {} evidence file(s)){}",
                m.category,
                m.param.as_deref().unwrap_or("(all parameters)"),
                m.site_id,
                m.start,
                m.end,
                m.state,
                evidence.len(),
                if late {
                    ", after the marking deadline"
                } else {
                    ""
                }
            )),
        )?;
        if !late {
            queue_days(s, &ctx.tz, &m.site_id, m.start, m.end)?;
            alarms::explained_by_mark(s, &ctx.alarms, &m, ctx.now)?;
        }
        let why = suspicions(s, &m, category, evidence.len())?;
        if !why.is_empty() {
            alarms::suspicious_mark(s, &ctx.alarms, &m, &why.join("; "), ctx.now)?;
        }
        Ok(m)
    })
}

/// The mark `id`, for the caller to check who may see it.
pub fn mark(store: &Store, id: i64) -> Result<Mark> {
    store
        .mark(id)?
        .ok_or_else(|| Error::NotFound(format!("mark {id} does not exist")))
}

/// A reviewer accepts or rejects mark `id` (a comment is required to reject), or its enterprise
/// withdraws it: the transition, its audit entry, the determination queued again when the mark's
/// effect changed, and the mark's suspicious-mark alarm closed, in one transaction.
pub fn review(
    store: &mut Store,
    ctx: &Context,
    who: &Principal,
    id: i64,
    event: MarkEvent,
    comment: Option<&str>,
) -> Result<Mark> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let actor = who.actor();
    store.in_transaction(|s| {
        let mut m = mark(s, id)?;
        let site = s
            .site(&m.site_id)?
            .ok_or_else(|| Error::NotFound(format!("site {} does not exist", m.site_id)))?;
        let by = match event {
            MarkEvent::Withdraw => {
                who.require(Action::DataMark, Target::site(&site))?;
                MarkActor::Enterprise
            }
            MarkEvent::Accept | MarkEvent::Reject => {
                who.require(Action::MarksReview, Target::site(&site))?;
                MarkActor::Reviewer
            }
        };
        // Checked after the permission: who may not act learns nothing from the rules of the form.
        if comment.is_some_and(|c| c.chars().count() > 2000) {
            return Err(Error::invalid("comment is longer than 2,000 characters"));
        }
        if event == MarkEvent::Reject && comment.is_none() {
            return Err(invalid(
                "rejecting a mark needs a comment saying why".into(),
                "驳回标记须填写理由".into(),
            ));
        }
        let from = MarkState::parse(&m.state).ok_or_else(|| {
            Error::Internal(format!("mark {id} is in an unknown state {:?}", m.state))
        })?;
        let to =
            transition(from, event, by).map_err(|e| Error::Conflict(format!("mark {id}: {e}")))?;
        m.state = to.code().into();
        if by == MarkActor::Reviewer {
            m.reviewed_by = Some(actor.as_str().into());
            m.reviewed_at = Some(ctx.now);
            m.review_comment = comment.map(str::to_string);
        }
        s.put_mark(&m)?;
        s.audit(
            actor.as_str(),
            &format!("mark_{}", event.code()),
            &format!("mark {id}"),
            Some(&format!(
                "{} {} at {}: {} → {}{}",
                m.category,
                m.param.as_deref().unwrap_or("(all parameters)"),
                m.site_id,
                from.code(),
                to.code(),
                comment.map(|c| format!(" ({c})")).unwrap_or_default()
            )),
        )?;
        if from.in_force() != to.in_force() {
            queue_days(s, &ctx.tz, &m.site_id, m.start, m.end)?;
        }
        if to.in_force() {
            alarms::explained_by_mark(s, &ctx.alarms, &m, ctx.now)?;
        }
        let why = format!(
            "the mark was {} by {}{}",
            to.code(),
            actor.as_str(),
            comment.map(|c| format!(": {c}")).unwrap_or_default()
        );
        alarms::mark_reviewed(s, &ctx.alarms, m.id, &why, ctx.now)?;
        Ok(m)
    })
}

/// What a list of marks asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<String>,
    pub site: Option<String>,
    /// Made in `[from, to)`.
    pub from: i64,
    pub to: i64,
}

/// The marks `who` may read that `f` asks for, newest first, each with its site.
pub fn list(store: &Store, who: &Principal, f: &Filter) -> store::Result<Vec<(Mark, Site)>> {
    let sites = store.sites()?;
    Ok(store
        .marks_made(f.from, f.to)?
        .into_iter()
        .filter(|m| f.state.as_ref().is_none_or(|s| *s == m.state))
        .filter(|m| f.site.as_ref().is_none_or(|s| *s == m.site_id))
        .filter_map(|m| {
            let site = sites.iter().find(|s| s.id == m.site_id)?.clone();
            who.may(Action::DataRead, Target::site(&site))
                .then_some((m, site))
        })
        .collect())
}

/// Confirms the outlets' data whose marking deadline has passed at `now` (from where each outlet's
/// confirmed data ended). Returns how many values became validated.
pub fn confirm_due(
    store: &Store,
    tz: &TimeZone,
    settings: &MarkSettings,
    now: i64,
) -> store::Result<u64> {
    let before = settings.confirmed_before(tz, now);
    let mut n = 0;
    for site in store.sites()? {
        if !matches!(
            site.kind,
            SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet
        ) {
            continue;
        }
        let from = store.confirmed_until(&site.id)?.unwrap_or(0);
        if from < before {
            n += store.confirm_values(&site.id, from, before)?;
        }
    }
    Ok(n)
}

/// Confirms one past day of an outlet again (data that came after the day was confirmed), when its
/// deadline has passed at `now`.
pub fn confirm_day(
    store: &Store,
    tz: &TimeZone,
    settings: &MarkSettings,
    site: &str,
    day: i64,
    now: i64,
) -> store::Result<u64> {
    let end = next_start(day, tz, Period::Day);
    if end > settings.confirmed_before(tz, now) {
        return Ok(0);
    }
    store.confirm_values(site, day, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(id: i64, category: &str, param: Option<&str>) -> Mark {
        Mark {
            id,
            site_id: "S1".into(),
            param: param.map(str::to_string),
            category: category.into(),
            start: 0,
            end: 3600,
            reason: "r".into(),
            value: None,
            state: "submitted".into(),
            late: false,
            created_by: "e".into(),
            created_at: 0,
            reviewed_by: None,
            reviewed_at: None,
            review_comment: None,
        }
    }

    #[test]
    fn the_hierarchy_refuses_what_a_stopped_source_cannot_have_and_doubles() {
        let so2 = Some("a21026".to_string());
        let stopped = [standing(1, "source_stopped", None)];
        for c in MarkCategory::ALL {
            let got = check_hierarchy(&stopped, c, &so2);
            let refused = c.needs_running_source() || c == MarkCategory::SourceStopped;
            assert_eq!(got.is_err(), refused, "{c:?}: {got:?}");
        }
        // The other way round: a fault on one parameter forbids marking the source stopped.
        let fault = [standing(2, "device_fault", Some("a21026"))];
        let e = check_hierarchy(&fault, MarkCategory::SourceStopped, &None).unwrap_err();
        assert!(e.to_string().contains("mark 2 (device_fault)"), "{e}");
        // One category twice: only where the parameters meet.
        assert!(check_hierarchy(&fault, MarkCategory::DeviceFault, &so2).is_err());
        assert!(check_hierarchy(&fault, MarkCategory::DeviceFault, &None).is_err());
        assert!(check_hierarchy(&fault, MarkCategory::DeviceFault, &Some("a19001".into())).is_ok());
        assert!(check_hierarchy(&fault, MarkCategory::Calibration, &so2).is_ok());
    }
}
