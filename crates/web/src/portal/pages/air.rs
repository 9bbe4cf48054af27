//! The air page: every station now, one station's last 24 hours and 30 days, its year as a calendar, the city's good-day ratio.

use super::*;
use std::fmt::Write;

pub(super) fn ticks_hours(ctx: &Ctx, t0: i64, t1: i64, step_h: i64, fmt: &str) -> svg::Ticks {
    let mut out = Vec::new();
    let mut t = t0 - t0.rem_euclid(3600);
    while t <= t1 {
        if data::local_hour(&ctx.tz, t) as i64 % step_h == 0
            || step_h > 24 && data::local_hour(&ctx.tz, t) == 0
        {
            let label = jiff::Timestamp::from_second(t)
                .map(|x| x.to_zoned(ctx.tz.clone()).strftime(fmt).to_string())
                .unwrap_or_default();
            out.push((t, label));
        }
        t += 3600;
    }
    if step_h > 24 {
        // Daily ticks: keep every n-th day so labels do not collide.
        let keep = (out.len() / 8).max(1);
        out = out
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % keep == 0)
            .map(|x| x.1)
            .collect();
    }
    out
}

pub(super) fn aqi_bars(ctx: &Ctx, hours: &BTreeMap<i64, HourlyReadings>) -> Vec<Bar> {
    hours
        .iter()
        .filter_map(|(&t, r)| {
            let rep = data::hourly_report(&ctx.tz, t, r);
            let aqi = rep.aqi?;
            let l = Level::of(aqi);
            Some(Bar {
                start: t,
                end: t + 3600,
                value: aqi as f64,
                colour: l.colour().hex.into(),
                title: format!(
                    "{} AQI {aqi} {} · {} {}",
                    ctx.time(t),
                    level_name(ctx, l),
                    ctx.t("首要", "primary"),
                    primary(ctx, rep.primary)
                ),
            })
        })
        .collect()
}

pub(super) const LINE_COLOURS: [&str; 6] = [
    "#7b61ff", "#e07b39", "#555", "#2a9d8f", "#8d6e63", "#d62f7c",
];

pub(super) fn pollutant_lines(
    ctx: &Ctx,
    hours: &BTreeMap<i64, HourlyReadings>,
    t0: i64,
    t1: i64,
    band_s: i64,
) -> (Vec<Line>, Vec<(i64, i64, String)>) {
    // CO is in mg/m³ and would hug the axis; it is in the tooltips.
    let lines: Vec<Line> = AIR_PARAMS
        .iter()
        .enumerate()
        .filter(|(_, (_, p))| *p != Pollutant::Co)
        .map(|(i, (_, p))| Line {
            label: p.symbol().into(),
            colour: LINE_COLOURS[i].into(),
            points: hours
                .iter()
                .filter_map(|(&t, r)| Some((t + 1800, data::reading(r, *p)?.value().to_f64())))
                .collect(),
        })
        .collect();
    let mut hover = Vec::new();
    let mut t = t0;
    while t < t1 {
        let end = (t + band_s).min(t1);
        let in_band: Vec<&HourlyReadings> = hours.range(t..end).map(|x| x.1).collect();
        if !in_band.is_empty() {
            let mut title = if band_s == 3600 {
                ctx.time(t)
            } else {
                format!("{} – {}", ctx.time(t), ctx.time(end))
            };
            for (_, p) in AIR_PARAMS {
                let vals: Vec<f64> = in_band
                    .iter()
                    .filter_map(|r| data::reading(r, p))
                    .map(|c| c.value().to_f64())
                    .collect();
                if !vals.is_empty() {
                    let mean = vals.iter().sum::<f64>() / vals.len() as f64;
                    let _ = write!(title, "\n{} {}", pollutant_label(p), svg::fmt_num(mean));
                }
            }
            hover.push((t, end, title));
        }
        t = end;
    }
    let _ = ctx;
    (lines, hover)
}

/// What the air page shows.
pub struct AirView {
    pub air: Vec<AirNow>,
    /// The station shown (an index into `air`); none when no air station is registered.
    pub selected: Option<usize>,
    /// The shown station's valid hourly readings of the last 30 days.
    pub hours30: BTreeMap<i64, HourlyReadings>,
    /// The shown station's daily reports of this year (shared with the figure cache).
    pub station_days: std::sync::Arc<Vec<data::Day>>,
    /// The city's daily reports of this year to date.
    pub city_days: Vec<data::Day>,
}

/// The last hour shown (exclusive) and the first of the last 30 days.
fn window(ctx: &Ctx) -> (i64, i64) {
    let t1 = ctx.now - ctx.now.rem_euclid(3600) + 3600;
    (t1 - 30 * 24 * 3600, t1)
}

/// Reads the stations now and the one the query names (default: the first).
pub fn view(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<AirView> {
    let air = data::air_now(store, &ctx.tz, ctx.now)?;
    let selected = q
        .get("station")
        .and_then(|id| air.iter().position(|a| &a.site.id == id))
        .or(if air.is_empty() { None } else { Some(0) });
    let today = data::local_date(&ctx.tz, ctx.now);
    let year_start = Date::new(today.year(), 1, 1).unwrap_or(today);
    let year_end = Date::new(today.year(), 12, 31).unwrap_or(today);
    let (mut hours30, mut station_days) = (BTreeMap::new(), std::sync::Arc::default());
    if let Some(sel) = selected.map(|i| &air[i]) {
        let (t30, t1) = window(ctx);
        hours30 = data::air_hours(store, &sel.site.id, t30, t1)?;
        station_days = ctx.figures.station_days(
            store,
            &ctx.tz,
            &sel.site.id,
            year_start,
            year_end,
            ctx.now,
        )?;
    }
    let city_sites: Vec<&Site> = air
        .iter()
        .map(|a| &a.site)
        .filter(|s| data::in_city(&ctx.city_air_stations, &s.id))
        .collect();
    let city_days = data::city_days(
        store,
        &ctx.figures,
        &ctx.tz,
        &city_sites,
        (year_start, today),
        ctx.now,
    )?;
    Ok(AirView {
        selected,
        hours30,
        station_days,
        city_days,
        air,
    })
}

pub fn air(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

/// The air page of `v`.
pub fn render(ctx: &Ctx, v: &AirView) -> Page {
    let air = &v.air;
    let sites: Vec<&Site> = air.iter().map(|a| &a.site).collect();
    let mut b = Html::new();
    let Some(sel) = v.selected.map(|i| &air[i]) else {
        b.push(&html!(
            "<p>{}</p>",
            ctx.t("尚未登记空气监测站。", "No air station is registered yet.")
        ));
        return Page {
            title: ctx.t("空气质量", "Air quality").into(),
            body: b,
            simulated: false,
        };
    };
    let today = data::local_date(&ctx.tz, ctx.now);

    // Current table of all stations.
    write_html!(
        b,
        r#"<h2>{}</h2><div class="scroll"><table id="stations"><tr><th>{}</th><th>AQI</th><th>{}</th><th>{}</th>"#,
        ctx.t("各站点实时空气质量", "Stations now"),
        ctx.t("站点", "Station"),
        ctx.t("级别", "Level"),
        ctx.t("首要污染物", "Primary")
    );
    for (_, p) in AIR_PARAMS {
        write_html!(b, "<th>{}</th>", &pollutant_label(p));
    }
    b.push_trusted("</tr>");
    for a in air {
        let link = ctx.href(&format!(
            "/air?station={}",
            crate::portal::urlencode(&a.site.id)
        ));
        write_html!(
            b,
            r#"<tr><td><a href="{}">{}</a></td>"#,
            &link,
            site_name(ctx, &a.site)
        );
        match (&a.report, a.level()) {
            (Some(r), Some(l)) => {
                write_html!(
                    b,
                    r#"<td class="num">{}</td><td>{}</td><td>{}</td>"#,
                    r.aqi.unwrap_or(0),
                    level_badge(ctx, l),
                    primary(ctx, r.primary)
                );
                for (_, p) in AIR_PARAMS {
                    write_html!(
                        b,
                        r#"<td class="num">{}</td>"#,
                        conc(data::reading(&a.readings, p))
                    );
                }
            }
            _ => {
                write_html!(
                    b,
                    r#"<td class="num">—</td><td colspan="8"><span class="badge" style="background:{2}">{}</span> {}</td>"#,
                    ctx.t("无数据", "no data"),
                    &a.no_data
                        .as_ref()
                        .map(|n| no_data_text(ctx, n))
                        .unwrap_or_default(),
                    GREY
                );
            }
        }
        b.push_trusted("</tr>");
    }
    b.push_trusted("</table></div>");

    // Station picker.
    write_html!(
        b,
        r#"<form class="pick" method="get" action="/air"><label for="station">{}</label><select id="station" name="station">"#,
        ctx.t("选择站点", "Station")
    );
    for a in air {
        write_html!(
            b,
            r#"<option value="{}"{}>{}</option>"#,
            &a.site.id,
            if a.site.id == sel.site.id {
                " selected"
            } else {
                ""
            },
            &a.site.name
        );
    }
    write_html!(
        b,
        r#"</select>{}<button type="submit">{}</button></form>"#,
        lang_field(ctx),
        ctx.t("查看", "Show")
    );
    write_html!(
        b,
        r#"<h2 id="station-name">{}</h2>"#,
        site_name(ctx, &sel.site)
    );

    // Last 24 hours and 30 days.
    let (t30, t1) = window(ctx);
    let t24 = t1 - 24 * 3600;
    let hours30 = &v.hours30;
    let hours24: BTreeMap<i64, HourlyReadings> =
        hours30.range(t24..).map(|(k, v)| (*k, *v)).collect();
    let guides = [50.0, 100.0, 150.0, 200.0, 300.0];
    let ticks24 = ticks_hours(ctx, t24, t1, 3, "%H:%M");
    let ticks30 = ticks_hours(ctx, t30, t1, 48, "%m-%d");
    let (l24, h24) = pollutant_lines(ctx, &hours24, t24, t1, 3600);
    let (l30, h30) = pollutant_lines(ctx, hours30, t30, t1, 24 * 3600);
    write_html!(
        b,
        r#"<h3>{}</h3><div class="pair"><div class="panel scroll" id="aqi-24h">{}</div><div class="panel scroll" id="pollutants-24h">{}</div></div>"#,
        ctx.t(
            "近24小时 小时AQI与污染物浓度 (µg/m³)",
            "Last 24 hours: hourly AQI and concentrations (µg/m³)"
        ),
        svg::time_bars(
            ctx.t("近24小时AQI", "Hourly AQI, last 24 hours"),
            t24,
            t1,
            &aqi_bars(ctx, &hours24),
            &ticks24,
            &guides
        ),
        svg::time_lines(
            ctx.t("近24小时污染物浓度", "Concentrations, last 24 hours"),
            t24,
            t1,
            &l24,
            &ticks24,
            &h24
        )
    );
    write_html!(
        b,
        r#"<h3>{}</h3><div class="pair"><div class="panel scroll" id="aqi-30d">{}</div><div class="panel scroll" id="pollutants-30d">{}</div></div>"#,
        ctx.t(
            "近30天 小时AQI与污染物浓度",
            "Last 30 days: hourly AQI and concentrations"
        ),
        svg::time_bars(
            ctx.t("近30天小时AQI", "Hourly AQI, last 30 days"),
            t30,
            t1,
            &aqi_bars(ctx, hours30),
            &ticks30,
            &guides
        ),
        svg::time_lines(
            ctx.t("近30天污染物浓度", "Concentrations, last 30 days"),
            t30,
            t1,
            &l30,
            &ticks30,
            &h30
        )
    );

    // Calendar of daily AQI for the year.
    let days = &v.station_days;
    let by_date: HashMap<Date, &data::Day> = days.iter().map(|d| (d.date, d)).collect();
    let mut rows = Vec::new();
    for m in 1..=12i8 {
        let mut cells = Vec::new();
        for d in 1..=31i8 {
            let Ok(date) = Date::new(today.year(), m, d) else {
                cells.push(None);
                continue;
            };
            let cell = match by_date
                .get(&date)
                .and_then(|day| Some((day, day.report.publishable_aqi()?)))
            {
                Some((day, aqi)) => {
                    let l = Level::of(aqi);
                    Cell {
                        fill: l.colour().hex.into(),
                        text: String::new(),
                        title: format!(
                            "{date} AQI {aqi} {} · {} {}",
                            level_name(ctx, l),
                            ctx.t("首要", "primary"),
                            primary(ctx, day.report.primary)
                        ),
                    }
                }
                None => Cell {
                    fill: if date > today {
                        "#f0f2f4".into()
                    } else {
                        "#dde1e5".into()
                    },
                    text: String::new(),
                    title: format!(
                        "{date} {}",
                        if date > today {
                            ctx.t("未到", "future")
                        } else {
                            ctx.t("无有效日数据", "no valid daily value")
                        }
                    ),
                },
            };
            cells.push(Some(cell));
        }
        rows.push((
            match ctx.lang {
                Lang::Zh => format!("{m}月"),
                Lang::En => [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ][m as usize - 1]
                    .to_string(),
            },
            cells,
        ));
    }
    let cols: Vec<String> = (1..=31)
        .map(|d| {
            if d % 5 == 1 {
                d.to_string()
            } else {
                String::new()
            }
        })
        .collect();
    write_html!(
        b,
        r#"<h3>{} {}</h3><div class="panel" id="calendar"><div class="scroll">{}</div>{}</div>"#,
        today.year(),
        ctx.t("年 日AQI日历", "daily AQI calendar"),
        svg::grid(
            ctx.t("日AQI日历", "Daily AQI calendar"),
            &rows,
            &cols,
            18.0,
            40.0
        ),
        level_legend(ctx)
    );

    // Good-day ratio year to date: city and station, against the target.
    let city = &v.city_days;
    let ratio = |ds: &[data::Day]| {
        standards::air::good_day_ratio(
            ds.iter()
                .filter(|d| d.date <= today)
                .map(|d| d.report.publishable_aqi()),
        )
    };
    let city_ratio = ratio(city);
    let station_ratio = ratio(days);
    let target = ctx.targets.air_good_days_pct;
    write_html!(
        b,
        r#"<h3>{}</h3><div class="panel" id="good-days">"#,
        ctx.t(
            "优良天数比例（年初至今）与目标",
            "Good-day ratio, year to date, against the target"
        )
    );
    for (name, r) in [
        (ctx.t("全市", "City").to_string(), city_ratio),
        (sel.site.name.clone(), station_ratio),
    ] {
        let pct = r.percent().map(|p| p.to_f64());
        let text = match pct {
            Some(p) => format!(
                "{name}: {:.1}% ({}/{} {})",
                p,
                r.good_days,
                r.valid_days,
                ctx.t("天", "days")
            ),
            None => format!("{name}: —"),
        };
        write_html!(
            b,
            "<p>{}</p>{}",
            &text,
            svg::ratio_bar(
                &text,
                pct,
                target,
                &text,
                &format!("{} {target}%", ctx.t("目标", "target"))
            )
        );
    }
    b.push_trusted("</div>");

    // Primary pollutants of the year's days (city).
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for d in city {
        let Some(aqi) = d.report.publishable_aqi() else {
            continue;
        };
        for i in d.report.primary.iter() {
            let name = match ctx.lang {
                Lang::Zh => i.name_zh().to_string(),
                Lang::En => i.label().to_string(),
            };
            let e = counts.entry(name).or_default();
            e.0 += 1;
            if aqi > 100 {
                e.1 += 1;
            }
        }
    }
    write_html!(
        b,
        r#"<h3>{}</h3><div class="scroll"><table id="primary"><tr><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        ctx.t(
            "首要污染物（全市，年初至今）",
            "Primary pollutants (city, year to date)"
        ),
        ctx.t("污染物", "Pollutant"),
        ctx.t("作为首要污染物的天数", "Days as primary pollutant"),
        ctx.t(
            "其中超标天（AQI>100）",
            "of which polluted days (AQI > 100)"
        )
    );
    for (name, (n, bad)) in &counts {
        write_html!(
            b,
            r#"<tr><td>{}</td><td class="num">{1}</td><td class="num">{2}</td></tr>"#,
            name,
            n,
            bad
        );
    }
    if counts.is_empty() {
        write_html!(
            b,
            r#"<tr><td colspan="3">{}</td></tr>"#,
            ctx.t(
                "无（AQI≤50的日子无首要污染物）",
                "none (days with AQI ≤ 50 have no primary pollutant)"
            )
        );
    }
    b.push_trusted("</table></div>");
    Page {
        title: ctx.t("空气质量", "Air quality").into(),
        body: b,
        simulated: simulated(&sites),
    }
}
