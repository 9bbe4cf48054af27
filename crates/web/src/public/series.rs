//! Hourly and daily series of a site, with validity.

use super::*;

pub(super) async fn series(
    State(p): AppState,
    Path(site): Path<String>,
    Query(q): Q,
    period: Period,
) -> Result<Response, ApiError> {
    let span = if period == Period::Hour {
        86400
    } else {
        30 * 86400
    };
    let (from, to) = range(&q, span)?;
    let param = q
        .get("param")
        .cloned()
        .map(crate::api::factor_code)
        .transpose()?;
    let site_id = site.clone();
    let pp = p.clone();
    let table = p
        .read(move |store| {
            let Some(s) = store.site(&site)? else {
                return Ok(None);
            };
            let rows = store.site_rollups(&site, period, from, to)?;
            let mut table = Table::new(&[
                "time",
                "param",
                "mean",
                "min",
                "max",
                "count",
                "valid_count",
                "valid",
                "source",
                "original",
                "correction",
            ]);
            // Staff corrections: a rollup computed from corrected values names the newest correction of
            // its period; a device's own value shows the value as received beside the corrected one.
            let period_s = if period == Period::Hour { 3600 } else { 86_400 };
            let corrections = store.corrections_of(&site, param.as_deref(), from, to, false)?;
            let correction_of = |param: &str, time: i64| {
                corrections
                    .iter()
                    .filter(|c| c.param == param && c.start < time + period_s && c.end > time)
                    .map(|c| c.id)
                    .max()
                    .map_or(Value::Null, |id| json!(id))
            };
            // (time, param) → row, so the device's own values fill in where no rollup exists.
            let mut out: std::collections::BTreeMap<(i64, String), Vec<Value>> = Default::default();
            for r in rows
                .into_iter()
                .filter(|r| param.as_ref().is_none_or(|p| &r.param == p))
            {
                let correction = correction_of(&r.param, r.time);
                out.insert(
                    (r.time, r.param.clone()),
                    vec![
                        t(&pp, r.time),
                        text(r.param),
                        r.mean.map(num).unwrap_or(Value::Null),
                        r.min.map(num).unwrap_or(Value::Null),
                        r.max.map(num).unwrap_or(Value::Null),
                        json!(r.count),
                        json!(r.valid_count),
                        json!(r.valid),
                        text("rollup"),
                        Value::Null,
                        correction,
                    ],
                );
            }
            // The device's own hourly (CN 2061) or daily (CN 2031) values, for the parameters asked for
            // or those the site's kind measures.
            let interval = if period == Period::Hour {
                store::Interval::Hour
            } else {
                store::Interval::Day
            };
            let codes: Vec<String> = match &param {
                Some(p) => vec![p.clone()],
                None => kind_params(s.kind),
            };
            for code in &codes {
                let values = platform::series::corrections::read(
                    store,
                    &site,
                    code,
                    interval,
                    from,
                    to,
                    u32::MAX,
                )?;
                for c in values {
                    let v = &c.value;
                    out.entry((v.time, code.clone())).or_insert_with(|| {
                        vec![
                            t(&pp, v.time),
                            text(code.clone()),
                            v.value.map(num).unwrap_or(Value::Null),
                            v.min.map(num).unwrap_or(Value::Null),
                            v.max.map(num).unwrap_or(Value::Null),
                            Value::Null,
                            Value::Null,
                            json!(platform::series::rollups::flag_is_valid(v.flag.as_deref())),
                            text("device"),
                            c.original
                                .as_ref()
                                .and_then(|o| o.value)
                                .map(num)
                                .unwrap_or(Value::Null),
                            c.correction_id.map_or(Value::Null, |id| json!(id)),
                        ]
                    });
                }
            }
            table.rows = out.into_values().collect();
            Ok(Some(table))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("no such station"))?;
    let path = if period == Period::Hour {
        "hourly"
    } else {
        "daily"
    };
    paged(&q, &format!("/stations/{site_id}/{path}"), table, None)
}
