//! What a determination window finds beyond a parameter's exceedances and data problems: the logger
//! offline (every parameter silent), conflicting re-sends, the episodes of the alarm rules people define;
//! and the evidence every determination cites.

use super::*;

/// A determination about the whole logger (`offline`) or about re-sends (`conflict`), with `*` for the
/// parameter when it is every one.
pub(super) fn whole_logger(
    site: &Site,
    kind: &str,
    start: i64,
    end: i64,
    evidence: Option<(i64, i64)>,
    now: i64,
) -> Determination {
    Determination {
        id: 0,
        site_id: site.id.clone(),
        param: "*".into(),
        kind: kind.into(),
        start,
        end,
        exceedance: None,
        evidence,
        found_at: now,
        changed_at: now,
        withdrawn_at: None,
    }
}

/// The spans in which every parameter the site has ever sent (`params`, each once) is silent (their gaps
/// overlap): the logger is offline.
pub(super) fn offline_spans(params: &[String], problems: &[Determination]) -> Vec<(i64, i64)> {
    let mut spans: Option<Vec<(i64, i64)>> = None;
    for p in params {
        let mut gaps: Vec<(i64, i64)> = problems
            .iter()
            .filter(|d| d.kind == "gap" && d.param == *p)
            .map(|d| (d.start, d.end))
            .collect();
        gaps.sort_unstable();
        spans = Some(match spans {
            None => gaps,
            Some(prev) => {
                // Both lists are sorted and their spans do not overlap: walk them together.
                let (mut i, mut j, mut out) = (0, 0, Vec::new());
                while i < prev.len() && j < gaps.len() {
                    let (start, end) = (prev[i].0.max(gaps[j].0), prev[i].1.min(gaps[j].1));
                    if start < end {
                        out.push((start, end));
                    }
                    if prev[i].1 < gaps[j].1 {
                        i += 1
                    } else {
                        j += 1
                    }
                }
                out
            }
        });
    }
    spans.unwrap_or_default()
}

/// Re-sends of stored values with a different value in `[from, to)` (kept beside the first value, never
/// applied: issue 10), one determination per parameter and local day, citing the re-sending frames.
pub(super) fn conflicts(
    store: &Store,
    tz: &TimeZone,
    site: &Site,
    from: i64,
    to: i64,
    now: i64,
) -> store::Result<Vec<Determination>> {
    // The newest thousand of the site: a device re-sending more than that is answered by the first ones.
    let mut by_day: BTreeMap<(String, i64), (i64, i64, i64, i64)> = BTreeMap::new();
    for c in store.conflicts(Some(&site.id), None, 1000)? {
        let t = c.resent.time;
        if t < from || t >= to {
            continue;
        }
        let key = (c.resent.param.clone(), local_start(t, tz, Period::Day));
        let e = by_day
            .entry(key)
            .or_insert((t, t, c.journal_id, c.journal_id));
        *e = (
            e.0.min(t),
            e.1.max(t),
            e.2.min(c.journal_id),
            e.3.max(c.journal_id),
        );
    }
    Ok(by_day
        .into_iter()
        .map(|((param, _), (first, last, j0, j1))| Determination {
            param,
            ..whole_logger(site, "conflict", first, last + 60, Some((j0, j1)), now)
        })
        .collect())
}

/// The episodes of the site's enabled alarm rules in `[from, to)`, from the valid hourly means.
pub(super) fn by_rules(
    store: &Store,
    site: &Site,
    from: i64,
    to: i64,
    now: i64,
) -> store::Result<Vec<Determination>> {
    let mut out = Vec::new();
    for rule in store
        .alarm_rules()?
        .into_iter()
        .filter(|r| r.site_id == site.id && !r.disabled)
    {
        let hours: Vec<(i64, Option<f64>)> = store
            .rollups(&site.id, &rule.param, Period::Hour, from, to)?
            .into_iter()
            .map(|r| (r.time, r.mean.filter(|_| r.valid)))
            .collect();
        for (start, end, peak) in crate::alarms::rules::episodes(&rule, &hours) {
            out.push(Determination {
                id: 0,
                site_id: site.id.clone(),
                param: rule.param.clone(),
                kind: format!("rule:{}", rule.id),
                start,
                end,
                exceedance: Some(ExceedanceFacts {
                    hours: (end - start) / 3600,
                    peak,
                    limit: rule.value,
                    multiple: None,
                    averaging: "hour".into(),
                    permit_id: None,
                    permit_number: None,
                    source: crate::alarms::rules::describe(&rule),
                }),
                evidence: evidence(store, &site.id, &rule.param, start, end)?,
                found_at: now,
                changed_at: now,
                withdrawn_at: None,
            });
        }
    }
    Ok(out)
}

/// The time of `param`'s last value before `at`, found through the latest hourly rollup before it.
pub(super) fn last_value_before(
    store: &Store,
    site: &str,
    param: &str,
    at: i64,
) -> store::Result<Option<i64>> {
    let Some(hour) = store.latest_rollup_time(site, &[param], Period::Hour, at - 1)? else {
        return Ok(None);
    };
    let end = (hour + 3600).min(at);
    let mut values = store.series(site, param, Interval::Realtime, hour, end)?;
    if values.is_empty() {
        values = store.series(site, param, Interval::Minute, hour, end)?;
    }
    Ok(values.last().map(|v| v.time))
}

/// The first and last journal entry carrying `param`'s finest values in `[from, to)` (read as stored:
/// only the values' times and frames count here, which a correction does not change).
pub(super) fn evidence(
    store: &Store,
    site: &str,
    param: &str,
    from: i64,
    to: i64,
) -> store::Result<Option<(i64, i64)>> {
    let mut values = store.series(site, param, Interval::Realtime, from, to)?;
    if values.is_empty() {
        values = store.series(site, param, Interval::Minute, from, to)?;
    }
    let ids = values.iter().map(|v| v.journal_id);
    Ok(ids.clone().min().zip(ids.max()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(param: &str, kind: &str, start: i64, end: i64) -> Determination {
        Determination {
            id: 0,
            site_id: "S1".into(),
            param: param.into(),
            kind: kind.into(),
            start,
            end,
            exceedance: None,
            evidence: None,
            found_at: 0,
            changed_at: 0,
            withdrawn_at: None,
        }
    }

    #[test]
    fn a_logger_is_offline_where_every_parameter_is_silent() {
        let gap = |param: &str, start: i64, end: i64| d(param, "gap", start, end);
        let problems = [
            gap("a21026", 100, 500),
            gap("a21026", 900, 1000),
            gap("a19001", 200, 600),
            gap("a19001", 950, 1200),
            d("a00000", "stuck", 0, 5000),
        ];
        let params = ["a21026".to_string(), "a19001".to_string()];
        assert_eq!(
            offline_spans(&params, &problems),
            vec![(200, 500), (950, 1000)]
        );
        // A parameter that kept reporting keeps the logger online.
        let three = [params[0].clone(), params[1].clone(), "a00000".to_string()];
        assert_eq!(offline_spans(&three, &problems), vec![]);
        assert_eq!(offline_spans(&[], &problems), vec![]);
    }
}
