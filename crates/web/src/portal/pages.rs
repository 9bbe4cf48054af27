//! The portal's pages. Each takes the store, the request context and the query, and returns a [`Page`].

use super::html::Html;
use super::svg::{self, Bar, Cell, Line, MapPoint};
use super::{Ctx, Lang, Page, ink};
use crate::{html, write_html};
use jiff::civil::Date;
use platform::figures::{self as data, AIR_PARAMS, AirNow, Bulletin, NoData, WaterNow};
use standards::Pollutant;
use standards::aqi::{AqiReport, HourlyReadings, IndicatorSet, Level};
use standards::warnings::WarningScheme;
use standards::water::{ClassCounts, WaterClass, WaterStatus};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use store::{Site, Store};

type Q = HashMap<String, String>;

const GREY: &str = "#b7bcc2";

fn level_name(ctx: &Ctx, l: Level) -> &'static str {
    match ctx.lang {
        Lang::Zh => l.category_zh(),
        Lang::En => l.category_en(),
    }
}

fn level_badge(ctx: &Ctx, l: Level) -> Html {
    let c = l.colour();
    html!(
        r#"<span class="badge" style="background:{};color:{}">{}</span>"#,
        c.hex,
        ink(c.rgb),
        level_name(ctx, l)
    )
}

fn primary(ctx: &Ctx, set: IndicatorSet) -> String {
    let names: Vec<&str> = set
        .iter()
        .map(|i| match ctx.lang {
            Lang::Zh => i.name_zh(),
            Lang::En => i.label(),
        })
        .collect();
    if names.is_empty() {
        "—".into()
    } else {
        names.join(ctx.t("、", ", "))
    }
}

/// The display colour of a water class: the colour of its section status (环办〔2011〕22号 Table 2).
pub fn class_colour(c: WaterClass) -> (&'static str, (u8, u8, u8)) {
    match WaterStatus::of_section(c).colour() {
        "blue" => ("#3b8fd9", (59, 143, 217)),
        "green" => ("#3fb35f", (63, 179, 95)),
        "yellow" => ("#f2d230", (242, 210, 48)),
        "orange" => ("#f08c2a", (240, 140, 42)),
        _ => ("#d93434", (217, 52, 52)),
    }
}

fn class_label(ctx: &Ctx, c: WaterClass) -> String {
    match ctx.lang {
        Lang::Zh => format!("{}类", c.label()),
        Lang::En => format!("Class {}", c.label().replace('劣', "worse than ")),
    }
}

fn class_badge(ctx: &Ctx, c: WaterClass) -> Html {
    let (hex, rgb) = class_colour(c);
    html!(
        r#"<span class="badge" style="background:{2};color:{}">{}</span>"#,
        ink(rgb),
        class_label(ctx, c),
        hex
    )
}

fn status_name(ctx: &Ctx, c: WaterClass) -> &'static str {
    let s = WaterStatus::of_section(c);
    match ctx.lang {
        Lang::Zh => s.chinese_name(),
        Lang::En => [
            "Excellent",
            "Good",
            "Lightly polluted",
            "Moderately polluted",
            "Heavily polluted",
        ][s as usize],
    }
}

fn no_data_text(ctx: &Ctx, n: &NoData) -> String {
    match n {
        NoData::NoDevice => ctx
            .t("未登记监测设备", "no monitoring device registered")
            .into(),
        NoData::NeverReceived => ctx.t("从未收到数据", "no data ever received").into(),
        NoData::Stale { last } => format!(
            "{} {}",
            ctx.t("数据中断，最后数据时间", "no current data; last data at"),
            ctx.time(*last)
        ),
        NoData::Invalid { hour } => format!(
            "{} {}",
            ctx.t(
                "最新小时数据无效（标记异常或有效数据不足）",
                "latest hour not valid (flagged or too few valid values):"
            ),
            ctx.time(*hour)
        ),
    }
}

fn site_name(ctx: &Ctx, s: &Site) -> Html {
    let mut n = Html::text(&s.name);
    if s.simulated {
        write_html!(
            n,
            r#" <span class="muted">{}</span>"#,
            ctx.t("(模拟)", "(simulated)")
        );
    }
    n
}

fn pollutant_label(p: Pollutant) -> String {
    format!("{} ({})", p.symbol(), p.unit().symbol())
}

fn conc(v: Option<standards::Concentration>) -> String {
    v.map(|c| svg::fmt_num(c.value().to_f64()))
        .unwrap_or_else(|| "—".into())
}

fn air_title(ctx: &Ctx, name: &str, a: &AirNow) -> String {
    match (&a.report, a.level(), a.hour) {
        (Some(r), Some(l), Some(h)) => format!(
            "{name}\nAQI {} {} · {}\n{} {}",
            r.aqi.unwrap_or(0),
            level_name(ctx, l),
            ctx.time(h),
            ctx.t("首要污染物", "Primary"),
            primary(ctx, r.primary)
        ),
        _ => format!(
            "{name}\n{}",
            a.no_data
                .as_ref()
                .map(|n| no_data_text(ctx, n))
                .unwrap_or_default()
        ),
    }
}

fn water_title(ctx: &Ctx, w: &WaterNow) -> String {
    match (&w.evaluation, w.hour) {
        (Some(e), Some(h)) => format!(
            "{}\n{} · {}\n{}",
            w.site.name,
            class_label(ctx, e.class),
            ctx.time(h),
            limiting_text(ctx, e)
        ),
        _ => format!(
            "{}\n{}",
            w.site.name,
            w.no_data
                .as_ref()
                .map(|n| no_data_text(ctx, n))
                .unwrap_or_default()
        ),
    }
}

fn limiting_text(ctx: &Ctx, e: &standards::water::Evaluation) -> String {
    let items: Vec<String> = e
        .limiting()
        .iter()
        .map(|r| {
            let name = match ctx.lang {
                Lang::Zh => r.parameter.chinese_name(),
                Lang::En => r.parameter.english_name(),
            };
            match r.exceedance {
                Some(m) => format!("{name} ({} {m})", ctx.t("超Ⅲ类倍数", "× over III:")),
                None => name.to_string(),
            }
        })
        .collect();
    format!(
        "{} {}",
        ctx.t("定类因子:", "Limiting:"),
        if items.is_empty() {
            "—".into()
        } else {
            items.join(", ")
        }
    )
}

/// The hidden field that keeps a form's answer in the page's language.
fn lang_field(ctx: &Ctx) -> Html {
    match ctx.lang {
        Lang::En => Html::trusted(r#"<input type="hidden" name="lang" value="en">"#),
        Lang::Zh => Html::new(),
    }
}

fn simulated(sites: &[&Site]) -> bool {
    sites.iter().any(|s| s.simulated)
}

fn level_legend(ctx: &Ctx) -> Html {
    let mut s = Html::trusted(r#"<div class="legend">"#);
    for l in Level::ALL {
        write_html!(
            s,
            r#"<span><i style="background:{}"></i>{}</span>"#,
            l.colour().hex,
            level_name(ctx, l)
        );
    }
    write_html!(
        s,
        r#"<span><i style="background:{1}"></i>{}</span></div>"#,
        ctx.t("无当前数据", "no current data"),
        GREY
    );
    s
}

fn class_legend(ctx: &Ctx) -> Html {
    let mut s = Html::trusted(r#"<div class="legend">"#);
    for c in [
        WaterClass::I,
        WaterClass::III,
        WaterClass::IV,
        WaterClass::V,
        WaterClass::WorseThanV,
    ] {
        let label = if c == WaterClass::I {
            ctx.t("Ⅰ–Ⅱ类", "Class I–II").to_string()
        } else {
            class_label(ctx, c)
        };
        write_html!(
            s,
            r#"<span><i style="background:{}"></i>{1}</span>"#,
            class_colour(c).0,
            label
        );
    }
    s.push_trusted("</div>");
    s
}

// ---------------------------------------------------------------------------------------------------------
// Home

/// The city's AQI per hour over `[from, to)` from the stations' valid hourly readings.
fn city_hours(
    store: &Store,
    ctx: &Ctx,
    sites: &[&Site],
    from: i64,
    to: i64,
) -> store::Result<BTreeMap<i64, (HourlyReadings, AqiReport)>> {
    let mut by_hour: BTreeMap<i64, Vec<HourlyReadings>> = BTreeMap::new();
    for s in sites {
        for (t, r) in data::air_hours(store, &s.id, from, to)? {
            by_hour.entry(t).or_default().push(r);
        }
    }
    Ok(by_hour
        .into_iter()
        .map(|(t, rs)| {
            let city = data::city_hour(&rs);
            (t, (city, data::hourly_report(&ctx.tz, t, &city)))
        })
        .collect())
}

/// The city's daily reports for the local days of `[from, to]` from each station's cached days.
fn city_days(
    store: &Store,
    ctx: &Ctx,
    sites: &[&Site],
    from: Date,
    to: Date,
) -> store::Result<Vec<data::Day>> {
    let year_from = Date::new(to.year(), 1, 1).unwrap_or(from);
    let year_to = Date::new(to.year(), 12, 31).unwrap_or(to);
    let mut per_day: BTreeMap<Date, Vec<standards::aqi::DailyReadings>> = BTreeMap::new();
    for s in sites {
        let days = ctx.figures.station_days(
            store,
            &ctx.tz,
            &s.id,
            year_from.min(from),
            year_to,
            ctx.now,
        )?;
        for d in days.iter().filter(|d| d.date >= from && d.date <= to) {
            per_day.entry(d.date).or_default().push(d.readings);
        }
    }
    Ok(per_day
        .into_iter()
        .map(|(d, rs)| data::city_day(d, &rs))
        .collect())
}

pub fn home(store: &Store, ctx: &Ctx, _q: &Q) -> store::Result<Page> {
    let air = data::air_now(store, &ctx.tz, ctx.now)?;
    let water = data::water_now(store, ctx.now)?;
    let air_sites: Vec<&Site> = air
        .iter()
        .map(|a| &a.site)
        .filter(|s| data::in_city(&ctx.city_air_stations, &s.id))
        .collect();
    let mut b = Html::new();

    // City AQI now and today's summary.
    let city = data::city_now(&ctx.tz, &air, &ctx.city_air_stations);
    let today = data::local_date(&ctx.tz, ctx.now);
    let today_start = data::day_start(&ctx.tz, today);
    let hours = city_hours(store, ctx, &air_sites, today_start, ctx.now + 1)?;
    let good_hours = hours
        .values()
        .filter(|(_, r)| r.aqi.is_some_and(|a| a <= 100))
        .count();
    let valid_hours = hours.values().filter(|(_, r)| r.aqi.is_some()).count();
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    for a in &air {
        if let Some(l) = a.level() {
            *by_level.entry(l).or_default() += 1;
        }
    }
    let no_air = air.iter().filter(|a| a.level().is_none()).count();
    b.push_trusted(r#"<section class="cards">"#);
    match &city {
        Some((h, _, r)) if r.aqi.is_some() => {
            let aqi = r.aqi.unwrap_or(0);
            let l = Level::of(aqi);
            write_html!(
                b,
                r#"<div class="card" id="city-aqi"><div class="muted">{}</div><div class="big" style="color:{}">{8}</div>{}<div class="muted">{} {} · {} {}</div><div class="muted">{}</div></div>"#,
                ctx.t("全市空气质量指数 AQI（实时）", "City AQI (real time)"),
                if l <= Level::Two {
                    "#1d2329"
                } else {
                    l.colour().hex
                },
                level_badge(ctx, l),
                ctx.t("首要污染物", "Primary pollutant"),
                primary(ctx, r.primary),
                ctx.time(*h),
                r.version.name(),
                match ctx.lang {
                    Lang::Zh => format!("{} 个站点浓度均值计算", air_sites.len()),
                    Lang::En => format!("mean concentrations of {} stations", air_sites.len()),
                },
                aqi
            );
        }
        _ => {
            write_html!(
                b,
                r#"<div class="card" id="city-aqi"><div class="muted">{}</div><div class="big">—</div><div class="muted">{}</div></div>"#,
                ctx.t("全市空气质量指数 AQI（实时）", "City AQI (real time)"),
                ctx.t("暂无当前数据", "no current data")
            );
        }
    }
    write_html!(
        b,
        r#"<div class="card" id="today"><div class="muted">{}</div><div class="big">{2}/{3}</div><div class="muted">{}</div></div>"#,
        ctx.t("今日优良小时数（全市）", "Good hours today (city)"),
        ctx.t(
            "小时AQI≤100的小时 / 有效小时",
            "hours with AQI ≤ 100 / valid hours"
        ),
        good_hours,
        valid_hours
    );
    let mut lv = Html::new();
    for (l, n) in &by_level {
        write_html!(lv, "{} {} ", level_badge(ctx, *l), n);
    }
    if no_air > 0 {
        write_html!(
            lv,
            r#"<span class="badge" style="background:{1}">{} {2}</span>"#,
            ctx.t("无数据", "no data"),
            GREY,
            no_air
        );
    }
    write_html!(
        b,
        r#"<div class="card"><div class="muted">{}</div><div style="margin-top:6px">{1}</div></div>"#,
        ctx.t("空气站点当前级别", "Air stations by current level"),
        lv
    );
    let classes: Vec<WaterClass> = water
        .iter()
        .filter_map(|w| w.evaluation.as_ref().map(|e| e.class))
        .collect();
    let counts = ClassCounts::of(&classes);
    write_html!(
        b,
        r#"<div class="card"><div class="muted">{}</div><div class="big">{}%</div><div class="muted">{} {}/{} · {} {}%</div></div>"#,
        ctx.t("水质优良（Ⅰ–Ⅲ类）断面比例", "Water sections in class I–III"),
        counts.good_percent(),
        ctx.t("断面", "sections"),
        counts.good(),
        counts.total(),
        ctx.t("目标", "target"),
        ctx.targets.water_good_pct
    );
    b.push_trusted("</section>");

    // Warnings.
    let week_from = today
        .checked_sub(jiff::Span::new().days(6))
        .unwrap_or(today);
    let days = city_days(store, ctx, &air_sites, week_from, today)?;
    let aqis: Vec<u16> = days
        .iter()
        .filter_map(|d| d.report.publishable_aqi())
        .collect();
    let scheme = WarningScheme::national_2018();
    write_html!(
        b,
        r#"<h2>{}</h2><div class="panel" id="warnings">"#,
        ctx.t("重污染天气预警", "Heavy-pollution weather warnings")
    );
    match scheme.level(&aqis) {
        Some(w) => {
            let first = days
                .get(w.episode.start)
                .map(|d| d.date.to_string())
                .unwrap_or_default();
            write_html!(
                b,
                r#"<p><strong>{}{}</strong> ({} {}) · {} {7}, {} {}</p>"#,
                match ctx.lang {
                    Lang::Zh => w.level.chinese_name(),
                    Lang::En => w.level.name(),
                },
                ctx.t("预警", " warning"),
                ctx.t("级别", "grade"),
                w.level.grade(),
                ctx.t("过程开始", "episode from"),
                ctx.t("持续天数", "days"),
                w.episode.len(),
                first
            );
        }
        None => {
            write_html!(
                b,
                "<p>{}</p>",
                ctx.t(
                    "当前无重污染天气预警。",
                    "No heavy-pollution warning in effect."
                )
            );
        }
    }
    write_html!(b, r#"<p class="muted">{} ({}): {}</p></div>"#, ctx.t("依据近7日全市日AQI按国家三级预警分级判定（尚无预报数据接入）", "Judged on the city's daily AQI of the last 7 days by the national three-level scheme (no forecast feed yet)"), scheme.name(), if aqis.is_empty() { "—".into() } else { aqis.iter().map(u16::to_string).collect::<Vec<_>>().join(", ") });

    // Map.
    let layer = &*ctx.map_layer;
    let mut points = Vec::new();
    for a in &air {
        let (Some(lon), Some(lat)) = (a.site.lon, a.site.lat) else {
            continue;
        };
        points.push(MapPoint {
            lon,
            lat,
            fill: a
                .level()
                .map_or(GREY.to_string(), |l| l.colour().hex.to_string()),
            shape: "circle",
            title: air_title(ctx, &a.site.name, a),
            href: ctx.href(&format!("/air?station={}", super::urlencode(&a.site.id))),
        });
    }
    for w in &water {
        let (Some(lon), Some(lat)) = (w.site.lon, w.site.lat) else {
            continue;
        };
        points.push(MapPoint {
            lon,
            lat,
            fill: w
                .evaluation
                .as_ref()
                .map_or(GREY.to_string(), |e| class_colour(e.class).0.to_string()),
            shape: if w.site.kind == store::SiteKind::DrinkingWaterSource {
                "diamond"
            } else {
                "square"
            },
            title: water_title(ctx, w),
            href: ctx.href("/water"),
        });
    }
    write_html!(b, r#"<h2>{}</h2><div class="panel" id="map">{}<p class="muted">{}</p>{}{}</div>"#, ctx.t("监测点位地图", "Monitoring map"), svg::map(ctx.t("全市监测点位图", "City monitoring map"), layer, ctx.lang == Lang::En, &points), ctx.t(
            "● 空气站（按当前AQI级别着色） ■ 地表水断面 ◆ 饮用水源地（按当前水质类别着色）；灰色为无当前数据。县界为示意图层，非行政区划界线。",
            "● air stations (current AQI level) ■ surface-water sections ◆ drinking-water sources (current class); grey: no current data. County shapes are a schematic layer, not administrative boundaries."
        ), level_legend(ctx), class_legend(ctx));

    // Stations without current data, with the cause.
    let cause = |n: &Option<NoData>| n.as_ref().map(|n| no_data_text(ctx, n)).unwrap_or_default();
    let missing: Vec<(Html, String)> = air
        .iter()
        .filter(|a| a.level().is_none())
        .map(|a| (site_name(ctx, &a.site), cause(&a.no_data)))
        .chain(
            water
                .iter()
                .filter(|w| w.evaluation.is_none())
                .map(|w| (site_name(ctx, &w.site), cause(&w.no_data))),
        )
        .collect();
    if !missing.is_empty() {
        write_html!(
            b,
            r#"<h2>{}</h2><div class="scroll"><table id="no-data"><tr><th>{}</th><th>{}</th></tr>"#,
            ctx.t("无当前数据的点位", "Sites without current data"),
            ctx.t("点位", "Site"),
            ctx.t("原因", "Cause")
        );
        for (n, c) in &missing {
            write_html!(b, "<tr><td>{1}</td><td>{}</td></tr>", c, n);
        }
        b.push_trusted("</table></div>");
    }
    let sims: Vec<&Site> = air
        .iter()
        .map(|a| &a.site)
        .chain(water.iter().map(|w| &w.site))
        .collect();
    Ok(Page {
        title: ctx
            .t("全市环境质量实况", "Environmental quality now")
            .into(),
        body: b,
        simulated: simulated(&sims),
    })
}

// ---------------------------------------------------------------------------------------------------------
// Air

fn ticks_hours(ctx: &Ctx, t0: i64, t1: i64, step_h: i64, fmt: &str) -> svg::Ticks {
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

fn aqi_bars(ctx: &Ctx, hours: &BTreeMap<i64, HourlyReadings>) -> Vec<Bar> {
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

const LINE_COLOURS: [&str; 6] = [
    "#7b61ff", "#e07b39", "#555", "#2a9d8f", "#8d6e63", "#d62f7c",
];

fn pollutant_lines(
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

pub fn air(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    let air = data::air_now(store, &ctx.tz, ctx.now)?;
    let sites: Vec<&Site> = air.iter().map(|a| &a.site).collect();
    let mut b = Html::new();
    let Some(sel) = q
        .get("station")
        .and_then(|id| air.iter().find(|a| &a.site.id == id))
        .or_else(|| air.first())
    else {
        b.push(&html!(
            "<p>{}</p>",
            ctx.t("尚未登记空气监测站。", "No air station is registered yet.")
        ));
        return Ok(Page {
            title: ctx.t("空气质量", "Air quality").into(),
            body: b,
            simulated: false,
        });
    };
    let today = data::local_date(&ctx.tz, ctx.now);
    let year_start = Date::new(today.year(), 1, 1).unwrap_or(today);
    let year_end = Date::new(today.year(), 12, 31).unwrap_or(today);

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
    for a in &air {
        let link = ctx.href(&format!("/air?station={}", super::urlencode(&a.site.id)));
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
    for a in &air {
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
    let hour_now = ctx.now - ctx.now.rem_euclid(3600);
    let t1 = hour_now + 3600;
    let t24 = t1 - 24 * 3600;
    let t30 = t1 - 30 * 24 * 3600;
    let hours30 = data::air_hours(store, &sel.site.id, t30, t1)?;
    let hours24: BTreeMap<i64, HourlyReadings> =
        hours30.range(t24..).map(|(k, v)| (*k, *v)).collect();
    let guides = [50.0, 100.0, 150.0, 200.0, 300.0];
    let ticks24 = ticks_hours(ctx, t24, t1, 3, "%H:%M");
    let ticks30 = ticks_hours(ctx, t30, t1, 48, "%m-%d");
    let (l24, h24) = pollutant_lines(ctx, &hours24, t24, t1, 3600);
    let (l30, h30) = pollutant_lines(ctx, &hours30, t30, t1, 24 * 3600);
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
            &aqi_bars(ctx, &hours30),
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
    let days =
        ctx.figures
            .station_days(store, &ctx.tz, &sel.site.id, year_start, year_end, ctx.now)?;
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
    let city_sites: Vec<&Site> = sites
        .iter()
        .copied()
        .filter(|s| data::in_city(&ctx.city_air_stations, &s.id))
        .collect();
    let city = city_days(store, ctx, &city_sites, year_start, today)?;
    let ratio = |ds: &[data::Day]| {
        standards::air::good_day_ratio(
            ds.iter()
                .filter(|d| d.date <= today)
                .map(|d| d.report.publishable_aqi()),
        )
    };
    let city_ratio = ratio(&city);
    let station_ratio = ratio(&days);
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
    for d in &city {
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
    Ok(Page {
        title: ctx.t("空气质量", "Air quality").into(),
        body: b,
        simulated: simulated(&sites),
    })
}

// ---------------------------------------------------------------------------------------------------------
// Water

pub fn water(store: &Store, ctx: &Ctx, _q: &Q) -> store::Result<Page> {
    let water = data::water_now(store, ctx.now)?;
    let sections: Vec<&WaterNow> = water
        .iter()
        .filter(|w| w.site.kind == store::SiteKind::WaterSection)
        .collect();
    let sources: Vec<&WaterNow> = water
        .iter()
        .filter(|w| w.site.kind == store::SiteKind::DrinkingWaterSource)
        .collect();
    let mut b = Html::new();
    let classes: Vec<WaterClass> = water
        .iter()
        .filter_map(|w| w.evaluation.as_ref().map(|e| e.class))
        .collect();
    let counts = ClassCounts::of(&classes);
    let target = ctx.targets.water_good_pct;
    let pct = counts.good_percent().to_f64();
    let text = format!(
        "{}: {pct:.1}% ({}/{})",
        ctx.t("Ⅰ–Ⅲ类断面比例", "Sections in class I–III"),
        counts.good(),
        counts.total()
    );
    write_html!(b, r#"<h2>{}</h2><div class="panel" id="good-share"><p>{}</p>{}<p class="muted">{}</p></div>"#, ctx.t("水质优良断面比例", "Share of sections in class I–III"), &text, svg::ratio_bar(&text, (counts.total() > 0).then_some(pct), target, &text, &format!("{} {target}%", ctx.t("目标", "target"))), ctx.t("按各断面及饮用水源地最新监测值，GB 3838-2002 单因子评价（环办〔2011〕22号）。", "Latest values of each section and source, GB 3838-2002 single-factor evaluation (环办〔2011〕22号)."));

    write_html!(
        b,
        r#"<h2>{}</h2><div class="scroll"><table id="sections"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        ctx.t("各断面最新水质", "Latest class of each section"),
        ctx.t("断面", "Section"),
        ctx.t("类别", "Class"),
        ctx.t("水质状况", "Status"),
        ctx.t(
            "定类因子（超Ⅲ类倍数）",
            "Limiting parameters (multiple over III)"
        ),
        ctx.t("时间", "Time")
    );
    for w in sections.iter().chain(sources.iter()) {
        write_html!(b, "<tr><td>{}", site_name(ctx, &w.site));
        if let Some(body) = &w.waterbody {
            write_html!(b, r#"<br><span class="muted">{}</span>"#, body);
        }
        b.push_trusted("</td>");
        match (&w.evaluation, w.hour) {
            (Some(e), Some(h)) => {
                write_html!(
                    b,
                    "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                    class_badge(ctx, e.class),
                    status_name(ctx, e.class),
                    &limiting_text(ctx, e),
                    ctx.time(h)
                );
            }
            _ => {
                write_html!(
                    b,
                    r#"<td><span class="badge" style="background:{2}">{}</span></td><td colspan="3">{}</td>"#,
                    ctx.t("无数据", "no data"),
                    &w.no_data
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

    // Monthly classes over twelve months.
    let months = data::last_months(&ctx.tz, ctx.now, 12);
    let mut rows = Vec::new();
    let mut month_classes: BTreeMap<(i16, i8), Vec<WaterClass>> = BTreeMap::new();
    for w in sections.iter().chain(sources.iter()) {
        let per = data::monthly_classes(store, &ctx.tz, &ctx.figures, &w.site, &months, ctx.now)?;
        let cells = months
            .iter()
            .map(|m| {
                per.get(m).map(|e| {
                    month_classes.entry(*m).or_default().push(e.class);
                    Cell {
                        fill: class_colour(e.class).0.into(),
                        text: e.class.label().replace('劣', "≫"),
                        title: format!(
                            "{} {}-{:02}: {} · {}",
                            w.site.name,
                            m.0,
                            m.1,
                            class_label(ctx, e.class),
                            limiting_text(ctx, e)
                        ),
                    }
                })
            })
            .collect();
        rows.push((w.site.id.clone(), cells));
    }
    let cols: Vec<String> = months.iter().map(|(_, m)| format!("{m}")).collect();
    write_html!(b, r#"<h2>{}</h2><div class="panel" id="monthly"><div class="scroll">{}</div>{}<p class="muted">{}</p></div>"#, ctx.t("逐月水质类别（月均值评价）", "Class by month (monthly mean)"), svg::grid(ctx.t("逐月水质类别", "Class by month"), &rows, &cols, 26.0, 46.0), class_legend(ctx), ctx.t("行为断面编号，列为月份；悬停或点按查看断面名称、类别和定类因子。", "Rows are section ids, columns months; hover or tap a cell for the name, class and limiting parameters."));
    let bars: Vec<Bar> = months
        .iter()
        .filter_map(|m| {
            let cs = month_classes.get(m)?;
            let c = ClassCounts::of(cs);
            let from = data::day_start(&ctx.tz, jiff::civil::date(m.0, m.1, 1));
            let to = data::day_start(&ctx.tz, data::next_month(m.0, m.1));
            let p = c.good_percent().to_f64();
            Some(Bar {
                start: from,
                end: to,
                value: p,
                colour: if p >= target {
                    "#2e9d50".into()
                } else {
                    "#d9822b".into()
                },
                title: format!("{}-{:02}: {p:.1}% ({}/{})", m.0, m.1, c.good(), c.total()),
            })
        })
        .collect();
    let t0 = months
        .first()
        .map(|m| data::day_start(&ctx.tz, jiff::civil::date(m.0, m.1, 1)))
        .unwrap_or(0);
    let t1 = months
        .last()
        .map(|m| data::day_start(&ctx.tz, data::next_month(m.0, m.1)))
        .unwrap_or(0);
    let ticks: svg::Ticks = months
        .iter()
        .map(|m| {
            (
                data::day_start(&ctx.tz, jiff::civil::date(m.0, m.1, 15)),
                format!("{}", m.1),
            )
        })
        .collect();
    write_html!(
        b,
        r#"<div class="panel" id="monthly-share"><p>{} ({} {3}%)</p><div class="scroll">{}</div></div>"#,
        ctx.t("逐月Ⅰ–Ⅲ类比例 (%)", "Share in class I–III by month (%)"),
        ctx.t("虚线为目标", "dashed line: target"),
        svg::time_bars(
            ctx.t("逐月Ⅰ–Ⅲ类比例", "Share in class I–III by month"),
            t0,
            t1,
            &bars,
            &ticks,
            &[target]
        ),
        target
    );

    // Drinking-water sources.
    write_html!(
        b,
        r#"<h2>{}</h2><div class="scroll"><table id="sources"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        ctx.t("集中式饮用水水源地", "Drinking-water sources"),
        ctx.t("水源地", "Source"),
        ctx.t("达标情况", "Compliance"),
        ctx.t("超标项目（超标倍数）", "Exceeding items (multiple)"),
        ctx.t("时间", "Time")
    );
    for w in &sources {
        write_html!(b, "<tr><td>{}</td>", site_name(ctx, &w.site));
        match (&w.drinking, w.hour) {
            (Some(c), Some(h)) => {
                let items: Vec<String> = c
                    .failures
                    .iter()
                    .map(|f| {
                        let (en, zh) = data::item_names(&f.item);
                        format!(
                            "{}{}",
                            ctx.t(&zh, &en),
                            f.exceedance.map(|m| format!(" ({m})")).unwrap_or_default()
                        )
                    })
                    .collect();
                write_html!(
                    b,
                    r#"<td>{}</td><td>{}</td><td>{}</td>"#,
                    if c.compliant() {
                        html!(r#"<span class="ok">{}</span>"#, ctx.t("达标", "complies"))
                    } else {
                        html!(
                            r#"<span class="exceed">{}</span>"#,
                            ctx.t("不达标", "does not comply")
                        )
                    },
                    if items.is_empty() {
                        "—".into()
                    } else {
                        items.join(", ")
                    },
                    ctx.time(h)
                );
            }
            _ => {
                write_html!(
                    b,
                    r#"<td colspan="3">{}</td>"#,
                    &w.no_data
                        .as_ref()
                        .map(|n| no_data_text(ctx, n))
                        .unwrap_or_default()
                );
            }
        }
        b.push_trusted("</tr>");
    }
    write_html!(
        b,
        r#"</table></div><p><a href="{}">{}</a></p>"#,
        &ctx.href("/bulletin"),
        ctx.t(
            "季度饮用水水质公报 →",
            "Quarterly drinking-water bulletin →"
        )
    );
    let sims: Vec<&Site> = water.iter().map(|w| &w.site).collect();
    Ok(Page {
        title: ctx.t("水环境质量", "Water quality").into(),
        body: b,
        simulated: simulated(&sims),
    })
}

// ---------------------------------------------------------------------------------------------------------
// Quarterly drinking-water bulletin

/// The year and quarter asked for (`year`, `quarter`), by default the last complete quarter.
pub fn quarter_of(ctx: &Ctx, q: &Q) -> (i16, u8) {
    let today = data::local_date(&ctx.tz, ctx.now);
    let current = ((today.month() - 1) / 3 + 1) as u8;
    let (dy, dq) = if current == 1 {
        (today.year() - 1, 4)
    } else {
        (today.year(), current - 1)
    };
    let year = q
        .get("year")
        .and_then(|y| y.parse().ok())
        .filter(|y| (1990..=2200).contains(y))
        .unwrap_or(dy);
    let quarter = q
        .get("quarter")
        .and_then(|x| x.parse().ok())
        .filter(|x| (1..=4).contains(x))
        .unwrap_or(dq);
    (year, quarter)
}

fn pct(n: f64, d: f64) -> String {
    if d > 0.0 {
        format!("{:.1}%", n / d * 100.0)
    } else {
        "—".into()
    }
}

pub fn bulletin(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    let (year, quarter) = quarter_of(ctx, q);
    let bl = data::bulletin(store, &ctx.tz, year, quarter)?;
    let mut b = Html::new();
    let today = data::local_date(&ctx.tz, ctx.now);
    write_html!(
        b,
        r#"<form class="pick noprint" method="get" action="/bulletin"><label for="year">{}</label><select id="year" name="year">"#,
        ctx.t("年份", "Year")
    );
    for y in (today.year() - 4..=today.year()).rev() {
        write_html!(
            b,
            r#"<option value="{1}"{}>{1}</option>"#,
            if y == year { " selected" } else { "" },
            y
        );
    }
    write_html!(
        b,
        r#"</select><label for="quarter">{}</label><select id="quarter" name="quarter">"#,
        ctx.t("季度", "Quarter")
    );
    for x in 1..=4u8 {
        write_html!(
            b,
            r#"<option value="{2}"{}>{}</option>"#,
            if x == quarter { " selected" } else { "" },
            match ctx.lang {
                Lang::Zh => format!("第{x}季度"),
                Lang::En => format!("Q{x}"),
            },
            x
        );
    }
    let qs = format!("year={year}&quarter={quarter}");
    write_html!(
        b,
        r#"</select>{}<button type="submit">{}</button> <a href="/bulletin.csv?{3}" id="csv" download>CSV</a> <a href="/bulletin.xlsx?{3}" id="xlsx" download>XLSX</a> <button type="button" onclick="window.print()">{}</button></form>"#,
        lang_field(ctx),
        ctx.t("查看", "Show"),
        ctx.t("打印", "Print"),
        qs
    );
    write_html!(
        b,
        r#"<h2>{1} {}</h2>"#,
        match ctx.lang {
            Lang::Zh => format!("年第{quarter}季度 集中式饮用水水源地水质状况"),
            Lang::En => format!("Q{quarter}: centralised drinking-water sources"),
        },
        year
    );
    let assessed = bl.assessed();
    let compliant = bl.compliant_sources();
    let samples: u32 = bl.rows.iter().map(|r| r.samples).sum();
    let ok_samples: u32 = bl.rows.iter().map(|r| r.compliant_samples).sum();
    write_html!(
        b,
        r#"<section class="cards" id="summary"><div class="card"><div class="muted">{}</div><div class="big">{6}/{7}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div><div class="muted">{8}/{9}</div></div><div class="card"><div class="muted">{}</div><div class="big">{}</div><div class="muted">{}</div></div></section>"#,
        ctx.t(
            "达标水源地 / 监测水源地",
            "Compliant sources / sources assessed"
        ),
        ctx.t("按次数达标率", "Compliance by count"),
        pct(ok_samples as f64, samples as f64),
        ctx.t("按水量达标率", "Compliance by volume"),
        bl.volumes()
            .map(|(t, ok)| pct(ok, t))
            .unwrap_or_else(|| "—".into()),
        bl.volumes()
            .map(|(t, ok)| format!("{:.0} / {:.0} m³", ok, t))
            .unwrap_or_else(|| ctx
                .t("水源地未报送取水量", "no intake volume reported")
                .into()),
        compliant,
        assessed,
        ok_samples,
        samples
    );
    let rows: Vec<(String, Vec<Option<Cell>>)> = bl
        .rows
        .iter()
        .map(|r| {
            let cells = bl
                .months
                .iter()
                .map(|m| {
                    Some(match r.months.iter().find(|x| x.0 == *m) {
                        Some((_, ok, class)) => Cell {
                            fill: if *ok {
                                "#2e9d50".into()
                            } else {
                                "#d93434".into()
                            },
                            text: class
                                .map(|c| c.label().replace('劣', "≫"))
                                .unwrap_or_default(),
                            title: format!(
                                "{} {}-{:02}: {}{}",
                                r.site.name,
                                m.0,
                                m.1,
                                if *ok {
                                    ctx.t("达标", "complies")
                                } else {
                                    ctx.t("不达标", "does not comply")
                                },
                                class
                                    .map(|c| format!(" · {}", class_label(ctx, c)))
                                    .unwrap_or_default()
                            ),
                        },
                        None => Cell {
                            fill: "#dde1e5".into(),
                            text: String::new(),
                            title: format!(
                                "{} {}-{:02}: {}",
                                r.site.name,
                                m.0,
                                m.1,
                                ctx.t("无监测数据", "no data")
                            ),
                        },
                    })
                })
                .collect();
            (r.site.id.clone(), cells)
        })
        .collect();
    let cols: Vec<String> = bl
        .months
        .iter()
        .map(|m| match ctx.lang {
            Lang::Zh => format!("{}月", m.1),
            Lang::En => format!("{}-{:02}", m.0, m.1),
        })
        .collect();
    write_html!(
        b,
        r#"<div class="panel" id="months"><p>{}</p>{}</div>"#,
        ctx.t(
            "逐月达标情况（绿：达标，红：不达标，格内为水质类别）",
            "Compliance by month (green: complies, red: does not; class in the cell)"
        ),
        svg::grid(
            ctx.t("逐月达标情况", "Compliance by month"),
            &rows,
            &cols,
            44.0,
            46.0
        )
    );
    write_html!(
        b,
        r#"<div class="scroll"><table id="bulletin"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        ctx.t("水源地", "Source"),
        ctx.t("监测次数（月）", "Samples (months)"),
        ctx.t("达标次数", "Compliant"),
        ctx.t("按次数达标率", "By count"),
        ctx.t("取水量 / 达标水量 (m³)", "Intake / compliant volume (m³)"),
        ctx.t("最差类别", "Worst class"),
        ctx.t(
            "超标项目（最大超标倍数，超标次数）",
            "Exceeding items (largest multiple, samples)"
        )
    );
    for r in &bl.rows {
        let exc: Vec<String> = r
            .exceedances
            .iter()
            .map(|e| {
                let name = if ctx.lang == Lang::Zh {
                    &e.item_zh
                } else {
                    &e.item
                };
                format!(
                    "{name} ({}, {})",
                    e.max_multiple
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "—".into()),
                    e.samples
                )
            })
            .collect();
        write_html!(
            b,
            r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
            site_name(ctx, &r.site),
            r.samples,
            r.compliant_samples,
            pct(r.compliant_samples as f64, r.samples as f64),
            match (r.volume_m3, r.compliant_volume_m3) {
                (Some(v), Some(ok)) => format!("{v:.0} / {ok:.0} ({})", pct(ok, v)),
                _ => "—".into(),
            },
            r.worst_class
                .map(|c| class_badge(ctx, c))
                .unwrap_or_else(|| Html::trusted("—")),
            if exc.is_empty() {
                "—".into()
            } else {
                exc.join("; ")
            }
        );
    }
    if bl.rows.is_empty() {
        write_html!(
            b,
            r#"<tr><td colspan="7">{}</td></tr>"#,
            ctx.t(
                "尚未登记饮用水水源地。",
                "No drinking-water source registered."
            )
        );
    }
    write_html!(b, r#"</table></div><p class="muted">{}</p>"#, ctx.t(
            "每月一次评价：取当月有效小时均值的均值，按 GB 3838-2002 表1（Ⅲ类）及表2 判定（环办〔2011〕22号）；超标倍数 =（C−S）/S。按水量达标率 = 达标月份取水量 / 总取水量（取水流量 w00000，m³/h，逐小时累计）。",
            "One evaluation per month: the mean of the month's valid hourly means, judged against GB 3838-2002 Table 1 (class III) and Table 2 (环办〔2011〕22号); multiple = (C − S)/S. Compliance by volume = intake volume in compliant months / total intake (intake flow w00000 in m³/h, summed hour by hour)."
        ));
    let sims: Vec<&Site> = bl.rows.iter().map(|r| &r.site).collect();
    Ok(Page {
        title: ctx
            .t(
                "饮用水水源地水质季度公报",
                "Quarterly drinking-water bulletin",
            )
            .into(),
        body: b,
        simulated: simulated(&sims),
    })
}

fn bulletin_rows(b: &Bulletin) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "year",
        "quarter",
        "site_id",
        "source",
        "simulated",
        "samples",
        "compliant_samples",
        "compliance_by_count_pct",
        "intake_m3",
        "compliant_intake_m3",
        "compliance_by_volume_pct",
        "worst_class",
        "exceeding_items",
    ];
    let rows = b
        .rows
        .iter()
        .map(|r| {
            let by_count = (r.samples > 0).then(|| {
                format!(
                    "{:.1}",
                    r.compliant_samples as f64 / r.samples as f64 * 100.0
                )
            });
            let by_volume = match (r.volume_m3, r.compliant_volume_m3) {
                (Some(v), Some(ok)) if v > 0.0 => Some(format!("{:.1}", ok / v * 100.0)),
                _ => None,
            };
            vec![
                b.year.to_string(),
                b.quarter.to_string(),
                r.site.id.clone(),
                r.site.name.clone(),
                r.site.simulated.to_string(),
                r.samples.to_string(),
                r.compliant_samples.to_string(),
                by_count.unwrap_or_default(),
                r.volume_m3.map(|v| format!("{v:.0}")).unwrap_or_default(),
                r.compliant_volume_m3
                    .map(|v| format!("{v:.0}"))
                    .unwrap_or_default(),
                by_volume.unwrap_or_default(),
                r.worst_class
                    .map(|c| c.label().to_string())
                    .unwrap_or_default(),
                r.exceedances
                    .iter()
                    .map(|e| {
                        format!(
                            "{}:{}",
                            e.item,
                            e.max_multiple.map(|m| m.to_string()).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(";"),
            ]
        })
        .collect();
    (header, rows)
}

/// The bulletin as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names).
pub fn bulletin_csv(b: &Bulletin) -> String {
    let (header, rows) = bulletin_rows(b);
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(
            &r.iter()
                .map(|f| platform::csv_out::field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// The bulletin as an XLSX workbook.
pub fn bulletin_xlsx(b: &Bulletin) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let (header, rows) = bulletin_rows(b);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(format!("{}-Q{}", b.year, b.quarter))
        .map_err(|e| e.to_string())?;
    for (j, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &bold)
            .map_err(|e| e.to_string())?;
    }
    let numeric = [0usize, 1, 5, 6, 7, 8, 9, 10];
    for (i, r) in rows.iter().enumerate() {
        for (j, v) in r.iter().enumerate() {
            let row = i as u32 + 1;
            match v.parse::<f64>() {
                Ok(n) if numeric.contains(&j) => ws.write_number(row, j as u16, n),
                _ => ws.write_string(row, j as u16, v),
            }
            .map_err(|e| e.to_string())?;
        }
    }
    ws.set_column_width(3, 28).map_err(|e| e.to_string())?;
    ws.set_column_width(12, 40).map_err(|e| e.to_string())?;
    wb.save_to_buffer().map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------------------
// Key emitters

fn outlet_cell(ctx: &Ctx, v: &data::OutletValue) -> Html {
    let limit_text = v.limit.map(|l| {
        let t = match l.limit {
            standards::emissions::Limit::AtMost(x) => format!("≤{x}"),
            standards::emissions::Limit::Range { low, high } => format!("{low}–{high}"),
            standards::emissions::Limit::NotDetectable => ctx.t("不得检出", "n.d.").into(),
        };
        (t, l)
    });
    let Some(j) = &v.latest else {
        return match &limit_text {
            Some((t, _)) => html!(
                r#"<td class="num">— <span class="muted">/ {}</span></td>"#,
                t
            ),
            None => Html::trusted(r#"<td class="num">—</td>"#),
        };
    };
    let shown = j.corrected.unwrap_or(j.measured);
    let mut title = format!(
        "{} {} {}",
        ctx.t(v.param.name_zh, v.param.name_en),
        ctx.t("实测", "measured"),
        svg::fmt_num(j.measured)
    );
    if let Some(c) = j.corrected {
        let _ = write!(
            title,
            ", {} {}",
            ctx.t("折算", "O2-corrected"),
            svg::fmt_num(c)
        );
    }
    let (class, mark) = match j.verdict {
        Some(x) if x.exceeds() => {
            if let standards::emissions::Verdict::Exceeds { multiple: Some(m) } = x {
                let _ = write!(
                    title,
                    ", {} {m}",
                    ctx.t("超标倍数", "multiple over the limit")
                );
            }
            ("exceed", "✗")
        }
        Some(_) => ("ok", "✓"),
        None if j.correction_failed => {
            title.push_str(ctx.t(
                "，无法折算（缺氧含量或氧含量过高）",
                "; cannot correct (no or too high O2)",
            ));
            ("muted", "?")
        }
        None => ("", ""),
    };
    if let Some((t, l)) = &limit_text {
        let _ = write!(
            title,
            "; {} {t} {}{} ({}); {} {}",
            ctx.t("限值", "limit"),
            v.param.unit,
            l.reference_o2
                .map(|r| format!(" @O2 {r}%"))
                .unwrap_or_default(),
            l.standard,
            ctx.t("本月超标小时", "exceedance hours this month"),
            v.exceedance_hours
        );
    }
    let corrected_mark = if j.corrected.is_some() { "*" } else { "" };
    let limit_html = match &limit_text {
        Some((t, _)) => html!(r#" <span class="muted">/ {}</span>"#, t),
        None => Html::new(),
    };
    let hours = if v.limit.is_some() && v.exceedance_hours > 0 {
        html!(r#"<br><span class="exceed">{}h</span>"#, v.exceedance_hours)
    } else {
        Html::new()
    };
    html!(
        r#"<td class="num" title="{}"><span class="{2}">{}{3} {4}</span>{5}{6}</td>"#,
        &title,
        svg::fmt_num(shown),
        class,
        corrected_mark,
        mark,
        limit_html,
        hours
    )
}

pub fn emitters(store: &Store, ctx: &Ctx, _q: &Q) -> store::Result<Page> {
    let list = data::emitters_now(store, &ctx.tz, ctx.now)?;
    let mut b = Html::new();
    write_html!(b, r#"<p class="muted">{}</p>"#, ctx.t(
            "各排放口最新小时均值与排放限值比较（数值 / 限值）；带 * 的为按标准基准氧含量折算后的浓度。红色小时数为本月（本地自然月）超标小时数；完整率 = 本月有效小时 / 已过小时。未经审核的数据标注为“初步”。悬停或点按数值查看实测值、折算值、适用标准。",
            "Latest hourly mean of each outlet against its limit (value / limit); * marks concentrations corrected to the standard's reference O2. Red hours: exceedance hours this local calendar month; completeness = valid hours / hours elapsed this month. Values not yet reviewed are marked preliminary. Hover or tap a value for the measured and corrected values and the standard."
        ));
    for (kind, heading, params) in [
        (
            store::SiteKind::FlueGasOutlet,
            ctx.t("废气排放口", "Flue-gas outlets"),
            &data::FLUE_PARAMS[..],
        ),
        (
            store::SiteKind::WastewaterOutlet,
            ctx.t("废水排放口", "Wastewater outlets"),
            &data::WASTEWATER_PARAMS[..],
        ),
    ] {
        let outlets: Vec<(&data::EmitterNow, &data::OutletNow)> = list
            .iter()
            .flat_map(|e| {
                e.outlets
                    .iter()
                    .filter(|o| o.site.kind == kind)
                    .map(move |o| (e, o))
            })
            .collect();
        if outlets.is_empty() {
            continue;
        }
        write_html!(
            b,
            r#"<h2>{3}</h2><div class="scroll"><table class="outlets" id="{}"><tr><th>{}</th><th>{}</th>"#,
            kind.code(),
            ctx.t("单位 / 排放口", "Enterprise / outlet"),
            ctx.t("时间", "Hour"),
            heading
        );
        for p in params {
            let unit = if p.unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", p.unit)
            };
            write_html!(b, "<th>{}{}</th>", ctx.t(p.name_zh, p.name_en), &unit);
        }
        write_html!(
            b,
            "<th>{}</th><th>{}</th><th>{}</th></tr>",
            ctx.t("本月完整率", "Completeness"),
            ctx.t("适用标准", "Standard"),
            ctx.t("状态", "Status")
        );
        for (e, o) in outlets {
            let reviewed = o.preliminary.1 > 0 && o.preliminary.0 == 0;
            write_html!(
                b,
                r#"<tr><td>{}{}</td>"#,
                &e.enterprise.name,
                if o.site.simulated {
                    html!(
                        r#" <span class="muted">{}</span>"#,
                        ctx.t("(模拟)", "(simulated)")
                    )
                } else {
                    Html::new()
                }
            );
            match (&o.no_data, o.hour) {
                (None, Some(h)) => {
                    write_html!(
                        b,
                        r#"<td class="num">{}</td>"#,
                        ctx.time(h).get(5..).unwrap_or_default()
                    );
                    for v in &o.values {
                        b.push(&outlet_cell(ctx, v));
                    }
                }
                (n, _) => {
                    write_html!(
                        b,
                        r#"<td colspan="{}"><span class="badge" style="background:{3}">{}</span> {}</td>"#,
                        1 + o.values.len(),
                        ctx.t("无当前数据", "no current data"),
                        &n.as_ref().map(|n| no_data_text(ctx, n)).unwrap_or_default(),
                        GREY
                    );
                }
            }
            let valid = o.values.iter().map(|v| v.valid_hours).max().unwrap_or(0);
            let standard = o.values.iter().find_map(|v| v.limit.map(|l| l.standard));
            write_html!(
                b,
                r#"<td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
                pct(valid as f64, o.hours_elapsed as f64),
                standard.map(Html::text).unwrap_or_else(|| html!(
                    r#"<span class="muted">{}</span>"#,
                    ctx.t(
                        "行业标准未纳入标准库",
                        "sector standard not in the standards engine"
                    )
                )),
                if reviewed {
                    html!(r#"<span class="ok">{}</span>"#, ctx.t("已审核", "reviewed"))
                } else {
                    html!(
                        r#"<span class="prelim">{}</span>"#,
                        ctx.t("初步", "preliminary")
                    )
                }
            );
        }
        b.push_trusted("</table></div>");
    }
    if list.is_empty() {
        write_html!(
            b,
            "<p>{}</p>",
            ctx.t("尚未登记重点排污单位。", "No key emitter registered yet.")
        );
    }
    let sims: Vec<&Site> = list
        .iter()
        .flat_map(|e| e.outlets.iter().map(|o| &o.site))
        .collect();
    Ok(Page {
        title: ctx
            .t(
                "重点排污单位自动监测数据",
                "Key emitters: automatic monitoring",
            )
            .into(),
        body: b,
        simulated: simulated(&sims),
    })
}
