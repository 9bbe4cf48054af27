//! Staff corrections of stored values (issue 14 item 3).
//!
//! A correction is a record beside the values: the journal and the stored values are never changed, so
//! the evidence stays as received. Reading a series through [`read`] gives each value as corrected, with
//! the stored one beside it and the correction's id; everything derived from fine values (the hourly
//! rollups and through them the daily ones, the exceedance determinations and the emission quantities,
//! the devices' own hourly and daily values the figures fall back to) reads through it, so a correction
//! changes them once its hours are rolled up again ([`correct`] marks them).
//!
//! What a correction covers: every stored value of its site and parameter whose whole interval lies
//! inside `[start, end)`. A real-time or minute value is a sample at its data time (its span is the
//! device's upload spacing, which the value does not carry), so it is covered when `start <= time < end`;
//! a device's hourly value (CN 2061) when its hour `[time, time + 1 h)` is inside; a daily value (CN 2031)
//! only when its whole day `[time, time + 24 h)` is. A correction never invents a value where nothing was
//! received: a gap stays a gap (an enterprise's manual-value mark is for that). Where several corrections
//! cover a value the newest (highest id) wins; a withdrawn one no longer applies.
//!
//! A corrected value counts as a normal (`N`) value: staff vouch for it, whatever flag the device sent
//! (a device-fault value corrected is valid data). Its device min, max and cumulative figures no longer
//! describe it and are left out; the stored value, flag included, is the `original`.
//!
//! Data problems (gaps, stuck values, flagged durations) are read from the values as received, not
//! through here: they describe what the device did, and correcting a stuck value must not erase the
//! evidence that the analyser was stuck.

use crate::accounts::{Action, Principal, Target};
use crate::{Error, Result};
use store::{Attachment, Correction, Interval, Site, Store, Value};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// The longest period one correction may cover.
pub const MAX_DAYS: i64 = 31;
/// The longest reason, in characters.
const MAX_REASON: usize = 2000;

/// A correction as staff ask for it (the API's JSON, the console's form), not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionInput {
    pub site: String,
    pub param: String,
    /// `[start, end)`, unix seconds UTC.
    pub start: i64,
    pub end: i64,
    pub value: f64,
    pub reason: String,
}

/// A stored value as read: corrected when a correction covers it, with the stored value beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectedValue {
    /// The value as it counts (the stored one when nothing corrects it).
    pub value: Value,
    /// The value as stored (and received), when a correction replaced it.
    pub original: Option<Value>,
    /// The correction that applies.
    pub correction_id: Option<i64>,
}

/// Whether `c` covers a value of `interval` with data time `time` (see the module's rule).
pub fn covers(c: &Correction, interval: Interval, time: i64) -> bool {
    let span = match interval {
        Interval::Realtime | Interval::Minute => 0,
        Interval::Hour => HOUR,
        Interval::Day => DAY,
    };
    c.start <= time && time < c.end && time + span <= c.end
}

/// The values of one series (of `interval`) as `corrections` of that series correct them: for each
/// value the newest correction not withdrawn that covers it, if any.
pub fn apply(
    values: Vec<Value>,
    interval: Interval,
    corrections: &[Correction],
) -> Vec<CorrectedValue> {
    values
        .into_iter()
        .map(|v| {
            let newest = corrections
                .iter()
                .filter(|c| c.withdrawn_at.is_none() && covers(c, interval, v.time))
                .max_by_key(|c| c.id);
            match newest {
                None => CorrectedValue {
                    value: v,
                    original: None,
                    correction_id: None,
                },
                Some(c) => CorrectedValue {
                    value: Value {
                        value: Some(c.value),
                        min: None,
                        max: None,
                        cou: None,
                        flag: Some("N".into()),
                        ..v.clone()
                    },
                    original: Some(v),
                    correction_id: Some(c.id),
                },
            }
        })
        .collect()
}

/// Up to `limit` values of one series with `from <= time < to`, oldest first, as corrected: the one read
/// every reader that shows or derives figures from stored values goes through.
pub fn read(
    store: &Store,
    site: &str,
    param: &str,
    interval: Interval,
    from: i64,
    to: i64,
    limit: u32,
) -> store::Result<Vec<CorrectedValue>> {
    let values = store.series_page(site, param, interval, from, to, limit)?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    // A correction covering a value contains its data time, so it overlaps the values' range.
    let first = values.first().map_or(from, |v| v.time);
    let last = values.last().map_or(to, |v| v.time);
    let corrections = store.corrections_of(site, Some(param), first, last + 1, false)?;
    Ok(apply(values, interval, &corrections))
}

/// Every value of one series with `from <= time < to` as corrected, without what was stored beside them:
/// for readers that derive figures.
pub fn values(
    store: &Store,
    site: &str,
    param: &str,
    interval: Interval,
    from: i64,
    to: i64,
) -> store::Result<Vec<Value>> {
    Ok(read(store, site, param, interval, from, to, u32::MAX)?
        .into_iter()
        .map(|c| c.value)
        .collect())
}

fn invalid(en: String, zh: String) -> Error {
    Error::invalid_both(en, zh)
}

/// Checks `input` against the site (a parameter it has data of) and the clock `now`.
fn validate(store: &Store, site: &Site, input: &CorrectionInput, now: i64) -> Result<()> {
    let (start, end) = (input.start, input.end);
    if start >= end {
        return Err(invalid(
            format!("start {start} is not before end {end}"),
            "开始时间须早于结束时间".into(),
        ));
    }
    if end - start > MAX_DAYS * DAY {
        return Err(invalid(
            format!(
                "a correction covers at most {MAX_DAYS} days; this one {} hours",
                (end - start) / HOUR
            ),
            format!("一条修正最多覆盖 {MAX_DAYS} 天"),
        ));
    }
    // The hour in progress may be corrected, nothing after it.
    let next_hour = now - now.rem_euclid(HOUR) + HOUR;
    if end > next_hour {
        return Err(invalid(
            format!(
                "a correction cannot cover times that have not come: end {end} is after {next_hour}"
            ),
            "不能修正尚未到来的时段".into(),
        ));
    }
    if !input.value.is_finite() {
        return Err(invalid(
            format!("value {} is not a finite number", input.value),
            "修正值须为有限数值".into(),
        ));
    }
    let reason = input.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(invalid(
            format!(
                "reason must be 1 to 2,000 characters; it has {}",
                reason.chars().count()
            ),
            "须填写修正原因（不超过 2000 字）".into(),
        ));
    }
    if !store
        .series_of_site(&site.id)?
        .iter()
        .any(|s| s.param == input.param)
    {
        return Err(invalid(
            format!(
                "site {} has no data of parameter {:?}",
                site.id, input.param
            ),
            format!("站点 {} 没有监测项目“{}”的数据", site.id, input.param),
        ));
    }
    Ok(())
}

fn site_of(store: &Store, id: &str) -> Result<Site> {
    store
        .site(id)?
        .ok_or_else(|| Error::NotFound(format!("site {id} does not exist")))
}

/// Staff correct a series' values over `[start, end)` (`data.correct` on the site), with evidence files
/// already kept on disk: the correction, the files it holds (`correction:<id>`), its audit entry and the
/// hours it covers marked for recomputation, in one transaction. The rollups of those hours, their days
/// and the days' determinations are then made again by the background job.
pub fn correct(
    store: &mut Store,
    who: &Principal,
    input: &CorrectionInput,
    evidence: &[Attachment],
    now: i64,
) -> Result<Correction> {
    let site = site_of(store, &input.site)?;
    who.require(Action::DataCorrect, Target::site(&site))?;
    // Checked after the permission: who may not correct learns nothing from the rules of the form.
    validate(store, &site, input, now)?;
    let actor = who.actor();
    store.in_transaction(|s| {
        let mut c = Correction {
            id: 0,
            site_id: site.id.clone(),
            param: input.param.clone(),
            start: input.start,
            end: input.end,
            value: input.value,
            reason: input.reason.trim().to_string(),
            created_by: actor.as_str().into(),
            created_at: now,
            withdrawn_by: None,
            withdrawn_at: None,
        };
        c.id = s.put_correction(&c)?;
        for a in evidence {
            s.attach(&owner(c.id), a)?;
        }
        let hours = s.mark_hours_dirty(&c.site_id, &c.param, c.start, c.end)?;
        s.audit(
            actor.as_str(),
            "correction_add",
            &format!("correction {}", c.id),
            Some(&format!(
                "{} at {} [{}, {}) reads {} ({} evidence file(s), {hours} hour(s) to roll up again): {}",
                c.param,
                c.site_id,
                c.start,
                c.end,
                c.value,
                evidence.len(),
                c.reason
            )),
        )?;
        Ok(c)
    })
}

/// Staff withdraw correction `id` (`data.correct` on its site): it is kept, no longer applies, and its
/// hours are rolled up again; audited in the same transaction.
pub fn withdraw(store: &mut Store, who: &Principal, id: i64, now: i64) -> Result<Correction> {
    let actor = who.actor();
    store.in_transaction(|s| {
        let c = correction(s, id)?;
        let site = site_of(s, &c.site_id)?;
        who.require(Action::DataCorrect, Target::site(&site))?;
        if !s.withdraw_correction(id, actor.as_str(), now)? {
            return Err(Error::Conflict(format!(
                "correction {id} was withdrawn already"
            )));
        }
        let hours = s.mark_hours_dirty(&c.site_id, &c.param, c.start, c.end)?;
        s.audit(
            actor.as_str(),
            "correction_withdraw",
            &format!("correction {id}"),
            Some(&format!(
                "{} at {} [{}, {}) no longer reads {} ({hours} hour(s) to roll up again)",
                c.param, c.site_id, c.start, c.end, c.value
            )),
        )?;
        correction(s, id)
    })
}

/// The owner name a correction's evidence files are held under.
pub fn owner(id: i64) -> String {
    format!("correction:{id}")
}

/// The correction `id`, for the caller to check who may see it.
pub fn correction(store: &Store, id: i64) -> Result<Correction> {
    store
        .correction(id)?
        .ok_or_else(|| Error::NotFound(format!("correction {id} does not exist")))
}

/// What a list of corrections asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// With a site: its corrections whose period overlaps `[from, to)`. Without: the corrections made in
    /// `[from, to)`.
    pub site: Option<String>,
    pub param: Option<String>,
    pub from: i64,
    pub to: i64,
}

/// The corrections (withdrawn ones too) `who` may read that `f` asks for, newest first, each with its
/// site.
pub fn list(store: &Store, who: &Principal, f: &Filter) -> store::Result<Vec<(Correction, Site)>> {
    let sites = store.sites()?;
    let mut found = match &f.site {
        Some(site) => store.corrections_of(site, f.param.as_deref(), f.from, f.to, true)?,
        None => store.corrections_made(f.from, f.to)?,
    };
    found.sort_by_key(|c| std::cmp::Reverse(c.id));
    Ok(found
        .into_iter()
        .filter(|c| f.param.as_ref().is_none_or(|p| *p == c.param))
        .filter_map(|c| {
            let site = sites.iter().find(|s| s.id == c.site_id)?.clone();
            who.may(Action::DataRead, Target::site(&site))
                .then_some((c, site))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use store::Tier;

    fn value(time: i64, v: f64) -> Value {
        Value {
            time,
            value: Some(v),
            min: Some(v - 1.0),
            max: Some(v + 1.0),
            cou: None,
            flag: Some("D".into()),
            tier: Tier::Preliminary,
            journal_id: time,
        }
    }

    fn correction(id: i64, start: i64, end: i64, value: f64) -> Correction {
        Correction {
            id,
            site_id: "S1".into(),
            param: "a21026".into(),
            start,
            end,
            value,
            reason: "drift".into(),
            created_by: "staff".into(),
            created_at: 0,
            withdrawn_by: None,
            withdrawn_at: None,
        }
    }

    #[test]
    fn the_whole_interval_of_a_value_must_lie_inside() {
        let c = correction(1, 3600, 7200, 5.0);
        // Samples: at their data time, half-open.
        assert!(covers(&c, Interval::Minute, 3600));
        assert!(covers(&c, Interval::Realtime, 7199));
        assert!(!covers(&c, Interval::Realtime, 7200));
        assert!(!covers(&c, Interval::Minute, 3599));
        // A device's hour: its whole hour.
        assert!(covers(&c, Interval::Hour, 3600));
        assert!(!covers(&c, Interval::Hour, 3660));
        assert!(!covers(&c, Interval::Hour, 0));
        // A day: only its whole day.
        assert!(!covers(&c, Interval::Day, 3600));
        assert!(covers(&correction(1, 0, 86_400, 1.0), Interval::Day, 0));
    }

    #[test]
    fn a_corrected_value_is_normal_and_keeps_the_stored_one_beside_it() {
        let out = apply(
            vec![value(0, 80.0), value(60, 81.0)],
            Interval::Minute,
            &[correction(4, 60, 120, 12.5)],
        );
        assert_eq!(out[0].value, value(0, 80.0));
        assert_eq!(
            (out[0].original.clone(), out[0].correction_id),
            (None, None)
        );
        assert_eq!(out[1].value.value, Some(12.5));
        assert_eq!(out[1].value.flag.as_deref(), Some("N"));
        assert_eq!((out[1].value.min, out[1].value.max), (None, None));
        assert_eq!(
            out[1].value.journal_id, 60,
            "still the frame that carried it"
        );
        assert_eq!(out[1].original, Some(value(60, 81.0)));
        assert_eq!(out[1].correction_id, Some(4));
    }

    proptest! {
        /// For any values and corrections: the stored values come back in order beside the result; a value
        /// is corrected exactly when a correction not withdrawn covers it, by the newest such one.
        #[test]
        fn the_newest_covering_correction_wins(
            times in proptest::collection::btree_set(0i64..20_000, 0..40),
            specs in proptest::collection::vec((0i64..20_000, 1i64..8_000, -50.0f64..50.0, any::<bool>()), 0..8),
            hourly in any::<bool>(),
        ) {
            let interval = if hourly { Interval::Hour } else { Interval::Realtime };
            let values: Vec<Value> = times.iter().map(|&t| value(t, t as f64)).collect();
            let corrections: Vec<Correction> = specs
                .iter()
                .enumerate()
                .map(|(i, &(start, len, v, withdrawn))| Correction {
                    withdrawn_at: withdrawn.then_some(1),
                    ..correction(i as i64 + 1, start, start + len, v)
                })
                .collect();
            let out = apply(values.clone(), interval, &corrections);
            prop_assert_eq!(out.len(), values.len());
            for (o, v) in out.iter().zip(&values) {
                let newest = corrections
                    .iter()
                    .filter(|c| c.withdrawn_at.is_none() && covers(c, interval, v.time))
                    .max_by_key(|c| c.id);
                prop_assert_eq!(o.value.time, v.time);
                match newest {
                    None => {
                        prop_assert_eq!(&o.value, v);
                        prop_assert!(o.original.is_none() && o.correction_id.is_none());
                    }
                    Some(c) => {
                        prop_assert_eq!(o.value.value, Some(c.value));
                        prop_assert_eq!(o.original.as_ref(), Some(v));
                        prop_assert_eq!(o.correction_id, Some(c.id));
                        // No later correction covers it.
                        prop_assert!(!corrections.iter().any(|d| d.id > c.id
                            && d.withdrawn_at.is_none()
                            && covers(d, interval, v.time)));
                    }
                }
            }
        }
    }
}
