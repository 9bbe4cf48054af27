//! The water page: the share of good sections, each section's class, monthly class strips, drinking-water sources.

use super::*;

/// What the water page shows.
pub struct WaterView {
    /// Every water section and drinking-water source now.
    pub water: Vec<WaterNow>,
    /// The last twelve local months, oldest first.
    pub months: Vec<(i16, i8)>,
    /// Each site's monthly evaluations (by site id), for the months that have one.
    pub monthly: HashMap<String, BTreeMap<(i16, i8), standards::water::Evaluation>>,
}

/// Reads the water sites now and their last twelve months.
pub fn view(store: &Store, ctx: &Ctx, _q: &Q) -> store::Result<WaterView> {
    let water = data::water_now(store, ctx.now)?;
    let months = data::last_months(&ctx.tz, ctx.now, 12);
    let mut monthly = HashMap::new();
    for w in &water {
        let per = data::monthly_classes(store, &ctx.tz, &ctx.figures, &w.site, &months, ctx.now)?;
        monthly.insert(w.site.id.clone(), per);
    }
    Ok(WaterView {
        water,
        months,
        monthly,
    })
}

pub fn water(store: &Store, ctx: &Ctx, q: &Q) -> store::Result<Page> {
    Ok(render(ctx, &view(store, ctx, q)?))
}

/// The water page of `v`.
pub fn render(ctx: &Ctx, v: &WaterView) -> Page {
    let water = &v.water;
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
    let months = &v.months;
    let mut rows = Vec::new();
    let mut month_classes: BTreeMap<(i16, i8), Vec<WaterClass>> = BTreeMap::new();
    for w in sections.iter().chain(sources.iter()) {
        let empty = BTreeMap::new();
        let per = v.monthly.get(&w.site.id).unwrap_or(&empty);
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
    Page {
        title: ctx.t("水环境质量", "Water quality").into(),
        body: b,
        simulated: simulated(&sims),
    }
}
