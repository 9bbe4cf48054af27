//! The home page: the city now (AQI, good hours, stations by level, water), warnings, the map, sites without data.

use super::*;

/// What the home page shows.
pub struct HomeView {
    pub air: Vec<AirNow>,
    pub water: Vec<WaterNow>,
    /// Air stations averaged into the city's figures.
    pub city_stations: usize,
    /// The city's current hour: (hour, mean readings, AQI report).
    pub city: Option<(i64, HourlyReadings, AqiReport)>,
    /// Today's hours with a city AQI ≤ 100, and hours with a city AQI.
    pub good_hours: usize,
    pub valid_hours: usize,
    /// The heavy-pollution warning judged on the last 7 days.
    pub warning: data::CityWarning,
}

/// Reads what the home page shows.
pub fn view(store: &Store, ctx: &Ctx, _q: &Q) -> store::Result<HomeView> {
    let air = data::air_now(store, &ctx.tz, ctx.now)?;
    let water = data::water_now(store, ctx.now)?;
    let air_sites: Vec<&Site> = air
        .iter()
        .map(|a| &a.site)
        .filter(|s| data::in_city(&ctx.city_air_stations, &s.id))
        .collect();
    let city = data::city_now(&ctx.tz, &air, &ctx.city_air_stations);
    let today = data::local_date(&ctx.tz, ctx.now);
    let today_start = data::day_start(&ctx.tz, today);
    let hours = data::city_hours(store, &ctx.tz, &air_sites, today_start, ctx.now + 1)?;
    let good_hours = hours
        .values()
        .filter(|(_, r)| r.aqi.is_some_and(|a| a <= 100))
        .count();
    let valid_hours = hours.values().filter(|(_, r)| r.aqi.is_some()).count();
    let week_from = today
        .checked_sub(jiff::Span::new().days(6))
        .unwrap_or(today);
    let days = data::city_days(
        store,
        &ctx.figures,
        &ctx.tz,
        &air_sites,
        (week_from, today),
        ctx.now,
    )?;
    let city_stations = air_sites.len();
    Ok(HomeView {
        city_stations,
        city,
        good_hours,
        valid_hours,
        warning: data::city_warning(&days),
        air,
        water,
    })
}

pub fn home(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

/// The home page of `v`.
pub fn render(ctx: &Ctx, v: &HomeView) -> Page {
    let (air, water, city) = (&v.air, &v.water, &v.city);
    let (good_hours, valid_hours) = (v.good_hours, v.valid_hours);
    let mut b = Html::new();

    // City AQI now and today's summary.
    let mut by_level: BTreeMap<Level, usize> = BTreeMap::new();
    for a in air {
        if let Some(l) = a.level() {
            *by_level.entry(l).or_default() += 1;
        }
    }
    let no_air = air.iter().filter(|a| a.level().is_none()).count();
    b.push_trusted(r#"<section class="cards">"#);
    match city {
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
                    Lang::Zh => format!("{} 个站点浓度均值计算", v.city_stations),
                    Lang::En => format!("mean concentrations of {} stations", v.city_stations),
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
    let (aqis, scheme) = (&v.warning.aqis, &v.warning.scheme);
    write_html!(
        b,
        r#"<h2>{}</h2><div class="panel" id="warnings">"#,
        ctx.t("重污染天气预警", "Heavy-pollution weather warnings")
    );
    match &v.warning.decision {
        Some(w) => {
            let first = v
                .warning
                .first_day
                .map(|d| d.to_string())
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
    for a in air {
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
            href: ctx.href(&format!(
                "/air?station={}",
                crate::portal::urlencode(&a.site.id)
            )),
        });
    }
    for w in water {
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
    Page {
        title: ctx
            .t("全市环境质量实况", "Environmental quality now")
            .into(),
        body: b,
        simulated: simulated(&sims),
    }
}
