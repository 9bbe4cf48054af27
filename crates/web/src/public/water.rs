//! Water classes of the sections and the quarterly drinking-water bulletin.

use super::*;

pub(super) async fn water_classes(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let water = p
        .read(|store| data::water_now(store, Timestamp::now().as_second()))
        .await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "kind",
        "simulated",
        "hour",
        "class",
        "limiting",
        "drinking_compliant",
        "no_data",
    ]);
    for w in &water {
        table.rows.push(vec![
            text(w.site.id.clone()),
            text(w.site.name.clone()),
            text(w.site.kind.code()),
            json!(w.site.simulated),
            w.hour.map(|h| t(&p, h)).unwrap_or(Value::Null),
            json!(w.evaluation.as_ref().map(|e| e.class.label())),
            text(
                w.evaluation
                    .as_ref()
                    .map(|e| {
                        e.limiting()
                            .iter()
                            .map(|r| match r.exceedance {
                                Some(m) => format!("{}:{m}", r.parameter.short_name()),
                                None => r.parameter.short_name().to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(";")
                    })
                    .unwrap_or_default(),
            ),
            json!(w.drinking.as_ref().map(|c| c.compliant())),
            no_data_json(&p, &w.no_data)
                .get("cause")
                .cloned()
                .unwrap_or(Value::Null),
        ]);
    }
    paged(&q, "/water/classes", table, None)
}

pub(super) async fn bulletin(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let ctx = crate::portal::context(&p, "/bulletin", &q);
    use crate::portal::pages::BULLETIN_YEARS;
    if q.get("year")
        .is_some_and(|y| y.parse().map_or(true, |y| !BULLETIN_YEARS.contains(&y)))
    {
        return Err(ApiError::bad_request(format!(
            "year must be {}..={}",
            BULLETIN_YEARS.start(),
            BULLETIN_YEARS.end()
        )));
    }
    if q.get("quarter")
        .is_some_and(|x| !matches!(x.as_str(), "1" | "2" | "3" | "4"))
    {
        return Err(ApiError::bad_request("quarter must be 1, 2, 3 or 4"));
    }
    let (year, quarter) = crate::portal::pages::quarter_of(&ctx, &q);
    let tz = p.tz.clone();
    let b = p
        .read(move |store| data::bulletin(store, &tz, year, quarter))
        .await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "simulated",
        "samples",
        "compliant_samples",
        "compliance_by_count_pct",
        "intake_m3",
        "compliant_intake_m3",
        "compliance_by_volume_pct",
        "worst_class",
        "exceeding",
    ]);
    for r in &b.rows {
        table.rows.push(vec![
            text(r.site.id.clone()),
            text(r.site.name.clone()),
            json!(r.site.simulated),
            json!(r.samples),
            json!(r.compliant_samples),
            if r.samples > 0 { num((r.compliant_samples as f64 / r.samples as f64 * 1000.0).round() / 10.0) } else { Value::Null },
            r.volume_m3.map(|v| num(v.round())).unwrap_or(Value::Null),
            r.compliant_volume_m3.map(|v| num(v.round())).unwrap_or(Value::Null),
            match (r.volume_m3, r.compliant_volume_m3) {
                (Some(v), Some(ok)) if v > 0.0 => num((ok / v * 1000.0).round() / 10.0),
                _ => Value::Null,
            },
            json!(r.worst_class.map(|c| c.label())),
            json!(r.exceedances.iter().map(|e| json!({"item": e.item, "max_multiple": e.max_multiple.map(dec), "samples": e.samples})).collect::<Vec<_>>()),
        ]);
    }
    paged(
        &q,
        "/bulletins/drinking-water",
        table,
        Some(json!({"year": year, "quarter": quarter})),
    )
}
