//! Data problems of outlets over a range (gaps, stuck values, flagged durations), from the stored
//! real-time values (minute values where a device sends no real-time data), by `supervision::problems`.

use crate::supervision::problems::{Problem, ProblemKind, problems};
use crate::supervision::{Minute, Thresholds};
use hj212::cp::DataFlag;
use standards::Decimal;
use store::{Interval, Site, Store};

/// One data problem of one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemRow {
    pub site: String,
    pub param: String,
    pub kind: ProblemKind,
    pub start: i64,
    pub end: i64,
}

/// The parameters `site` has stored real-time or minute values of, sorted, each once: those whose data
/// problems are looked for.
pub fn fine_params(store: &Store, site: &str) -> store::Result<Vec<String>> {
    let mut params: Vec<String> = store
        .series_of_site(site)?
        .into_iter()
        .filter(|s| matches!(s.interval, Interval::Realtime | Interval::Minute))
        .map(|s| s.param)
        .collect();
    params.sort();
    params.dedup();
    Ok(params)
}

/// The data problems at `sites` over `[from, to)`, for `param` or every parameter the site has stored.
pub fn data_problems(
    store: &Store,
    sites: &[Site],
    param: Option<&str>,
    from: i64,
    to: i64,
    thresholds: Thresholds,
) -> store::Result<Vec<ProblemRow>> {
    let mut out = Vec::new();
    for site in sites {
        for code in fine_params(store, &site.id)?
            .iter()
            .filter(|c| param.is_none_or(|p| p == c.as_str()))
        {
            // As received, not as corrected: a data problem is what the device did, and a corrected
            // stuck value is still evidence that the analyser was stuck (`series::corrections`).
            let mut values = store.series(&site.id, code, Interval::Realtime, from, to)?;
            if values.is_empty() {
                values = store.series(&site.id, code, Interval::Minute, from, to)?;
            }
            let minutes: Vec<Minute> = values
                .iter()
                .map(|v| Minute {
                    start: v.time - v.time.rem_euclid(60),
                    value: v.value.and_then(|x| Decimal::from_f64(x).ok()),
                    // A value sent without a flag counts as normal, as in the rollups (2005 loggers).
                    flag: v.flag.as_deref().map_or(DataFlag::Normal, DataFlag::parse),
                })
                .collect();
            for Problem { kind, start, end } in problems(&minutes, from, to, true, thresholds) {
                out.push(ProblemRow {
                    site: site.id.clone(),
                    param: code.clone(),
                    kind,
                    start,
                    end,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.start, &a.site, &a.param).cmp(&(b.start, &b.site, &b.param)));
    Ok(out)
}
