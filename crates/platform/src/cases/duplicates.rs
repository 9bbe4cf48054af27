//! One matter through two front doors: a founded complaint about a reach and a river chief's patrol
//! finding on the same reach and local day are duplicates (issue 15). The finding's case is merged into
//! the complaint's, not the other way round: the reporter is owed the answer, so the complaint's case
//! carries on. Both histories say so, and the audit log has it.

use super::{CaseAction, CaseRole, CaseState, Context, transition};
use crate::Result;
use store::{Case, CaseEvent, Store};

/// Whether `a` and `b` are the same matter by this rule: one a founded complaint, the other a patrol
/// finding, on the same reach, created on the same local day.
pub fn same_matter(a: &Case, b: &Case, ctx: &Context) -> bool {
    fn reach(c: &Case) -> Option<&str> {
        (c.subject_kind == "reach").then_some(c.subject_id.as_deref())?
    }
    let day = |c: &Case| crate::figures::local_date(&ctx.tz, c.created_at);
    let founded_complaint = |c: &Case| c.source == "complaint" && c.founded == Some(true);
    a.id != b.id
        && reach(a).is_some()
        && reach(a) == reach(b)
        && day(a) == day(b)
        && ((founded_complaint(a) && b.source == "patrol")
            || (founded_complaint(b) && a.source == "patrol"))
}

/// Links `c` (a patrol finding just opened, or a complaint just verified founded) with the cases it
/// duplicates, inside the caller's transaction; returns the ids of the findings merged.
pub fn link(s: &Store, ctx: &Context, c: &Case, actor: &str) -> Result<Vec<i64>> {
    if c.subject_kind != "reach" {
        return Ok(Vec::new());
    }
    let day = crate::figures::local_date(&ctx.tz, c.created_at);
    let from = crate::figures::day_start(&ctx.tz, day);
    let to = crate::figures::day_start(
        &ctx.tz,
        day.tomorrow()
            .map_err(|e| crate::Error::Internal(e.to_string()))?,
    );
    let others: Vec<Case> = s
        .cases_created(from, to)?
        .into_iter()
        .filter(|o| same_matter(c, o, ctx) && o.state != CaseState::Merged.code())
        .collect();
    let mut merged = Vec::new();
    if c.source == "patrol" {
        // Into the oldest founded complaint of the day.
        if let Some(into) = others.iter().min_by_key(|o| o.id) {
            merge(s, ctx, c.clone(), into, actor)?;
            merged.push(c.id);
        }
    } else {
        for finding in others {
            let id = finding.id;
            merge(s, ctx, finding, c, actor)?;
            merged.push(id);
        }
    }
    Ok(merged)
}

fn merge(s: &Store, ctx: &Context, mut finding: Case, into: &Case, actor: &str) -> Result<()> {
    let why = format!(
        "duplicate of case {}: a founded complaint on the same reach and day",
        into.id
    );
    let from = CaseState::parse(&finding.state).unwrap_or(CaseState::Created);
    // A finding already finished keeps its state; the link is still written on both sides.
    let to = transition(from, CaseAction::Merge, CaseRole::City).unwrap_or(from);
    if to == CaseState::Merged {
        finding.state = to.code().into();
        finding.merged_into = Some(into.id);
        finding.changed_at = ctx.now;
        s.put_case(&finding)?;
    }
    let event = |case_id: i64, action: &str, from: &str, to: &str, detail: String| CaseEvent {
        case_id,
        at: ctx.now,
        actor: actor.into(),
        action: action.into(),
        from_state: Some(from.into()),
        to_state: to.into(),
        comment: None,
        detail: Some(detail),
    };
    s.add_case_event(&event(
        finding.id,
        CaseAction::Merge.code(),
        from.code(),
        &finding.state,
        why.clone(),
    ))?;
    s.add_case_event(&event(
        into.id,
        "joined",
        &into.state,
        &into.state,
        format!("case {} (a patrol finding) is its duplicate", finding.id),
    ))?;
    s.audit(
        actor,
        "case_merge",
        &format!("case {}", finding.id),
        Some(&why),
    )?;
    Ok(())
}
