//! Sites and their latest state (AQI, water class or limits, and why there is no current value).

use super::*;

pub(super) async fn stations(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let kind = match q.get("kind") {
        Some(k) => Some(
            k.parse::<SiteKind>()
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        ),
        None => None,
    };
    let sites = p.read(|s| s.sites()).await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "kind",
        "county",
        "lon",
        "lat",
        "enterprise_id",
        "simulated",
    ]);
    for s in sites
        .into_iter()
        .filter(|s| kind.is_none_or(|k| s.kind == k))
    {
        table.rows.push(vec![
            text(s.id),
            text(s.name),
            text(s.kind.code()),
            json!(s.county),
            json!(s.lon),
            json!(s.lat),
            json!(s.enterprise_id),
            json!(s.simulated),
        ]);
    }
    paged(&q, "/stations", table, None)
}

pub(super) fn no_data_json(p: &App, n: &Option<data::NoData>) -> Value {
    match n {
        None => Value::Null,
        Some(data::NoData::NoDevice) => json!({"cause": "no_device"}),
        Some(data::NoData::NeverReceived) => json!({"cause": "never_received"}),
        Some(data::NoData::Stale { last }) => json!({"cause": "stale", "last": t(p, *last)}),
        Some(data::NoData::Invalid { hour }) => json!({"cause": "invalid", "hour": t(p, *hour)}),
    }
}

pub(super) fn aqi_json(r: &standards::aqi::AqiReport) -> Value {
    json!({
        "aqi": r.aqi,
        "level": r.level().map(|l| l.number()),
        "category_zh": r.level().map(|l| l.category_zh()),
        "category_en": r.level().map(|l| l.category_en()),
        "colour": r.level().map(|l| l.colour().hex),
        "primary": r.primary.iter().map(|i| i.label()).collect::<Vec<_>>(),
        "standard": r.version.name(),
    })
}

pub(super) async fn latest(
    State(p): AppState,
    Path(site): Path<String>,
) -> Result<Response, ApiError> {
    let pp = p.clone();
    let answer = p
        .read(move |store| {
            let now = Timestamp::now().as_second();
            let Some(s) = store.site(&site)? else { return Ok(None) };
            let head = json!({"id": s.id, "name": s.name, "kind": s.kind.code(), "simulated": s.simulated});
            let body = match s.kind {
                SiteKind::AirStation => {
                    let a = data::air_now(store, &pp.tz, now)?.into_iter().find(|a| a.site.id == s.id);
                    a.map(|a| {
                        let values: Map<String, Value> = AIR_PARAMS
                            .iter()
                            .map(|(code, pol)| (code.to_string(), json!({"pollutant": pol.symbol(), "unit": pol.unit().symbol(), "value": data::reading(&a.readings, *pol).map(|c| dec(c.value()))})))
                            .collect();
                        json!({"hour": a.hour.map(|h| t(&pp, h)), "aqi": a.report.as_ref().map(aqi_json), "values": values, "no_data": no_data_json(&pp, &a.no_data)})
                    })
                }
                SiteKind::WaterSection | SiteKind::DrinkingWaterSource => {
                    let w = data::water_now(store, now)?.into_iter().find(|w| w.site.id == s.id);
                    w.map(|w| water_json(&pp, &w))
                }
                SiteKind::FlueGasOutlet | SiteKind::WastewaterOutlet => {
                    let o = data::emitters_now(store, &pp.tz, now)?
                        .into_iter()
                        .flat_map(|e| e.outlets)
                        .find(|o| o.site.id == s.id);
                    o.map(|o| {
                        let values: Vec<Value> = o
                            .values
                            .iter()
                            .map(|v| {
                                json!({
                                    "param": v.param.code, "name": v.param.name_en, "unit": v.param.unit,
                                    "measured": v.latest.map(|j| num(j.measured)),
                                    "o2_corrected": v.latest.and_then(|j| j.corrected).map(num),
                                    "limit": v.limit.as_ref().map(|l| match l.limit { standards::emissions::Limit::AtMost(x) => dec(x), _ => Value::Null }),
                                    "reference_o2": v.limit.as_ref().and_then(|l| l.reference_o2).map(dec),
                                    "standard": v.limit.as_ref().map(|l| &l.standard),
                                    "exceeds": v.latest.and_then(|j| j.verdict).map(|x| x.exceeds()),
                                    "exceedance_hours_this_month": v.exceedance_hours,
                                    "exceedance_episodes_this_month": v.exceedance_episodes,
                                    "valid_hours_this_month": v.valid_hours,
                                })
                            })
                            .collect();
                        json!({"hour": o.hour.map(|h| t(&pp, h)), "hours_elapsed_this_month": o.hours_elapsed,
                               "preliminary": !(o.preliminary.1 > 0 && o.preliminary.0 == 0),
                               "values": values, "no_data": no_data_json(&pp, &o.no_data)})
                    })
                }
                _ => None,
            };
            let mut out = head;
            if let Some(Value::Object(m)) = body {
                for (k, v) in m {
                    out[k] = v;
                }
            }
            Ok(Some(out))
        })
        .await?;
    match answer {
        Some(v) => Ok(axum::Json(v).into_response()),
        None => Err(ApiError::not_found("no such station")),
    }
}

pub(super) fn water_json(p: &App, w: &data::WaterNow) -> Value {
    json!({
        "hour": w.hour.map(|h| t(p, h)),
        "class": w.evaluation.as_ref().map(|e| e.class.label()),
        "limiting": w.evaluation.as_ref().map(|e| e.limiting().iter().map(|r| json!({"parameter": r.parameter.short_name(), "value": dec(r.value), "exceedance_multiple": r.exceedance.map(dec)})).collect::<Vec<_>>()),
        "drinking_compliant": w.drinking.as_ref().map(|c| c.compliant()),
        "values": w.sample.iter().map(|(p, v)| (p.short_name().to_string(), dec(*v))).collect::<Map<_, _>>(),
        "no_data": no_data_json(p, &w.no_data),
    })
}
