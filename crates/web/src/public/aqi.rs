//! Daily AQI of a station and of the city.

use super::*;

pub(super) async fn station_aqi(
    State(p): AppState,
    Path(site): Path<String>,
    Query(q): Q,
) -> Result<Response, ApiError> {
    let daily = match q.get("period").map(String::as_str) {
        None | Some("hour") => false,
        Some("day") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "period={other:?}: use hour or day"
            )));
        }
    };
    let (from, to) = range(&q, if daily { 30 * 86400 } else { 86400 })?;
    let pp = p.clone();
    let site2 = site.clone();
    let table = p
        .read(move |store| {
            let Some(s) = store.site(&site2)? else {
                return Ok(None);
            };
            if s.kind != SiteKind::AirStation {
                return Ok(Some(Err(())));
            }
            let hours = data::air_hours(store, &s.id, from, to)?;
            let mut table = Table::new(&[
                "time",
                "aqi",
                "level",
                "category_zh",
                "category_en",
                "primary",
                "standard",
                "so2",
                "no2",
                "co",
                "o3",
                "pm10",
                "pm2_5",
            ]);
            let conc = |c: Option<standards::Concentration>| {
                c.map(|c| dec(c.value())).unwrap_or(Value::Null)
            };
            if daily {
                for d in data::daily_from_hours(&pp.tz, &hours) {
                    let r = &d.report;
                    let aqi = r.publishable_aqi();
                    let l = aqi.map(standards::aqi::Level::of);
                    table.rows.push(vec![
                        text(d.date.to_string()),
                        json!(aqi),
                        json!(l.map(|l| l.number())),
                        json!(l.map(|l| l.category_zh())),
                        json!(l.map(|l| l.category_en())),
                        text(r.primary.labels()),
                        text(r.version.name()),
                        conc(d.readings.so2),
                        conc(d.readings.no2),
                        conc(d.readings.co),
                        conc(d.readings.o3_8h_max),
                        conc(d.readings.pm10),
                        conc(d.readings.pm2_5),
                    ]);
                }
            } else {
                for (h, rd) in &hours {
                    let r = data::hourly_report(&pp.tz, *h, rd);
                    let l = r.level();
                    table.rows.push(vec![
                        t(&pp, *h),
                        json!(r.aqi),
                        json!(l.map(|l| l.number())),
                        json!(l.map(|l| l.category_zh())),
                        json!(l.map(|l| l.category_en())),
                        text(r.primary.labels()),
                        text(r.version.name()),
                        conc(rd.so2),
                        conc(rd.no2),
                        conc(rd.co),
                        conc(rd.o3),
                        conc(rd.pm10),
                        conc(rd.pm2_5),
                    ]);
                }
            }
            Ok(Some(Ok(table)))
        })
        .await?;
    match table {
        None => Err(ApiError::not_found("no such station")),
        Some(Err(())) => Err(ApiError::bad_request(format!(
            "{site} is not an air station"
        ))),
        Some(Ok(table)) => paged(
            &q,
            &format!("/stations/{site}/aqi"),
            table,
            Some(
                json!({"o3_column": if daily { "O3 daily maximum 8-hour mean" } else { "O3 1-hour mean" }}),
            ),
        ),
    }
}

pub(super) async fn city_aqi(State(p): AppState, Query(q): Q) -> Result<Response, ApiError> {
    let pp = p.clone();
    let (stations, city) = p
        .read(move |store| {
            let now = Timestamp::now().as_second();
            let stations = data::air_now(store, &pp.tz, now)?;
            let city = data::city_now(&pp.tz, &stations, &pp.settings.portal.city_air_stations);
            Ok((stations, city))
        })
        .await?;
    let mut table = Table::new(&[
        "id",
        "name",
        "simulated",
        "hour",
        "aqi",
        "level",
        "category_zh",
        "category_en",
        "primary",
        "no_data",
    ]);
    for a in &stations {
        let r = a.report.as_ref();
        table.rows.push(vec![
            text(a.site.id.clone()),
            text(a.site.name.clone()),
            json!(a.site.simulated),
            a.hour.map(|h| t(&p, h)).unwrap_or(Value::Null),
            json!(r.and_then(|r| r.aqi)),
            json!(a.level().map(|l| l.number())),
            json!(a.level().map(|l| l.category_zh())),
            json!(a.level().map(|l| l.category_en())),
            text(r.map(|r| r.primary.labels()).unwrap_or_default()),
            no_data_json(&p, &a.no_data)
                .get("cause")
                .cloned()
                .unwrap_or(Value::Null),
        ]);
    }
    let city_json = city.map(|(h, _, r)| {
        let mut v = aqi_json(&r);
        v["hour"] = t(&p, h);
        v["method"] = text("mean of the stations' concentrations, HJ 633 real-time AQI");
        v
    });
    paged(&q, "/aqi", table, Some(json!({"city": city_json})))
}
